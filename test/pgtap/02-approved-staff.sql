-- Approved (SPEC 3.4): a staff member listed on the record in force, or a member of a
-- listed user role (directly or through other roles), sees the client and the chart.
-- An approval is for one record's client only. Vera (9000000001) lists :approved and
-- the user role :team; Otto (9000000003) lists :other_approved.
begin;
select plan(12);
\ir fixtures/clinic.psql

set local role :"approved";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'a staff member listed on the record sees the client'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(1),
  'a staff member listed on the record sees every chart row of the client'
);

select lives_ok(
  'select sequester.open_chart(9000000001)',
  'a staff member listed on the record opens the chart'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000003 $$,
  'a staff member listed on one client''s record does not see another sequestered client'
);

reset role;
set local role :"team_member";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'a direct member of a listed user role sees the client'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(1),
  'a direct member of a listed user role sees every chart row of the client'
);

reset role;
set local role :"nested";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'a member of a listed user role through another role sees the client'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(1),
  'a member of a listed user role through another role sees every chart row'
);

select lives_ok(
  'select sequester.open_chart(9000000001)',
  'a member of a listed user role through another role opens the chart'
);

reset role;
set local role :"other_approved";

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a staff member approved on a different client''s record does not see the client'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(0),
  'a staff member approved on a different client''s record sees none of the chart'
);

select results_eq(
  $$ select id from ehr.clients where id = 9000000003 $$,
  $$ values (9000000003::bigint) $$,
  'a staff member approved on a record sees that record''s client'
);

reset role;

select * from finish();
rollback;
