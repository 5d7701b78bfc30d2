-- Who the rules bind (SPEC 3.4): every protected table uses FORCE ROW LEVEL SECURITY,
-- so its owner is bound like anyone else; superusers and BYPASSRLS roles see everything.
begin;
select plan(9);
\ir fixtures/clinic.psql

\set owner :prefix '_owner'
\set bypass :prefix '_bypass'
create role :"owner" login;
grant usage on schema ehr to :"owner";
create role :"bypass" login bypassrls in role ehr_user;

select is_empty(
  $$
    select p.relid::regclass::text
    from sequester.protected_table p
    join pg_class c on c.oid = p.relid
    where not (c.relrowsecurity and c.relforcerowsecurity)
  $$,
  'every protected table has row-level security enabled and forced'
);

-- A non-superuser owner, as a host application's tables usually have.
alter table ehr.clients owner to :"owner";
alter table ehr.progress_notes owner to :"owner";
alter table ehr.encounters owner to :"owner";

set local role :"owner";

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'the owner of the clients table does not see a hidden client'
);

select is_empty(
  $$ select id from ehr.progress_notes where client_id = 9000000001 $$,
  'the owner of a chart table does not see a hidden chart'
);

select throws_ok(
  $$ insert into ehr.encounters (client_id, started_at) values (9000000001, now()) $$,
  '42501',
  'new row violates row-level security policy '
    || '"0 sequestered charts are hidden from unapproved staff" for table "encounters"',
  'the owner of a chart table cannot add to a hidden chart'
);

reset role;
set local role :"bypass";

select results_eq(
  $$ select id from ehr.clients where id in (9000000001, 9000000003) order by id $$,
  $$ values (9000000001::bigint), (9000000003) $$,
  'a BYPASSRLS role sees sequestered clients'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(1),
  'a BYPASSRLS role sees every chart row of a sequestered client'
);

select lives_ok(
  'select sequester.open_chart(9000000003)',
  'open_chart opens a sequestered chart for a BYPASSRLS role, which sees every client'
);

reset role;

select results_eq(
  $$ select id from ehr.clients where id in (9000000001, 9000000003) order by id $$,
  $$ values (9000000001::bigint), (9000000003) $$,
  'a superuser sees sequestered clients'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(1),
  'a superuser sees every chart row of a sequestered client'
);

select * from finish();
rollback;
