-- The reference schema is protected the way a host application's would be.
select sequester.protect_clients('ehr.clients', 'id');
select sequester.protect_chart(t::regclass, 'client_id')
from unnest(array[
  'ehr.encounters', 'ehr.conditions', 'ehr.medications', 'ehr.procedures',
  'ehr.care_plans', 'ehr.allergies', 'ehr.progress_notes'
]) as t;

-- Chart rows that name an encounter may name only a visible one of the same client.
select sequester.protect_link(t::regclass, 'encounter_id')
from unnest(array[
  'ehr.conditions', 'ehr.medications', 'ehr.procedures', 'ehr.care_plans', 'ehr.allergies',
  'ehr.progress_notes'
]) as t;

-- What an EHR application would grant its staff anyway: read everything, write charts.
-- Insert grants leave out id, so that staff cannot pick the ID of a client they cannot see.
grant usage on schema ehr to ehr_user;
grant select on all tables in schema ehr to ehr_user;
grant insert (first_name, middle_name, last_name, prefix, suffix, maiden_name, birth_date,
    death_date, sex, gender_identity, race, ethnicity, marital_status, ssn, phone, address,
    city, state, county, zip, primary_language, emergency_contact),
  update (first_name, middle_name, last_name, prefix, suffix, maiden_name, birth_date,
    death_date, sex, gender_identity, race, ethnicity, marital_status, ssn, phone, address,
    city, state, county, zip, primary_language, emergency_contact)
  on ehr.clients to ehr_user;
grant insert (client_id, encounter_id, note), update (note), delete on ehr.progress_notes
  to ehr_user;
grant insert (client_id, organization_id, staff_role, encounter_class, code, description,
    reason, started_at, ended_at),
  update (client_id, encounter_class, code, description, reason, started_at, ended_at)
  on ehr.encounters to ehr_user;
grant insert (client_id, encounter_id, code, description, onset_date, resolved_date),
  update (client_id, code, description, onset_date, resolved_date)
  on ehr.conditions to ehr_user;
grant insert (client_id, encounter_id, code, description, reason, dispenses, started_at,
    stopped_at),
  update (client_id, code, description, reason, dispenses, started_at, stopped_at)
  on ehr.medications to ehr_user;
grant usage on all sequences in schema ehr to ehr_user;
