// Takes pg_locks and pg_lock_status() from PUBLIC and gives them to pg_read_all_stats
// (db/12-locks.sql); sequester.doctor() checks that they stay taken.
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles("db/12-locks.sql"));
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    grant select on pg_catalog.pg_locks to public;
    grant execute on function pg_catalog.pg_lock_status() to public;
    revoke select on pg_catalog.pg_locks from pg_read_all_stats;
    revoke execute on function pg_catalog.pg_lock_status() from pg_read_all_stats;
  `);
}
