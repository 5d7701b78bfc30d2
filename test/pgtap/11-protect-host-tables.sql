-- Protecting a host application's own tables (SPEC 3.5): protect_chart and
-- protect_clients attach the same rules to any table; repeating a call changes nothing;
-- unprotect removes the package's policies and puts row-level security back as it was;
-- a table that cannot be protected is refused with a clear error.
begin;
select plan(25);
\ir fixtures/clinic.psql

-- The policies on a table, in a form two snapshots can be compared in.
create function pg_temp.policies_of(p_table regclass)
returns jsonb
language sql
stable
as $$
  select coalesce(jsonb_agg(jsonb_build_array(p.polname, p.polcmd, p.polpermissive,
      pg_get_expr(p.polqual, p.polrelid), pg_get_expr(p.polwithcheck, p.polrelid))
    order by p.polname), '[]')
  from pg_policy p
  where p.polrelid = p_table;
$$;

create function pg_temp.rls_of(p_table regclass)
returns text
language sql
stable
as $$
  select format('enabled %s, forced %s', c.relrowsecurity::text, c.relforcerowsecurity::text)
  from pg_class c
  where c.oid = p_table;
$$;

create schema pgtap_host;
grant usage on schema pgtap_host to ehr_user;

create table pgtap_host.visits (id serial primary key, patient bigint not null, note text);
insert into pgtap_host.visits (patient, note)
values (9000000001, 'visit'), (9000000002, 'visit');

-- A table with row-level security of its own, enabled but not forced.
create table pgtap_host.letters (id serial primary key, patient bigint not null, body text);
insert into pgtap_host.letters (patient, body)
values (9000000001, 'letter'), (9000000002, 'letter');
alter table pgtap_host.letters enable row level security;
create policy "staff read letters" on pgtap_host.letters for select using (true);

create table pgtap_host.tagged (id serial primary key, patient text not null);

create table pgtap_host.partitioned (patient bigint not null, note text)
  partition by range (patient);
create table pgtap_host.partitioned_low partition of pgtap_host.partitioned
  for values from (minvalue) to (9000000002);
create table pgtap_host.partitioned_high partition of pgtap_host.partitioned
  for values from (9000000002) to (maxvalue);
insert into pgtap_host.partitioned values (9000000001, 'visit'), (9000000002, 'visit');

grant select on all tables in schema pgtap_host to ehr_user;

select pg_temp.policies_of('pgtap_host.letters') as letters_before
\gset

select lives_ok(
  $$ select sequester.protect_chart('pgtap_host.visits', 'patient') $$,
  'protect_chart protects a host application''s chart table'
);

select pg_temp.policies_of('pgtap_host.visits') as visits_protected
\gset

select lives_ok(
  $$ select sequester.protect_chart('pgtap_host.visits', 'patient') $$,
  'protect_chart may be called again on the same table'
);

select is(
  pg_temp.policies_of('pgtap_host.visits'),
  :'visits_protected'::jsonb,
  'protecting a table a second time leaves the same policies'
);

select lives_ok(
  $$ select sequester.protect_chart('pgtap_host.letters', 'patient') $$,
  'protect_chart protects a host table that has row-level security of its own'
);

set local role :"ordinary";

select results_eq(
  $$ select patient from pgtap_host.visits order by patient $$,
  $$ values (9000000002::bigint) $$,
  'a protected host chart table hides a hidden client''s rows from unapproved staff'
);

select results_eq(
  $$ select patient from pgtap_host.letters order by patient $$,
  $$ values (9000000002::bigint) $$,
  'the rules narrow a host table''s own row-level security'
);

reset role;
set local role :"approved";

select results_eq(
  $$ select patient from pgtap_host.visits order by patient $$,
  $$ values (9000000001::bigint), (9000000002) $$,
  'a protected host chart table shows the rows to approved staff'
);

reset role;

select lives_ok(
  $$ select sequester.unprotect('pgtap_host.visits') $$,
  'unprotect removes the rules from a host table'
);

select is(
  pg_temp.policies_of('pgtap_host.visits'),
  '[]'::jsonb,
  'unprotect leaves none of the package''s policies on a table that had none'
);

select is(
  pg_temp.rls_of('pgtap_host.visits'),
  'enabled false, forced false',
  'unprotect turns row-level security back off on a table that had it off, even after '
    || 'protect was called twice'
);

set local client_min_messages = warning;

select lives_ok(
  $$ select sequester.unprotect('pgtap_host.letters') $$,
  'unprotect removes the rules from a host table with row-level security of its own'
);

reset client_min_messages;

select is(
  pg_temp.policies_of('pgtap_host.letters'),
  :'letters_before'::jsonb,
  'unprotect leaves a host table''s own policies as they were'
);

select is(
  pg_temp.rls_of('pgtap_host.letters'),
  'enabled true, forced false',
  'unprotect leaves row-level security on, unforced, on a table that had it so'
);

select throws_ok(
  $$ select sequester.protect_chart('pgtap_host.tagged', 'patient') $$,
  '42804',
  'column patient of pgtap_host.tagged is text, not an integer client ID',
  'protect_chart refuses a client column that is not an integer'
);

select throws_ok(
  $$ select sequester.protect_chart('pgtap_host.visits', 'client') $$,
  '42703',
  'table pgtap_host.visits has no column client',
  'protect_chart refuses a column that does not exist'
);

select throws_ok(
  $$ select sequester.protect_clients('pgtap_host.visits', 'id') $$,
  '55000',
  'ehr.clients is already the protected clients table',
  'protect_clients refuses a second clients table'
);

-- Partitions are tables of their own: a policy on the parent does not bind a query
-- that names a partition.
select lives_ok(
  $$ select sequester.protect_chart('pgtap_host.partitioned', 'patient') $$,
  'protect_chart protects a partitioned chart table'
);

set local role :"ordinary";

select is_empty(
  $$ select patient from pgtap_host.partitioned_low where patient = 9000000001 $$,
  'a partition of a protected chart table hides a hidden client''s rows when queried '
    || 'directly'
);

reset role;

-- The database without the reference schema's protection: a host with its own tables.
do $$
begin
  perform sequester.unprotect(p.relid) from sequester.protected_table p where p.kind = 'chart';
  perform sequester.unprotect('ehr.clients');
end;
$$;

select throws_ok(
  $$ select sequester.protect_chart('pgtap_host.visits', 'patient') $$,
  '55000',
  'no clients table is protected yet',
  'protect_chart before any clients table is protected is refused'
);

create table pgtap_host.patients as
select id, first_name, last_name, birth_date from ehr.clients;
alter table pgtap_host.patients add primary key (id);
grant select on pgtap_host.patients to ehr_user;

select lives_ok(
  $$ select sequester.protect_clients('pgtap_host.patients', 'id') $$,
  'protect_clients protects a host application''s clients table'
);

select pg_temp.policies_of('pgtap_host.patients') as patients_protected
\gset

select lives_ok(
  $$ select sequester.protect_clients('pgtap_host.patients', 'id') $$,
  'protect_clients may be called again on the same table'
);

select is(
  pg_temp.policies_of('pgtap_host.patients'),
  :'patients_protected'::jsonb,
  'protecting a clients table a second time leaves the same policies'
);

select lives_ok(
  $$ select sequester.protect_chart('pgtap_host.visits', 'patient') $$,
  'protect_chart protects a chart table of the host clients table'
);

set local role :"ordinary";

select results_eq(
  $$ select id from pgtap_host.patients where id between 9000000001 and 9000000003 $$,
  $$ values (9000000002::bigint) $$,
  'a protected host clients table hides a hidden client from unapproved staff'
);

select results_eq(
  $$ select patient from pgtap_host.visits order by patient $$,
  $$ values (9000000002::bigint) $$,
  'a chart table protected after the host clients table follows the same list'
);

reset role;

select * from finish();
rollback;
