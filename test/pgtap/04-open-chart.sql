-- open_chart (SPEC 3.4): opens an unsequestered or approved chart; for a hidden client
-- it raises exactly what an ID that never existed raises, so the call cannot be used
-- to find out who is sequestered. Any role may call it.
begin;
select plan(9);
\ir fixtures/clinic.psql

\set nobody :prefix '_nobody'
create role :"nobody" login;

set local role :"ordinary";

select lives_ok(
  'select sequester.open_chart(9000000002)',
  'open_chart opens the chart of a client who is not sequestered'
);

select throws_ok(
  'select sequester.open_chart(9000009999)',
  'P0002',
  'client 9000009999 does not exist',
  'open_chart says that an ID that never existed does not exist'
);

select throws_ok(
  'select sequester.open_chart(9000000001)',
  'P0002',
  'client 9000000001 does not exist',
  'open_chart says that a hidden client does not exist'
);

select is(
  pg_temp.answer_of('select sequester.open_chart(9000000001)', 9000000001),
  pg_temp.answer_of('select sequester.open_chart(9000009999)', 9000009999),
  'open_chart raises the same SQLSTATE, message and hint for a hidden client as for an '
    || 'ID that never existed'
);

reset role;
set local role :"approved";

select lives_ok(
  'select sequester.open_chart(9000000001)',
  'open_chart opens a sequestered chart for an approved staff member'
);

reset role;
set local role :"nobody";

select lives_ok(
  'select sequester.open_chart(9000000002)',
  'a role with no privileges at all may call open_chart'
);

select is(
  pg_temp.answer_of('select sequester.open_chart(9000000001)', 9000000001),
  pg_temp.answer_of('select sequester.open_chart(9000009999)', 9000009999),
  'open_chart answers a role with no privileges the same for a hidden and an unknown ID'
);

reset role;
set local role :"viewer";

select is(
  pg_temp.answer_of('select sequester.open_chart(9000000001)', 9000000001),
  pg_temp.answer_of('select sequester.open_chart(9000009999)', 9000009999),
  'open_chart answers a list viewer who is not approved as if the client did not exist'
);

reset role;

-- Otto's record lists a staff member and no user role.
select lives_ok(
  'select sequester.open_chart(9000000003)',
  'open_chart opens any chart for a superuser, who sees every client'
);

select * from finish();
rollback;
