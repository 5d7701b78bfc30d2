// sequester.doctor() finds each mistake that undoes the rules, and its fix mends it.

import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { type Clinic, failure, useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;
let admin: pg.Client;

interface Finding {
  severity: string;
  finding: string;
  object: string;
  fix: string;
}

useClinic("doctor", (opened) => {
  ({ db, clinic } = opened);
});
beforeAll(async () => {
  admin = await db.admin();
});

async function findings(kind: string): Promise<Finding[]> {
  const viewer = await db.connectAs(clinic.roles.viewer);
  const result = await viewer.query<Finding>(
    "select severity, finding, object, fix from sequester.doctor() where finding = $1",
    [kind],
  );
  await viewer.end();
  return result.rows;
}

async function applyFixes(rows: Finding[]): Promise<void> {
  for (const row of rows) {
    await admin.query(row.fix);
  }
}

describe("sequester.doctor()", () => {
  it("finds an unprotected table that references clients, and protects it", async () => {
    await admin.query(`
      create table public.diary (id bigint primary key, owner bigint references ehr.clients);
      grant select on public.diary to ehr_user;
      insert into public.diary values (1, ${clinic.vip});
    `);
    const found = await findings("unprotected chart table");
    expect(found).toEqual([
      expect.objectContaining({ severity: "error", object: "public.diary" }),
    ]);

    await applyFixes(found);
    expect(await findings("unprotected chart table")).toEqual([]);
    const staff = await db.connectAs(clinic.roles.ordinary);
    expect((await staff.query("select * from public.diary")).rowCount).toBe(0);
  });

  it("finds a protected table whose FORCE was switched off, and forces it again", async () => {
    await admin.query("alter table ehr.conditions no force row level security");
    const found = await findings("protection switched off");
    expect(found).toEqual([
      expect.objectContaining({ object: "ehr.conditions" }),
    ]);
    await applyFixes(found);
    expect(await findings("protection switched off")).toEqual([]);
  });

  it("finds a view over a protected table owned by a superuser", async () => {
    await admin.query(
      "create view public.all_clients as select id from ehr.clients",
    );
    const found = await findings("view bypasses the policies");
    expect(found).toEqual([
      expect.objectContaining({ object: "public.all_clients" }),
    ]);
    await applyFixes(found);
    expect(await findings("view bypasses the policies")).toEqual([]);
  });

  it("finds a security definer function without a search_path", async () => {
    await admin.query(
      "create function public.loose() returns int language sql security definer as 'select 1'",
    );
    // A SQL-standard body names its objects when it is made: no path can redirect it.
    await admin.query(`create function public.atomic() returns int language sql
      security definer begin atomic select 1; end`);
    const found = await findings("security definer without search_path");
    expect(found.map((row) => row.object)).toEqual(["public.loose()"]);
    await applyFixes(found);
    expect(await findings("security definer without search_path")).toEqual([]);
  });

  it("finds an approval of a role that was dropped", async () => {
    const gone = await db.createRole("gone");
    const editor = await db.connectAs(clinic.roles.editor);
    await editor.query("select sequester.add_staff($1, $2)", [
      clinic.sequenceId,
      gone,
    ]);
    await admin.query(`drop role ${gone}`);
    const found = await findings("approval of a dropped role");
    expect(found).toHaveLength(1);
    await applyFixes(found);
    expect(await findings("approval of a dropped role")).toEqual([]);
  });

  it("finds a link between charts that skips the link rule, and adds the rule", async () => {
    await admin.query(`
      create table public.followups (
        id bigint primary key, client_id bigint not null,
        encounter_id bigint references ehr.encounters
      );
      select sequester.protect_chart('public.followups', 'client_id');
    `);
    const found = await findings("unguarded link between charts");
    expect(found.map((row) => row.object)).toEqual([
      "public.followups.encounter_id",
    ]);
    await applyFixes(found);
    expect(await findings("unguarded link between charts")).toEqual([]);
  });

  it("finds a partition of a protected table left unprotected", async () => {
    await admin.query(`
      create table public.letters (client_id bigint not null) partition by hash (client_id);
      select sequester.protect_chart('public.letters', 'client_id');
      alter event trigger sequester_protect_new_partitions disable;
      create table public.letters_0 partition of public.letters
        for values with (modulus 1, remainder 0);
      alter event trigger sequester_protect_new_partitions enable;
    `);
    const found = await findings("unprotected partition");
    expect(found.map((row) => row.object)).toEqual(["public.letters_0"]);
    await applyFixes(found);
    expect(await findings("unprotected partition")).toEqual([]);
  });

  it("finds a host's restrictive policy ordered before the package's, and renames it", async () => {
    await admin.query(`
      create policy "0 a tenant rule" on ehr.allergies as restrictive using (true);
    `);
    const found = await findings("policy ordered before the package");
    expect(found.map((row) => row.object)).toEqual([
      "0 a tenant rule on ehr.allergies",
    ]);
    await applyFixes(found);
    expect(await findings("policy ordered before the package")).toEqual([]);
  });

  it("finds an ID sequence behind a row loaded with its own ID, and moves it past", async () => {
    const next = await admin.query<{ id: string }>(`
      select pg_sequence_last_value(
        pg_get_serial_sequence('ehr.clients', 'id')::regclass) + 1 as id`);
    // Two rows loaded with the next two IDs the sequence would hand out.
    await admin.query(
      `insert into ehr.clients (id, first_name, last_name, birth_date)
       select $1::bigint + n, 'Loaded', 'Explicitly', '1970-01-01'
       from generate_series(0, 1) n`,
      [next.rows[0]?.id],
    );
    // What a staff member meets before the fix: a default ID that answers for a row.
    // (The failed insert uses up one value; the second loaded row is still ahead.)
    const staff = await db.connectAs(clinic.roles.ordinary);
    const intake = `insert into ehr.clients (first_name, last_name, birth_date)
      values ('New', 'Intake', '2000-01-01')`;
    expect((await failure(staff, intake)).code).toBe("23505");

    const found = await findings("sequence behind its rows");
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        object: "ehr.clients.id",
      }),
    ]);
    await applyFixes(found);
    expect(await findings("sequence behind its rows")).toEqual([]);
    expect((await staff.query(intake)).rowCount).toBe(1);
    await staff.end();
  });

  it("finds the lock table given back to everyone, and takes it again", async () => {
    await admin.query("grant select on pg_catalog.pg_locks to public");
    const found = await findings("lock table readable by everyone");
    expect(found).toEqual([
      expect.objectContaining({
        severity: "error",
        object: "pg_catalog.pg_locks",
      }),
    ]);
    await applyFixes(found);
    expect(await findings("lock table readable by everyone")).toEqual([]);
    const staff = await db.connectAs(clinic.roles.ordinary);
    expect((await failure(staff, "select * from pg_locks")).code).toBe("42501");
    await staff.end();
  });

  it("finds a staff approval whose role can no longer log in, and removes it", async () => {
    const colleague = await db.createRole("colleague");
    await admin.query(`grant ${clinic.roles.approved} to ${colleague}`);
    await admin.query(`alter role ${clinic.roles.approved} nologin`);
    const found = await findings("staff approval of a team");
    expect(found).toEqual([
      expect.objectContaining({
        severity: "warning",
        object: `Sequence ID ${clinic.sequenceId}`,
      }),
    ]);
    await applyFixes(found);
    expect(await findings("staff approval of a team")).toEqual([]);
    await admin.query(`alter role ${clinic.roles.approved} login`);
    await admin.query(`revoke ${clinic.roles.approved} from ${colleague}`);
    await admin.query("select sequester.add_staff($1, $2)", [
      clinic.sequenceId,
      clinic.roles.approved,
    ]);
  });

  it("finds another database that every role may connect to, and closes it", async () => {
    // pg_locks and pg_stat_database there show what queries here read.
    const other = `${db.name.slice(0, 40)}_other`;
    await admin.query(`create database ${other}`);
    try {
      const found = (
        await findings("another database open to every role")
      ).filter((row) => row.object === other);
      expect(found).toEqual([expect.objectContaining({ severity: "error" })]);
      await applyFixes(found);
      expect(
        (await findings("another database open to every role")).map(
          (row) => row.object,
        ),
      ).not.toContain(other);
    } finally {
      await admin.query(`drop database ${other}`);
    }
  });

  it("is for administrators only", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    expect(
      (await failure(staff, "select * from sequester.doctor()")).code,
    ).toBe("42501");
  });
});
