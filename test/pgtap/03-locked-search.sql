-- Listed but locked (SPEC 3.4, mode 2): a member of sequester_locked_search finds a
-- sequestered client in search, but sees none of the chart, cannot change the client,
-- and open_chart refuses with the permission message.
begin;
select plan(11);
\ir fixtures/clinic.psql

\set locked_group :prefix '_locked_group'
\set locked_nested :prefix '_locked_nested'
create role :"locked_group" nologin in role sequester_locked_search;
create role :"locked_nested" login in role ehr_user, :"locked_group";

set local role :"locked";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'a locked-search member finds a sequestered client by ID'
);

select results_eq(
  $$ select id from ehr.clients where search_name like 'sequestra %' order by id $$,
  $$ values (9000000001::bigint), (9000000002), (9000000003) $$,
  'a locked-search member finds sequestered clients by a name search'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(0),
  'a locked-search member sees no row of a sequestered client''s chart'
);

select throws_ok(
  'select sequester.open_chart(9000000001)',
  '42501',
  'You do not have permission to view this client''s chart',
  'open_chart refuses a locked-search member with the permission message'
);

select throws_ok(
  'select sequester.open_chart(9000009999)',
  'P0002',
  'client 9000009999 does not exist',
  'open_chart tells a locked-search member that an unknown ID does not exist'
);

select lives_ok(
  'select sequester.open_chart(9000000002)',
  'a locked-search member opens the chart of a client who is not sequestered'
);

select is(
  pg_temp.rows_affected(
    $$ update ehr.clients set phone = '555-0100' where id = 9000000001 $$),
  0::bigint,
  'a locked-search member cannot change a sequestered client'
);

select throws_ok(
  $$ insert into ehr.progress_notes (client_id, note) values (9000000001, 'note') $$,
  '42501',
  'new row violates row-level security policy '
    || '"0 sequestered charts are hidden from unapproved staff" for table "progress_notes"',
  'a locked-search member cannot add to a sequestered client''s chart'
);

select results_eq(
  $$
    select id from generate_series(9000000001::bigint, 9000000004) id
    where sequester.finds_client(id) order by 1
  $$,
  $$ values (9000000001::bigint), (9000000002), (9000000003) $$,
  'sequester.finds_client finds sequestered clients, and only existing ones, '
    || 'for a locked-search member'
);

reset role;
set local role :"locked_nested";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'a member of sequester_locked_search through another role finds a sequestered client'
);

select throws_ok(
  'select sequester.open_chart(9000000001)',
  '42501',
  'You do not have permission to view this client''s chart',
  'open_chart refuses a locked-search member through another role'
);

reset role;

select * from finish();
rollback;
