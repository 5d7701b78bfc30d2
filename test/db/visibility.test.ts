// What each kind of staff member sees, over their own connection (SPEC 3.4).
import { describe, expect, it } from "vitest";
import {
  type Clinic,
  failure,
  noteCount,
  useClinic,
  visibleClientIds,
} from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;

useClinic("visibility", (opened) => {
  ({ db, clinic } = opened);
});

describe("a renamed clients table", () => {
  it("keeps its rules: the visibility tests follow the new name", async () => {
    // The tests name the table in their text; an event trigger makes them again.
    const admin = await db.admin();
    await admin.query("alter table ehr.clients rename to clients_renamed");
    try {
      const staff = await db.connectAs(clinic.roles.ordinary);
      const approved = await db.connectAs(clinic.roles.approved);
      const ids = async (client: typeof staff) =>
        (
          await client.query<{ id: string }>(
            "select id from ehr.clients_renamed order by id",
          )
        ).rows.map((row) => Number(row.id));
      expect(await ids(staff)).toEqual([clinic.plain]);
      expect(await ids(approved)).toEqual([clinic.vip, clinic.plain]);
      expect(await noteCount(staff, clinic.vip)).toBe(0);
      await staff.end();
      await approved.end();
    } finally {
      await admin.query("alter table ehr.clients_renamed rename to clients");
    }
  });
});

describe("an ordinary staff member", () => {
  it("does not find a sequestered client in any search", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    expect(await visibleClientIds(staff)).toEqual([clinic.plain]);
    const byName = await staff.query(
      "select id from ehr.clients where last_name = 'Famous'",
    );
    expect(byName.rowCount).toBe(0);
    const byId = await staff.query("select id from ehr.clients where id = $1", [
      clinic.vip,
    ]);
    expect(byId.rowCount).toBe(0);
  });

  it("reads none of a sequestered client's chart", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    expect(await noteCount(staff, clinic.vip)).toBe(0);
    const encounters = await staff.query(
      "select client_id from ehr.encounters",
    );
    expect(encounters.rows.map((row) => Number(row.client_id))).toEqual([
      clinic.plain,
    ]);
  });

  it("gets the answer of a client that never existed when opening the chart", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    const hidden = await failure(staff, "select sequester.open_chart($1)", [
      clinic.vip,
    ]);
    const missing = await failure(
      staff,
      "select sequester.open_chart($1)",
      [987654],
    );
    expect(hidden.code).toBe(missing.code);
    expect(hidden.message.replace(String(clinic.vip), "N")).toBe(
      missing.message.replace("987654", "N"),
    );
  });

  it("cannot write into a sequestered client's chart", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    const insert = await failure(
      staff,
      "insert into ehr.progress_notes (client_id, note) values ($1, 'sneaked in')",
      [clinic.vip],
    );
    expect(insert.code).toBe("42501");
    const update = await staff.query(
      "update ehr.progress_notes set note = 'changed' where client_id = $1",
      [clinic.vip],
    );
    expect(update.rowCount).toBe(0);
    const remove = await staff.query(
      "delete from ehr.progress_notes where client_id = $1",
      [clinic.vip],
    );
    expect(remove.rowCount).toBe(0);
  });

  it("cannot move a visible chart row into a sequestered client's chart", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    const moved = await failure(
      staff,
      "update ehr.progress_notes set client_id = $1 where client_id = $2",
      [clinic.vip, clinic.plain],
    );
    expect(moved.code).toBe("42501");
  });

  it("writes the chart of a client who is not sequestered", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    await staff.query(
      "insert into ehr.progress_notes (client_id, note) values ($1, 'seen')",
      [clinic.plain],
    );
    expect(await noteCount(staff, clinic.plain)).toBe(2);
    await staff.query("delete from ehr.progress_notes where note = 'seen'");
  });
});

describe("approved staff", () => {
  it("see and open the chart when listed by name", async () => {
    const staff = await db.connectAs(clinic.roles.approved);
    expect(await visibleClientIds(staff)).toEqual([clinic.vip, clinic.plain]);
    expect(await noteCount(staff, clinic.vip)).toBe(2);
    await staff.query("select sequester.open_chart($1)", [clinic.vip]);
  });

  it("see the chart through a listed user role", async () => {
    const staff = await db.connectAs(clinic.roles.crisisMember);
    expect(await noteCount(staff, clinic.vip)).toBe(2);
  });

  it("see the chart through a role nested inside a listed user role", async () => {
    const staff = await db.connectAs(clinic.roles.nestedMember);
    expect(await visibleClientIds(staff)).toContain(clinic.vip);
    expect(await noteCount(staff, clinic.vip)).toBe(2);
  });

  it("may write the chart they may see", async () => {
    const staff = await db.connectAs(clinic.roles.approved);
    const added = await staff.query(
      "insert into ehr.progress_notes (client_id, note) values ($1, 'third session') returning id",
      [clinic.vip],
    );
    await staff.query("delete from ehr.progress_notes where id = $1", [
      added.rows[0].id,
    ]);
  });
});

describe("a locked-search staff member", () => {
  it("finds the sequestered client in search", async () => {
    const staff = await db.connectAs(clinic.roles.lockedSearch);
    const found = await staff.query(
      "select id from ehr.clients where last_name = 'Famous'",
    );
    expect(found.rows.map((row) => Number(row.id))).toEqual([clinic.vip]);
  });

  it("is refused the chart with the permission message", async () => {
    const staff = await db.connectAs(clinic.roles.lockedSearch);
    expect(await noteCount(staff, clinic.vip)).toBe(0);
    const refused = await failure(staff, "select sequester.open_chart($1)", [
      clinic.vip,
    ]);
    expect(refused).toEqual({
      code: "42501",
      message: "You do not have permission to view this client's chart",
    });
  });

  it("cannot change the client it can only see listed", async () => {
    const staff = await db.connectAs(clinic.roles.lockedSearch);
    const update = await staff.query(
      "update ehr.clients set phone = '555' where id = $1",
      [clinic.vip],
    );
    expect(update.rowCount).toBe(0);
  });
});

describe("administrators", () => {
  it("see the Client Access List as viewers but cannot change it", async () => {
    const viewer = await db.connectAs(clinic.roles.viewer);
    const list = await viewer.query(
      "select id, client_id from sequester.client_access",
    );
    expect(list.rows.map((row) => Number(row.client_id))).toEqual([clinic.vip]);
    const write = await failure(
      viewer,
      "update sequester.client_access set comments = 'x' where id = $1",
      [clinic.sequenceId],
    );
    expect(write.code).toBe("42501");
  });

  it("do not see a sequestered chart by holding a package role", async () => {
    for (const role of [
      clinic.roles.viewer,
      clinic.roles.editor,
      clinic.roles.auditor,
    ]) {
      const admin = await db.connectAs(role);
      expect(await visibleClientIds(admin)).toEqual([clinic.plain]);
      expect(await noteCount(admin, clinic.vip)).toBe(0);
    }
  });

  it("confirm a client by ID with name and date of birth only", async () => {
    const viewer = await db.connectAs(clinic.roles.viewer);
    const confirmed = await viewer.query(
      "select * from sequester.confirm_client($1)",
      [clinic.vip],
    );
    expect(confirmed.rows).toEqual([
      {
        client_id: String(clinic.vip),
        display_name: "Vera Famous",
        birth_date: expect.any(Date),
      },
    ]);
  });
});
