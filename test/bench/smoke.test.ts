// A small run of the benchmark, as CI runs it: every query under every regime gets a
// median and a plan, and the run leaves no database and no role behind. No timing is
// asserted: CI machines differ too much.
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import {
  type BenchResult,
  cleanUp,
  runBench,
} from "../../scripts/bench/run.ts";
import { silent } from "../../scripts/lib/log.ts";
import { adminConfig } from "../helpers/database.ts";

const prefix = `bench_${randomBytes(3).toString("hex")}_`;
const outDir = mkdtempSync(join(tmpdir(), "bench-smoke-"));
const queries = [
  "lookup by id",
  "chart of one client",
  "name search, prefix",
  "name search, contains",
  "full count",
];

let result: BenchResult;

afterAll(async () => {
  await cleanUp(prefix, silent);
  rmSync(outDir, { recursive: true, force: true });
});

describe("the benchmark, small", () => {
  it("runs on 10,000 clients with 100 sequestered", {
    timeout: 120_000,
  }, async () => {
    result = await runBench(
      {
        prefix,
        clients: 10_000,
        sequestered: 100,
        staff: 2000,
        userRoles: 50,
        runs: 3,
        keep: false,
        outDir,
      },
      silent,
    );
    expect(readFileSync(result.file, "utf8")).toBe(result.report);
  });

  it("reports a median for every query, regime and protocol", () => {
    for (const query of queries) {
      for (const mode of ["unprepared", "prepared"]) {
        const row = result.rows.find(
          (r) => r.query === query && r.mode === mode,
        );
        expect(row, `${query} ${mode}`).toBeDefined();
        for (const value of Object.values(row?.ms ?? {})) {
          expect(Number.isFinite(value) && value > 0).toBe(true);
        }
        expect(result.report).toMatch(
          new RegExp(
            `\\| ${query} \\| ${mode} \\| [\\d.]+ \\| [\\d.]+ \\| [\\d.]+ \\|`,
          ),
        );
      }
    }
  });

  it("prints a plan for every query under every regime", () => {
    for (const query of queries) {
      for (const regime of ["policies", "none", "naive"]) {
        expect(result.report).toContain(`### ${query}: ${regime}`);
        const plan = result.plans.find(
          (p) => p.query === query && p.regime === regime,
        );
        expect(plan?.text).toMatch(/Execution Time: [\d.]+ ms/);
      }
    }
  });

  it("leaves no database and no role of its own behind", async () => {
    const client = new pg.Client(adminConfig());
    await client.connect();
    try {
      const left = await client.query(
        `select (select count(*) from pg_roles where starts_with(rolname, $1)) as roles,
           (select count(*) from pg_database where starts_with(datname, $1)) as databases`,
        [prefix],
      );
      expect(left.rows[0]).toEqual({ roles: "0", databases: "0" });
    } finally {
      await client.end();
    }
  });
});
