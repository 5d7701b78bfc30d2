// Times each query end to end from the client, over a real connection per regime: a
// warm-up, then the median of several runs, with the regimes taking turns so that a
// noisy moment on the server falls on all of them alike. Unprepared runs use the simple
// query protocol (parsed and planned every time); prepared runs use a named statement.
import type pg from "pg";
import type { Logger } from "../lib/log.ts";
import {
  literalSql,
  type Query,
  type Regime,
  regimes,
  sqlFor,
} from "./queries.ts";

export type Mode = "unprepared" | "prepared";
export const modes: readonly Mode[] = ["unprepared", "prepared"];

export interface Timing {
  query: string;
  mode: Mode;
  regime: Regime;
  medianMs: number;
  runs: number;
  rows: number;
}

export interface Plan {
  query: string;
  regime: Regime;
  text: string;
}

export interface RunCounts {
  fast: number;
  slow: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? sorted[middle]
    : (sorted[middle - 1] + sorted[middle]) / 2;
}

async function runOnce(
  client: pg.Client,
  query: Query,
  regime: Regime,
  mode: Mode,
  index: number,
): Promise<{ ms: number; rows: number }> {
  const request =
    mode === "unprepared"
      ? { text: literalSql(query, regime) }
      : {
          name: `q${index}_${regime}`,
          text: sqlFor(query, regime),
          values: query.params,
        };
  const started = performance.now();
  const result = await client.query(request);
  return { ms: performance.now() - started, rows: result.rowCount ?? 0 };
}

export async function measure(
  connections: Record<Regime, pg.Client>,
  queries: Query[],
  counts: RunCounts,
  log: Logger,
): Promise<Timing[]> {
  const timings: Timing[] = [];
  for (const mode of modes) {
    for (const [index, query] of queries.entries()) {
      const runs = query.slow ? counts.slow : counts.fast;
      const warmUps = query.slow ? 1 : 3;
      const samples: Record<Regime, number[]> = {
        policies: [],
        none: [],
        naive: [],
      };
      const rows: Record<Regime, number> = { policies: 0, none: 0, naive: 0 };
      log.progress(`bench: timing ${query.name} (${mode}), ${runs} runs`);

      for (let run = 0; run < warmUps + runs; run++) {
        for (const regime of regimes) {
          const sample = await runOnce(
            connections[regime],
            query,
            regime,
            mode,
            index,
          );
          rows[regime] = sample.rows;
          if (run >= warmUps) {
            samples[regime].push(sample.ms);
          }
        }
      }
      for (const regime of regimes) {
        timings.push({
          query: query.name,
          mode,
          regime,
          medianMs: median(samples[regime]),
          runs,
          rows: rows[regime],
        });
      }
    }
  }
  return timings;
}

export async function explain(
  connections: Record<Regime, pg.Client>,
  queries: Query[],
  log: Logger,
): Promise<Plan[]> {
  const plans: Plan[] = [];
  for (const query of queries) {
    log.progress(`bench: explaining ${query.name}`);
    for (const regime of regimes) {
      const result = await connections[regime].query<{ "QUERY PLAN": string }>(
        `explain (analyze, buffers) ${literalSql(query, regime)}`,
      );
      const text = result.rows.map((row) => row["QUERY PLAN"]).join("\n");
      plans.push({ query: query.name, regime, text });
    }
  }
  return plans;
}
