import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staffRoleName } from "../../scripts/import/staff.ts";
import {
  type ImportSummary,
  importSynthea,
} from "../../scripts/import/synthea.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
  chartTables,
  copyOfExport,
  dataRows,
  dropRolesWithPrefix,
  removeDir,
  tableCounts,
} from "../support/synthea.ts";

let db: TestDatabase;
let admin: pg.Client;
let dir: string;
let rolePrefix: string;
let first: ImportSummary;

beforeAll(async () => {
  db = await createTestDatabase("import_sample");
  admin = await db.admin();
  dir = await copyOfExport();
  rolePrefix = `${db.prefix}staff_`;
  first = await importSynthea(admin, dir, { rolePrefix });
});

afterAll(async () => {
  await db?.drop();
  await dropRolesWithPrefix(db.prefix);
  await removeDir(dir);
});

describe("importing the Synthea sample", () => {
  it("puts every data row of each file into its table", async () => {
    const counts = await tableCounts(admin);
    for (const [file, table] of Object.entries(chartTables)) {
      expect(counts[table], `${file} -> ${table}`).toBe(
        await dataRows(join(dir, file)),
      );
    }
  });

  it("creates a login role per provider, found by the provider's name", async () => {
    const { rows } = await admin.query(
      `select s.role_name, s.display_name, s.import_key, r.rolcanlogin,
        pg_has_role(r.oid, 'ehr_user', 'member') as ehr_user,
        shobj_description(r.oid, 'pg_authid') as comment
      from ehr.staff s join pg_roles r on r.rolname = s.role_name
      order by s.role_name limit 1`,
    );
    const [staff] = rows;
    expect(staff.role_name).toBe(staffRoleName(rolePrefix, staff.import_key));
    expect(staff.rolcanlogin).toBe(true);
    expect(staff.ehr_user).toBe(true);
    expect(staff.comment).toBe(staff.display_name);

    const found = await admin.query(
      "select role_name from sequester.search_staff($1)",
      [staff.display_name],
    );
    expect(found.rows.map((row) => row.role_name)).toContain(staff.role_name);
    expect(first.rolesCreated).toBe(await dataRows(join(dir, "providers.csv")));
  });

  it("points chart rows at the client's ehr ID, not at the Synthea UUID", async () => {
    const { rows } = await admin.query(
      `select count(*)::int as mismatched
      from ehr.encounters e join ehr.clients c on c.id = e.client_id
      where c.import_key is null`,
    );
    expect(rows[0].mismatched).toBe(0);
    const staffed = await admin.query(
      "select count(*)::int as n from ehr.encounters where staff_role is not null",
    );
    expect(staffed.rows[0].n).toBeGreaterThan(0);
  });

  it("lets an imported staff member log in and find unsequestered clients by name", async () => {
    const { rows } = await admin.query(
      "select role_name from ehr.staff order by role_name limit 1",
    );
    const staff = await db.connectAs(rows[0].role_name);
    const found = await staff.query(
      "select count(*)::int as n from ehr.clients",
    );
    expect(found.rows[0].n).toBe(await dataRows(join(dir, "patients.csv")));
  });

  it("adds nothing when the same export is imported again", async () => {
    const before = await tableCounts(admin);
    const again = await importSynthea(admin, dir, { rolePrefix });
    expect(again.files.every((file) => file.inserted === 0)).toBe(true);
    expect(again.rolesCreated).toBe(0);
    expect(await tableCounts(admin)).toEqual(before);
  });

  it("adds nothing when the same export comes back with a BOM and CRLF line ends", async () => {
    const { readFile, writeFile } = await import("node:fs/promises");
    for (const file of Object.keys(chartTables)) {
      const text = await readFile(join(dir, file), "utf8");
      await writeFile(
        join(dir, file),
        `\uFEFF${text.replaceAll("\n", "\r\n")}`,
      );
    }
    const before = await tableCounts(admin);
    const again = await importSynthea(admin, dir, { rolePrefix });
    expect(again.files.map((file) => file.inserted)).toEqual(
      again.files.map(() => 0),
    );
    expect(await tableCounts(admin)).toEqual(before);
  });
});
