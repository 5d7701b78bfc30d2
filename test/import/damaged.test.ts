import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type pg from "pg";
import {
  afterAll,
  afterEach,
  beforeAll,
  beforeEach,
  describe,
  expect,
  it,
} from "vitest";
import { importSynthea } from "../../scripts/import/synthea.ts";
import { ToolError } from "../../scripts/lib/errors.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import {
  copyOfExport,
  dropRolesWithPrefix,
  editLine,
  removeDir,
  rolesWithPrefix,
  tableCounts,
} from "../support/synthea.ts";

let db: TestDatabase;
let admin: pg.Client;
let dir: string;

beforeAll(async () => {
  db = await createTestDatabase("import_damaged");
  admin = await db.admin();
});
afterAll(async () => {
  await db?.drop();
  await dropRolesWithPrefix(db.prefix);
});
beforeEach(async () => {
  dir = await copyOfExport();
});
afterEach(async () => {
  await removeDir(dir);
});

/** Imports the damaged copy, expecting it to fail; returns the lines reported. */
async function failingImport(): Promise<{
  error: ToolError;
  details: string[];
}> {
  const error = await importSynthea(admin, dir, {
    rolePrefix: `${db.prefix}staff_`,
  }).then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ToolError);
  return {
    error: error as ToolError,
    details: [...(error as ToolError).details],
  };
}

async function expectNothingImported(): Promise<void> {
  const counts = await tableCounts(admin);
  expect(Object.values(counts).every((count) => count === 0)).toBe(true);
  expect(await rolesWithPrefix(db.prefix)).toEqual([]);
}

describe("importing a damaged export", () => {
  it("names the file and line of a bad date and imports nothing", async () => {
    await editLine(join(dir, "patients.csv"), 5, (line) => {
      const fields = line.split(",");
      fields[1] = "1990-02-30";
      return fields.join(",");
    });
    const { error, details } = await failingImport();
    expect(error.message).toMatch(/nothing was imported/);
    expect(details).toContain(
      "patients.csv line 5: BIRTHDATE is not a date such as 2020-01-31",
    );
    await expectNothingImported();
  });

  it("names the line and column of bytes that are not UTF-8, or a NUL byte", async () => {
    // A Latin-1 "José" and a NUL byte, written as bytes into two surnames.
    const path = join(dir, "patients.csv");
    const lines = (await readFile(path, "utf8")).split("\n");
    const last = lines[0].split(",").indexOf("LAST");
    const mark = "\u0001";
    for (const lineNumber of [4, 6]) {
      const fields = lines[lineNumber - 1].split(",");
      fields[last] = mark;
      lines[lineNumber - 1] = fields.join(",");
    }
    const [before, between, after] = lines.join("\n").split(mark);
    await writeFile(
      path,
      Buffer.concat([
        Buffer.from(before),
        Buffer.from([0x4a, 0x6f, 0x73, 0xe9]),
        Buffer.from(between),
        Buffer.from([0x41, 0x00, 0x42]),
        Buffer.from(after),
      ]),
    );
    const { details } = await failingImport();
    expect(details).toContain(
      "patients.csv line 4: LAST is not UTF-8 text (it holds bytes that are not UTF-8: " +
        "export as UTF-8, or convert the file, e.g. iconv -f latin1 -t utf-8)",
    );
    expect(details).toContain(
      "patients.csv line 6: LAST is not text without a NUL byte (PostgreSQL text " +
        "cannot hold one; remove it from the file)",
    );
    await expectNothingImported();
  });

  it("never quotes the bad value itself, which may be clinical data", async () => {
    await editLine(join(dir, "patients.csv"), 3, (line) =>
      line.replace(/,\d{4}-\d\d-\d\d,/, ",01/02/1961,"),
    );
    const { details } = await failingImport();
    expect(details.join("\n")).not.toContain("01/02/1961");
  });

  it("says which required column is missing from the header", async () => {
    const path = join(dir, "patients.csv");
    const lines = (await readFile(path, "utf8")).split("\n");
    const header = lines[0].split(",");
    const first = header.indexOf("FIRST");
    const dropColumn = (line: string) =>
      line === ""
        ? line
        : line
            .split(",")
            .filter((_, index) => index !== first)
            .join(",");
    await writeFile(path, lines.map(dropColumn).join("\n"));

    const { details } = await failingImport();
    expect(details).toContain(
      "patients.csv line 1: the required column FIRST is missing from the header",
    );
    await expectNothingImported();
  });

  it("names a line cut short", async () => {
    const path = join(dir, "encounters.csv");
    const lines = (await readFile(path, "utf8")).trimEnd().split("\n");
    const last = lines.length;
    lines[last - 1] = lines[last - 1].slice(0, 60);
    await writeFile(path, `${lines.join("\n")}\n`);

    const { details } = await failingImport();
    expect(
      details.some((line) =>
        line.startsWith(`encounters.csv line ${last}: has `),
      ),
    ).toBe(true);
    expect(details.join("\n")).toMatch(/cut short/);
    await expectNothingImported();
  });

  it("names the line of a quote left open", async () => {
    await editLine(join(dir, "conditions.csv"), 4, (line) =>
      line.replace(",", ',"'),
    );
    const { details } = await failingImport();
    expect(
      details.some((line) => /^conditions\.csv line \d+: /.test(line)),
    ).toBe(true);
    await expectNothingImported();
  });

  it("reports every bad row across files in one run", async () => {
    await editLine(join(dir, "patients.csv"), 2, (line) =>
      line.replace(/,\d{4}-/, ",19xx-"),
    );
    await editLine(join(dir, "encounters.csv"), 3, (line) => {
      const fields = line.split(",");
      fields[1] = "yesterday";
      return fields.join(",");
    });
    const { details } = await failingImport();
    expect(details).toContain(
      "patients.csv line 2: BIRTHDATE is not a date such as 2020-01-31",
    );
    expect(
      details.some((line) =>
        line.startsWith("encounters.csv line 3: START is not"),
      ),
    ).toBe(true);
    await expectNothingImported();
  });

  it("refuses a chart row whose patient is not in patients.csv", async () => {
    await editLine(join(dir, "allergies.csv"), 2, (line) => {
      const fields = line.split(",");
      fields[2] = "00000000-0000-0000-0000-000000000000";
      return fields.join(",");
    });
    const { details } = await failingImport();
    expect(details).toContain(
      "allergies.csv line 2: PATIENT is not the Id of a row of patients.csv",
    );
    await expectNothingImported();
  });

  it("explains a directory without patients.csv", async () => {
    await writeFile(join(dir, "patients.csv"), "");
    const { rm } = await import("node:fs/promises");
    await rm(join(dir, "patients.csv"));
    const error = await importSynthea(admin, dir).catch(
      (failure: unknown) => failure,
    );
    expect(error).toBeInstanceOf(ToolError);
    expect((error as ToolError).message).toMatch(/has no patients\.csv/);
  });
});

describe("a refused patient", () => {
  it("is reported once, not again for each encounter, condition or allergy of theirs", async () => {
    dir = await copyOfExport();
    await editLine(join(dir, "patients.csv"), 2, (line) =>
      line.replace(/,\d{4}-/, ",19xx-"),
    );
    const { error, details } = await failingImport();
    expect(details).toEqual([
      "patients.csv line 2: BIRTHDATE is not a date such as 2020-01-31",
    ]);
    expect(error.message).toMatch(/^found 1 problem/);
    await removeDir(dir);
  });
});
