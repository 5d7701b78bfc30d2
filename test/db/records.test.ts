// Ending and cancelling a record: the end date follows the record's rules, and a record
// goes away only when it was never in force for a whole day, with the audit trail
// keeping it.
import { describe, expect, it } from "vitest";
import {
  type Clinic,
  failure,
  useClinic,
  visibleClientIds,
} from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;

useClinic("records", (opened) => {
  ({ db, clinic } = opened);
});

describe("a record that started today", () => {
  it("cannot be ended today or earlier, and the refusal names the way to cancel it", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    const refused = await failure(
      editor,
      "select sequester.end_sequester($1)",
      [clinic.sequenceId],
    );
    expect(refused.code).toBe("23514");
    expect(refused.message).toMatch(
      /^Sequence ID \d+ starts on .*, so it cannot end on /,
    );
    const still = await editor.query(
      "select count(*)::int as n from sequester.client_access",
    );
    expect(still.rows[0].n).toBe(1);
  });

  it("is cancelled: gone from the list, kept by the audit trail, the client visible", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    await editor.query("select sequester.cancel_sequester($1)", [
      clinic.sequenceId,
    ]);
    const left = await editor.query(
      "select count(*)::int as n from sequester.client_access",
    );
    expect(left.rows[0].n).toBe(0);

    const auditor = await db.connectAs(clinic.roles.auditor);
    const trail = await auditor.query(
      `select actor, before ->> 'id' as id from sequester.audit_log
       where action = 'client_access.delete'`,
    );
    expect(trail.rows).toEqual([
      { actor: clinic.roles.editor, id: String(clinic.sequenceId) },
    ]);

    const staff = await db.connectAs(clinic.roles.ordinary);
    expect(await visibleClientIds(staff)).toEqual([clinic.vip, clinic.plain]);
  });
});

describe("a record in force since an earlier day", () => {
  it("is ended, not cancelled", async () => {
    const editor = await db.connectAs(clinic.roles.editor);
    const made = await editor.query(
      `insert into sequester.client_access (client_id, start_date)
       values ($1, sequester.today() - 3) returning id`,
      [clinic.vip],
    );
    const id = made.rows[0].id;
    const refused = await failure(
      editor,
      "select sequester.cancel_sequester($1)",
      [id],
    );
    expect(refused.code).toBe("55000");

    const ended = await editor.query(
      "select end_date from sequester.end_sequester($1)",
      [id],
    );
    expect(ended.rowCount).toBe(1);
    const staff = await db.connectAs(clinic.roles.ordinary);
    expect(await visibleClientIds(staff)).toEqual([clinic.vip, clinic.plain]);
  });
});
