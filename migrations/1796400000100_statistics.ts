// Takes the statistics functions from PUBLIC and gives them to pg_read_all_stats
// (db/11-statistics.sql); sequester.doctor() checks that they stay taken.
import type { MigrationBuilder } from "node-pg-migrate";
import { sqlFiles } from "./sql-files.ts";

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(sqlFiles("db/11-statistics.sql"));
}

// Limitation: down gives PUBLIC back every statistics function, including any that an
// administrator had taken away before this migration ran.
export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    do $$
    declare
      fn regprocedure;
    begin
      for fn in
        select p.oid::regprocedure from pg_catalog.pg_proc p
        where p.pronamespace = 'pg_catalog'::regnamespace
          and p.proname like 'pg\\_stat\\_get\\_%'
      loop
        execute format('grant execute on function %s to public', fn);
      end loop;
    end
    $$;
  `);
}
