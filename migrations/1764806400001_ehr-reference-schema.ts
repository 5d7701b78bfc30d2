// The reference clinical schema used by the demo, the importer and the tests,
// protected through the same functions a host application would call. A deployment
// that protects its own tables leaves it out: `sequester migrate up
// --without-reference-schema` sets sequester.reference_schema to off for the session,
// and this migration then records itself as applied and creates nothing.
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

export async function up(pgm: MigrationBuilder): Promise<void> {
  const [setting] = await pgm.db.select(
    "select coalesce(current_setting('sequester.reference_schema', true), '') as wanted",
  );
  if (setting?.wanted === "off") {
    return;
  }
  pgm.sql("create schema ehr");
  pgm.sql(sqlFiles("db/ehr/01-tables.sql", "db/ehr/02-protect.sql"));
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles("db/ehr/99-drop.sql"));
}
