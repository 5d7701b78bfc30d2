-- The Client Access List (SPEC 3.2): one record in force per client per day, an end
-- date after the start date, only clients that exist, only roles that exist; roles are
-- kept by identity, so a rename keeps an approval and a new role of a dropped role's
-- name gets nothing. Records are written here as a sequester_editor.
begin;
select plan(14);
\ir fixtures/clinic.psql

\set renamed :prefix '_renamed'
\set team_renamed :prefix '_team_renamed'
\set reborn :prefix '_reborn'
\set reborn_team :prefix '_reborn_team'
\set reborn_member :prefix '_reborn_member'

set local role :"editor";

select throws_ok(
  $$
    insert into sequester.client_access (client_id, start_date)
    values (9000000001, sequester.today() + 5)
  $$,
  '23P01',
  'client 9000000001 already has a sequester record for these dates: Sequence ID '
    || :vera_record,
  'an overlapping record is refused with a message naming the Sequence ID it overlaps'
);

insert into sequester.client_access (client_id, start_date, end_date)
values (9000000002, sequester.today() + 10, sequester.today() + 20)
returning id as paul_first
\gset

select lives_ok(
  $$
    insert into sequester.client_access (client_id, start_date)
    values (9000000002, sequester.today() + 20)
  $$,
  'a record that starts on the end date of the previous one is accepted'
);

select throws_ok(
  format(
    'update sequester.client_access set end_date = sequester.today() + 25 where id = %s',
    :paul_first),
  '23P01',
  'client 9000000002 already has a sequester record for these dates: Sequence ID '
    || (select id from sequester.client_access
        where client_id = 9000000002 and start_date = sequester.today() + 20),
  'a change of dates that makes two records overlap is refused, naming the other record'
);

select throws_ok(
  $$
    insert into sequester.client_access (client_id, start_date, end_date)
    values (9000000002, sequester.today() + 40, sequester.today() + 40)
  $$,
  '23514',
  format('the end date %s is not after the start date %s',
    sequester.today() + 40, sequester.today() + 40),
  'an end date on the start date is refused with a message that says so'
);

select throws_ok(
  $$
    insert into sequester.client_access (client_id, start_date, end_date)
    values (9000000002, sequester.today() + 40, sequester.today() + 39)
  $$,
  '23514',
  format('the end date %s is not after the start date %s',
    sequester.today() + 39, sequester.today() + 40),
  'an end date before the start date is refused with a message that says so'
);

select throws_ok(
  $$
    insert into sequester.client_access (client_id, start_date)
    values (9000009999, sequester.today())
  $$,
  '23503',
  'client 9000009999 does not exist',
  'a record for a client that does not exist is refused'
);

select throws_ok(
  format('select sequester.add_staff(%s, %L)', :vera_record, 'pgtap_no_such_role'),
  '42704',
  'staff member "pgtap_no_such_role" does not exist',
  'approving a staff member whose role does not exist is refused'
);

select throws_ok(
  format('select sequester.add_user_role(%s, %L)', :vera_record, 'pgtap_no_such_role'),
  '42704',
  'user role "pgtap_no_such_role" does not exist',
  'approving a user role that does not exist is refused'
);

reset role;

-- Renames, as an administrator would make them.
alter role :"approved" rename to :"renamed";
alter role :"team" rename to :"team_renamed";

set local role :"renamed";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'a renamed staff member keeps the approval'
);

reset role;
set local role :"team_member";

select results_eq(
  $$ select id from ehr.clients where id = 9000000001 $$,
  $$ values (9000000001::bigint) $$,
  'members of a renamed user role keep the approval'
);

reset role;

-- A staff member and a user role approved on Otto's record, then dropped and made
-- again under the same names.
create role :"reborn" login in role ehr_user;
create role :"reborn_team" nologin;
insert into sequester.client_access_staff (client_access_id, staff)
values (:otto_record, :'reborn');
insert into sequester.client_access_role (client_access_id, user_role)
values (:otto_record, :'reborn_team');
drop role :"reborn";
drop role :"reborn_team";
create role :"reborn" login in role ehr_user;
create role :"reborn_team" nologin;
create role :"reborn_member" login in role ehr_user, :"reborn_team";

set local role :"reborn";

select is_empty(
  $$ select id from ehr.clients where id = 9000000003 $$,
  'a new role with the name of a dropped approved staff member gets no approval'
);

reset role;
set local role :"reborn_member";

select is_empty(
  $$ select id from ehr.clients where id = 9000000003 $$,
  'members of a new role with the name of a dropped approved user role get no approval'
);

reset role;

select is_empty(
  format('select 1 from sequester.client_access_staff where client_access_id = %s '
    || 'and staff::text = %L', :otto_record, :'reborn'),
  'the dropped staff member''s approval does not show the new role''s name'
);

set local role :"editor";

select lives_ok(
  format('select sequester.add_staff(%s, %L)', :otto_record, :'reborn'),
  'the new role can be approved in its own right'
);

reset role;

select * from finish();
rollback;
