// The organization's date: a full time-zone name, never an abbreviation that a session's
// timezone_abbreviations could reinterpret.
import { describe, expect, it } from "vitest";
import { type Clinic, failure, useClinic } from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";

let db: TestDatabase;
let clinic: Clinic;

useClinic("settings", (opened) => {
  ({ db, clinic } = opened);
});

describe("the organization's time zone", () => {
  it("refuses an abbreviation, saying to use a full name", async () => {
    const admin = await db.admin();
    const refused = await failure(
      admin,
      "update sequester.settings set time_zone = 'EST'",
    );
    expect(refused.code).toBe("22023");
    expect(refused.message).toBe('unknown time zone "EST"');
  });

  it("gives the same today whatever abbreviations a session chooses", async () => {
    const admin = await db.admin();
    await admin.query(
      "update sequester.settings set time_zone = 'Australia/Sydney'",
    );
    const staff = await db.connectAs(clinic.roles.ordinary);
    const first = await staff.query("select sequester.today()::text as day");
    await staff.query("set timezone_abbreviations = 'India'");
    await staff.query("set timezone = 'Pacific/Kiritimati'");
    const second = await staff.query("select sequester.today()::text as day");
    expect(second.rows[0].day).toBe(first.rows[0].day);
  });
});
