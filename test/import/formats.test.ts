import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importSynthea } from "../../scripts/import/synthea.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { dropRolesWithPrefix, removeDir } from "../support/synthea.ts";

let db: TestDatabase;
let admin: pg.Client;
const dirs: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase("import_formats");
  admin = await db.admin();
});
afterAll(async () => {
  await db?.drop();
  await dropRolesWithPrefix(db.prefix);
  for (const dir of dirs) {
    await removeDir(dir);
  }
});

async function exportOf(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "sequester-format-"));
  dirs.push(dir);
  for (const [file, text] of Object.entries(files)) {
    await writeFile(join(dir, file), text);
  }
  return dir;
}

describe("what real exports look like", () => {
  it("reads a BOM, CRLF line ends, quoted commas and quotes, and accented names", async () => {
    const patients =
      "\uFEFFId,BIRTHDATE,FIRST,LAST,ADDRESS,CITY\r\n" +
      'p-1,1980-04-02,José,Núñez,"12 Rue de l\'Église, Apt ""B""",Montréal\r\n' +
      "p-2,1975-12-31,Zoë,Müller,,Zürich\r\n";
    const providers =
      "\uFEFFId,NAME,SPECIALITY\r\n" + 'dr-1,"Ångström, Åsa",PSYCHIATRY\r\n';
    const dir = await exportOf({
      "patients.csv": patients,
      "providers.csv": providers,
    });

    await importSynthea(admin, dir, { rolePrefix: `${db.prefix}a_` });

    const { rows } = await admin.query(
      "select first_name, last_name, address, city from ehr.clients where import_key = 'p-1'",
    );
    expect(rows[0]).toEqual({
      first_name: "José",
      last_name: "Núñez",
      address: '12 Rue de l\'Église, Apt "B"',
      city: "Montréal",
    });
    const staff = await admin.query(
      `select shobj_description(r.oid, 'pg_authid') as comment
      from ehr.staff s join pg_roles r on r.rolname = s.role_name
      where s.import_key = 'dr-1'`,
    );
    expect(staff.rows[0].comment).toBe("Ångström, Åsa");
  });

  it("accepts an older column set: other case, DATE for START, optional files absent", async () => {
    const dir = await exportOf({
      "patients.csv":
        "id,birthdate,first,last\np-old,1960-01-01,Ada,Lovelace\n",
      "encounters.csv":
        "ID,START,PATIENT,PROVIDER\ne-old,2010-05-05T10:00:00Z,p-old,\n",
      "procedures.csv":
        "DATE,PATIENT,ENCOUNTER,DESCRIPTION\n2010-05-05,p-old,e-old,Talk therapy\n",
      "observations.csv": "DATE,PATIENT,VALUE\n2010-05-05,p-old,1\n",
    });

    const summary = await importSynthea(admin, dir, {
      rolePrefix: `${db.prefix}b_`,
    });

    expect(summary.absent).toContain("providers.csv");
    const { rows } = await admin.query(
      `select p.performed_at = '2010-05-05 00:00:00+00'::timestamptz as at_midnight_utc,
        e.id = p.encounter_id as same_encounter
      from ehr.procedures p join ehr.clients c on c.id = p.client_id
      join ehr.encounters e on e.import_key = 'e-old'
      where c.import_key = 'p-old'`,
    );
    expect(rows).toEqual([{ at_midnight_utc: true, same_encounter: true }]);
  });

  it("keeps identical rows of a file apart, and still adds nothing on a rerun", async () => {
    const dir = await exportOf({
      "patients.csv": "Id,BIRTHDATE,FIRST,LAST\np-twin,2001-01-01,Ann,Twin\n",
      "conditions.csv":
        "START,PATIENT,DESCRIPTION\n2020-01-01,p-twin,Anxiety\n2020-01-01,p-twin,Anxiety\n",
    });
    const first = await importSynthea(admin, dir, {
      rolePrefix: `${db.prefix}c_`,
    });
    const again = await importSynthea(admin, dir, {
      rolePrefix: `${db.prefix}c_`,
    });

    const conditions = (summary: typeof first) =>
      summary.files.find((file) => file.file === "conditions.csv")?.inserted;
    expect(conditions(first)).toBe(2);
    expect(conditions(again)).toBe(0);
  });
});
