// Runs the sequester command line as a user would, through bin/sequester.js in a child
// process, and returns what it printed and its exit code.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/sequester.js", import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function sequester(
  args: string[],
  env: Record<string, string> = {},
): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      env: { ...process.env, ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** A connection URL for a database on the test server, as a given role. */
export function databaseUrl(database: string, role = "postgres"): string {
  const base =
    process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const url = new URL(base);
  url.pathname = `/${database}`;
  if (role !== "postgres") {
    url.username = role;
    url.password = "";
  }
  return url.toString();
}
