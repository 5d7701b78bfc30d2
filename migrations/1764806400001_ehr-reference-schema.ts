// The reference clinical schema used by the demo, the importer and the tests,
// protected through the same functions a host application would call.
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql("create schema ehr");
  pgm.sql(sqlFiles("db/ehr/01-tables.sql", "db/ehr/02-protect.sql"));
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles("db/ehr/99-drop.sql"));
}
