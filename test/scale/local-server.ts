// Private servers for the scale tests: a PostgreSQL primary with a hot standby, and a
// PgBouncer, each on a free loopback port in a temporary directory that is removed
// afterwards. The machine's shared server is never touched by this module. PostgreSQL
// and PgBouncer refuse to run as root, so under root (as in CI) the binaries run as
// the OS user `postgres`, which owns the directory.
import { execFile, execFileSync, spawn } from "node:child_process";
import {
  appendFileSync,
  chmodSync,
  chownSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";

const run = promisify(execFile);
export const pgBin = "/usr/lib/postgresql/15/bin";

interface OsUser {
  uid?: number;
  gid?: number;
}

function serverUser(): OsUser {
  if (process.getuid?.() !== 0) {
    return {};
  }
  const id = (flag: string) =>
    Number(execFileSync("id", [flag, "postgres"]).toString().trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** A temporary directory the server user can write, removed by remove(). */
export function privateDir(label: string): {
  path: string;
  remove(): void;
} {
  const path = mkdtempSync(join(tmpdir(), `sequester-${label}-`));
  chmodSync(path, 0o755);
  const { uid, gid } = serverUser();
  if (uid !== undefined && gid !== undefined) {
    chownSync(path, uid, gid);
  }
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs a binary as the server user and waits for it; throws with its stderr. */
export async function runAsServer(
  file: string,
  args: string[],
  cwd: string,
): Promise<string> {
  const { stdout } = await run(file, args, {
    ...serverUser(),
    cwd,
    env: { ...process.env, LC_ALL: "C" },
    timeout: 30_000,
  });
  return stdout;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") {
          resolve(address.port);
        } else {
          reject(new Error("no port"));
        }
      });
    });
  });
}

export interface Server {
  port: number;
  dataDir: string;
  logFile: string;
  config(database: string, user?: string): pg.ClientConfig;
  log(): string;
  stop(): Promise<void>;
}

function server(dir: string, name: string, port: number): Server {
  const dataDir = join(dir, name);
  const logFile = join(dir, `${name}.log`);
  return {
    port,
    dataDir,
    logFile,
    config: (database, user = "postgres") => ({
      host: "127.0.0.1",
      port,
      user,
      database,
    }),
    log: () => readFileSync(logFile, "utf8"),
    async stop() {
      await runAsServer(
        join(pgBin, "pg_ctl"),
        ["stop", "-D", dataDir, "-m", "immediate", "-w"],
        dir,
      ).catch(() => {});
    },
  };
}

// A server that failed to come up in time may still be starting: stop it before the
// error propagates, since the caller never learns of it to stop it later.
async function start(dir: string, s: Server): Promise<void> {
  try {
    await runAsServer(
      join(pgBin, "pg_ctl"),
      ["start", "-D", s.dataDir, "-l", s.logFile, "-w", "-t", "30"],
      dir,
    );
  } catch (error) {
    await s.stop();
    throw error;
  }
}

/** initdb and start a primary that trusts loopback and allows replication. */
export async function startPrimary(dir: string): Promise<Server> {
  const primary = server(dir, "primary", await freePort());
  await runAsServer(
    join(pgBin, "initdb"),
    ["-D", primary.dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8"],
    dir,
  );
  appendFileSync(
    join(primary.dataDir, "postgresql.conf"),
    [
      "listen_addresses = '127.0.0.1'",
      `port = ${primary.port}`,
      "unix_socket_directories = ''",
      "wal_level = replica",
      "max_wal_senders = 4",
      "max_connections = 40",
      "shared_buffers = 32MB",
      "fsync = off",
      "",
    ].join("\n"),
  );
  await start(dir, primary);
  return primary;
}

/** pg_basebackup of the primary, started as a streaming hot standby. */
export async function startStandby(
  dir: string,
  primary: Server,
): Promise<Server> {
  const standby = server(dir, "standby", await freePort());
  await runAsServer(
    join(pgBin, "pg_basebackup"),
    [
      ...["-h", "127.0.0.1", "-p", String(primary.port), "-U", "postgres"],
      ...["-D", standby.dataDir, "-R", "-X", "stream", "-c", "fast"],
    ],
    dir,
  );
  appendFileSync(
    join(standby.dataDir, "postgresql.auto.conf"),
    `port = ${standby.port}\nhot_standby = on\n`,
  );
  await start(dir, standby);
  return standby;
}

/** Waits until the standby has replayed everything the primary has written. */
export async function waitForReplay(
  primary: pg.Client,
  standby: pg.Client,
  timeoutMs = 30_000,
): Promise<void> {
  const target = await primary.query<{ lsn: string }>(
    "select pg_current_wal_lsn()::text as lsn",
  );
  const lsn = target.rows[0].lsn;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const replayed = await standby.query<{ done: boolean }>(
      "select pg_last_wal_replay_lsn() >= $1::pg_lsn as done",
      [lsn],
    );
    if (replayed.rows[0].done) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`standby did not replay ${lsn} in ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

export interface Bouncer {
  port: number;
  stop(): Promise<void>;
}

/** A PgBouncer in transaction mode with one server connection per user and database. */
export async function startPgBouncer(
  dir: string,
  database: string,
  backend: { host: string; port: number },
  users: string[],
): Promise<Bouncer> {
  const port = await freePort();
  const ini = join(dir, "pgbouncer.ini");
  appendFileSync(
    join(dir, "userlist.txt"),
    users.map((user) => `"${user}" ""\n`).join(""),
  );
  appendFileSync(
    ini,
    [
      "[databases]",
      `${database} = host=${backend.host} port=${backend.port} dbname=${database}`,
      "[pgbouncer]",
      "listen_addr = 127.0.0.1",
      `listen_port = ${port}`,
      "unix_socket_dir =",
      "auth_type = trust",
      `auth_file = ${join(dir, "userlist.txt")}`,
      "pool_mode = transaction",
      "default_pool_size = 1",
      "max_client_conn = 20",
      "ignore_startup_parameters = extra_float_digits",
      `logfile = ${join(dir, "pgbouncer.log")}`,
      "",
    ].join("\n"),
  );
  const child = spawn("/usr/sbin/pgbouncer", [ini], {
    ...serverUser(),
    cwd: dir,
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", resolve));

  const deadline = Date.now() + 15_000;
  for (;;) {
    const probe = new pg.Client({
      host: "127.0.0.1",
      port,
      user: users[0],
      database,
    });
    try {
      await probe.connect();
      await probe.end();
      break;
    } catch (error) {
      await probe.end().catch(() => {});
      if (Date.now() > deadline || child.exitCode !== null) {
        child.kill("SIGTERM");
        throw new Error(`pgbouncer did not start: ${String(error)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    port,
    async stop() {
      if (child.exitCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
    },
  };
}
