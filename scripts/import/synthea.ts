// Imports a Synthea CSV export into the ehr schema, all or nothing: one transaction
// holds every row and every staff role, and any bad row anywhere rolls it all back.
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type pg from "pg";
import { ToolError } from "../lib/errors.ts";
import { type Logger, silent } from "../lib/log.ts";
import { type FileResult, type ImportState, importFile } from "./file.ts";
import { Problems } from "./problems.ts";
import { checkRolePrefix, defaultRolePrefix } from "./staff.ts";
import { type FileSpec, syntheaFiles, type Target } from "./synthea-files.ts";

export interface ImportOptions {
  /** Staff role names are this prefix and a hash of the provider's Synthea ID. */
  rolePrefix?: string;
  batchSize?: number;
  log?: Logger;
}

export interface FileSummary extends FileResult {
  file: string;
  noun: string;
}

export interface ImportSummary {
  files: FileSummary[];
  /** Files of the export that the importer knows but did not find. */
  absent: string[];
  rolesCreated: number;
  seconds: number;
}

export async function importSynthea(
  client: pg.Client,
  dir: string,
  options: ImportOptions = {},
): Promise<ImportSummary> {
  const started = performance.now();
  const log = options.log ?? silent;
  const rolePrefix = checkRolePrefix(options.rolePrefix ?? defaultRolePrefix);
  const present = findFiles(dir);
  await checkDatabase(client);

  const state: ImportState = {
    client,
    log,
    problems: new Problems(),
    rolePrefix,
    batchSize: options.batchSize ?? 2_000,
    ids: targets(() => new Map()),
    refused: targets(() => new Set()),
    present: new Set(
      present.flatMap((spec) => (spec.target ? [spec.target] : [])),
    ),
  };
  const files: FileSummary[] = [];

  await client.query("begin");
  try {
    // Synthea's timestamps without a zone are UTC.
    await client.query("set local time zone 'UTC'");
    for (const spec of present) {
      const result = await importFile(state, spec, join(dir, spec.file));
      files.push({ file: spec.file, noun: spec.noun, ...result });
      log.progress(`Read ${spec.file}: ${result.rows} rows`);
    }
    if (state.problems.count > 0) {
      throw state.problems.toError();
    }
    await client.query("commit");
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  }

  return {
    files,
    absent: syntheaFiles
      .filter((spec) => !present.includes(spec))
      .map((spec) => spec.file),
    rolesCreated: files.reduce((sum, file) => sum + file.rolesCreated, 0),
    seconds: (performance.now() - started) / 1000,
  };
}

function targets<T>(make: () => T): Record<Target, T> {
  return {
    clients: make(),
    organizations: make(),
    staff: make(),
    encounters: make(),
  };
}

function findFiles(dir: string): FileSpec[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new ToolError(
      `the directory ${dir} does not exist`,
      "Give the directory that holds the export's CSV files (Synthea writes output/csv).",
    );
  }
  const present = syntheaFiles.filter((spec) =>
    existsSync(join(dir, spec.file)),
  );
  if (!present.some((spec) => spec.file === "patients.csv")) {
    throw new ToolError(
      `${dir} has no patients.csv`,
      "Give the directory of a Synthea CSV export (run Synthea with exporter.csv.export = true).",
    );
  }
  return present;
}

// The importer reads and writes past the policies (it must see every client to avoid
// duplicates) and creates roles, so it runs as a superuser or a BYPASSRLS role that
// may create roles, such as the role that ran the migrations.
async function checkDatabase(client: pg.Client): Promise<void> {
  const { rows } = await client.query<{
    migrated: boolean;
    bypasses: boolean;
    creates_roles: boolean;
    role: string;
  }>(
    `select to_regclass('ehr.clients') is not null as migrated,
      r.rolsuper or r.rolbypassrls as bypasses,
      r.rolsuper or r.rolcreaterole as creates_roles,
      r.rolname as role
    from pg_roles r where r.rolname = current_user`,
  );
  const [me] = rows;
  if (!me.migrated) {
    throw new ToolError(
      "the database has no ehr.clients table",
      "Run `sequester migrate up` against this database first.",
    );
  }
  if (!me.bypasses || !me.creates_roles) {
    throw new ToolError(
      `the role ${me.role} cannot import: it needs BYPASSRLS (or superuser) and CREATEROLE`,
      "Connect as the role that ran the migrations, or grant those attributes.",
    );
  }
}
