// Changes to the list take effect on the next statement of every open session, with
// no refresh and no logging out (SPEC 1, last paragraph).
import { describe, expect, it } from "vitest";
import {
  type Clinic,
  noteCount,
  useClinic,
  visibleClientIds,
} from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;

useClinic("immediacy", (opened) => {
  ({ db, clinic } = opened);
});

describe("a change committed by an administrator", () => {
  it("hides the client from an open staff session when its approval goes", async () => {
    const staff = await db.connectAs(clinic.roles.approved);
    const editor = await db.connectAs(clinic.roles.editor);
    expect(await noteCount(staff, clinic.vip)).toBe(2);

    await editor.query("select sequester.remove_staff($1, $2)", [
      clinic.sequenceId,
      clinic.roles.approved,
    ]);

    expect(await noteCount(staff, clinic.vip)).toBe(0);
    expect(await visibleClientIds(staff)).toEqual([clinic.plain]);

    await editor.query("select sequester.add_staff($1, $2)", [
      clinic.sequenceId,
      clinic.roles.approved,
    ]);
    expect(await noteCount(staff, clinic.vip)).toBe(2);
  });

  it("hides the client from a user-role member when the role leaves the record", async () => {
    const staff = await db.connectAs(clinic.roles.crisisMember);
    const editor = await db.connectAs(clinic.roles.editor);
    expect(await noteCount(staff, clinic.vip)).toBe(2);

    await editor.query("select sequester.remove_user_role($1, $2)", [
      clinic.sequenceId,
      clinic.roles.crisisTeam,
    ]);
    expect(await noteCount(staff, clinic.vip)).toBe(0);

    await editor.query("select sequester.add_user_role($1, $2)", [
      clinic.sequenceId,
      clinic.roles.crisisTeam,
    ]);
    expect(await noteCount(staff, clinic.vip)).toBe(2);
  });

  it("hides the client when a staff member leaves the listed user role", async () => {
    const staff = await db.connectAs(clinic.roles.crisisMember);
    const admin = await db.admin();
    await admin.query(
      `revoke ${clinic.roles.crisisTeam} from ${clinic.roles.crisisMember}`,
    );
    expect(await noteCount(staff, clinic.vip)).toBe(0);
    await admin.query(
      `grant ${clinic.roles.crisisTeam} to ${clinic.roles.crisisMember}`,
    );
    expect(await noteCount(staff, clinic.vip)).toBe(2);
  });

  it("shows the client to everyone on the next statement once the sequester ends", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    const editor = await db.connectAs(clinic.roles.editor);
    expect(await visibleClientIds(staff)).toEqual([clinic.plain]);

    const ended = await editor.query(
      `insert into sequester.client_access (client_id, start_date, end_date)
       values ($1, sequester.today() - 10, sequester.today() - 1) returning id`,
      [clinic.plain],
    );
    expect(ended.rowCount).toBe(1);
    expect(await visibleClientIds(staff)).toEqual([clinic.plain]);

    await editor.query("select sequester.cancel_sequester($1)", [
      clinic.sequenceId,
    ]);
    expect(await visibleClientIds(staff)).toEqual([clinic.vip, clinic.plain]);
    expect(await noteCount(staff, clinic.vip)).toBe(2);

    const reopened = await editor.query(
      `insert into sequester.client_access (client_id, start_date)
       values ($1, sequester.today()) returning id`,
      [clinic.vip],
    );
    await editor.query("select sequester.add_staff($1, $2)", [
      reopened.rows[0].id,
      clinic.roles.approved,
    ]);
    expect(await visibleClientIds(staff)).toEqual([clinic.plain]);
  });

  it("is seen inside the administrator's own open transaction before commit", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    const admin = await db.admin();
    await admin.query(
      `grant ${clinic.roles.ordinary} to ${clinic.roles.editor}`,
    );
    await editor.query("begin");
    const before = await editor.query(
      "select count(*)::int as n from ehr.clients",
    );
    await editor.query(
      `insert into sequester.client_access_staff (client_access_id, staff)
       select id, $1::regrole from sequester.client_access
       where client_id = $2 and end_date is null`,
      [clinic.roles.editor, clinic.vip],
    );
    const after = await editor.query(
      "select count(*)::int as n from ehr.clients",
    );
    await editor.query("rollback");
    await admin.query(
      `revoke ${clinic.roles.ordinary} from ${clinic.roles.editor}`,
    );
    expect(after.rows[0].n).toBe(before.rows[0].n + 1);
  });
});
