// Writes as probes and as escalation: an ordinary staff member inserts, upserts, moves
// and deletes rows to learn whether a hidden client exists, and tries to give themselves
// the power to see one. Every write runs in a transaction that is rolled back.
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";
import {
  type AttackClinic,
  blanked,
  hiddenVersusMissingText,
  observe,
  openAttackClinic,
} from "./attacker.ts";

let db: TestDatabase;
let clinic: AttackClinic;
let staff: pg.Client;

useClinic(
  "attack_writes",
  (opened) => {
    ({ db, clinic } = opened);
  },
  openAttackClinic,
);
beforeAll(async () => {
  staff = await db.connectAs(clinic.roles.ordinary);
});

/** The statement's outcome inside a transaction that is always rolled back. */
async function rolledBack(client: pg.Client, sql: string) {
  await client.query("begin");
  try {
    return await observe(client, sql);
  } finally {
    await client.query("rollback");
  }
}

async function expectSameWrite(sql: string, client = staff) {
  const hidden = await rolledBack(
    client,
    sql.replaceAll(":id", String(clinic.hidden)),
  );
  const missing = await rolledBack(
    client,
    sql.replaceAll(":id", String(clinic.missing)),
  );
  expect(blanked(hidden, [clinic.hidden])).toBe(
    blanked(missing, [clinic.missing]),
  );
  return hidden;
}

describe("writes as probes", () => {
  it("a chart row for the hidden client is refused as for a missing one", async () => {
    for (const sql of [
      "insert into ehr.progress_notes (client_id, note) values (:id, 'probe')",
      "insert into ehr.encounters (client_id, started_at) values (:id, now())",
      "insert into ehr.conditions (client_id, description, " +
        "onset_date) values (:id, 'x', current_date)",
      "insert into ehr.medications (client_id, description, started_at) values (:id, 'x', now())",
    ]) {
      const outcome = await expectSameWrite(sql);
      expect(outcome.error?.code, sql).toBe("42501");
    }
  });

  it("an upsert (ON CONFLICT) learns nothing", async () => {
    await expectSameWrite(
      `insert into ehr.progress_notes (client_id, note) values (:id, 'probe')
       on conflict do nothing returning id`,
    );
    await expectSameWrite(
      `insert into ehr.clients (first_name, last_name, birth_date)
       values ('Probe', 'Probe', '2000-01-01')
       on conflict (id) do update set first_name = excluded.first_name
       returning (select count(*) from ehr.clients where id = :id)`,
    );
  });

  it("choosing a client's ID is refused, so the primary key answers nothing", async () => {
    const outcome = await expectSameWrite(
      `insert into ehr.clients (id, first_name, last_name, birth_date)
       values (:id, 'Probe', 'Probe', '2000-01-01')`,
    );
    expect(outcome.error?.code).toBe("42501");
    await expectSameWrite(
      `insert into ehr.clients (id, first_name, last_name, birth_date)
       values (:id, 'Probe', 'Probe', '2000-01-01')
       on conflict (id) do nothing`,
    );
  });

  it("documents: a unique index answers for hidden rows when keys are chosen", async () => {
    // PostgreSQL checks unique indexes against every row, policies or not. The reference
    // schema grants insert on ehr.clients without id for this reason (SECURITY.md).
    const picker = await db.createRole("key_picker");
    const admin = await db.admin();
    await admin.query(
      `grant usage on schema ehr to ${picker};
       grant select, insert (id, first_name, last_name, birth_date) on ehr.clients to ${picker}`,
    );
    const client = await db.connectAs(picker);
    const sql = `insert into ehr.clients (id, first_name, last_name, birth_date)
                 values (:id, 'Probe', 'Probe', '2000-01-01')`;
    const hidden = await rolledBack(
      client,
      sql.replace(":id", String(clinic.hidden)),
    );
    const missing = await rolledBack(
      client,
      sql.replace(":id", String(clinic.missing)),
    );
    expect(hidden.error?.code).toBe("23505");
    expect(missing.error).toBeUndefined();
  });

  it("documents: insert … returning on the clients table is refused to staff", async () => {
    // The SELECT rule is checked on the new row before it exists, and the test answers
    // "no" for a client that does not exist (SECURITY.md). A plain insert works, and a
    // chart row can be returned: its client exists.
    const returning = await rolledBack(
      staff,
      `insert into ehr.clients (first_name, last_name, birth_date)
       values ('New', 'Intake', '2000-01-01') returning id`,
    );
    expect(returning.error?.code).toBe("42501");
    const plain = await rolledBack(
      staff,
      `insert into ehr.clients (first_name, last_name, birth_date)
       values ('New', 'Intake', '2000-01-01')`,
    );
    expect(plain.error).toBeUndefined();
    const chart = await rolledBack(
      staff,
      `insert into ehr.progress_notes (client_id, note) values (${clinic.visible}, 'n')
       returning id`,
    );
    expect(chart.error).toBeUndefined();
  });

  it("a foreign key does not tell a hidden encounter from a missing one", async () => {
    // progress_notes.encounter_id references ehr.encounters; referential checks see
    // every row. Naming the hidden client's encounter must fail like a missing one.
    const probe = (encounter: number) =>
      rolledBack(
        staff,
        `insert into ehr.progress_notes (client_id, encounter_id, note)
         values (${clinic.visible}, ${encounter}, 'probe')`,
      );
    const hidden = await probe(clinic.encounters.hidden);
    const missing = await probe(clinic.encounters.hidden + 100_000);
    expect(
      blanked(hidden, [clinic.encounters.hidden]).replace(/\(\d+\)/g, "(n)"),
    ).toBe(
      blanked(missing, [clinic.encounters.hidden + 100_000]).replace(
        /\(\d+\)/g,
        "(n)",
      ),
    );
  });

  it("moving a chart row to the hidden client is refused as for a missing one", async () => {
    const outcome = await expectSameWrite(
      `update ehr.encounters set client_id = :id where client_id = ${clinic.visible}`,
    );
    expect(outcome.error?.code).toBe("42501");
    await expectSameWrite(
      `update ehr.conditions set client_id = :id where client_id = ${clinic.visible}
       returning id`,
    );
  });

  it("updating and deleting the hidden client's rows touches nothing", async () => {
    await expectSameWrite(
      "update ehr.clients set first_name = 'X' where id = :id returning id",
    );
    await expectSameWrite(
      "update ehr.progress_notes set note = 'X' where client_id = :id returning id",
    );
    await expectSameWrite(
      "delete from ehr.progress_notes where client_id = :id returning id",
    );
    await expectSameWrite(
      `with gone as (delete from ehr.progress_notes where client_id = :id returning *)
       select count(*) from gone`,
    );
    const admin = await db.admin();
    const notes = await admin.query(
      "select count(*)::int as n from ehr.progress_notes where client_id = $1",
      [clinic.hidden],
    );
    expect(notes.rows[0].n).toBe(1);
  });

  it("filing an access request learns nothing about a hidden client", async () => {
    await expectSameWrite(
      "insert into sequester.access_request (client_id, reason) values (:id, 'probe')",
    );
    await expectSameWrite("select sequester.request_access(:id, 'probe')");
  });
});

describe("the audit trail", () => {
  it("a trigger of the staff member's own cannot forge audit rows", async () => {
    // The audit policy admits rows written at trigger depth > 0; any role may make a
    // temporary table with a trigger of its own.
    await staff.query(`
      create temp table forge (x int);
      create function pg_temp.forge() returns trigger language plpgsql as $$
      begin
        insert into sequester.audit_log (action, client_access_id, client_id, after)
        values ('client_access.delete', 1, 1, '{"forged": true}');
        return new;
      end $$;
      create trigger forge after insert on forge
        for each row execute function pg_temp.forge();`);
    const outcome = await observe(staff, "insert into forge values (1)");
    const admin = await db.admin();
    const forged = await admin.query(
      "select count(*)::int as n from sequester.audit_log where after ->> 'forged' = 'true'",
    );
    expect(forged.rows[0].n).toBe(0);
    expect(outcome.error?.code).toBe("42501");
  });

  it("cannot read, change or delete audit rows directly", async () => {
    for (const sql of [
      "select * from sequester.audit_log",
      "update sequester.audit_log set actor = 'x'",
      "delete from sequester.audit_log",
      "truncate sequester.audit_log",
      `insert into sequester.audit_log (action, client_id) values ('open_chart.allowed', 1)`,
    ]) {
      const outcome = await rolledBack(staff, sql);
      expect(outcome.error?.code, sql).toBe("42501");
    }
  });
});

describe("privilege escalation", () => {
  const attempts: [string, string][] = [
    ["grants itself a package role", "grant sequester_editor to current_user"],
    ["grants itself the definer", "grant sequester_definer to current_user"],
    ["sets role to the definer", "set role sequester_definer"],
    ["turns on BYPASSRLS", "alter role current_user bypassrls"],
    ["makes itself superuser", "alter role current_user superuser"],
    [
      "inserts into the Client Access List",
      `insert into sequester.client_access (client_id, start_date) values (1, current_date)`,
    ],
    [
      "ends a record directly",
      "update sequester.client_access set end_date = current_date + 1",
    ],
    ["deletes a record", "delete from sequester.client_access"],
    [
      "adds itself as approved staff",
      "insert into sequester.client_access_staff " +
        "(client_access_id, staff) values (1, current_user::regrole)",
    ],
    ["removes approvals", "delete from sequester.client_access_staff"],
    ["calls add_staff", "select sequester.add_staff(1, current_user)"],
    ["calls end_sequester", "select sequester.end_sequester(1)"],
    ["calls unprotect", "select sequester.unprotect('ehr.clients')"],
    [
      "calls protect_chart on a table",
      "select sequester.protect_chart('ehr.staff', 'role_name')",
    ],
    [
      "calls protect_clients",
      "select sequester.protect_clients('ehr.staff', 'role_name')",
    ],
    ["calls break_glass", "select sequester.break_glass(1, 'emergency')"],
    [
      "decides an access request",
      "select sequester.decide_access_request(1, true)",
    ],
    [
      "creates a permissive policy",
      "create policy sneak on ehr.clients using (true)",
    ],
    [
      "drops a policy",
      `drop policy "0 sequestered clients are hidden from unapproved staff" on ehr.clients`,
    ],
    [
      "switches row-level security off",
      "alter table ehr.clients disable row level security",
    ],
    ["removes FORCE", "alter table ehr.clients no force row level security"],
    [
      "adds a trigger to a protected table",
      "create trigger t after insert on ehr.clients for each row " +
        "execute function sequester.audit_change()",
    ],
    [
      "replaces the visibility test",
      "create or replace function sequester.sees_chart(bigint, name) returns boolean " +
        "language sql as 'select true'",
    ],
    [
      "creates a function in the package schema",
      "create function sequester.x() returns int language sql as 'select 1'",
    ],
    ["creates a schema", "create schema sneak"],
    ["creates an extension", "create extension if not exists pgcrypto"],
    ["truncates a chart table", "truncate ehr.progress_notes"],
    [
      "changes the organization's time zone",
      "update sequester.settings set time_zone = 'Pacific/Kiritimati'",
    ],
    [
      "approves its own access request",
      "update sequester.access_request set status = 'approved'",
    ],
    [
      "files a request already approved",
      "insert into sequester.access_request (client_id, " +
        "reason, status) values (1, 'x', 'approved')",
    ],
    ["sets session authorization", "set session authorization postgres"],
    [
      "changes a package function's owner",
      "alter function sequester.open_chart(bigint) owner to current_user",
    ],
    [
      "reads a sequence of the list",
      "select last_value from sequester.client_access_id_seq",
    ],
  ];

  for (const [what, sql] of attempts) {
    it(`is refused when it ${what}`, async () => {
      const outcome = await rolledBack(staff, sql);
      expect(outcome.error, sql).toBeDefined();
      expect(["42501", "42704"], `${sql}: ${outcome.error?.message}`).toContain(
        outcome.error?.code,
      );
    });
  }

  it("is no different afterwards: the hidden client is still hidden", async () => {
    const { hidden, missing } = await hiddenVersusMissingText(
      staff,
      clinic,
      "select * from ehr.clients where id = :id",
    );
    expect(hidden).toBe(missing);
    const admin = await db.admin();
    const roles = await admin.query(
      `select rolsuper, rolbypassrls,
         pg_has_role(rolname, 'sequester_editor', 'member') as editor
       from pg_roles where rolname = $1`,
      [clinic.roles.ordinary],
    );
    expect(roles.rows[0]).toEqual({
      rolsuper: false,
      rolbypassrls: false,
      editor: false,
    });
  });
});
