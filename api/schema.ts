// The API's schema as printed SDL. api/schema.graphql keeps it under review: a change
// to the database that changes the API shows up there as a diff.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { lexicographicSortSchema, printSchema } from "postgraphile/graphql";
import { connectionString } from "../scripts/lib/connection.ts";
import { makePreset } from "./preset.ts";

export const schemaFile = fileURLToPath(
  new URL("./schema.graphql", import.meta.url),
);

const banner =
  "# The administration API's schema, generated from a freshly migrated database.\n" +
  "# Do not edit: run `npm run serve -- schema` to regenerate it.\n\n";

/** Prints the schema the API serves for the database at connectionString. */
export async function printApiSchema(url?: string): Promise<string> {
  const pool = new pg.Pool({ connectionString: url ?? connectionString() });
  const pgl = postgraphile(makePreset({ pool, graphiql: false }));
  try {
    const schema = await pgl.getSchema();
    return `${banner}${printSchema(lexicographicSortSchema(schema))}\n`;
  } finally {
    await pgl.release();
    await pool.end();
  }
}

export function committedSchema(): string {
  try {
    return readFileSync(schemaFile, "utf8");
  } catch {
    return "";
  }
}

/** The first lines where two schemas differ, in unified-diff style, for a test message. */
export function schemaDiff(
  expected: string,
  actual: string,
  context = 3,
): string {
  const a = expected.split("\n");
  const b = actual.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length - 1;
  let endB = b.length - 1;
  while (endA >= start && endB >= start && a[endA] === b[endB]) {
    endA--;
    endB--;
  }
  const from = Math.max(0, start - context);
  const lines = [`@@ line ${start + 1} (- committed, + generated) @@`];
  for (let i = from; i < start; i++) lines.push(`  ${a[i]}`);
  for (let i = start; i <= endA && i < start + 40; i++) lines.push(`- ${a[i]}`);
  for (let i = start; i <= endB && i < start + 40; i++) lines.push(`+ ${b[i]}`);
  for (let i = endA + 1; i < Math.min(a.length, endA + 1 + context); i++) {
    lines.push(`  ${a[i]}`);
  }
  return lines.join("\n");
}
