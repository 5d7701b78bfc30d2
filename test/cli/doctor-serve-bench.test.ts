// sequester doctor, serve and bench from the command line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { databaseUrl, sequester } from "./run.ts";

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase("cli_doctor");
});
afterAll(async () => {
  await db?.drop();
});

describe("sequester doctor", () => {
  it("exits 1 exactly when a finding is an error, and says how many are", async () => {
    // The server is shared: other databases open to every role are errors here, and
    // this test cannot close them, so it holds the exit code to the count it prints.
    const run = await sequester(["doctor"], {
      DATABASE_URL: databaseUrl(db.name),
    });
    const summary = /Found (\d+) findings?, (\d+) of them errors?\./.exec(
      run.stdout,
    );
    expect(summary).not.toBeNull();
    const errors = Number(summary?.[2]);
    expect(run.code).toBe(errors > 0 ? 1 : 0);
    expect(run.stdout.match(/^error: /gm)?.length ?? 0).toBe(errors);
  });

  it("exits 1 and prints the fix when a chart table is left unprotected", async () => {
    const admin = await db.admin();
    await admin.query(
      "create table public.letters (id bigint primary key, " +
        "client_id bigint references ehr.clients)",
    );
    const run = await sequester(["doctor"], {
      DATABASE_URL: databaseUrl(db.name),
    });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(
      "error: unprotected chart table: public.letters",
    );
    expect(run.stdout).toContain(
      "fix: select sequester.protect_chart('public.letters', 'client_id');",
    );
  });

  it("says how to write DATABASE_URL when it is malformed", async () => {
    const run = await sequester(["doctor"], {
      DATABASE_URL: "postgress//127.0.0.1",
    });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(
      "error: DATABASE_URL is not a PostgreSQL connection URL",
    );
    expect(run.stderr).toContain(
      "postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE",
    );
  });

  it("says what to do when the database cannot be reached", async () => {
    const run = await sequester(["doctor"], {
      DATABASE_URL: "postgres://postgres@127.0.0.1:1/nowhere",
    });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^error: /);
  });
});

describe("sequester serve and bench", () => {
  it("hand their arguments to the API server and the bench", async () => {
    const serve = await sequester(["serve", "--help"]);
    expect(serve.code).toBe(0);
    expect(serve.stdout).toContain("node api/main.ts");
    const bench = await sequester(["bench", "--help"]);
    expect(bench.code).toBe(0);
    expect(bench.stdout).toContain("--clients N");
  });

  it("reach the API's own subcommands: serve token prints the token alone", async () => {
    const run = await sequester(
      ["serve", "token", "dr_okafor", "--expires", "1h"],
      {
        JWT_SECRET: "a".repeat(48),
      },
    );
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    // A token the server would refuse is not signed: the same rule as the server's.
    const short = await sequester(["serve", "token", "dr_okafor"], {
      JWT_SECRET: "short",
    });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain("JWT_SECRET is shorter than 32 bytes");
    const none = await sequester(["serve", "token", "dr_okafor"], {
      JWT_SECRET: "",
    });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("openssl rand -base64 48");
    const stray = await sequester(["serve", "serve", "extra"]);
    expect(stray.code).toBe(1);
    expect(stray.stderr).toContain('unknown command "extra" after serve');
  });

  it("are listed by sequester --help", async () => {
    const run = await sequester(["--help"]);
    for (const command of ["doctor", "serve", "bench"]) {
      expect(run.stdout).toContain(command);
    }
  });
});
