// Runs the package's migrations with node-pg-migrate, in one place for the CLI, the
// demo and the tests.
import { fileURLToPath } from "node:url";
import { runner } from "node-pg-migrate";
import type pg from "pg";
import { withClient } from "./connection.ts";

export const migrationsDir = fileURLToPath(
  new URL("../../migrations/", import.meta.url),
);
const migrationsTable = "sequester_migrations";

export type Direction = "up" | "down";

export interface MigrateOptions {
  direction: Direction;
  count?: number;
  /** false: leave out the reference ehr schema (a deployment with its own tables). */
  referenceSchema?: boolean;
  log?: (message: string) => void;
}

export async function migrate(
  config: pg.ClientConfig,
  { direction, count, referenceSchema = true, log = () => {} }: MigrateOptions,
): Promise<string[]> {
  return withClient(config, async (dbClient) => {
    if (!referenceSchema) {
      await dbClient.query("set sequester.reference_schema = 'off'");
    }
    const ran = await runner({
      dbClient,
      dir: migrationsDir,
      useGlob: false,
      ignorePattern: "(?!\\d+_).*",
      migrationsTable,
      direction,
      count: count ?? (direction === "up" ? Number.POSITIVE_INFINITY : 1),
      checkOrder: true,
      log,
      logger: { debug: () => {}, info: log, warn: log, error: log },
      verbose: false,
    });
    return ran.map((migration) => migration.name);
  });
}

export interface MigrationStatus {
  name: string;
  runOn: Date | null;
}

export async function migrationStatus(
  config: pg.ClientConfig,
): Promise<MigrationStatus[]> {
  const { readdirSync } = await import("node:fs");
  const files = readdirSync(migrationsDir)
    .filter((file) => /^\d+_.*\.ts$/.test(file))
    .map((file) => file.replace(/\.ts$/, ""))
    .sort();
  const applied = await withClient(config, async (client) => {
    const exists = await client.query(
      "select to_regclass($1) is not null as present",
      [`public.${migrationsTable}`],
    );
    if (!exists.rows[0].present) {
      return new Map<string, Date>();
    }
    const result = await client.query(
      `select name, run_on from public.${migrationsTable}`,
    );
    return new Map<string, Date>(
      result.rows.map((row) => [row.name, row.run_on]),
    );
  });
  return files.map((name) => ({ name, runOn: applied.get(name) ?? null }));
}
