// Races: 16 staff sessions search, read charts and open charts while an editor starts a
// sequester, approves their user role, revokes it and ends the sequester, in a loop.
// Every change commits together with a row in a change log; every staff probe reads
// the change log and probes the client in one repeatable-read snapshot. Counted over
// every statement, not sampled:
// - what the probe saw must be what the last change it could see says (no cache, no
//   lag inside PostgreSQL), and
// - no probe that started after a change's COMMIT returned may miss that change (so
//   after a revoke commits, no later statement of any session sees the client).
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { openClinic } from "../helpers/clinic.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

const SESSIONS = 16;
const MIN_PROBES = 2_000;
const MAX_MILLISECONDS = 25_000;
const TARGET = 7_320_000_001;

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("attack_races");
});
afterAll(async () => {
  await db?.drop();
});

interface Change {
  seq: number;
  visible: boolean;
  acknowledgedAt: number;
}

interface Probe {
  kind: string;
  session: number;
  startedAt: number;
  lastSeq: number;
  saw: boolean;
}

it("after each change commits, every later statement of every session obeys it", async () => {
  const clinic = await openClinic(db);
  const admin = await db.admin();
  const team = await db.createRole("race_team", "nologin");
  const staffRoles: string[] = [];
  for (let i = 0; i < SESSIONS; i++) {
    staffRoles.push(await db.createRole(`race_staff_${i}`));
  }
  await admin.query(`
    grant ehr_user, ${team} to ${staffRoles.join(", ")};
    create schema race;
    create table race.change (
      seq bigint primary key, visible boolean not null,
      xid xid8 not null default pg_current_xact_id()
    );
    insert into race.change (seq, visible) values (0, true);
    grant usage on schema race to public;
    grant select on race.change to public;
    grant insert on race.change to ${clinic.roles.editor};
    insert into ehr.clients (id, first_name, last_name, birth_date)
      values (${TARGET}, 'Rita', 'Racename', '1980-01-01');
    insert into ehr.progress_notes (client_id, note) values (${TARGET}, 'race note');`);

  const editor = await db.connectAs(clinic.roles.editor);
  const sessions = await Promise.all(
    staffRoles.map((role) => db.connectAs(role)),
  );

  const changes: Change[] = [{ seq: 0, visible: true, acknowledgedAt: 0 }];
  const probes: Probe[] = [];
  let stop = false;
  const deadline = performance.now() + MAX_MILLISECONDS;

  // The editor's loop: start (hidden), approve the team (visible), revoke (hidden),
  // end the sequester (visible), again and again.
  const administer = async () => {
    let seq = 0;
    let record = 0;
    const step = async (sql: string, values: unknown[], visible: boolean) => {
      seq += 1;
      await editor.query("begin");
      const result = await editor.query(sql, values);
      await editor.query(
        "insert into race.change (seq, visible) values ($1, $2)",
        [seq, visible],
      );
      await editor.query("commit");
      changes.push({ seq, visible, acknowledgedAt: performance.now() });
      return result;
    };
    while (!stop) {
      const started = await step(
        `insert into sequester.client_access (client_id, start_date, comments)
         values ($1, sequester.today(), 'race') returning id`,
        [TARGET],
        false,
      );
      record = Number(started.rows[0].id);
      await step(
        "select sequester.add_user_role($1, $2)",
        [record, team],
        true,
      );
      await step(
        "select sequester.remove_user_role($1, $2)",
        [record, team],
        false,
      );
      // A record that starts today is lifted today by cancelling it.
      await step("select sequester.cancel_sequester($1)", [record], true);
    }
  };

  const probeSql: Record<string, string> = {
    search: `select count(*)::int as n from ehr.clients where search_name like 'racename%'`,
    chart: `select count(*)::int as n from ehr.progress_notes where client_id = ${TARGET}`,
    open: `select sequester.open_chart(${TARGET})`,
  };
  const kinds = Object.keys(probeSql);

  const work = async (client: pg.Client, session: number) => {
    let i = session;
    while (!stop) {
      const kind = kinds[i++ % kinds.length];
      const startedAt = performance.now();
      await client.query("begin isolation level repeatable read");
      const last = await client.query(
        "select max(seq)::int as seq from race.change",
      );
      let saw: boolean;
      if (kind === "open") {
        await client.query("savepoint probe");
        try {
          await client.query(probeSql.open);
          saw = true;
        } catch (error) {
          const code = (error as { code?: string }).code;
          if (code !== "P0002") {
            throw error;
          }
          saw = false;
          await client.query("rollback to savepoint probe");
        }
      } else {
        saw = (await client.query(probeSql[kind])).rows[0].n > 0;
      }
      await client.query("commit");
      probes.push({ kind, session, startedAt, lastSeq: last.rows[0].seq, saw });
      if (probes.length >= MIN_PROBES * 2 || performance.now() > deadline) {
        stop = true;
      }
    }
  };

  await Promise.all([
    administer(),
    ...sessions.map((client, session) => work(client, session)),
  ]);

  const bySeq = new Map(changes.map((change) => [change.seq, change]));
  const wrongState = probes.filter(
    (probe) => bySeq.get(probe.lastSeq)?.visible !== probe.saw,
  );
  const stale = probes.filter((probe) =>
    changes.some(
      (change) =>
        change.acknowledgedAt < probe.startedAt && change.seq > probe.lastSeq,
    ),
  );
  const hidingChanges = changes.filter((change) => !change.visible).length;

  expect(probes.length).toBeGreaterThanOrEqual(MIN_PROBES);
  expect(hidingChanges).toBeGreaterThanOrEqual(20);
  expect(new Set(probes.map((probe) => probe.saw))).toEqual(
    new Set([true, false]),
  );
  expect(wrongState.slice(0, 5)).toEqual([]);
  expect(stale.slice(0, 5)).toEqual([]);
}, 90_000);
