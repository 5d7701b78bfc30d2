// The package: the Client Access List, the rules, and the functions that attach the
// rules to a clients table and its chart tables.
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql("create schema sequester");
  pgm.sql(
    sqlFiles(
      "db/01-roles.sql",
      "db/02-settings.sql",
      "db/03-client-access.sql",
      "db/04-approvals.sql",
      "db/05-audit.sql",
      "policies/00-registry.sql",
      "policies/10-clients.sql",
      "policies/20-chart.sql",
      "policies/30-links.sql",
      "db/06-open-chart.sql",
      "db/07-access-requests.sql",
      "db/08-grants.sql",
    ),
  );
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles("db/99-drop-package.sql"));
}
