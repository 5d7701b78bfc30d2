-- Hidden (SPEC 3.4): to a staff member who is not approved, a sequestered client does
-- not exist: not by ID, not by name, not in a count, not in any chart table, and not
-- through a view the staff member makes. Vera (9000000001) and Otto (9000000003) are
-- sequestered; Paul (9000000002) is not.
begin;
select plan(13);
\ir fixtures/clinic.psql

select ok(
  array['ehr.conditions', 'ehr.encounters', 'ehr.medications', 'ehr.procedures',
    'ehr.progress_notes'] <@ array(select chart_table from protected_chart),
  'every chart table of the reference schema is protected'
);

-- A view made by the staff member runs as the staff member; so does a security_invoker
-- view, whoever owns it (here the superuser). A plain view owned by a superuser or a
-- BYPASSRLS role does bypass the rules: sequester.doctor() reports those.
create temp view invoker_clients with (security_invoker) as select * from ehr.clients;
create temp view invoker_notes with (security_invoker) as select * from ehr.progress_notes;
grant select on invoker_clients, invoker_notes to public;

set local role :"ordinary";

create temp view my_clients as select * from ehr.clients;
create temp view my_notes as select * from ehr.progress_notes;

select is_empty(
  $$ select id from ehr.clients where id in (9000000001, 9000000003) $$,
  'an unapproved staff member cannot find a hidden client by ID'
);

select results_eq(
  $$ select id from ehr.clients where search_name like 'sequestra %' order by id $$,
  $$ values (9000000002::bigint) $$,
  'an unapproved staff member cannot find a hidden client by a name search'
);

select is_empty(
  $$ select id from ehr.clients where first_name ilike '%ver%' and last_name = 'Sequestra' $$,
  'an unapproved staff member cannot find a hidden client by part of a name'
);

select is(
  (select count(*) from ehr.clients where last_name = 'Sequestra'),
  1::bigint,
  'an unapproved staff member cannot count hidden clients'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(0),
  'an unapproved staff member sees no row of a hidden client in any chart table'
);

select is(
  pg_temp.chart_rows(9000000002),
  pg_temp.every_chart(1),
  'an unapproved staff member sees every chart row of a client who is not sequestered'
);

select results_eq(
  $$
    select e.client_id
    from ehr.encounters e
    left join ehr.clients c on c.id = e.client_id
    where e.client_id between 9000000001 and 9000000003
  $$,
  $$ values (9000000002::bigint) $$,
  'an unapproved staff member finds no hidden client by joining a chart table to clients'
);

-- A condition that fails on the hidden row: had it run before the rule, the error
-- would reveal that the row is there.
select lives_ok(
  $$
    select count(*) from ehr.clients
    where last_name = 'Sequestra' and 1 / (id - 9000000001) is not null
  $$,
  'a condition of the staff member''s own never runs on a hidden client''s row'
);

select is_empty(
  $$ select id from my_clients where id = 9000000001 $$,
  'a view that an unapproved staff member creates does not show a hidden client'
);

select is_empty(
  $$ select id from my_notes where client_id = 9000000001 $$,
  'a view that an unapproved staff member creates does not show a hidden chart'
);

select is_empty(
  $$ select id from invoker_clients where id = 9000000001 $$,
  'a security_invoker view over the clients table does not show a hidden client'
);

select is_empty(
  $$ select id from invoker_notes where client_id = 9000000001 $$,
  'a security_invoker view over a chart table does not show a hidden chart'
);

reset role;

select * from finish();
rollback;
