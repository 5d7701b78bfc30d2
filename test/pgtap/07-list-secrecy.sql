-- The list is secret (SPEC 3.4): an ordinary staff member cannot read the Client Access
-- List, its staff, its user roles or the audit trail, cannot call the administrators'
-- functions, and learns from the visibility tests only what they may see anyway.
begin;
select plan(18);
\ir fixtures/clinic.psql

analyze ehr.clients;

set local role :"ordinary";

select throws_ok(
  'select * from sequester.client_access',
  '42501',
  'permission denied for table client_access',
  'an ordinary staff member cannot read the Client Access List'
);

select throws_ok(
  'select * from sequester.client_access_staff',
  '42501',
  'permission denied for table client_access_staff',
  'an ordinary staff member cannot read who is approved on a record'
);

select throws_ok(
  'select * from sequester.client_access_role',
  '42501',
  'permission denied for table client_access_role',
  'an ordinary staff member cannot read which user roles are approved on a record'
);

select throws_ok(
  'select * from sequester.audit_log',
  '42501',
  'permission denied for table audit_log',
  'an ordinary staff member cannot read the audit trail'
);

select throws_ok(
  'select * from sequester.protected_table',
  '42501',
  'permission denied for table protected_table',
  'an ordinary staff member cannot read the registry of protected tables'
);

select throws_ok(
  'select * from sequester.confirm_client(9000000001)',
  '42501',
  'permission denied for function confirm_client',
  'an ordinary staff member cannot call confirm_client'
);

select throws_ok(
  'select sequester.client_exists(9000000001)',
  '42501',
  'permission denied for function client_exists',
  'an ordinary staff member cannot call client_exists'
);

select throws_ok(
  format('select sequester.add_staff(%s, %L)', :vera_record, :'ordinary'),
  '42501',
  'permission denied for function add_staff',
  'an ordinary staff member cannot approve anyone'
);

select throws_ok(
  format('select sequester.end_sequester(%s)', :vera_record),
  '42501',
  'permission denied for function end_sequester',
  'an ordinary staff member cannot end a sequester'
);

select throws_ok(
  $$ insert into sequester.client_access (client_id, start_date) values (9000000002, now()) $$,
  '42501',
  'permission denied for table client_access',
  'an ordinary staff member cannot sequester a client'
);

select throws_ok(
  $$ update sequester.settings set time_zone = 'Pacific/Kiritimati' $$,
  '42501',
  'permission denied for table settings',
  'an ordinary staff member cannot move the organization''s time zone'
);

select is(
  pg_temp.answer_of('select * from sequester.confirm_client(9000000001)', 9000000001),
  pg_temp.answer_of('select * from sequester.confirm_client(9000009999)', 9000009999),
  'confirm_client answers an ordinary staff member the same for a hidden and an unknown ID'
);

select is(
  pg_temp.answer_of('select sequester.client_exists(9000000001)', 9000000001),
  pg_temp.answer_of('select sequester.client_exists(9000009999)', 9000009999),
  'client_exists answers an ordinary staff member the same for a hidden and an unknown ID'
);

select results_eq(
  $$
    select id from generate_series(9000000001::bigint, 9000000004) id
    where sequester.sees_chart(id)
  $$,
  $$ values (9000000002::bigint) $$,
  'sequester.sees_chart answers yes only for the clients the staff member may see'
);

select results_eq(
  $$
    select id from generate_series(9000000001::bigint, 9000000004) id
    where sequester.finds_client(id)
  $$,
  $$ values (9000000002::bigint) $$,
  'sequester.finds_client answers yes only for the clients the staff member may see'
);

select is(
  pg_temp.answer_of(
    format('select sequester.sees_chart(9000000001, %L)', :'approved'), 9000000001),
  pg_temp.answer_of(
    format('select sequester.sees_chart(9000009999, %L)', :'approved'), 9000009999),
  'naming an approved colleague gets a staff member the answer of an unknown ID'
);

select is(
  pg_temp.answer_of(
    format('select sequester.finds_client(9000000001, %L)', :'locked'), 9000000001),
  pg_temp.answer_of(
    format('select sequester.finds_client(9000009999, %L)', :'locked'), 9000009999),
  'naming a locked-search colleague gets a staff member the answer of an unknown ID'
);

-- Column statistics hold sample values (names, birth dates) of every row.
select is_empty(
  $$ select attname from pg_stats where schemaname = 'ehr' and tablename = 'clients' $$,
  'an ordinary staff member cannot read the column statistics of the clients table'
);

reset role;

select * from finish();
rollback;
