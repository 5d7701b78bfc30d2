// Writes a batch of rows in one statement: each column travels as one array parameter
// and unnest turns the arrays back into rows. Rows whose import_key is already in the
// table are skipped, so that importing the same export twice adds nothing.
import type pg from "pg";
import type { FileSpec } from "./synthea-files.ts";
import { arrayType } from "./values.ts";

export interface Batch {
  keys: string[];
  /** One array per field of the file's spec, in the spec's order. */
  columns: (string | null)[][];
}

export interface BatchResult {
  inserted: number;
  /** Synthea ID to ehr ID, for the files that others refer to. */
  ids: [string, string][];
}

export function emptyBatch(spec: FileSpec): Batch {
  return { keys: [], columns: spec.fields.map(() => []) };
}

export async function writeBatch(
  client: pg.Client,
  spec: FileSpec,
  batch: Batch,
  extra: { column: string; values: string[] }[] = [],
): Promise<BatchResult> {
  const columns = [
    "import_key",
    ...extra.map((item) => item.column),
    ...spec.fields.map((field) => field.column),
  ];
  const types = [
    "text[]",
    ...extra.map(() => "text[]"),
    ...spec.fields.map((field) => arrayType[field.kind]),
  ];
  const params = [
    batch.keys,
    ...extra.map((item) => item.values),
    ...batch.columns,
  ];
  const list = columns.join(", ");
  const input = `select * from unnest(${types
    .map((type, index) => `$${index + 1}::${type}`)
    .join(", ")}) as input(${list})`;

  if (
    spec.target !== "clients" &&
    spec.target !== "organizations" &&
    spec.target !== "encounters"
  ) {
    const result = await client.query(
      `insert into ${spec.table} (${list}) ${input} on conflict do nothing`,
      params,
    );
    return { inserted: result.rowCount ?? 0, ids: [] };
  }

  // The rows inserted now, and the rows an earlier import inserted, with their IDs.
  const result = await client.query<{
    import_key: string;
    id: string;
    new: boolean;
  }>(
    `with input as (${input}),
    inserted as (
      insert into ${spec.table} (${list})
      select ${list} from input
      on conflict do nothing
      returning import_key, id
    )
    select import_key, id::text, true as new from inserted
    union all
    select t.import_key, t.id::text, false from ${spec.table} t join input using (import_key)`,
    params,
  );
  return {
    inserted: result.rows.filter((row) => row.new).length,
    ids: result.rows.map((row) => [row.import_key, row.id]),
  };
}
