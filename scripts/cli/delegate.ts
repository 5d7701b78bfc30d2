// Subcommands whose program lives elsewhere in the project (the API server, the bench):
// the command line runs it as a child on the same Node.js, hands it the arguments,
// passes Ctrl-C on, and returns its exit code.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Command } from "./command.ts";

function runScript(script: string, args: string[]): Promise<number> {
  const path = fileURLToPath(new URL(`../../${script}`, import.meta.url));
  const child = spawn(process.execPath, [path, ...args], { stdio: "inherit" });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  return new Promise((resolve) => {
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

function delegate(
  name: string,
  summary: string,
  script: string,
  prefix: string[],
): Command {
  return {
    name,
    summary,
    help: `Usage: sequester ${name} [options]\n\nRuns ${script}; its own --help follows.`,
    options: {},
    // Never reached: main hands a delegated command its arguments unparsed.
    run: async () => 2,
    delegated: (args: string[]) => runScript(script, [...prefix, ...args]),
  };
}

// `sequester serve token ROLE` and the like reach the API's own subcommands; with none
// named, api/main.ts serves.
export const serveCommand = delegate(
  "serve",
  "serve the GraphQL administration API, or sign a token (see npm run serve)",
  "api/main.ts",
  [],
);

export const benchCommand = delegate(
  "bench",
  "generate data and measure the policies against no policies",
  "scripts/bench/main.ts",
  [],
);
