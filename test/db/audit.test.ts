// The audit trail (SPEC 3.6): who changed what and when, who opened a sequestered chart,
// readable by auditors only and changeable by nobody but its owner.
import { describe, expect, it } from "vitest";
import { type Clinic, failure, useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;

useClinic("audit", (opened) => {
  ({ db, clinic } = opened);
});

describe("the audit trail", () => {
  it("records who created the record and who approved whom", async () => {
    const auditor = await db.connectAs(clinic.roles.auditor);
    const rows = await auditor.query(
      `select action, actor, client_id, after ->> 'staff' as staff
       from sequester.audit_log where client_access_id = $1 order by id`,
      [clinic.sequenceId],
    );
    expect(rows.rows).toEqual([
      {
        action: "client_access.insert",
        actor: clinic.roles.editor,
        client_id: String(clinic.vip),
        staff: null,
      },
      {
        action: "client_access_staff.insert",
        actor: clinic.roles.editor,
        client_id: String(clinic.vip),
        staff: clinic.roles.approved,
      },
      {
        action: "client_access_role.insert",
        actor: clinic.roles.editor,
        client_id: String(clinic.vip),
        staff: null,
      },
    ]);
  });

  it("records an approved staff member opening the sequestered chart", async () => {
    const staff = await db.connectAs(clinic.roles.approved);
    await staff.query("select sequester.open_chart($1)", [clinic.vip]);
    await staff.query("select sequester.open_chart($1)", [clinic.plain]);
    const auditor = await db.connectAs(clinic.roles.auditor);
    const rows = await auditor.query(
      "select actor, client_id from sequester.audit_log where action = 'open_chart.allowed'",
    );
    expect(rows.rows).toEqual([
      { actor: clinic.roles.approved, client_id: String(clinic.vip) },
    ]);
  });

  it("is unreadable and unwritable for staff and editors", async () => {
    for (const role of [
      clinic.roles.ordinary,
      clinic.roles.approved,
      clinic.roles.editor,
    ]) {
      const client = await db.connectAs(role);
      expect(
        (await failure(client, "select * from sequester.audit_log")).code,
      ).toBe("42501");
      const forged = await failure(
        client,
        "insert into sequester.audit_log (action, client_id) values ('client_access.delete', 1)",
      );
      expect(forged.code).toBe("42501");
    }
  });

  it("cannot be changed or emptied by an auditor", async () => {
    const auditor = await db.connectAs(clinic.roles.auditor);
    expect(
      (await failure(auditor, "update sequester.audit_log set actor = 'x'"))
        .code,
    ).toBe("42501");
    expect(
      (await failure(auditor, "delete from sequester.audit_log")).code,
    ).toBe("42501");
    expect((await failure(auditor, "truncate sequester.audit_log")).code).toBe(
      "42501",
    );
  });

  it("answers a hidden client like a missing one in a read-only transaction", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    const attempt = async (id: number) => {
      await staff.query("begin read only");
      const outcome = await failure(staff, "select sequester.open_chart($1)", [
        id,
      ]);
      await staff.query("rollback");
      return {
        code: outcome.code,
        message: outcome.message.replace(String(id), "N"),
      };
    };
    expect(await attempt(clinic.vip)).toEqual(await attempt(99_999_999));
  });

  it("leaves no trace in the caller's transaction of a refused attempt", async () => {
    const staff = await db.connectAs(clinic.roles.ordinary);
    const traces = async (id: number) => {
      await staff.query("begin");
      await staff.query("savepoint attempt");
      await failure(staff, "select sequester.open_chart($1)", [id]);
      await staff.query("rollback to savepoint attempt");
      // The statistics views that would count the insert are closed to staff (test/attack).
      const seen = await staff.query(
        "select pg_current_xact_id_if_assigned() is not null as assigned",
      );
      await staff.query("rollback");
      return seen.rows[0];
    };
    expect(await traces(clinic.vip)).toEqual(await traces(99_999_999));
  });
});
