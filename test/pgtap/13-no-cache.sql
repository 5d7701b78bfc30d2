-- No cache (SPEC 1, 3.4): a change to the list, or to role membership, takes effect on
-- the staff member's next statement, even inside one transaction; nothing is refreshed.
begin;
select plan(11);
\ir fixtures/clinic.psql

insert into ehr.clients (id, first_name, last_name, birth_date) values
  (9000000031, 'Ian', 'Ending', '1990-01-01');
insert into sequester.client_access (client_id, start_date)
values (9000000031, sequester.today() - 3)
returning id as ian_record
\gset

set local role :"ordinary";

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'before the approval the staff member does not see the client'
);

reset role;
set local role :"editor";

select lives_ok(
  format('select sequester.add_staff(%s, %L)', :vera_record, :'ordinary'),
  'an editor approves the staff member'
);

reset role;
set local role :"ordinary";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'the staff member''s next statement sees the client just approved'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(1),
  'the staff member''s next statement sees the chart just approved'
);

reset role;
set local role :"editor";

select lives_ok(
  format('select sequester.remove_staff(%s, %L)', :vera_record, :'ordinary'),
  'an editor removes the approval'
);

reset role;
set local role :"ordinary";

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'the staff member''s next statement no longer sees the client'
);

reset role;
grant :"team" to :"ordinary";
set local role :"ordinary";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'a staff member granted a listed user role sees the client on the next statement'
);

reset role;
revoke :"team" from :"ordinary";
set local role :"ordinary";

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a staff member whose listed user role is revoked loses sight on the next statement'
);

reset role;
set local role :"editor";

select lives_ok(
  format('select sequester.end_sequester(%s)', :ian_record),
  'an editor ends a sequester today'
);

insert into sequester.client_access (client_id, start_date)
values (9000000002, sequester.today());

reset role;
set local role :"ordinary";

select results_eq(
  $$ select id from ehr.clients where id = 9000000031 $$,
  $$ values (9000000031::bigint) $$,
  'a client whose sequester was just ended is visible on the next statement'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000002 $$,
  'a client just sequestered is hidden on the next statement'
);

reset role;

select * from finish();
rollback;
