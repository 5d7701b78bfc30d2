// Bad input at the SQL door: NULLs, dates at and past the ends of PostgreSQL's range,
// huge comments. Each gets a clear refusal with a SQLSTATE (or is accepted and means what
// it says), and none leaves the list changed or a client exposed. The CLI, importer and
// API doors belong to their own suites (test/cli, test/import, test/api).
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";
import { type AttackClinic, observe, openAttackClinic } from "./attacker.ts";

let db: TestDatabase;
let clinic: AttackClinic;
let editor: pg.Client;
let staff: pg.Client;

useClinic(
  "attack_bad_input",
  (opened) => {
    ({ db, clinic } = opened);
  },
  openAttackClinic,
);
beforeAll(async () => {
  editor = await db.connectAs(clinic.roles.editor);
  staff = await db.connectAs(clinic.roles.ordinary);
});

async function listSnapshot(): Promise<string> {
  const admin = await db.admin();
  const { rows } = await admin.query(
    `select json_agg(a order by a.id)::text as list from (
       select a.id, a.client_id, a.start_date, a.end_date, a.comments,
         (select json_agg(s.staff::text order by s.staff::text)
          from sequester.client_access_staff s where s.client_access_id = a.id) as staff
       from sequester.client_access a) a`,
  );
  await admin.end();
  return rows[0].list;
}

async function rolledBack(client: pg.Client, sql: string, values: unknown[]) {
  await client.query("begin");
  try {
    return await observe(client, sql, values);
  } finally {
    await client.query("rollback");
  }
}

const badDates = [
  "infinity",
  "-infinity",
  "294276-01-01",
  "5874897-12-31",
  "4713-01-01 BC",
  "4714-11-24 BC",
  "0001-01-01",
  "2026-02-30",
  "not a date",
];

describe("records with NULLs and dates at the edges", () => {
  it("every forbidden NULL is refused with a SQLSTATE, and nothing changes", async () => {
    const before = await listSnapshot();
    for (const [sql, values] of [
      [
        "insert into sequester.client_access (client_id, start_date) values ($1, $2)",
        [null, "2026-01-01"],
      ],
      [
        "insert into sequester.client_access (client_id, start_date) values ($1, $2)",
        [clinic.visible, null],
      ],
      [
        "insert into sequester.client_access (client_id, " +
          "start_date, comments) values ($1, current_date, $2)",
        [clinic.visible, null],
      ],
      ["select sequester.add_staff($1, $2)", [null, clinic.roles.ordinary]],
      ["select sequester.add_staff($1, $2)", [clinic.sequenceId, null]],
      ["select sequester.add_user_role($1, $2)", [clinic.sequenceId, null]],
      ["select sequester.end_sequester($1, $2)", [clinic.sequenceId, null]],
      ["select sequester.end_sequester($1)", [null]],
      ["select sequester.decide_access_request($1, $2)", [null, true]],
    ] as [string, unknown[]][]) {
      const outcome = await rolledBack(editor, sql, values);
      expect(outcome.error?.code, `${sql} ${JSON.stringify(values)}`).toMatch(
        /^(22|23|42|P0)/,
      );
    }
    expect(await listSnapshot()).toBe(before);
  });

  for (const date of badDates) {
    it(`a start or end date of '${date}' is refused or kept exactly, never misread`, async () => {
      const before = await listSnapshot();
      for (const column of ["start_date", "end_date"]) {
        const outcome = await rolledBack(
          editor,
          `insert into sequester.client_access (client_id, start_date, end_date)
           values ($1, ${column === "start_date" ? "$2::date" : "current_date + 1"},
             ${column === "end_date" ? "$2::date" : "null"})
           returning start_date::text, end_date::text`,
          [clinic.visible, date],
        );
        if (outcome.error) {
          expect(outcome.error.code, `${column} ${date}`).toMatch(/^(22|23)/);
          expect(outcome.error.message.length).toBeGreaterThan(0);
        } else {
          const row = outcome.rows[0] as Record<string, string>;
          expect(row[column]).toBe(
            (await editor.query("select $1::date::text as d", [date])).rows[0]
              .d,
          );
        }
      }
      const ended = await rolledBack(
        editor,
        "select sequester.end_sequester($1, $2::date)",
        [clinic.sequenceId, date],
      );
      if (ended.error) {
        expect(ended.error.code).toMatch(/^(22|23|P0)/);
      }
      expect(await listSnapshot()).toBe(before);
    });
  }

  it("a record from -infinity hides the client; one ending at +infinity too", async () => {
    const admin = await db.admin();
    const { rows } = await admin.query(
      `insert into ehr.clients (first_name, last_name, birth_date)
       values ('Ina', 'Finity', '1990-01-01') returning id`,
    );
    const id = Number(rows[0].id);
    await admin.end();
    await editor.query("begin");
    try {
      await editor.query(
        `insert into sequester.client_access (client_id, start_date, end_date)
         values ($1, '-infinity', 'infinity')`,
        [id],
      );
      await editor.query("commit");
    } catch (error) {
      await editor.query("rollback");
      // Refusing infinite dates is also acceptable; then there is nothing to check.
      expect((error as { code: string }).code).toMatch(/^(22|23)/);
      return;
    }
    const seen = await staff.query("select id from ehr.clients where id = $1", [
      id,
    ]);
    expect(seen.rowCount).toBe(0);
  });

  it("a huge comment is stored whole or refused, and never truncated silently", async () => {
    for (const size of [100_000, 5_000_000]) {
      const comment = "x".repeat(size);
      const outcome = await rolledBack(
        editor,
        `insert into sequester.client_access (client_id, start_date, comments)
         values ($1, current_date + 400, $2) returning length(comments) as n`,
        [clinic.visible, comment],
      );
      if (outcome.error) {
        expect(outcome.error.code).toMatch(/^(22|23|54)/);
      } else {
        expect((outcome.rows[0] as { n: number }).n).toBe(size);
      }
    }
  });
});

describe("staff calls with bad input", () => {
  it("open_chart and request_access refuse NULLs and odd values with a SQLSTATE", async () => {
    for (const [sql, values] of [
      ["select sequester.open_chart($1)", [null]],
      ["select sequester.open_chart($1)", ["-1"]],
      ["select sequester.open_chart($1)", ["9223372036854775807"]],
      ["select sequester.request_access($1, $2)", [clinic.plain, null]],
      ["select sequester.request_access($1, $2)", [clinic.plain, "   "]],
      ["select sequester.request_access($1, $2)", [null, "reason"]],
      [
        "select sequester.request_access($1, $2)",
        [clinic.plain, "x".repeat(1_000_000)],
      ],
      ["select sequester.open_chart($1)", ["9223372036854775808"]],
      ["select sequester.open_chart($1)", ["1e3"]],
    ] as [string, unknown[]][]) {
      const outcome = await rolledBack(staff, sql, values);
      expect(
        outcome.error?.code,
        `${sql} ${JSON.stringify(values).slice(0, 80)}`,
      ).toMatch(/^(22|23|42|55|P0)/);
    }
  });

  it("the hidden client stays hidden whatever dates the session asks about", async () => {
    for (const zone of ["+14", "-12", "UTC"]) {
      await staff.query(`set timezone = '${zone}'`);
      for (const date of ["infinity", "294276-01-01", "4713-01-01 BC"]) {
        const outcome = await observe(
          staff,
          `select id from ehr.clients where id = $1 and $2::date is not null`,
          [clinic.hidden, date],
        );
        expect(outcome.rowCount ?? 0).toBe(0);
      }
    }
    await staff.query("reset timezone");
  });
});
