// The search box's operator, sequester.~~* (db/10-name-search.sql): ILIKE that cannot
// fail, so that under the policies a trigram index serves it.
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { type Clinic, useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;
let admin: pg.Client;

const names = [
  ["John", "Smith"],
  ["Anna", "Smithson"],
  ["Jürgen", "Müller"],
  ["Zoë", "Núñez"],
  ["Liam", "O'Brien"],
  ["Percy", "Under_Score"],
  ["Back", "Slash\\Name"],
  ["Pct", "Fifty%Off"],
];

const ordinaryPatterns = [
  "%smi%",
  "smith%",
  "SMITH J%",
  "%MÜLL%",
  "%ñ%",
  "%o'b%",
  "_mith%",
  "%under\\_score%",
  "%\\%%",
  "%slash\\\\name%",
  "%",
  "",
  "nobody%",
];

const hostilePatterns = [
  "\\",
  "abc\\",
  "%\\",
  "\\\\\\",
  "\\%\\_\\",
  "",
  "%".repeat(5000),
  "%a".repeat(20000),
  "_".repeat(3000),
  "x".repeat(200000),
  "Ωμέγα%😀\\",
  "\u00e9\u0301%",
];

useClinic("name_search", (opened) => {
  ({ db, clinic } = opened);
});
beforeAll(async () => {
  admin = await db.admin();
  for (const [first, last] of names) {
    await admin.query(
      `insert into ehr.clients (first_name, last_name, birth_date)
       values ($1, $2, '1980-01-01')`,
      [first, last],
    );
  }
  await admin.query(`
    insert into ehr.clients (first_name, last_name, birth_date)
    select 'Filler', 'Person' || g, '1990-01-01' from generate_series(1, 3000) g;
    analyze ehr.clients`);
});

async function ids(client: pg.Client, where: string, pattern: unknown) {
  const result = await client.query<{ id: string }>(
    `select id from ehr.clients where ${where} order by id`,
    [pattern],
  );
  return result.rows.map((row) => Number(row.id));
}

describe("sequester.~~*", () => {
  it("finds the same clients as ILIKE for ordinary search text", async () => {
    for (const pattern of ordinaryPatterns) {
      const viaIlike = await ids(admin, "search_name ilike $1", pattern);
      const viaOperator = await ids(
        admin,
        "search_name operator(sequester.~~*) $1",
        pattern,
      );
      expect(viaOperator, pattern).toEqual(viaIlike);
    }
  });

  it("answers hostile patterns and haystacks without an error", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    for (const text of [...hostilePatterns, null]) {
      for (const sql of [
        "select sequester.name_ilike($1, 'abc')",
        "select sequester.name_ilike('abc', $1)",
        "select sequester.name_ilike($1, $1)",
        "select count(*) from ehr.clients where search_name operator(sequester.~~*) $1",
        "select count(*) from ehr.clients where $1 operator(sequester.~~*) last_name",
      ]) {
        await expect(staff.query(sql, [text])).resolves.toBeDefined();
      }
    }
  });

  it("treats a trailing escape character as a literal backslash", async () => {
    const result = await admin.query(
      String.raw`select sequester.name_ilike('a\', 'a\') as trailing,
        sequester.name_ilike('ab', 'a\') as other, sequester.name_ilike(null, 'a') as nothing`,
    );
    expect(result.rows[0]).toEqual({
      trailing: true,
      other: false,
      nothing: null,
    });
  });

  it("cannot be made to fail by what a session sets", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    await staff.query(`set standard_conforming_strings = off;
      set search_path = pg_temp, public, pg_catalog;
      set plpgsql.extra_errors = 'all'`);
    const result = await staff.query(
      `select count(*) as n from ehr.clients
       where search_name operator(sequester.~~*) E'%smith%\\\\'`,
    );
    expect(Number(result.rows[0].n)).toBe(0);
  });
});

describe("under the policies", () => {
  const search = `select id from ehr.clients
    where search_name operator(sequester.~~*) '%famous%'`;

  it("a contains search by an ordinary staff member uses the trigram index", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    await staff.query("set enable_seqscan = off");
    const plan = await staff.query(`explain ${search}`);
    const text = plan.rows.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain("clients_search_name_trgm");
    expect(text).toMatch(
      /Index Cond: \(search_name OPERATOR\(sequester\.~~\*\)/,
    );
  });

  it("an ordinary staff member cannot find a hidden client by name", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    expect((await staff.query(search)).rows).toEqual([]);
    const approved = await db.connectAs(clinic.roles.approved);
    expect((await approved.query(search)).rows).toEqual([
      { id: String(clinic.vip) },
    ]);
  });

  it("a hidden client's name used as a pattern looks like a missing client's", async () => {
    await admin.query(
      String.raw`update ehr.clients set last_name = 'Famous\' where id = $1`,
      [clinic.vip],
    );
    const staff = await db.connectAs(clinic.roles.ordinary);
    const probe = `select count(*) as n from ehr.clients
      where id = $1 and 'x' operator(sequester.~~*) last_name`;
    const hidden = await staff.query(probe, [clinic.vip]);
    const missing = await staff.query(probe, [987654]);
    expect(hidden.rows).toEqual(missing.rows);
  });
});
