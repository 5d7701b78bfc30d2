// Imports one Synthea file: checks its header, turns each row into ehr values (naming
// every bad row by its line), swaps Synthea IDs for ehr IDs, and writes the rows in
// batches. Nothing is committed here: the caller holds the transaction.
import { createHash } from "node:crypto";
import type pg from "pg";
import type { Logger } from "../lib/log.ts";
import { type Batch, emptyBatch, writeBatch } from "./batch.ts";
import { errorLine, Header, readCsv } from "./csv.ts";
import type { Problems } from "./problems.ts";
import { ensureStaffRoles, staffRoleName } from "./staff.ts";
import type { FileSpec, Target } from "./synthea-files.ts";
import { parseValue, ValueProblem } from "./values.ts";

export interface ImportState {
  client: pg.Client;
  log: Logger;
  problems: Problems;
  rolePrefix: string;
  batchSize: number;
  /** Synthea ID to ehr ID (a role name for staff), per file that others refer to. */
  ids: Record<Target, Map<string, string>>;
  /** Synthea IDs of rows refused: rows that refer to them are not reported again. */
  refused: Record<Target, Set<string>>;
  /** Files present in the export, by what they hold. */
  present: Set<Target>;
}

export interface FileResult {
  rows: number;
  inserted: number;
  rolesCreated: number;
}

const progressEvery = 10_000;

export async function importFile(
  state: ImportState,
  spec: FileSpec,
  path: string,
): Promise<FileResult> {
  const result: FileResult = { rows: 0, inserted: 0, rolesCreated: 0 };
  const seen = new Map<string, number>();
  let header: Header | undefined;
  let positions: (number | undefined)[] = [];
  let idPosition: number | undefined;
  let batch = emptyBatch(spec);

  const flush = async () => {
    if (batch.keys.length > 0) {
      await flushBatch(state, spec, batch, result);
      batch = emptyBatch(spec);
    }
  };

  try {
    for await (const { line, fields } of readCsv(path)) {
      if (!header) {
        header = new Header(fields);
        positions = spec.fields.map((field) => header?.find(field.from));
        idPosition = spec.id ? header.find(spec.id) : undefined;
        if (!checkHeader(state, spec, header, line)) {
          return result;
        }
        continue;
      }

      result.rows += 1;
      const id =
        idPosition === undefined ? undefined : fields[idPosition]?.trim();
      const refuse = (message: string) => {
        state.problems.add(spec.file, line, message);
        if (id && spec.target) {
          state.refused[spec.target].add(id);
        }
      };

      if (fields.length !== header.names.length) {
        refuse(
          `has ${fields.length} fields where the header has ${header.names.length}; ` +
            "is the line cut short, or a quote left open?",
        );
        continue;
      }
      if (id !== undefined && seen.has(id)) {
        refuse(`its Id repeats the row on line ${seen.get(id)}`);
        continue;
      }

      const row = rowValues(state, spec, header, positions, fields);
      // It refers to a refused row: left out, and so are the rows that refer to it.
      if (row === "skip") {
        if (id && spec.target) {
          state.refused[spec.target].add(id);
        }
        continue;
      }
      if (typeof row === "string") {
        refuse(row);
        continue;
      }

      const key = id ?? contentKey(fields, seen);
      seen.set(key, line);
      batch.keys.push(key);
      row.forEach((value, index) => {
        batch.columns[index].push(value);
      });

      if (batch.keys.length >= state.batchSize) {
        await flush();
      }
      if (result.rows % progressEvery === 0) {
        state.log.progress(`  ${spec.file}: ${result.rows} rows read`);
      }
    }
  } catch (error) {
    const line = errorLine(error);
    if (line === undefined) {
      throw error;
    }
    state.problems.add(
      spec.file,
      line,
      `cannot be read as CSV (${(error as Error).message.replace(/^Invalid [^:]*: /, "")})`,
    );
    return result;
  }

  await flush();
  return result;
}

function checkHeader(
  state: ImportState,
  spec: FileSpec,
  header: Header,
  line: number,
): boolean {
  const required = [
    ...(spec.id ? [spec.id] : []),
    ...spec.fields.filter((field) => field.required).map((field) => field.from),
  ];
  const missing = required.filter((names) => header.find(names) === undefined);
  for (const names of missing) {
    state.problems.add(
      spec.file,
      line,
      `the required column ${names.join(" or ")} is missing from the header`,
    );
  }
  return missing.length === 0;
}

/** The row's values in the spec's order, "skip", or what is wrong with the row. */
function rowValues(
  state: ImportState,
  spec: FileSpec,
  header: Header,
  positions: (number | undefined)[],
  fields: string[],
): (string | null)[] | string | "skip" {
  const values: (string | null)[] = [];
  const wrong: string[] = [];
  let skip = false;

  spec.fields.forEach((field, index) => {
    const position = positions[index];
    const name =
      position === undefined ? field.from[0] : header.names[position];
    const raw = position === undefined ? "" : fields[position];
    const value = field.refers
      ? reference(state, field.refers, field.required === true, raw.trim())
      : parseValue(field.kind, raw);

    if (value === "skip") {
      skip = true;
      values.push(null);
    } else if (value instanceof ValueProblem) {
      wrong.push(`${name} is not ${value.expected}`);
      values.push(null);
    } else if (value === null && field.required) {
      wrong.push(`${name} is empty`);
      values.push(null);
    } else {
      values.push(value);
    }
  });

  if (wrong.length > 0) {
    return wrong.join("; ");
  }
  return skip ? "skip" : values;
}

function reference(
  state: ImportState,
  target: Target,
  required: boolean,
  synthea: string,
): string | null | ValueProblem | "skip" {
  if (synthea === "") {
    return null;
  }
  const found = state.ids[target].get(synthea);
  if (found !== undefined) {
    return found;
  }
  // A row that refers to a refused row is left out without a second report.
  if (state.refused[target].has(synthea)) {
    return "skip";
  }
  // When the export left out the file referred to, there is nothing to check against.
  if (!state.present.has(target) && !required) {
    return null;
  }
  return new ValueProblem(`the Id of a row of ${fileOf[target]}`);
}

const fileOf: Record<Target, string> = {
  clients: "patients.csv",
  organizations: "organizations.csv",
  staff: "providers.csv",
  encounters: "encounters.csv",
};

// Rows without an Id of their own are keyed by their content; a repeated row gets the
// number of its repetition, so that identical rows all arrive and a rerun adds none.
function contentKey(fields: string[], seen: Map<string, number>): string {
  const hash = createHash("sha256")
    .update(fields.map((field) => field.trim()).join("\u001f"))
    .digest("hex")
    .slice(0, 32);
  let key = hash;
  for (let repeat = 2; seen.has(key); repeat += 1) {
    key = `${hash}-${repeat}`;
  }
  return key;
}

async function flushBatch(
  state: ImportState,
  spec: FileSpec,
  batch: Batch,
  result: FileResult,
): Promise<void> {
  if (spec.target === "staff") {
    const names = batch.keys.map((id) => staffRoleName(state.rolePrefix, id));
    const nameColumn = spec.fields.findIndex(
      (field) => field.column === "display_name",
    );
    const displayNames = batch.columns[nameColumn] as string[];
    result.rolesCreated += await ensureStaffRoles(
      state.client,
      names.map((name, index) => ({ name, displayName: displayNames[index] })),
    );
    const written = await writeBatch(state.client, spec, batch, [
      { column: "role_name", values: names },
    ]);
    result.inserted += written.inserted;
    batch.keys.forEach((id, index) => {
      state.ids.staff.set(id, names[index]);
    });
    return;
  }

  const written = await writeBatch(state.client, spec, batch);
  result.inserted += written.inserted;
  if (spec.target) {
    const ids = state.ids[spec.target];
    for (const [key, id] of written.ids) {
      ids.set(key, id);
    }
  }
}
