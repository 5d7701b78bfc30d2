-- Effective dates (SPEC 3.2, 3.4): a record is in force on start_date <= day < end_date,
-- where the day is sequester.today(), the date in the organization's time zone
-- (sequester.settings.time_zone), never the session's TimeZone.
begin;
select plan(10);
\ir fixtures/clinic.psql

insert into ehr.clients (id, first_name, last_name, birth_date) values
  (9000000011, 'Fay', 'Future', '1990-01-01'),
  (9000000012, 'Ned', 'Ended', '1990-01-01'),
  (9000000013, 'Eve', 'Ending', '1990-01-01'),
  (9000000014, 'Kit', 'Kiritimati', '1990-01-01');

insert into ehr.progress_notes (client_id, note) values (9000000012, 'progress note');

insert into sequester.client_access (client_id, start_date, end_date) values
  (9000000011, sequester.today() + 1, null),
  (9000000012, sequester.today() - 10, sequester.today()),
  (9000000013, sequester.today() - 10, sequester.today() + 1);

set local role :"ordinary";

select results_eq(
  $$ select id from ehr.clients where id = 9000000011 $$,
  $$ values (9000000011::bigint) $$,
  'a client is not sequestered before the start date'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000001 $$,
  'a client is sequestered on the start date'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000013 $$,
  'a client is still sequestered on the day before the end date'
);

select results_eq(
  $$ select id from ehr.clients where id = 9000000012 $$,
  $$ values (9000000012::bigint) $$,
  'the sequester lifts on the end date'
);

select results_eq(
  $$ select client_id from ehr.progress_notes where client_id = 9000000012 $$,
  $$ values (9000000012::bigint) $$,
  'the chart is visible again on the end date'
);

reset role;

-- Kiritimati (UTC+14) is always a day or two ahead of Pago Pago (UTC-11).
update sequester.settings set time_zone = 'Pacific/Kiritimati';
insert into sequester.client_access (client_id, start_date)
values (9000000014, sequester.today());

set local role :"ordinary";

select is(
  sequester.today(),
  (now() at time zone 'Pacific/Kiritimati')::date,
  'today is the date in the organization''s time zone'
);

set local timezone = 'Pacific/Pago_Pago';

select is(
  sequester.today(),
  (now() at time zone 'Pacific/Kiritimati')::date,
  'the session''s TimeZone does not change today'
);

select is_empty(
  $$ select id from ehr.clients where id = 9000000014 $$,
  'a sequester that starts today in the organization''s time zone is in force whatever '
    || 'the session''s TimeZone'
);

reset role;

update sequester.settings set time_zone = 'Pacific/Pago_Pago';

set local role :"ordinary";
set local timezone = 'Pacific/Kiritimati';

select results_eq(
  $$ select id from ehr.clients where id = 9000000014 $$,
  $$ values (9000000014::bigint) $$,
  'a sequester that starts later in the organization''s time zone is not yet in force, '
    || 'whatever the session''s TimeZone'
);

reset role;

select throws_ok(
  $$ update sequester.settings set time_zone = 'Mars/Olympus_Mons' $$,
  '22023',
  'unknown time zone "Mars/Olympus_Mons"',
  'an unknown organization time zone is refused'
);

select * from finish();
rollback;
