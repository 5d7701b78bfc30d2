-- Package roles (SPEC 3.3): a viewer reads the list but cannot change it; an editor
-- creates, approves and ends; an auditor reads the trail. None of them, on its own,
-- sees a sequestered client or chart.
begin;
select plan(17);
\ir fixtures/clinic.psql

insert into ehr.clients (id, first_name, last_name, birth_date) values
  (9000000021, 'Ida', 'Ending', '1990-01-01');
insert into sequester.client_access (client_id, start_date)
values (9000000021, sequester.today() - 3)
returning id as ida_record
\gset

set local role :"viewer";

select results_eq(
  format('select client_id from sequester.client_access where id = %s', :vera_record),
  $$ values (9000000001::bigint) $$,
  'a viewer reads the Client Access List'
);

select results_eq(
  format('select staff::text from sequester.client_access_staff where client_access_id = %s',
    :vera_record),
  format('values (%L)', :'approved'),
  'a viewer reads who is approved on a record'
);

select results_eq(
  'select display_name, birth_date from sequester.confirm_client(9000000001)',
  $$ values ('Vera Sequestra', '1981-02-03'::date) $$,
  'a viewer confirms a client by ID (name and date of birth only)'
);

select throws_ok(
  $$
    insert into sequester.client_access (client_id, start_date)
    values (9000000002, sequester.today())
  $$,
  '42501',
  'permission denied for table client_access',
  'a viewer cannot create a record'
);

select throws_ok(
  format('update sequester.client_access set comments = %L where id = %s', 'x', :vera_record),
  '42501',
  'permission denied for table client_access',
  'a viewer cannot change a record'
);

select throws_ok(
  format('select sequester.add_staff(%s, %L)', :vera_record, :'ordinary'),
  '42501',
  'permission denied for function add_staff',
  'a viewer cannot approve a staff member'
);

select throws_ok(
  format('delete from sequester.client_access_staff where client_access_id = %s',
    :vera_record),
  '42501',
  'permission denied for table client_access_staff',
  'a viewer cannot remove an approval'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a viewer does not see a sequestered client'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(0),
  'a viewer sees none of a sequestered chart'
);

reset role;
set local role :"editor";

select lives_ok(
  $$
    insert into sequester.client_access (client_id, start_date, comments)
    values (9000000002, sequester.today() + 1, 'from the editor')
  $$,
  'an editor creates a record'
);

select lives_ok(
  format('select sequester.add_staff(%s, %L)', :vera_record, :'other_approved'),
  'an editor approves a staff member'
);

select lives_ok(
  format('select sequester.end_sequester(%s)', :ida_record),
  'an editor ends a sequester'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'an editor does not see a sequestered client'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(0),
  'an editor sees none of a sequestered chart'
);

reset role;
set local role :"auditor";

select is(
  (select count(*) from sequester.audit_log
    where client_access_id = :vera_record and action = 'client_access_staff.insert'
      and actor = :'editor' and after ->> 'staff' = :'other_approved'),
  1::bigint,
  'an auditor reads the trail, which names the editor who approved'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'an auditor does not see a sequestered client'
);

select is(
  pg_temp.chart_rows(9000000001),
  pg_temp.every_chart(0),
  'an auditor sees none of a sequestered chart'
);

reset role;

select * from finish();
rollback;
