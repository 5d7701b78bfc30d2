// Synthea fixtures for the importer and CLI tests: a private copy of the sample (or of a
// generated export when the sample is absent) that a test may damage, counts of data
// rows, and the cleanup of the cluster roles an import makes.
import { existsSync } from "node:fs";
import {
  cp,
  mkdtemp,
  readdir,
  readFile,
  rm,
  writeFile,
} from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { generateExport } from "../../scripts/demo/generate.ts";
import { readCsv } from "../../scripts/import/csv.ts";
import { adminConfig } from "../helpers/database.ts";

const sampleCandidates = [
  fileURLToPath(new URL("../../../shared/data/synthea/", import.meta.url)),
  "/work/shared/data/synthea/",
];

export const sampleDir = sampleCandidates.find((dir) =>
  existsSync(join(dir, "patients.csv")),
);

/** A writable copy of the sample export (or of a generated one) in a temp directory. */
export async function copyOfExport(): Promise<string> {
  const source = sampleDir ?? (await generateExport());
  const dir = await mkdtemp(join(tmpdir(), "sequester-fixture-"));
  for (const file of await readdir(source)) {
    if (file.endsWith(".csv")) {
      await cp(join(source, file), join(dir, file));
    }
  }
  if (!sampleDir) {
    await rm(source, { recursive: true, force: true });
  }
  return dir;
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The data rows of a CSV file (records after the header). */
export async function dataRows(path: string): Promise<number> {
  let records = 0;
  for await (const _ of readCsv(path)) {
    records += 1;
  }
  return Math.max(records - 1, 0);
}

/** Rewrites one line (1-based) of a file. */
export async function editLine(
  path: string,
  line: number,
  edit: (text: string) => string,
): Promise<void> {
  const lines = (await readFile(path, "utf8")).split("\n");
  lines[line - 1] = edit(lines[line - 1]);
  await writeFile(path, lines.join("\n"));
}

export const chartTables: Record<string, string> = {
  "organizations.csv": "ehr.organizations",
  "providers.csv": "ehr.staff",
  "patients.csv": "ehr.clients",
  "encounters.csv": "ehr.encounters",
  "conditions.csv": "ehr.conditions",
  "medications.csv": "ehr.medications",
  "procedures.csv": "ehr.procedures",
  "careplans.csv": "ehr.care_plans",
  "allergies.csv": "ehr.allergies",
};

export async function tableCounts(
  client: pg.Client,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of Object.values(chartTables)) {
    const { rows } = await client.query(
      `select count(*)::int as n from ${table}`,
    );
    counts[table] = rows[0].n;
  }
  return counts;
}

/** Roles whose name starts with the prefix (the cluster keeps them across databases). */
export async function rolesWithPrefix(prefix: string): Promise<string[]> {
  const client = new pg.Client(adminConfig());
  await client.connect();
  try {
    const { rows } = await client.query<{ rolname: string }>(
      "select rolname from pg_roles where starts_with(rolname, $1) order by 1",
      [prefix],
    );
    return rows.map((row) => row.rolname);
  } finally {
    await client.end();
  }
}

/** Drops the roles a test's imports made; their databases must be dropped first. */
export async function dropRolesWithPrefix(prefix: string): Promise<void> {
  const roles = await rolesWithPrefix(prefix);
  const client = new pg.Client(adminConfig());
  await client.connect();
  try {
    for (const role of roles) {
      await client.query(
        `drop role if exists ${client.escapeIdentifier(role)}`,
      );
    }
  } finally {
    await client.end();
  }
}
