// Side channels: what PostgreSQL tells any session about rows it does not return, and
// what the package itself announces. Where PostgreSQL leaks by design the test says
// "documents:" and asserts the known behaviour, and SECURITY.md says how to deploy
// around it; where the package leaks, the test fails until it is mended.
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";
import {
  type AttackClinic,
  comparable,
  mentionsSecret,
  observe,
  openAttackClinic,
} from "./attacker.ts";

let db: TestDatabase;
let clinic: AttackClinic;
let staff: pg.Client;

useClinic(
  "attack_side",
  (opened) => {
    ({ db, clinic } = opened);
  },
  openAttackClinic,
);
beforeAll(async () => {
  staff = await db.connectAs(clinic.roles.ordinary);
});

/** Collects the notifications on a channel while `work` runs. */
async function listen(
  client: pg.Client,
  channel: string,
  work: () => Promise<unknown>,
): Promise<string[]> {
  const payloads: string[] = [];
  const handler = (message: pg.Notification) => {
    if (message.channel === channel) {
      payloads.push(message.payload ?? "");
    }
  };
  client.on("notification", handler);
  await client.query(`listen ${channel}`);
  try {
    await work();
    // Notifications are delivered after the sender commits; give them a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.query("select 1");
  } finally {
    await client.query(`unlisten ${channel}`);
    client.off("notification", handler);
  }
  return payloads;
}

describe("messages the session asks for", () => {
  it("open_chart sends no LOG or DEBUG that tells hidden from missing", async () => {
    // client_min_messages is a setting any session may change; at 'log' or 'debug5' the
    // server sends the session every RAISE LOG of the functions it calls.
    for (const level of ["log", "debug5"]) {
      await staff.query(`set client_min_messages = ${level}`);
      const hidden = await observe(staff, "select sequester.open_chart($1)", [
        clinic.hidden,
      ]);
      const missing = await observe(staff, "select sequester.open_chart($1)", [
        clinic.missing,
      ]);
      await staff.query("reset client_min_messages");
      expect(comparable(hidden, [clinic.hidden]), level).toBe(
        comparable(missing, [clinic.missing]),
      );
    }
  });
});

describe("LISTEN", () => {
  it("a staff member listening on sequester_break_glass learns no client ID", async () => {
    const glass = await db.createRole("break_glass");
    const admin = await db.admin();
    await admin.query(`grant ehr_user, sequester_break_glass to ${glass}`);
    const breaker = await db.connectAs(glass);
    const payloads = await listen(staff, "sequester_break_glass", () =>
      breaker.query("select sequester.break_glass($1, 'cardiac arrest')", [
        clinic.otherHidden,
      ]),
    );
    expect(payloads.length).toBeGreaterThan(0);
    expect(payloads.join("\n")).not.toContain(String(clinic.otherHidden));
  });

  it("a staff member listening on sequester_access_request learns no client ID", async () => {
    const locked = await db.connectAs(clinic.roles.lockedSearch);
    const payloads = await listen(staff, "sequester_access_request", () =>
      locked.query("select sequester.request_access($1, 'covering a shift')", [
        clinic.hidden,
      ]),
    );
    expect(payloads.join("\n")).not.toContain(String(clinic.hidden));
    expect(mentionsSecret(payloads.join("\n"))).toBe(false);
  });

  it("nothing is announced on any sequester_ channel when a hidden chart is probed", async () => {
    const channels = [
      "sequester_break_glass",
      "sequester_access_request",
      "sequester_chart_open",
      "sequester_client_access",
    ];
    for (const channel of channels) {
      const payloads = await listen(staff, channel, async () => {
        const other = await db.connectAs(clinic.roles.ordinary);
        await observe(other, "select sequester.open_chart($1)", [
          clinic.hidden,
        ]);
        await observe(other, "select * from ehr.clients where id = $1", [
          clinic.hidden,
        ]);
      });
      expect(payloads, channel).toEqual([]);
    }
  });
});

describe("locks other sessions can see", () => {
  it("pg_locks is closed to staff: under SERIALIZABLE it lists what a policy read", async () => {
    // A session's predicate locks name every row its statements read, the rows the
    // policy read on its behalf included: here the Client Access List record of the
    // hidden client, which a probe of a missing ID never reads. db/12-locks.sql.
    const monitor = await db.connectAs(
      await db.createRole("monitor", "login in role pg_read_all_stats"),
    );
    // A fresh session, so that the policy's plans are made with index scans, as they
    // are on a real list (this one is small enough to be read whole).
    const prober = await db.connectAs(clinic.roles.ordinary);
    await prober.query("set enable_seqscan = off");
    const pid = Number(
      (await prober.query("select pg_backend_pid() as pid")).rows[0].pid,
    );
    const listRowsLocked = async (id: number) => {
      await prober.query("begin isolation level serializable");
      await prober.query("select * from ehr.clients where id = $1", [id]);
      const locks = await monitor.query(
        `select count(*)::int as n from pg_locks
         where pid = $1 and mode = 'SIReadLock' and locktype = 'tuple'
           and relation = 'sequester.client_access'::regclass`,
        [pid],
      );
      await prober.query("rollback");
      return locks.rows[0].n;
    };
    const hidden = await listRowsLocked(clinic.hidden);
    const missing = await listRowsLocked(clinic.missing);
    // What the lock table would have told a staff member who could read it.
    expect(hidden).toBeGreaterThan(0);
    expect(missing).toBe(0);
    // And what a staff member gets when they try.
    for (const read of [
      "select * from pg_locks",
      "select * from pg_lock_status()",
    ]) {
      expect((await observe(prober, read)).error?.code, read).toBe("42501");
    }
    await prober.end();
    await monitor.end();
  });

  it("pg_locks shows a monitoring role nothing derived from the client sequestered", async () => {
    // Lock keys that depend on the client ID (an advisory lock keyed by it, say) would
    // name the client being sequestered to whoever may read pg_locks.
    const monitor = await db.connectAs(
      await db.createRole("lock_watcher", "login in role pg_read_all_stats"),
    );
    const admin = await db.admin();
    await admin.query(
      `insert into ehr.clients (id, first_name, last_name, birth_date)
       values (7310000101, 'A', 'A', '2000-01-01'), (7310000202, 'B', 'B', '2000-01-01'),
         (7310000303, 'C', 'C', '2000-01-01')`,
    );
    const editor = await db.connectAs(clinic.roles.editor);
    const pid = Number(
      (await editor.query("select pg_backend_pid() as pid")).rows[0].pid,
    );
    const locksWhileSequestering = async (client: number) => {
      await editor.query("begin");
      await editor.query(
        `insert into sequester.client_access (client_id, start_date)
         values ($1, sequester.today())`,
        [client],
      );
      const seen = await monitor.query(
        `select locktype, coalesce(relation::regclass::text, '') as relation, classid,
           objid, objsubid, mode
         from pg_locks
         where pid = $1 and locktype not in ('virtualxid', 'transactionid')
         order by 1, 2, 3, 4, 5, 6`,
        [pid],
      );
      await editor.query("rollback");
      return seen.rows;
    };
    // The first insert of a session also locks what it reads to fill its caches.
    await locksWhileSequestering(7310000303);
    const first = await locksWhileSequestering(7310000101);
    const second = await locksWhileSequestering(7310000202);
    expect(first.length).toBeGreaterThan(0);
    expect(first).toEqual(second);
    await monitor.end();
  });
});

/**
 * The plan of `sql` with `$1` set to `id`, as `client` sees it with these EXPLAIN
 * options (costs and timings left out), the ID itself blanked so that plans of two
 * clients compare.
 */
async function explainedFor(
  client: pg.Client,
  sql: string,
  id: number,
  options: string,
): Promise<string> {
  const plan = await client.query(
    `explain (${options}, costs off, timing off, summary off) ` +
      sql.replace("$1", String(id)),
  );
  return plan.rows
    .map((row) => row["QUERY PLAN"])
    .join("\n")
    .replaceAll(String(id), "ID");
}

describe("plans a staff member may ask for", () => {
  it("EXPLAIN ANALYZE shows nothing of the list the visibility test reads", async () => {
    // The test once read the list through a view that staff could EXPLAIN: its plan
    // showed a list record found and filtered out for a visible client whose sequester
    // had ended or had not begun. It now runs as the package's definer, whose plan no
    // caller sees, and a past or future record is passed over inside the list's index:
    // a client with one explains exactly like one never listed, pages read (BUFFERS)
    // included. (A hidden client still explains unlike a missing one: SECURITY.md.)
    const admin = await db.admin();
    const [ended, planned, never] = [7310000401, 7310000402, 7310000403];
    await admin.query(
      `insert into ehr.clients (id, first_name, last_name, birth_date)
       select id, 'Listed', 'Once', '1970-01-01' from unnest($1::bigint[]) id`,
      [[ended, planned, never]],
    );
    await admin.query(
      `insert into sequester.client_access (client_id, start_date, end_date) values
         ($1, sequester.today() - 30, sequester.today() - 10),
         ($2, sequester.today() + 10, null)`,
      [ended, planned],
    );
    const prober = await db.connectAs(clinic.roles.ordinary);
    await prober.query("set enable_seqscan = off");
    const explained = (sql: string, id: number) =>
      explainedFor(prober, sql, id, "analyze, verbose, buffers");
    for (const sql of [
      "select sequester.sees_chart($1)",
      "select sequester.finds_client($1)",
      "select sequester.record_chart_open($1)",
      "select sequester.open_chart($1)",
      "select * from ehr.clients where id = $1",
      "select * from ehr.progress_notes where client_id = $1",
    ]) {
      // Once to fill the session's caches, then the plans compared.
      for (const id of [ended, planned, never]) await explained(sql, id);
      const plans = [];
      for (const id of [ended, planned, never]) {
        plans.push(await explained(sql, id));
      }
      expect(plans[0], sql).toEqual(plans[2]);
      expect(plans[1], sql).toEqual(plans[2]);
    }
    await prober.end();
  });
});

describe("plans of a hidden client", () => {
  it("count no team approvals: EXPLAIN BUFFERS is the same with none or three", async () => {
    // approves() once read every team listed on the record; the pages it read told a
    // staff member with a SQL prompt how many teams a hidden client is approved to.
    const admin = await db.admin();
    const [bare, teamed] = [7310000501, 7310000502];
    await admin.query(
      `insert into ehr.clients (id, first_name, last_name, birth_date)
       select id, 'Hidden', 'Twice', '1970-01-01' from unnest($1::bigint[]) id`,
      [[bare, teamed]],
    );
    const records = await admin.query<{ id: string }>(
      `insert into sequester.client_access (client_id, start_date)
       values ($1, sequester.today()), ($2, sequester.today()) returning id`,
      [bare, teamed],
    );
    for (const name of ["team_a", "team_b", "team_c"]) {
      const team = await db.createRole(name, "nologin");
      await admin.query("select sequester.add_user_role($1, $2)", [
        records.rows[1].id,
        team,
      ]);
    }
    const prober = await db.connectAs(clinic.roles.ordinary);
    await prober.query("set enable_seqscan = off");
    const explained = (sql: string, id: number) =>
      explainedFor(prober, sql, id, "analyze, buffers");
    for (const sql of [
      "select sequester.sees_chart($1)",
      "select id from ehr.clients where id = $1",
    ]) {
      for (const id of [bare, teamed]) await explained(sql, id);
      expect(await explained(sql, teamed), sql).toEqual(
        await explained(sql, bare),
      );
    }
    await prober.end();
  });
});

describe("documents: what PostgreSQL reveals by design", () => {
  it("documents: EXPLAIN ANALYZE counts the rows the policies remove", async () => {
    // "Rows Removed by Filter" counts the hidden row the policy filtered out, and the
    // policy's subplan runs only when the index found a row. SECURITY.md: give staff
    // no SQL prompt, or accept that existence of an ID can be probed this way.
    // On a table this small the planner would scan it whole; a real one is read by index.
    await staff.query("set enable_seqscan = off");
    const plan = async (id: number) =>
      (
        await staff.query(
          `explain (analyze, costs off, timing off, summary off)
           select * from ehr.clients where id = ${id}`,
        )
      ).rows
        .map((row) => row["QUERY PLAN"])
        .join("\n");
    expect(await plan(clinic.hidden)).toContain("Rows Removed by Filter: 1");
    expect(await plan(clinic.missing)).not.toContain("Rows Removed by Filter");
    await staff.query("reset enable_seqscan");
  });

  it("EXPLAIN ANALYZE cannot test a guess about a hidden chart's text", async () => {
    // Every chart table, those with link rules too: the package's one policy per table
    // comes first among restrictive policies, so it runs before the caller's guess.
    await staff.query("set enable_seqscan = off");
    const tables: Array<[string, string, string]> = [
      ["ehr.conditions", "description", "secret condition"],
      ["ehr.progress_notes", "note", "secret note"],
      ["ehr.medications", "description", "secret medication"],
      ["ehr.procedures", "description", "secret procedure"],
    ];
    for (const [table, column, truth] of tables) {
      const plan = async (guess: string) =>
        (
          await staff.query(
            `explain (analyze, costs off, timing off, summary off)
             select * from ${table}
             where client_id = ${clinic.hidden} and ${column} = '${guess}'`,
          )
        ).rows
          .map((row) => String(row["QUERY PLAN"]).replace(/'[^']*'/, "'?'"))
          .join("\n");
      const right = await plan(truth);
      const wrong = await plan("certainly not this");
      expect(right, table).toEqual(wrong);
      expect(right, table).toMatch(/sees_chart\(client_id\)\)? AND/);
    }
    await staff.query("reset enable_seqscan");
  });

  it("EXPLAIN ANALYZE cannot test a guess about a hidden row's unindexed column", async () => {
    // The policy's test is declared cheaper than any operator, so it removes the hidden
    // row before the guess runs: the plan reads the same whether the guess is true.
    await staff.query("set enable_seqscan = off");
    const plan = async (guess: string) =>
      (
        await staff.query(
          `explain (analyze, costs off, timing off, summary off)
           select * from ehr.clients where id = ${clinic.hidden} and ssn < '${guess}'`,
        )
      ).rows
        .map((row) => String(row["QUERY PLAN"]).replace(/'[^']*'/, "'?'"))
        .join("\n");
    const beyond = await plan("999-11-3000");
    const before = await plan("999-11-1000");
    await staff.query("reset enable_seqscan");
    expect(beyond).toEqual(before);
    expect(beyond).toMatch(/sees_chart\(id\)\) AND \(ssn </);
  });

  it("documents: pg_class.reltuples and EXPLAIN estimates count hidden rows", async () => {
    // The planner's statistics are about the whole table; they tell how many rows there
    // are (and so how many the policies hide), never which.
    const admin = await db.admin();
    await admin.query("analyze ehr.clients, sequester.client_access");
    const visible = Number(
      (await staff.query("select count(*) from ehr.clients")).rows[0].count,
    );
    const estimated = Number(
      (
        await staff.query(
          "select reltuples from pg_class where oid = 'ehr.clients'::regclass",
        )
      ).rows[0].reltuples,
    );
    expect(estimated).toBeGreaterThan(visible);
    // The size of the Client Access List itself is readable the same way.
    const listSize = Number(
      (
        await staff.query(
          "select reltuples from pg_class where oid = 'sequester.client_access'::regclass",
        )
      ).rows[0].reltuples,
    );
    expect(listSize).toBeGreaterThanOrEqual(3);
  });

  it("pg_stats and pg_stats_ext show nothing of protected tables (CVE-2017-7484)", async () => {
    const stats = await staff.query(
      `select tablename, attname from pg_stats
       where schemaname = 'ehr' and tablename not in ('organizations', 'staff')
       union all select tablename, '' from pg_stats_ext where schemaname in ('ehr', 'sequester')
       union all select tablename, attname from pg_stats where schemaname = 'sequester'
         and tablename <> 'settings'`,
    );
    expect(stats.rows).toEqual([]);
    const raw = await observe(staff, "select * from pg_statistic");
    expect(raw.error?.code).toBe("42501");
  });

  it("the statistics that count rows the policies hide are not readable by staff", async () => {
    // pg_stat_xact_*, pg_stat_database, pg_statio_* and pg_stat_activity count what a
    // query touched, hidden rows included (and map a NOTIFY's process to its sender).
    // The package's migration takes every pg_stat_get_* function from PUBLIC.
    const client = await db.connectAs(clinic.roles.ordinary);
    for (const view of [
      "pg_stat_xact_all_tables",
      "pg_stat_all_tables",
      "pg_statio_all_tables",
      "pg_stat_all_indexes",
      "pg_stat_database",
      "pg_stat_activity",
    ]) {
      const outcome = await observe(client, `select * from ${view}`);
      expect(outcome.error?.code, view).toBe("42501");
    }
  });
});
