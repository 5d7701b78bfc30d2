// npm run bench: measures the policies against no policies and a naive policy on
// generated data (SPEC 5) and writes the report to bench/results/.
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { createLogger } from "../lib/log.ts";
import { table } from "./report.ts";
import { cleanUp, runBench } from "./run.ts";

const help = `Usage: npm run bench -- [options]

  --clients N       clients to generate (default 1000000; 5 chart rows each)
  --sequestered N   sequestered clients (default 10000)
  --runs N          timed runs per fast query (default 15; counts get a third)
  --smoke           a small, quick run: 10000 clients, 100 sequestered, 3 runs
  --keep            keep the database and the run's roles afterwards
  --out DIR         where the report goes (default bench/results; a smoke run's
                    to bench/results/smoke, which git ignores)
  --clean-up PREFIX drop a kept run's database and roles, then stop`;

const log = createLogger();

function count(
  value: string | undefined,
  fallback: number,
  name: string,
): number {
  const parsed = value === undefined ? fallback : Number(value);
  if (!Number.isInteger(parsed) || parsed < 1) {
    log.error(`--${name} must be a positive whole number, not "${value}".`);
    process.exit(2);
  }
  return parsed;
}

const { values } = parseArgs({
  options: {
    clients: { type: "string" },
    sequestered: { type: "string" },
    runs: { type: "string" },
    smoke: { type: "boolean", default: false },
    keep: { type: "boolean", default: false },
    out: { type: "string" },
    "clean-up": { type: "string" },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  log.info(help);
  process.exit(0);
}
if (values["clean-up"]) {
  await cleanUp(values["clean-up"], log);
  process.exit(0);
}

const smoke = values.smoke;
const options = {
  prefix: `bench_${randomBytes(3).toString("hex")}_`,
  clients: count(values.clients, smoke ? 10_000 : 1_000_000, "clients"),
  sequestered: count(values.sequestered, smoke ? 100 : 10_000, "sequestered"),
  staff: 2000,
  userRoles: 50,
  runs: count(values.runs, smoke ? 3 : 15, "runs"),
  keep: values.keep,
  outDir: values.out ?? (smoke ? "bench/results/smoke" : "bench/results"),
};
if (options.sequestered > options.clients) {
  log.error("--sequestered cannot exceed --clients.");
  process.exit(2);
}

// Roles belong to the cluster: an interrupted run still drops its own.
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log.error(`bench: interrupted; dropping ${options.prefix}* first`);
    cleanUp(options.prefix, log).finally(() => process.exit(130));
  });
}

try {
  const result = await runBench(options, log);
  log.info(table(result.rows));
  log.info(`Wrote ${result.file}.`);
  if (result.rows.some((row) => !row.met)) {
    log.info(
      "Why each missed target is missed, with the plans: docs/benchmark.md.",
    );
  }
} catch (error) {
  log.error(`bench failed: ${(error as Error).message}`);
  log.error("Nothing was kept; check the server and run it again.");
  process.exit(1);
}
