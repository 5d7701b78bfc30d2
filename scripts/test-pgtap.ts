// Runs the pgTAP suite (test/pgtap/*.sql) against a database of its own: creates a
// database with a unique name, migrates it, installs pgTAP, runs pg_prove, and drops
// the database whatever happened. The exit code is pg_prove's.
//
//   node scripts/test-pgtap.ts            (or: npm exec -- node scripts/test-pgtap.ts)
//
// The server comes from DATABASE_URL, else the PG* variables, else postgres at
// 127.0.0.1:5432. The test files create their roles inside their own transaction and
// roll back, so nothing is left on the server.
//
// The files also run by hand against any migrated database with pgTAP installed:
//
//   create extension if not exists pgtap;   -- once, in that database
//   pg_prove -d <database> test/pgtap/*.sql
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type pg from "pg";
import { clientConfig, withClient } from "./lib/connection.ts";
import { migrate } from "./lib/migrate.ts";

const root = fileURLToPath(new URL("../", import.meta.url));
const testDir = "test/pgtap/";

function serverConfig(database: string): pg.ClientConfig {
  const config = clientConfig(database);
  if (config.connectionString) {
    return config;
  }
  return {
    host: process.env.PGHOST ?? "127.0.0.1",
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? "postgres",
    ...(process.env.PGPASSWORD ? { password: process.env.PGPASSWORD } : {}),
    ...config,
  };
}

// pg_prove speaks libpq: hand it the same server through its own variables.
function libpqEnvironment(database: string): NodeJS.ProcessEnv {
  const config = serverConfig(database);
  if (config.connectionString) {
    const url = new URL(config.connectionString);
    return {
      ...process.env,
      PGHOST: decodeURIComponent(url.hostname) || "127.0.0.1",
      PGPORT: url.port || "5432",
      PGUSER: decodeURIComponent(url.username) || "postgres",
      ...(url.password ? { PGPASSWORD: decodeURIComponent(url.password) } : {}),
      PGDATABASE: database,
    };
  }
  return {
    ...process.env,
    PGHOST: String(config.host),
    PGPORT: String(config.port),
    PGUSER: String(config.user),
    PGDATABASE: database,
  };
}

async function installPgtap(database: string): Promise<void> {
  await withClient(serverConfig(database), async (client) => {
    const available = await client.query(
      "select 1 from pg_available_extensions where name = 'pgtap'",
    );
    if (available.rowCount === 0) {
      throw new Error(
        "the pgtap extension is not installed on the server; install it " +
          "(on Debian: apt-get install postgresql-15-pgtap) and run again",
      );
    }
    await client.query("create extension if not exists pgtap");
  });
}

function runPgProve(database: string, files: string[]): number {
  const result = spawnSync(
    "pg_prove",
    ["--dbname", database, "--verbose", "--failures", ...files],
    { cwd: root, env: libpqEnvironment(database), stdio: "inherit" },
  );
  if (result.error) {
    throw new Error(
      `could not run pg_prove (${result.error.message}); install it ` +
        "(on Debian: apt-get install libtap-parser-sourcehandler-pgtap-perl)",
    );
  }
  return result.status ?? 1;
}

async function main(): Promise<number> {
  const files = readdirSync(`${root}${testDir}`)
    .filter((file) => /^\d+-.*\.sql$/.test(file))
    .sort()
    .map((file) => `${testDir}${file}`);
  if (files.length === 0) {
    console.error(`no pgTAP files found in ${root}${testDir}`);
    return 1;
  }

  const database = `pgtap_${randomBytes(5).toString("hex")}`;
  const admin = serverConfig("postgres");
  await withClient(admin, (client) =>
    client.query(`create database ${database}`),
  );
  console.log(`created database ${database}`);

  try {
    const ran = await migrate(serverConfig(database), { direction: "up" });
    console.log(`migrated ${database} (${ran.length} migrations)`);

    await installPgtap(database);

    return runPgProve(database, files);
  } finally {
    await withClient(admin, (client) =>
      client.query(`drop database if exists ${database} with (force)`),
    );
    console.log(`dropped database ${database}`);
  }
}

try {
  process.exitCode = await main();
} catch (error) {
  console.error(
    `pgTAP run failed: ${error instanceof Error ? error.message : error}`,
  );
  if (process.argv.includes("--verbose")) {
    console.error(error);
  }
  process.exitCode = 1;
}
