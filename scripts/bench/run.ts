// One benchmark run: a database of its own, migrated with the real migrations, filled by
// the generator, measured under each regime, reported; then the database and the run's
// cluster roles are dropped, whatever happened (unless asked to keep them).
import { mkdirSync, writeFileSync } from "node:fs";
import os from "node:os";
import { join } from "node:path";
import pg from "pg";
import { clientConfig } from "../lib/connection.ts";
import type { Logger } from "../lib/log.ts";
import { migrate } from "../lib/migrate.ts";
import { generate } from "./generate.ts";
import { explain, measure, type Plan } from "./measure.ts";
import { benchQueries, type Regime } from "./queries.ts";
import { markdown, type Row, tabulate } from "./report.ts";

export interface BenchOptions {
  prefix: string;
  clients: number;
  sequestered: number;
  staff: number;
  userRoles: number;
  runs: number;
  keep: boolean;
  outDir: string;
}

export interface BenchResult {
  rows: Row[];
  plans: Plan[];
  report: string;
  file: string;
}

// Without DATABASE_URL or PGHOST, the local server as postgres, as the tests use it.
// Bench roles log in without a password: the server must trust loopback connections.
export function benchConfig(database: string, user?: string): pg.ClientConfig {
  const base = clientConfig(database);
  const config: pg.ClientConfig = base.connectionString
    ? base
    : {
        host: process.env.PGHOST ?? "127.0.0.1",
        port: Number(process.env.PGPORT ?? 5432),
        user: process.env.PGUSER ?? "postgres",
        ...base,
      };
  if (!user) {
    return config;
  }
  if (config.connectionString) {
    const url = new URL(config.connectionString);
    url.username = user;
    url.password = "";
    return { connectionString: url.toString() };
  }
  return { ...config, user, password: undefined };
}

export const databaseFor = (prefix: string) => `${prefix}db`;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(benchConfig("postgres"));
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// One clean-up per prefix, shared: an interrupt and the run's own ending may both ask.
const cleanUps = new Map<string, Promise<void>>();

/** Drops the run's database and every role named with its prefix. */
export function cleanUp(prefix: string, log: Logger): Promise<void> {
  let pending = cleanUps.get(prefix);
  if (!pending) {
    pending = dropEverything(prefix, log);
    cleanUps.set(prefix, pending);
  }
  return pending;
}

async function dropEverything(prefix: string, log: Logger): Promise<void> {
  const database = databaseFor(prefix);
  await admin(async (client) => {
    await client.query(`drop database if exists ${database} with (force)`);
    const roles = await client.query<{ rolname: string }>(
      `select rolname from pg_roles where starts_with(rolname, $1)
       order by rolcanlogin desc, rolname`,
      [prefix],
    );
    for (const { rolname } of roles.rows) {
      await client.query(`drop role if exists "${rolname}"`);
    }
    log.progress(`bench: dropped ${database} and ${roles.rowCount} roles`);
  });
}

async function machine(client: pg.Client): Promise<string[]> {
  const settings = await client.query<{ name: string; setting: string }>(
    `select name, current_setting(name) as setting from pg_settings
     where name in ('shared_buffers', 'work_mem', 'effective_cache_size', 'jit',
       'max_parallel_workers_per_gather', 'random_page_cost', 'plan_cache_mode')
     order by name`,
  );
  const version = await client.query<{ v: string }>("select version() as v");
  return [
    `${os.availableParallelism()} CPUs (${os.cpus()[0]?.model ?? "unknown"}), ` +
      `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB memory, ${os.type()} ${os.release()}`,
    version.rows[0].v,
    settings.rows.map((row) => `${row.name}=${row.setting}`).join(", "),
    "server configuration as installed; the bench sets no session setting for the queries",
  ];
}

async function connect(database: string, user: string): Promise<pg.Client> {
  const client = new pg.Client(benchConfig(database, user));
  await client.connect();
  return client;
}

export async function runBench(
  options: BenchOptions,
  log: Logger,
): Promise<BenchResult> {
  const { prefix } = options;
  const database = databaseFor(prefix);
  const connections: pg.Client[] = [];
  await admin((client) => client.query(`create database ${database}`));
  log.progress(`bench: created database ${database}`);

  try {
    await migrate(benchConfig(database), { direction: "up" });
    const owner = new pg.Client(benchConfig(database));
    connections.push(owner);
    await owner.connect();
    const started = performance.now();
    await generate(owner, options, prefix, log);
    const generateSeconds = (performance.now() - started) / 1000;

    const picked = await owner.query<{ id: string }>(
      `select c.id from ehr.clients c
       where c.id >= $1 and not exists (
         select 1 from sequester.client_access a where a.client_id = c.id)
       order by c.id limit 1`,
      [Math.floor(options.clients / 2)],
    );
    const queries = benchQueries({
      visibleClientId: Number(picked.rows[0].id),
      prefix: "johnson m",
      contains: "ander",
    });

    const staff = `${prefix}staff_0001`;
    const regimeClients: Record<Regime, pg.Client> = {
      policies: await connect(database, staff),
      none: await connect(database, `${prefix}bypass`),
      naive: await connect(database, staff),
    };
    connections.push(...Object.values(regimeClients));

    const timings = await measure(
      regimeClients,
      queries,
      { fast: options.runs, slow: Math.max(3, Math.ceil(options.runs / 3)) },
      log,
    );
    const plans = await explain(regimeClients, queries, log);
    const rows = tabulate(queries, timings);

    const date = new Date().toISOString().slice(0, 10);
    const report = markdown(
      {
        date,
        clients: options.clients,
        chartRows: options.clients * 5,
        sequestered: options.sequestered,
        staff: options.staff,
        userRoles: options.userRoles,
        machine: await machine(owner),
        generateSeconds,
      },
      rows,
      plans,
    );
    mkdirSync(options.outDir, { recursive: true });
    const file = join(
      options.outDir,
      `${date}-${options.clients}-${options.sequestered}.md`,
    );
    writeFileSync(file, report);
    return { rows, plans, report, file };
  } finally {
    await Promise.all(
      connections.map((client) => client.end().catch(() => {})),
    );
    if (options.keep) {
      log.progress(
        `bench: kept ${database} and the roles ${prefix}*; drop them with ` +
          `npm run bench -- --clean-up ${prefix}`,
      );
    } else {
      await cleanUp(prefix, log);
    }
  }
}
