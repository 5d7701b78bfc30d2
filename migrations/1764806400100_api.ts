// What the administration API needs from the database beyond the package itself: the
// export of the Client Access List.
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles("db/09-export.sql"));
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql("drop function if exists sequester.export_client_access()");
}
