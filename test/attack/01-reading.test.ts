// An ordinary staff member at a psql prompt, with the table privileges an EHR gives
// (ehr_user), tries to learn of a hidden client with plain SQL. Every attack runs with the
// hidden client's ID and with an ID that never existed: the two answers must be the same.
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";
import {
  type AttackClinic,
  hiddenVersusMissing,
  hiddenVersusMissingText,
  mentionsSecret,
  observe,
  openAttackClinic,
  psqlAs,
} from "./attacker.ts";

let db: TestDatabase;
let clinic: AttackClinic;
let staff: pg.Client;

const chartTables = [
  "ehr.encounters",
  "ehr.conditions",
  "ehr.medications",
  "ehr.procedures",
  "ehr.care_plans",
  "ehr.allergies",
  "ehr.progress_notes",
];

useClinic(
  "attack_reading",
  (opened) => {
    ({ db, clinic } = opened);
  },
  openAttackClinic,
);
beforeAll(async () => {
  staff = await db.connectAs(clinic.roles.ordinary);
});

async function expectSame(sql: string, extra: unknown[] = []) {
  const { hidden, missing } = await hiddenVersusMissing(
    staff,
    clinic,
    sql,
    extra,
  );
  expect(hidden).toBe(missing);
  return hidden;
}

async function expectSameText(sql: string) {
  const { hidden, missing } = await hiddenVersusMissingText(staff, clinic, sql);
  expect(hidden).toBe(missing);
  return hidden;
}

describe("plain queries", () => {
  it("finds the hidden client neither in ehr.clients nor in any chart table", async () => {
    await expectSame("select * from ehr.clients where id = $1");
    for (const table of chartTables) {
      await expectSame(`select * from ${table} where client_id = $1`);
    }
    const everything = await observe(
      staff,
      `select row_to_json(c) from ehr.clients c
       union all select row_to_json(n) from ehr.progress_notes n`,
    );
    expect(mentionsSecret(everything)).toBe(false);
    // The positive control: the same query shows the client to approved staff.
    const approved = await db.connectAs(clinic.roles.approved);
    const seen = await observe(
      approved,
      "select * from ehr.clients where id = $1",
      [clinic.hidden],
    );
    expect(seen.rowCount).toBe(1);
  });

  it("learns nothing from counts and aggregates", async () => {
    await expectSame(
      `select count(*), max(id), min(id), sum(id), array_agg(id), bool_or(id = $1)
       from ehr.clients where id >= $1 and id < $1 + 1`,
    );
    await expectSame(
      `select count(*) filter (where client_id = $1), count(distinct client_id)
       from ehr.encounters`,
    );
    await expectSame(
      `select exists (select 1 from ehr.clients where id = $1),
         (select count(*) from ehr.progress_notes where client_id = $1)`,
    );
  });

  it("cannot find a hidden client by name, birth date, SSN or city", async () => {
    const byAttributes = await observe(
      staff,
      `select id from ehr.clients
       where last_name ilike 'secret%' or ssn = '999-11-2222' or birth_date = '1970-05-05'
         or city = 'Hiddenville' or search_name like 'secretname%'`,
    );
    expect(byAttributes.rowCount).toBe(0);
  });
});

describe("views of the staff member's own", () => {
  it("a temporary view over the clients table shows nothing more", async () => {
    await staff.query(
      "create temp view my_clients as select * from ehr.clients",
    );
    await expectSame("select * from my_clients where id = $1");
  });

  it("a security_invoker view shows nothing more", async () => {
    await staff.query(
      `create temp view my_notes with (security_invoker) as
       select n.*, c.last_name from ehr.progress_notes n join ehr.clients c on c.id = n.client_id`,
    );
    await expectSame("select * from my_notes where client_id = $1");
  });

  it("a security_barrier view of their own shows nothing more", async () => {
    await staff.query(
      `create temp view my_barrier with (security_barrier) as
       select * from ehr.encounters`,
    );
    await expectSame("select * from my_barrier where client_id = $1");
  });
});

describe("functions of the staff member's own in the query", () => {
  it("a function that raises a notice with its arguments never receives a hidden row", async () => {
    await staff.query(`
      create function pg_temp.peek(variadic args text[]) returns boolean
      language plpgsql cost 0.0000001 as $$
      begin
        raise notice 'peek: %', array_to_string(args, ',');
        return true;
      end $$`);
    const clients = await observe(
      staff,
      "select id from ehr.clients where pg_temp.peek(id::text, last_name, ssn, city)",
    );
    expect(clients.notices.length).toBeGreaterThan(0);
    expect(mentionsSecret(clients)).toBe(false);
    for (const table of chartTables) {
      const rows = await observe(
        staff,
        `select * from ${table} t where pg_temp.peek(t::text)`,
      );
      expect(mentionsSecret(rows)).toBe(false);
    }
    await expectSame(
      "select id from ehr.clients where pg_temp.peek(id::text) and id = $1",
    );
    await expectSame(
      "select id from ehr.clients where id = $1 and pg_temp.peek(id::text)",
    );
  });

  it("a function that raises an error on the hidden ID is never reached", async () => {
    await staff.query(`
      create function pg_temp.boom(id bigint, target bigint) returns boolean
      language plpgsql cost 0.0000001 as $$
      begin
        if id = target then
          raise exception 'found %', id;
        end if;
        return true;
      end $$`);
    await expectSame(
      "select count(*) from ehr.clients where pg_temp.boom(id, $1)",
    );
    await expectSame(
      "select count(*) from ehr.progress_notes where pg_temp.boom(client_id, $1)",
    );
    await expectSame(
      "select count(*) from ehr.clients where id = $1 or pg_temp.boom(id, $1)",
    );
  });

  it("a set-returning or join-side function sees only visible rows", async () => {
    await expectSame(
      `select * from generate_series($1::bigint, $1::bigint) g(id)
       join lateral (select * from ehr.clients c where c.id = g.id) c on true`,
    );
    await expectSame(
      `select * from (values ($1::bigint)) v(id)
       left join ehr.clients c using (id) left join ehr.encounters e on e.client_id = v.id`,
    );
  });
});

describe("errors and their messages", () => {
  it("division by zero on the hidden row is never evaluated", async () => {
    // Only the hidden row would divide by zero; every other row passes the condition.
    await expectSame(
      "select * from ehr.clients where 1 / (id - $1) is not null",
    );
    await expectSame(
      "select * from ehr.progress_notes where 1 / (client_id - $1) is not null",
    );
    await expectSame(
      "select 1 / (id - $1) from ehr.clients where id >= $1 and id < $1 + 1",
    );
  });

  it("a failing cast on the hidden row's text is never evaluated", async () => {
    await expectSame(
      "select * from ehr.clients where case when id = $1 then ssn::int = 0 else false end",
    );
    await expectSame(
      "select * from ehr.clients where case when id = $1 then last_name::date is null end",
    );
    await expectSame(
      `select * from ehr.encounters
       where case when client_id = $1 then description::numeric > 0 end`,
    );
  });

  it("an error raised by a constraint check in a subquery reveals nothing", async () => {
    await expectSame(
      `select (select id from ehr.clients where id in ($1, $1) limit 1),
         (select 1 from ehr.clients where id = $1 having count(*) > 1)`,
    );
    // A scalar subquery that would return two rows if the hidden row were seen.
    await expectSame(
      `select (select c.id from ehr.clients c
               where c.id in ($1, ${"(select min(id) from ehr.clients)"}))`,
    );
  });
});

describe("cursors, recursion, sampling and system columns", () => {
  it("a scrollable cursor fetches nothing more", async () => {
    await expectSameText(`
      begin;
      declare c scroll cursor for select * from ehr.clients where id >= :id - 1 order by id;
      move last in c;
      fetch backward all from c;
      commit;`);
    await expectSameText(`
      begin;
      declare n cursor with hold for select * from ehr.progress_notes where client_id = :id;
      commit;
      fetch all from n;
      close n;`);
  });

  it("a recursive query walks past the hidden ID without finding it", async () => {
    await expectSame(`
      with recursive r(id, n) as (
        select $1::bigint - 2, 0
        union all select r.id + 1, r.n + 1 from r where r.n < 4
      )
      select r.id, c.last_name, (select count(*) from ehr.encounters e where e.client_id = r.id)
      from r left join ehr.clients c on c.id = r.id
      where r.id = $1`);
  });

  it("TABLESAMPLE returns no hidden row", async () => {
    await expectSame(
      "select * from ehr.clients tablesample system (100) repeatable (1) where id = $1",
    );
    await expectSame(
      "select * from ehr.progress_notes tablesample bernoulli (100) where client_id = $1",
    );
  });

  it("system columns and a scan by the hidden row's ctid show nothing", async () => {
    const admin = await db.admin();
    const location = await admin.query<{ ctid: string }>(
      "select ctid::text from ehr.clients where id = $1",
      [clinic.hidden],
    );
    const ctid = location.rows[0].ctid;
    const byCtid = await observe(
      staff,
      "select id, xmin, xmax, cmin, tableoid from ehr.clients where ctid = $1::tid",
      [ctid],
    );
    const byNoCtid = await observe(
      staff,
      "select id, xmin, xmax, cmin, tableoid from ehr.clients where ctid = '(4000,1)'::tid",
    );
    expect(byCtid).toEqual(byNoCtid);
    await expectSame(
      "select ctid, xmin, xmax, tableoid from ehr.clients where id = $1",
    );
  });
});

describe("COPY", () => {
  it("COPY of a query or a table to stdout carries no hidden row", async () => {
    const out = await psqlAs(
      db,
      clinic.roles.ordinary,
      `copy (select * from ehr.clients) to stdout;
       copy ehr.clients to stdout;
       copy ehr.progress_notes to stdout;
       copy (select * from ehr.encounters where client_id = ${clinic.hidden}) to stdout;`,
    );
    expect(out.stderr).toBe("");
    expect(out.stdout).toContain("Openname");
    expect(mentionsSecret(out.stdout)).toBe(false);
  });

  it("COPY into a chart table is refused alike for the hidden and the missing ID", async () => {
    const attempt = (id: number) =>
      psqlAs(
        db,
        clinic.roles.ordinary,
        `copy ehr.progress_notes (client_id, note) from stdin;\n${id}\tsneaked in\n\\.\n`,
      );
    const hidden = await attempt(clinic.hidden);
    const missing = await attempt(clinic.missing);
    expect(hidden.stderr).not.toBe("");
    expect(hidden.stderr.replaceAll(String(clinic.hidden), "<id>")).toBe(
      missing.stderr.replaceAll(String(clinic.missing), "<id>"),
    );
  });
});

describe("session settings", () => {
  it("row_security = off refuses alike instead of showing everything", async () => {
    const outcome = await expectSameText(`
      set row_security = off;
      select * from ehr.clients where id = :id;`);
    expect(outcome).toContain("42501");
    await staff.query("reset row_security");
  });

  it("TimeZone, DateStyle and IntervalStyle change nothing that is seen", async () => {
    for (const zone of [
      "Pacific/Kiritimati",
      "Etc/GMT+12",
      "America/St_Johns",
    ]) {
      await staff.query(`set timezone = '${zone}'`);
      await staff.query("set datestyle = 'SQL, DMY'");
      await staff.query("set intervalstyle = 'sql_standard'");
      await expectSame("select * from ehr.clients where id = $1");
      await expectSame("select * from ehr.encounters where client_id = $1");
    }
    await staff.query("reset timezone; reset datestyle; reset intervalstyle");
  });

  it("cannot create a schema, so cannot shadow operators or functions in one", async () => {
    const outcome = await observe(staff, "create schema evil");
    expect(outcome.error?.code).toBe("42501");
  });

  it("pg_temp functions and operators named like the policy's change nothing", async () => {
    await staff.query(`
      create function pg_temp.now() returns timestamptz language sql
        as $$ select '1900-01-01'::timestamptz $$;
      create function pg_temp.pg_has_role(name, oid, text) returns boolean language sql
        as $$ select true $$;
      create function pg_temp.pg_has_role(name, text, text) returns boolean language sql
        as $$ select true $$;
      create function pg_temp.always(bigint, bigint) returns boolean language sql
        as $$ select true $$;
      create operator pg_temp.= (leftarg = bigint, rightarg = bigint,
        function = pg_temp.always);
      create operator pg_temp.<= (leftarg = date, rightarg = date,
        function = pg_catalog.date_gt);`);
    await staff.query("set search_path = pg_temp, public, ehr, pg_catalog");
    await expectSame("select * from clients where id = $1");
    await expectSame("select * from ehr.progress_notes where client_id = $1");
    await expectSame("select sequester.open_chart($1)");
    await staff.query("reset search_path");
  });

  it("a custom setting of the sequester prefix changes nothing", async () => {
    await staff.query(
      "set sequester.today = '1900-01-01'; set sequester.role = 'postgres'",
    );
    await expectSame("select * from ehr.clients where id = $1");
    await staff.query("reset all");
  });

  it("cannot change settings reserved to superusers that would bypass the rules", async () => {
    for (const sql of [
      "set session_replication_role = replica",
      "set session authorization postgres",
      "set role sequester_definer",
      "set role postgres",
    ]) {
      const outcome = await observe(staff, sql);
      expect(outcome.error?.code, sql).toBe("42501");
    }
  });
});

describe("statement_timeout and locks", () => {
  it("an administrator's row lock on the hidden client makes no staff wait", async () => {
    const admin = await db.admin();
    await admin.query("begin");
    await admin.query("select 1 from ehr.clients where id = $1 for update", [
      clinic.hidden,
    ]);
    await admin.query(
      "select 1 from ehr.progress_notes where client_id = $1 for update",
      [clinic.hidden],
    );
    try {
      await staff.query(
        "set statement_timeout = '1s'; set lock_timeout = '500ms'",
      );
      await expectSame(
        "select * from ehr.clients where id = $1 for update nowait",
      );
      await expectSame(
        "select * from ehr.clients where id = $1 for share skip locked",
      );
      await expectSame(
        "update ehr.clients set first_name = first_name where id = $1 returning id",
      );
      await expectSame(
        "update ehr.progress_notes set note = note where client_id = $1 returning id",
      );
      await expectSame(
        "delete from ehr.progress_notes where client_id = $1 and false returning id",
      );
    } finally {
      await admin.query("rollback");
      await staff.query("reset statement_timeout; reset lock_timeout");
    }
  });

  it("cannot lock the Client Access List or the audit trail", async () => {
    for (const table of [
      "sequester.client_access",
      "sequester.client_access_staff",
      "sequester.client_access_role",
      "sequester.audit_log",
    ]) {
      const outcome = await observe(
        staff,
        `begin; lock table ${table} in access share mode; rollback;`,
      );
      await staff.query("rollback");
      expect(outcome.error?.code, table).toBe("42501");
    }
  });
});

describe("another approved staff member and the locked-search member", () => {
  it("staff approved for one client find nothing of another sequestered client", async () => {
    const approved = await db.connectAs(clinic.roles.approved);
    const other = { hidden: clinic.otherHidden };
    const same = async (sql: string) => {
      const { hidden, missing } = await hiddenVersusMissing(
        approved,
        clinic,
        sql,
        [],
        other,
      );
      expect(hidden).toBe(missing);
    };
    await same("select * from ehr.clients where id = $1");
    for (const table of chartTables) {
      await same(`select * from ${table} where client_id = $1`);
    }
    await same("select sequester.open_chart($1)");
    await same("select sequester.request_access($1, 'need it')");
  });

  it("the locked-search member finds the client but reads no chart row", async () => {
    const locked = await db.connectAs(clinic.roles.lockedSearch);
    const found = await observe(
      locked,
      "select id from ehr.clients where id = $1",
      [clinic.hidden],
    );
    expect(found.rowCount).toBe(1);
    for (const table of chartTables) {
      const { hidden, missing } = await hiddenVersusMissing(
        locked,
        clinic,
        `select * from ${table} where client_id = $1`,
      );
      expect(hidden, table).toBe(missing);
    }
    const joined = await observe(
      locked,
      `select c.id, n.note from ehr.clients c
       left join ehr.progress_notes n on n.client_id = c.id where c.id = $1`,
      [clinic.hidden],
    );
    expect(joined.rows).toEqual([{ id: String(clinic.hidden), note: null }]);
    const open = await observe(locked, "select sequester.open_chart($1)", [
      clinic.hidden,
    ]);
    expect(open.error?.code).toBe("42501");
    const write = await observe(
      locked,
      "update ehr.clients set first_name = 'X' where id = $1 returning id",
      [clinic.hidden],
    );
    expect(write.rowCount ?? 0).toBe(0);
  });
});
