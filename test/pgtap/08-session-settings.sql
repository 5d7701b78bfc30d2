-- Nothing a session can set changes what it sees (SPEC 3.4): not search_path, not
-- TimeZone, not row_security, not planner settings, not the role it switches to, not
-- a statement prepared earlier by someone else.
begin;
select plan(9);
\ir fixtures/clinic.psql

set local role :"approved";
prepare pgtap_vera as select id from ehr.clients where id = 9000000001;
reset role;

set local role :"ordinary";

set local search_path = pg_temp, ehr, sequester, public;

select is_empty(
  $$ select id from clients where id = 9000000001 $$,
  'a staff member who changes search_path still cannot find a hidden client'
);

reset search_path;
set local timezone = 'Pacific/Kiritimati';

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a staff member who changes TimeZone still cannot find a hidden client'
);

reset timezone;
set local enable_seqscan = off;
set local enable_bitmapscan = off;

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a staff member who forces an index scan still cannot find a hidden client'
);

reset enable_seqscan;
reset enable_bitmapscan;
set local enable_indexscan = off;
set local enable_indexonlyscan = off;
set local enable_bitmapscan = off;

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a staff member who forces a sequential scan still cannot find a hidden client'
);

reset enable_indexscan;
reset enable_indexonlyscan;
reset enable_bitmapscan;
set local row_security = off;

select throws_ok(
  $$ select id from ehr.clients where id = 9000000001 $$,
  '42501',
  'query would be affected by row-level security policy for table "clients"',
  'a staff member who turns row_security off gets an error, not the hidden rows'
);

reset role;
set local role :"approved";

select is(
  pg_temp.answer_of($$ select id from ehr.clients where id = 9000000001 $$, 9000000001),
  pg_temp.answer_of($$ select id from ehr.clients where id = 9000000002 $$, 9000000002),
  'row_security off fails alike for a sequestered and an ordinary client, so it reveals '
    || 'nothing'
);

reset row_security;
reset role;
set local role :"ordinary";

select results_eq(
  'pgtap_vera',
  $$ select 1::bigint where false $$,
  'a statement prepared by an approved staff member shows nothing hidden when executed '
    || 'by another'
);

set local role ehr_user;

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a staff member who switches to the ehr_user role still cannot find a hidden client'
);

reset role;
set local role :"approved";

select results_eq(
  'pgtap_vera',
  $$ values (9000000001::bigint) $$,
  'the prepared statement shows the client again to the approved staff member'
);

reset role;
deallocate pgtap_vera;

select * from finish();
rollback;
