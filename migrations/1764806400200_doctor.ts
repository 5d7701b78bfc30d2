// sequester.doctor(): checks a deployment for the mistakes that undo the rules.
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

const findings = [
  "db/doctor/01-unprotected-chart-table.sql",
  "db/doctor/02-protection-switched-off.sql",
  "db/doctor/03-view-bypasses-policies.sql",
  "db/doctor/04-definer-without-search-path.sql",
  "db/doctor/05-login-role-bypasses-policies.sql",
  "db/doctor/06-approval-of-dropped-role.sql",
  "db/doctor/07-record-of-missing-client.sql",
  "db/doctor/08-unguarded-link.sql",
  "db/doctor/09-unprotected-partition.sql",
  "db/doctor/10-statistics-readable.sql",
  "db/doctor/11-policy-before-the-package.sql",
  "db/doctor/12-sequence-behind-rows.sql",
  "db/doctor/13-locks-readable.sql",
  "db/doctor/14-staff-approval-of-a-team.sql",
  "db/doctor/15-other-database-open-to-all.sql",
  "db/doctor/99-doctor.sql",
];

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles(...findings));
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    drop function sequester.doctor();
    drop function sequester.doctor_record_of_missing_client();
    drop function sequester.doctor_sequence_behind_rows();
    drop view sequester.doctor_other_database_open_to_all,
      sequester.doctor_staff_approval_of_a_team,
      sequester.doctor_locks_readable,
      sequester.doctor_policy_before_the_package,
      sequester.doctor_statistics_readable,
      sequester.doctor_unprotected_partition,
      sequester.doctor_unguarded_link,
      sequester.doctor_approval_of_dropped_role,
      sequester.doctor_login_role_bypasses_policies,
      sequester.doctor_definer_without_search_path,
      sequester.doctor_view_bypasses_policies,
      sequester.doctor_protection_switched_off,
      sequester.doctor_unprotected_chart_table;
  `);
}
