// Builds the benchmark's data (SPEC 5) in a database that the migrations have just
// made: roles, clients with realistic names, chart rows, sequestered clients, and the
// naive-policy copy. The SQL is in generate.sql and naive.sql, one step at a time;
// secondary indexes are dropped for the load and built again afterwards, which is the
// same index, made much faster.
import { readFileSync } from "node:fs";
import type pg from "pg";
import type { Logger } from "../lib/log.ts";

export interface DataSize {
  clients: number;
  sequestered: number;
  staff: number;
  userRoles: number;
}

interface Step {
  name: string;
  sql: string;
}

// The tables the generator fills, whose secondary indexes it rebuilds after loading.
const loadedTables = [
  "ehr.clients",
  "ehr.encounters",
  "ehr.progress_notes",
  "ehr.conditions",
];

export function readSteps(file: string): Step[] {
  const text = readFileSync(new URL(file, import.meta.url), "utf8");
  return text
    .split(/^-- step: /m)
    .slice(1)
    .map((chunk) => {
      const newline = chunk.indexOf("\n");
      return {
        name: chunk.slice(0, newline).trim(),
        sql: chunk.slice(newline),
      };
    });
}

async function timed(
  log: Logger,
  name: string,
  work: () => Promise<unknown>,
): Promise<void> {
  log.progress(`bench: ${name}...`);
  const started = performance.now();
  await work();
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  log.progress(`bench: ${name}: done in ${seconds} s`);
}

export async function generate(
  client: pg.Client,
  size: DataSize,
  prefix: string,
  log: Logger,
): Promise<void> {
  const settings: [string, string][] = [
    ["bench.clients", String(size.clients)],
    ["bench.sequestered", String(size.sequestered)],
    ["bench.staff", String(size.staff)],
    ["bench.user_roles", String(size.userRoles)],
    ["bench.prefix", prefix],
    ["maintenance_work_mem", "1GB"],
  ];
  for (const [name, value] of settings) {
    await client.query("select set_config($1, $2, false)", [name, value]);
  }

  const indexes = await client.query<{ name: string; definition: string }>(
    `select i.indexrelid::regclass::text as name,
       pg_get_indexdef(i.indexrelid) as definition
     from pg_index i
     where i.indrelid = any ($1::regclass[])
       and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [loadedTables],
  );
  for (const index of indexes.rows) {
    await client.query(`drop index ${index.name}`);
  }

  for (const step of readSteps("generate.sql")) {
    await timed(log, step.name, () => client.query(step.sql));
  }
  for (const index of indexes.rows) {
    await timed(log, `index ${index.name}`, () =>
      client.query(index.definition),
    );
  }
  for (const step of readSteps("naive.sql")) {
    await timed(log, step.name, () => client.query(step.sql));
  }
  await timed(log, "vacuum analyze", () => client.query("vacuum analyze"));
}
