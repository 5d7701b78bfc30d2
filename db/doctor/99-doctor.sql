-- sequester.doctor(): one row per finding, worst first, each with the SQL that fixes it.
-- Each finding is its own view in the file that explains it (db/doctor/NN-*.sql). It runs
-- as its owner so that it sees every record and every client; it returns no clinical
-- data, only table, role and record names.
create function sequester.doctor()
returns table (severity text, finding text, object text, detail text, fix text)
language sql
stable
security definer
set search_path = pg_catalog, pg_temp
as $$
  select * from (
    select * from sequester.doctor_unprotected_chart_table
    union all select * from sequester.doctor_protection_switched_off
    union all select * from sequester.doctor_view_bypasses_policies
    union all select * from sequester.doctor_definer_without_search_path
    union all select * from sequester.doctor_login_role_bypasses_policies
    union all select * from sequester.doctor_approval_of_dropped_role
    union all select * from sequester.doctor_record_of_missing_client()
    union all select * from sequester.doctor_unguarded_link
    union all select * from sequester.doctor_unprotected_partition
    union all select * from sequester.doctor_statistics_readable
    union all select * from sequester.doctor_policy_before_the_package
    union all select * from sequester.doctor_sequence_behind_rows()
    union all select * from sequester.doctor_locks_readable
    union all select * from sequester.doctor_staff_approval_of_a_team
    union all select * from sequester.doctor_other_database_open_to_all
  ) findings
  order by array_position(array['error', 'warning', 'notice'], findings.severity),
    findings.finding, findings.object
$$;

revoke execute on function sequester.doctor() from public;
revoke execute on function sequester.doctor_record_of_missing_client() from public;
revoke execute on function sequester.doctor_sequence_behind_rows() from public;
grant execute on function sequester.doctor() to sequester_viewer;
