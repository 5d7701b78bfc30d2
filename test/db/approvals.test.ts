// Approvals name people and teams, and access requests lead to real approvals.
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

useClinic("approvals", (opened) => {
  ({ db, clinic } = opened);
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

  it("of a staff member cannot name a team (a role that cannot log in)", async () => {
    // Each member could SET ROLE to it: approving it would approve them all unseen.
    const editor = await db.connectAs(clinic.roles.editor);
    for (const path of [
      "select sequester.add_staff($1, 'ehr_user')",
      `insert into sequester.client_access_staff (client_access_id, staff)
       values ($1, 'ehr_user')`,
    ]) {
      const refused = await failure(editor, path, [clinic.sequenceId]);
      expect(refused.code).toBe("22023");
      expect(refused.message).toMatch(
        /^role ehr_user cannot log in, so it is a team, not a staff member$/,
      );
    }
    const staff = await db.connectAs(clinic.roles.ordinary);
    await staff.query("set role ehr_user");
    expect(await visibleClientIds(staff)).toEqual([clinic.plain]);
    await staff.end();
    await editor.end();
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

  it("filed by a role that was dropped is not approved for a new role of that name", async () => {
    const admin = await db.admin();
    const requester = await db.createRole("requester");
    await admin.query(
      `grant ehr_user, sequester_locked_search to ${requester}`,
    );
    const asRequester = await db.connectAs(requester);
    const filed = await asRequester.query(
      "select id from sequester.request_access($1, 'night shift')",
      [clinic.vip],
    );
    await asRequester.end();
    await admin.query(`drop role ${requester}`);
    await admin.query(
      `create role ${requester} login in role ehr_user, sequester_locked_search`,
    );

    const impostor = await db.connectAs(requester);
    const seen = await impostor.query(
      "select count(*)::int as n from sequester.access_request",
    );
    expect(seen.rows[0].n).toBe(0);

    const editor = await db.connectAs(clinic.roles.editor);
    const refused = await failure(
      editor,
      "select sequester.decide_access_request($1, true)",
      [filed.rows[0].id],
    );
    expect(refused.code).toBe("42704");
    expect(await noteCount(impostor, clinic.vip)).toBe(0);
  });
});

describe("an approval by role OID", () => {
  it("is refused when no role has that OID", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    const refused = await failure(
      editor,
      `insert into sequester.client_access_staff (client_access_id, staff)
       values ($1, '4000000000'::regrole)`,
      [clinic.sequenceId],
    );
    expect(refused.code).toBe("42704");
  });

  it("that expires ends on the next statement, inside an open transaction too", async () => {
    const admin = await db.admin();
    const short = await db.createRole("short");
    await admin.query(`grant ehr_user to ${short}`);
    await admin.query(
      `insert into sequester.client_access_staff (client_access_id, staff, expires_at)
       values ($1, $2::regrole, clock_timestamp() + interval '1 second')`,
      [clinic.sequenceId, short],
    );
    const staff = await db.connectAs(short);
    await staff.query("begin");
    expect(await noteCount(staff, clinic.vip)).toBe(2);
    await staff.query("select pg_sleep(1.2)");
    expect(await noteCount(staff, clinic.vip)).toBe(0);
    await staff.query("rollback");
  });
});
