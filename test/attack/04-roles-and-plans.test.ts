// Switching roles inside one session, and plans cached under one role and run under
// another: the public record of row-level-security bugs (CVE-2016-2193, CVE-2023-2455,
// CVE-2024-10976) is about exactly this. A session that was approved and switches to a
// role that is not must see what that role sees, on its very next statement.
import type pg from "pg";
import { describe, expect, it } from "vitest";
import { useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";
import {
  type AttackClinic,
  hiddenVersusMissing,
  observe,
  openAttackClinic,
} from "./attacker.ts";

let db: TestDatabase;
let clinic: AttackClinic;

useClinic(
  "attack_roles",
  (opened) => {
    ({ db, clinic } = opened);
  },
  openAttackClinic,
);

/** Rows the session sees for the hidden client, by id, in clients and in the chart. */
async function seen(client: pg.Client, statement: string): Promise<number> {
  const result = await client.query({
    name: statement,
    text:
      "select (select count(*) from ehr.clients where id = $1) + (select " +
      "count(*) from ehr.progress_notes where client_id = $1) as n",
    values: [clinic.hidden],
  });
  return Number(result.rows[0].n);
}

describe("switching roles inside one session", () => {
  it("a crisis-team member who sets role ehr_user no longer sees the client", async () => {
    const member = await db.connectAs(clinic.roles.crisisMember);
    expect(await seen(member, "s1")).toBe(2);
    await member.query("set role ehr_user");
    expect(await seen(member, "s1")).toBe(0);
    await member.query("reset role");
    expect(await seen(member, "s1")).toBe(2);
  });

  it("a prepared statement's generic plan (after 6 executions) follows the role", async () => {
    const member = await db.connectAs(clinic.roles.crisisMember);
    for (let i = 0; i < 8; i++) {
      expect(await seen(member, "generic")).toBe(2);
    }
    await member.query("set role ehr_user");
    for (let i = 0; i < 8; i++) {
      expect(await seen(member, "generic")).toBe(0);
    }
    await member.query("reset role");
    expect(await seen(member, "generic")).toBe(2);
  });

  it("a plan forced generic and prepared before the switch follows the role", async () => {
    const member = await db.connectAs(clinic.roles.crisisMember);
    await member.query("set plan_cache_mode = force_generic_plan");
    await member.query(
      `prepare peek(bigint) as
       select count(*) from ehr.clients c
       where c.id = $1 and exists (select 1 from ehr.encounters e where e.client_id = c.id)`,
    );
    const run = async () =>
      Number(
        (await member.query(`execute peek(${clinic.hidden})`)).rows[0].count,
      );
    expect(await run()).toBe(1);
    await member.query("set role ehr_user");
    expect(await run()).toBe(0);
    await member.query("set role none");
    expect(await run()).toBe(1);
  });

  it("an inlined SQL function of the session's own follows the role (CVE-2023-2455)", async () => {
    const member = await db.connectAs(clinic.roles.crisisMember);
    await member.query(`
      create function pg_temp.hidden_notes(bigint) returns bigint language sql stable
        as $$ select count(*) from ehr.progress_notes where client_id = $1 $$`);
    const sql = {
      name: "inlined",
      text: "select pg_temp.hidden_notes($1) as n",
      values: [clinic.hidden],
    };
    for (let i = 0; i < 7; i++) {
      expect(Number((await member.query(sql)).rows[0].n)).toBe(1);
    }
    await member.query("set role ehr_user");
    expect(Number((await member.query(sql)).rows[0].n)).toBe(0);
  });

  it("a policy below a subquery follows the role on re-execution (CVE-2024-10976)", async () => {
    const member = await db.connectAs(clinic.roles.crisisMember);
    const sql = {
      name: "subquery",
      text: `select (select count(*) from (select * from ehr.clients where id = $1) c)
               + (select count(*) from ehr.encounters e
                  where e.client_id in (select id from ehr.clients where id = $1)) as n`,
      values: [clinic.hidden],
    };
    for (let i = 0; i < 7; i++) {
      expect(Number((await member.query(sql)).rows[0].n)).toBe(2);
    }
    await member.query("set role ehr_user");
    expect(Number((await member.query(sql)).rows[0].n)).toBe(0);
    await member.query("reset role");
    await member.query("begin");
    await member.query("set local role ehr_user");
    expect(Number((await member.query(sql)).rows[0].n)).toBe(0);
    await member.query("commit");
    expect(Number((await member.query(sql)).rows[0].n)).toBe(2);
  });

  it("a SET LOCAL ROLE the way a pooled API does it ends with the transaction", async () => {
    const member = await db.connectAs(clinic.roles.crisisMember);
    await member.query("begin; set local role ehr_user");
    expect(await seen(member, "pooled")).toBe(0);
    await member.query("commit");
    expect(await seen(member, "pooled")).toBe(2);
  });

  it("a cursor declared while approved is not reopened for the role switched to", async () => {
    // The rows a cursor returns were decided when it was opened; a new cursor opened
    // after the switch sees what the new role sees.
    const member = await db.connectAs(clinic.roles.crisisMember);
    await member.query("begin; set local role ehr_user");
    await member.query(
      `declare c cursor for select id from ehr.clients where id = ${clinic.hidden}`,
    );
    const fetched = await member.query("fetch all from c");
    await member.query("commit");
    expect(fetched.rowCount).toBe(0);
  });

  it("ordinary staff cannot SET ROLE or SESSION AUTHORIZATION to approved", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    for (const sql of [
      `set role ${clinic.roles.approved}`,
      `set role ${clinic.roles.crisisTeam}`,
      `set session authorization ${clinic.roles.approved}`,
      `select set_config('role', '${clinic.roles.approved}', false)`,
      `set local role ${clinic.roles.approved}`,
    ]) {
      const outcome = await observe(staff, sql);
      expect(outcome.error?.code, sql).toBe("42501");
    }
    const { hidden, missing } = await hiddenVersusMissing(
      staff,
      clinic,
      "select * from ehr.clients where id = $1",
    );
    expect(hidden).toBe(missing);
  });

  it("a role approved only through a dropped role is not approved", async () => {
    const admin = await db.admin();
    const team = await db.createRole("dropped_team", "nologin");
    const editor = await db.connectAs(clinic.roles.editor);
    await editor.query("select sequester.add_user_role($1, $2)", [
      clinic.otherSequenceId,
      team,
    ]);
    await admin.query(`drop role ${team}`);
    // A new role of the same name must not inherit the old one's approval.
    await admin.query(`create role ${team} nologin`);
    const member = await db.createRole("new_team_member");
    await admin.query(`grant ${team}, ehr_user to ${member}`);
    const client = await db.connectAs(member);
    const { hidden, missing } = await hiddenVersusMissing(
      client,
      clinic,
      "select * from ehr.clients where id = $1",
      [],
      { hidden: clinic.otherHidden },
    );
    expect(hidden).toBe(missing);
    await admin.query(`drop role ${team}`);
  });
});
