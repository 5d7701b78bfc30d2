#!/usr/bin/env node
// Runs the sequester command line, written in TypeScript without a build step, on a
// Node.js that strips types: this one when it can (22.18 or newer), else the Node.js 22
// that npm installs as a development dependency, else an older 22 with the flag.
// Limitation: Node.js does not strip types under node_modules, so this runs from a
// clone of the project (after `npm ci`), not from an installed package.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const cli = fileURLToPath(new URL("../scripts/cli.ts", import.meta.url));
const bundledNode = fileURLToPath(
  new URL("../node_modules/node/bin/node", import.meta.url),
);

function version(text) {
  const [major, minor] = text.replace(/^v/, "").split(".").map(Number);
  return { major, minor };
}

function stripsTypes({ major, minor }) {
  return (
    major > 23 || (major === 23 && minor >= 6) || (major === 22 && minor >= 18)
  );
}

// The child gets the terminal; signals sent to this process alone (by a supervisor
// such as timeout or systemd) are passed on, and its exit status becomes ours.
function run(node, flags) {
  const child = spawn(node, [...flags, cli, ...process.argv.slice(2)], {
    stdio: "inherit",
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
    process.on(signal, () => child.kill(signal));
  }
  child.on("error", (error) => {
    process.stderr.write(`error: could not run ${node}: ${error.message}\n`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    process.exit(code ?? (signal === "SIGINT" ? 130 : 1));
  });
}

const current = version(process.version);
if (stripsTypes(current)) {
  await import(cli);
} else if (existsSync(bundledNode)) {
  run(bundledNode, []);
} else if (
  (current.major === 22 && current.minor >= 6) ||
  current.major === 23
) {
  run(process.execPath, ["--experimental-strip-types", "--no-warnings"]);
} else {
  process.stderr.write(
    `error: sequester needs Node.js 22 or newer; this is ${process.version}.\n` +
      "  Install Node.js 22, or run `npm ci` in the project to get it as a dependency.\n",
  );
  process.exit(1);
}
