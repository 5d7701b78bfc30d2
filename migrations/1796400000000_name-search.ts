// Name search under row-level security: a leakproof ILIKE for the search box and a
// trigram index on the reference clients table that serves it (db/10-name-search.sql).
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles("db/10-name-search.sql"));
}

// pg_trgm stays: the database may use it elsewhere, and it was perhaps there before us.
export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    drop index if exists ehr.clients_search_name_trgm;
    drop operator class if exists sequester.name_trgm_ops using gin;
    drop operator family if exists sequester.name_trgm_ops using gin;
    drop operator if exists sequester.~~* (text, text);
    drop function if exists sequester.name_ilike(text, text);
  `);
}
