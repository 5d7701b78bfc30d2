// The demo end to end against the test server (as CI runs it): its own database and
// roles, named with a random prefix so that they can be dropped afterwards.
import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { adminQuery } from "../helpers/database.ts";
import { dropRolesWithPrefix } from "../support/synthea.ts";
import { databaseUrl, type Run, sequester } from "./run.ts";

const prefix = `t${randomBytes(4).toString("hex")}_`;
const database = `${prefix}demo`;
const args = [
  "demo",
  "--no-serve",
  "--database",
  database,
  "--role-prefix",
  prefix,
];
const env = { DATABASE_URL: databaseUrl("postgres") };

afterAll(async () => {
  await adminQuery(`drop database if exists ${database} with (force)`);
  await dropRolesWithPrefix(prefix);
});

/** The three cells of a row of the comparison table, for client number n. */
function cells(run: Run, client: number, label: string): string[] {
  const lines = run.stdout.split("\n");
  const start = lines.findIndex((line) => line.startsWith(`${client}. `));
  const row = lines
    .slice(start + 1, start + 4)
    .find((line) => line.trim().startsWith(label));
  return (row ?? "")
    .split("|")
    .slice(1)
    .map((cell) => cell.trim());
}

describe("npm run demo against a configured server", () => {
  let first: Run;

  it("creates its database, imports, sequesters, compares and exits 0", async () => {
    first = await sequester(args, env);
    expect(first.stderr).not.toMatch(/^error:/m);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(
      `Created the database ${database} for the demo.`,
    );
    expect(first.stdout).toContain(
      "Skipped serving the administration API (--no-serve).",
    );
    expect(first.stdout).toContain(
      "over that staff member's own login connection",
    );
  });

  it("shows a sequestered client to the approved and locked-search staff only", () => {
    expect(cells(first, 1, "search by name")).toEqual([
      "found",
      "found",
      "not found",
    ]);
    expect(cells(first, 1, "open_chart")).toEqual([
      "opens",
      "refused: no permission",
      '"does not exist"',
    ]);
    expect(cells(first, 1, "encounters seen")[2]).toBe("0");
  });

  it("approves the crisis-team client through the user role", () => {
    expect(cells(first, 3, "open_chart")[0]).toBe("opens");
  });

  it("shows the unsequestered client to everyone", () => {
    expect(cells(first, 4, "search by name")).toEqual([
      "found",
      "found",
      "found",
    ]);
    expect(cells(first, 4, "open_chart")).toEqual(["opens", "opens", "opens"]);
  });

  it("prints no line wider than 100 columns", () => {
    const wide = first.stdout.split("\n").filter((line) => line.length > 100);
    expect(wide).toEqual([]);
  });

  it("runs again on the same database, adding nothing", async () => {
    const again = await sequester(args, env);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`Used the existing database ${database}`);
    expect(again.stdout).toMatch(/\(0 new\) and created 0 staff login roles/);
    expect(cells(again, 1, "open_chart")).toEqual(
      cells(first, 1, "open_chart"),
    );
  });

  it("exits 1 with a reason when the export it is given is not there", async () => {
    const run = await sequester([...args, "--data", "/nonexistent"], env);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("error: /nonexistent has no patients.csv");
  });
});
