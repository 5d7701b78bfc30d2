import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminQuery,
  createTestDatabase,
  type TestDatabase,
} from "../helpers/database.ts";
import {
  copyOfExport,
  dropRolesWithPrefix,
  editLine,
  removeDir,
} from "../support/synthea.ts";
import { databaseUrl, sequester } from "./run.ts";

let db: TestDatabase;
let dir: string;
let url: string;

beforeAll(async () => {
  db = await createTestDatabase("cli");
  dir = await copyOfExport();
  url = databaseUrl(db.name);
});
afterAll(async () => {
  await db?.drop();
  await dropRolesWithPrefix(db.prefix);
  await removeDir(dir);
});

describe("help and usage", () => {
  it("lists the commands with --help and exits 0", async () => {
    const run = await sequester(["--help"]);
    expect(run.code).toBe(0);
    for (const command of ["migrate", "import", "export", "demo"]) {
      expect(run.stdout).toContain(command);
    }
  });

  it("shows each command's help", async () => {
    for (const command of ["migrate", "import", "export", "demo"]) {
      const run = await sequester([command, "--help"]);
      expect(run.code, command).toBe(0);
      expect(run.stdout).toMatch(new RegExp(`^Usage: sequester ${command}`));
    }
  });

  it("exits 2 on an unknown command or option, saying what to do", async () => {
    const unknown = await sequester(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(unknown.stderr).toContain("sequester --help");

    const option = await sequester(["import", "synthea", dir, "--frob"]);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("--frob");
  });
});

describe("errors", () => {
  it("explains an unreachable server without a stack trace", async () => {
    const run = await sequester(["migrate", "status"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: could not connect to PostgreSQL/);
    expect(run.stderr).toContain("DATABASE_URL");
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it("shows the stack trace with --verbose", async () => {
    const run = await sequester(["migrate", "status", "--verbose"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/postgres",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/\n\s+at /);
  });

  it("lists the bad rows of a damaged export by file and line and exits 1", async () => {
    const damaged = await copyOfExport();
    try {
      await editLine(join(damaged, "patients.csv"), 4, (line) =>
        line.replace(/,\d{4}-\d\d-\d\d,/, ",not-a-date,"),
      );
      const run = await sequester(["import", "synthea", damaged], {
        DATABASE_URL: url,
      });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        "error: found 1 problem in the export; nothing was imported",
      );
      expect(run.stderr).toContain(
        "patients.csv line 4: BIRTHDATE is not a date",
      );
      expect(run.stdout).toBe("");
    } finally {
      await removeDir(damaged);
    }
  });
});

describe("migrate", () => {
  it("applies, lists and reverts the migrations of an empty database", async () => {
    const empty = `${db.prefix}empty`;
    await adminQuery(`create database ${empty}`);
    try {
      const env = { DATABASE_URL: databaseUrl(empty) };
      const up = await sequester(["migrate", "up"], env);
      expect(up.code).toBe(0);
      expect(up.stdout).toMatch(/^Applied \d+ migrations: /);

      const again = await sequester(["migrate", "up"], env);
      expect(again.stdout).toContain(
        "Applied no migrations: the database is up to date.",
      );

      const status = await sequester(["migrate", "status"], env);
      expect(status.stdout).toMatch(/\d+ applied, 0 pending\./);

      const down = await sequester(["migrate", "down", "--count", "all"], env);
      expect(down.code).toBe(0);
      expect(down.stdout).toMatch(/^Reverted \d+ migrations: /);

      const after = await sequester(["migrate", "status"], env);
      expect(after.stdout).toMatch(/0 applied, \d+ pending\./);
    } finally {
      await adminQuery(`drop database if exists ${empty} with (force)`);
    }
  });

  it("refuses a count that is not a number", async () => {
    const run = await sequester(["migrate", "down", "--count", "some"], {
      DATABASE_URL: url,
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("--count must be a whole number");
  });
});

describe("import and export", () => {
  it("refuses a role prefix that would pass for the package's roles", async () => {
    const run = await sequester(
      ["import", "synthea", dir, "--role-prefix", "sequester_"],
      { DATABASE_URL: url },
    );
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('the role prefix "sequester_" is reserved');
  });

  it("imports the export with one past-tense line per file, then adds nothing", async () => {
    const env = { DATABASE_URL: url };
    const first = await sequester(
      ["import", "synthea", dir, "--role-prefix", `${db.prefix}s_`],
      env,
    );
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^Imported patients\.csv +\d+ clients added of \d+ rows$/m,
    );
    expect(first.stderr).toContain("Read encounters.csv:");

    const again = await sequester(
      ["import", "synthea", dir, "--role-prefix", `${db.prefix}s_`],
      env,
    );
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^Imported patients\.csv +0 clients added/m);
    expect(again.stdout).toContain("Created 0 staff login roles");
  });

  it("exports the Client Access List as properly quoted CSV for an editor", async () => {
    const admin = await db.admin();
    const editor = await db.createRole("editor");
    await admin.query(`grant sequester_editor to ${editor}`);
    const comment = 'Board member, "VIP"\n=HYPERLINK("x")';
    const { rows } = await admin.query(
      `insert into sequester.client_access (client_id, start_date, comments)
      values ((select min(id) from ehr.clients), sequester.today(), $1)
      returning id, client_id`,
      [comment],
    );

    const run = await sequester(["export"], {
      DATABASE_URL: databaseUrl(db.name, editor),
    });
    expect(run.code).toBe(0);
    expect(run.stderr).toContain("Exported 1 Client Access List record.");

    const [header, record] = parse(run.stdout) as string[][];
    expect(header.slice(0, 3)).toEqual([
      "Sequence ID",
      "Client ID",
      "Client Name",
    ]);
    expect(record[0]).toBe(String(rows[0].id));
    expect(record[1]).toBe(String(rows[0].client_id));
    expect(record[2]).not.toBe("");
    expect(record[header.indexOf("Comments")]).toBe(comment);
    expect(record[header.indexOf("In Force")]).toBe("yes");
  });

  it("refuses the export to an ordinary staff member", async () => {
    const ordinary = await db.createRole("ordinary");
    const run = await sequester(["export"], {
      DATABASE_URL: databaseUrl(db.name, ordinary),
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `the role ${ordinary} may not export the Client Access List`,
    );
    expect(run.stdout).toBe("");
  });
});
