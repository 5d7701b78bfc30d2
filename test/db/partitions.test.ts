// A partition is a table of its own: a query that names it skips its parent's policies.
// Protection therefore follows a protected table into every partition, including
// partitions made or attached after protect_chart ran.
import type pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { type Clinic, useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;
let admin: pg.Client;

useClinic("partitions", (opened) => {
  ({ db, clinic } = opened);
});
beforeAll(async () => {
  admin = await db.admin();
  await admin.query(`
    create table public.visits (client_id bigint not null, note text)
      partition by list (client_id);
    create table public.visits_vip partition of public.visits for values in (${clinic.vip});
    grant select on public.visits, public.visits_vip to ehr_user;
    select sequester.protect_chart('public.visits', 'client_id');
  `);
});

async function rowsSeenBy(role: string, table: string): Promise<number> {
  const staff = await db.connectAs(role);
  const result = await staff.query(`select count(*)::int as n from ${table}`);
  await staff.end();
  return result.rows[0].n;
}

describe("partitions of a protected chart table", () => {
  it("hide a sequestered client's rows when a partition is named directly", async () => {
    await admin.query(
      `insert into public.visits values (${clinic.vip}, 'first')`,
    );
    expect(await rowsSeenBy(clinic.roles.ordinary, "public.visits_vip")).toBe(
      0,
    );
    expect(await rowsSeenBy(clinic.roles.approved, "public.visits_vip")).toBe(
      1,
    );
  });

  it("are protected when created after protect_chart", async () => {
    await admin.query(`
      create table public.visits_rest partition of public.visits default;
      grant select on public.visits_rest to ehr_user;
      insert into public.visits values (${clinic.plain}, 'plain');
      create table public.visits_later (client_id bigint not null, note text);
      insert into public.visits_later values (${clinic.vip}, 'attached');
    `);
    expect(await rowsSeenBy(clinic.roles.ordinary, "public.visits_rest")).toBe(
      1,
    );

    await admin.query(`
      alter table public.visits detach partition public.visits_vip;
      alter table public.visits_later rename to visits_later_vip;
      delete from public.visits_later_vip;
      alter table public.visits attach partition public.visits_later_vip
        for values in (${clinic.vip});
      insert into public.visits values (${clinic.vip}, 'again');
      grant select on public.visits_later_vip to ehr_user;
    `);
    expect(
      await rowsSeenBy(clinic.roles.ordinary, "public.visits_later_vip"),
    ).toBe(0);
    expect(
      await rowsSeenBy(clinic.roles.approved, "public.visits_later_vip"),
    ).toBe(1);
  });

  it("stay protected when detached", async () => {
    expect(await rowsSeenBy(clinic.roles.ordinary, "public.visits_vip")).toBe(
      0,
    );
  });

  it("are unprotected with the parent they were protected with", async () => {
    await admin.query("select sequester.unprotect('public.visits')");
    const left = await admin.query(
      "select relid::text from sequester.protected_table where relid::text like 'visits%'",
    );
    expect(left.rows).toEqual([]);
    expect(
      await rowsSeenBy(clinic.roles.ordinary, "public.visits_later_vip"),
    ).toBe(1);
  });
});
