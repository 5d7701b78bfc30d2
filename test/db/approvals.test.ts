// Approvals name people and teams, and access requests lead to real approvals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Clinic,
  failure,
  noteCount,
  openClinic,
} from "../helpers/clinic.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;

beforeAll(async () => {
  db = await createTestDatabase("approvals");
  clinic = await openClinic(db);
});
afterAll(async () => {
  await db?.drop();
});

describe("an approval", () => {
  it("cannot name a package role, a system role or a superuser", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    for (const role of ["sequester_viewer", "pg_read_all_data", "postgres"]) {
      const refused = await failure(
        editor,
        "select sequester.add_staff($1, $2)",
        [clinic.sequenceId, role],
      );
      expect(refused.code).toBe("22023");
      expect(refused.message).toBe(
        `role ${role} cannot be approved for a client`,
      );
    }
    const direct = await failure(
      editor,
      `insert into sequester.client_access_role (client_access_id, user_role)
       values ($1, 'sequester_locked_search')`,
      [clinic.sequenceId],
    );
    expect(direct.code).toBe("22023");
  });

  it("of a user role says how many roles hold it", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    const notices: string[] = [];
    editor.on("notice", (notice) => notices.push(notice.message ?? ""));
    await editor.query("select sequester.add_user_role($1, 'ehr_user')", [
      clinic.sequenceId,
    ]);
    await editor.query("select sequester.remove_user_role($1, 'ehr_user')", [
      clinic.sequenceId,
    ]);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(
      /^user role ehr_user is held by \d+ roles, who may now see/,
    );
  });
});

describe("an access request", () => {
  it("approved until a date opens the chart to the requester", async () => {
    const locked = await db.connectAs(clinic.roles.lockedSearch);
    const filed = await locked.query(
      "select id from sequester.request_access($1, 'covering a colleague')",
      [clinic.vip],
    );
    const editor = await db.connectAs(clinic.roles.editor);
    await editor.query(
      "select sequester.decide_access_request($1, true, sequester.today() + 7, 'one week')",
      [filed.rows[0].id],
    );
    expect(await noteCount(locked, clinic.vip)).toBe(2);
    await locked.query("select sequester.open_chart($1)", [clinic.vip]);
  });

  it("cannot be approved once no sequester is in force", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    const admin = await db.admin();
    const record = await editor.query(
      `insert into sequester.client_access (client_id, start_date)
       values ($1, sequester.today()) returning id`,
      [clinic.plain],
    );
    const locked = await db.connectAs(clinic.roles.lockedSearch);
    const filed = await locked.query(
      "select id from sequester.request_access($1, 'on call')",
      [clinic.plain],
    );
    await admin.query("delete from sequester.client_access where id = $1", [
      record.rows[0].id,
    ]);
    const refused = await failure(
      editor,
      "select sequester.decide_access_request($1, true)",
      [filed.rows[0].id],
    );
    expect(refused.code).toBe("55000");
    const still = await editor.query(
      "select status from sequester.access_request where id = $1",
      [filed.rows[0].id],
    );
    expect(still.rows[0].status).toBe("pending");
  });
});
