-- Writes follow reads (SPEC 3.4): a staff member cannot insert, change or delete a row
-- they may not see, nor move a row into a chart they may not see; and a refused write
-- must look the same for a hidden client as for one that does not exist.
begin;
select plan(16);
\ir fixtures/clinic.psql

set local role :"ordinary";

select throws_ok(
  $$ insert into ehr.progress_notes (client_id, note) values (9000000001, 'note') $$,
  '42501',
  'new row violates row-level security policy '
    || '"0 sequestered charts are hidden from unapproved staff" for table "progress_notes"',
  'an unapproved staff member cannot add a progress note to a hidden chart'
);

select throws_ok(
  $$ insert into ehr.encounters (client_id, started_at) values (9000000001, now()) $$,
  '42501',
  'new row violates row-level security policy '
    || '"0 sequestered charts are hidden from unapproved staff" for table "encounters"',
  'an unapproved staff member cannot add an encounter to a hidden chart'
);

select throws_ok(
  $$
    insert into ehr.conditions (client_id, description, onset_date)
    values (9000000001, 'condition', current_date)
  $$,
  '42501',
  'new row violates row-level security policy '
    || '"0 sequestered charts are hidden from unapproved staff" for table "conditions"',
  'an unapproved staff member cannot add a condition to a hidden chart'
);

select throws_ok(
  $$
    insert into ehr.medications (client_id, description, started_at)
    values (9000000001, 'medication', now())
  $$,
  '42501',
  'new row violates row-level security policy '
    || '"0 sequestered charts are hidden from unapproved staff" for table "medications"',
  'an unapproved staff member cannot add a medication to a hidden chart'
);

select is(
  pg_temp.answer_of(
    $$ insert into ehr.progress_notes (client_id, note) values (9000000001, 'note') $$,
    9000000001),
  pg_temp.answer_of(
    $$ insert into ehr.progress_notes (client_id, note) values (9000009999, 'note') $$,
    9000009999),
  'adding to a hidden chart is refused exactly as adding to a client that does not exist'
);

select is(
  pg_temp.rows_affected(
    $$ update ehr.progress_notes set note = 'changed' where client_id = 9000000001 $$),
  0::bigint,
  'an unapproved staff member cannot change a hidden chart row (no row is affected)'
);

select is(
  pg_temp.rows_affected($$ delete from ehr.progress_notes where client_id = 9000000001 $$),
  0::bigint,
  'an unapproved staff member cannot delete a hidden chart row (no row is affected)'
);

select is(
  pg_temp.rows_affected(
    $$ update ehr.encounters set description = 'changed' where client_id = 9000000001 $$),
  0::bigint,
  'an unapproved staff member cannot change a hidden encounter (no row is affected)'
);

select is(
  pg_temp.rows_affected(
    $$ update ehr.clients set phone = '555-0100' where id = 9000000001 $$),
  0::bigint,
  'an unapproved staff member cannot change a hidden client (no row is affected)'
);

select throws_ok(
  $$ update ehr.encounters set client_id = 9000000001 where client_id = 9000000002 $$,
  '42501',
  'new row violates row-level security policy '
    || '"0 sequestered charts are hidden from unapproved staff" for table "encounters"',
  'an unapproved staff member cannot move an encounter into a hidden chart'
);

-- The condition names an encounter of its old client, so the link rule may be the one
-- that refuses; either way the row stays where it was.
select throws_like(
  $$ update ehr.conditions set client_id = 9000000001 where client_id = 9000000002 $$,
  'new row violates row-level security policy % for table "conditions"',
  'an unapproved staff member cannot move a condition into a hidden chart'
);

-- A chart row of a visible client that points at a hidden client's encounter: the
-- foreign key is checked past the policies, so it must not succeed where an encounter
-- that never existed fails.
select is(
  pg_temp.answer_of(
    $$
      insert into ehr.progress_notes (client_id, encounter_id, note)
      values (9000000002, 9000000101, 'note')
    $$,
    9000000101),
  pg_temp.answer_of(
    $$
      insert into ehr.progress_notes (client_id, encounter_id, note)
      values (9000000002, 9000009999, 'note')
    $$,
    9000009999),
  'linking a chart row to a hidden client''s encounter is refused exactly as linking it '
    || 'to an encounter that does not exist'
);

reset role;

select results_eq(
  $$
    select count(*), min(note), max(note) from ehr.progress_notes
    where client_id = 9000000001
  $$,
  $$ values (1::bigint, 'progress note', 'progress note') $$,
  'the hidden chart is untouched by the refused writes'
);

set local role :"approved";

select lives_ok(
  $$ insert into ehr.progress_notes (client_id, note) values (9000000001, 'approved note') $$,
  'an approved staff member adds a progress note to the sequestered chart'
);

select is(
  pg_temp.rows_affected(
    $$ update ehr.progress_notes set note = 'amended' where client_id = 9000000001 $$),
  2::bigint,
  'an approved staff member changes the sequestered chart'
);

select is(
  pg_temp.rows_affected($$ delete from ehr.progress_notes where client_id = 9000000001 $$),
  2::bigint,
  'an approved staff member deletes from the sequestered chart'
);

reset role;

select * from finish();
rollback;
