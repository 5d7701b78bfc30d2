// The migrations run up from empty, up again with nothing to do, down to empty, and up
// again; a host's table gets its own row-level security back when it is unprotected.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationStatus } from "../../scripts/lib/migrate.ts";
import { failure } from "../helpers/clinic.ts";
import { adminConfig, adminQuery } from "../helpers/database.ts";

const name = `t${process.pid}_migrations`;
let admin: pg.Client;
let all: string[];

beforeAll(async () => {
  await adminQuery(`drop database if exists ${name} with (force)`);
  await adminQuery(`create database ${name}`);
  admin = new pg.Client(adminConfig(name));
  await admin.connect();
  all = (await migrationStatus(adminConfig(name))).map(
    (migration) => migration.name,
  );
});
afterAll(async () => {
  await admin?.end();
  await adminQuery(`drop database if exists ${name} with (force)`);
});

async function schemas(): Promise<string[]> {
  const result = await admin.query(
    "select nspname from pg_namespace where nspname in ('sequester', 'ehr') order by 1",
  );
  return result.rows.map((row) => row.nspname);
}

async function hostTables(): Promise<unknown[]> {
  const result = await admin.query(
    `select relname, relrowsecurity, relforcerowsecurity,
       (select array_agg(polname::text order by polname) from pg_policy where polrelid = c.oid)
         as policies
     from pg_class c where relnamespace = 'host'::regnamespace and relkind = 'r'
     order by relname`,
  );
  return result.rows;
}

describe("the migrations", () => {
  it("run up from an empty database", async () => {
    expect(await migrate(adminConfig(name), { direction: "up" })).toEqual(all);
    expect(await schemas()).toEqual(["ehr", "sequester"]);
  });

  it("have nothing to do when run up again, and keep the data", async () => {
    await admin.query(
      "insert into ehr.clients (first_name, last_name, birth_date) values ('A', 'B', '2000-01-01')",
    );
    expect(await migrate(adminConfig(name), { direction: "up" })).toEqual([]);
    const count = await admin.query(
      "select count(*)::int as n from ehr.clients",
    );
    expect(count.rows[0].n).toBe(1);
  });

  it("protect a host's table and give it its own row-level security back", async () => {
    await admin.query(`
      create schema host;
      create table host.notes (id bigint primary key, person bigint references ehr.clients);
      alter table host.notes enable row level security;
      create policy own_rule on host.notes using (true);
    `);
    const before = await hostTables();
    await admin.query("select sequester.protect_chart('host.notes', 'person')");
    await admin.query("select sequester.protect_chart('host.notes', 'person')");
    expect(await hostTables()).toEqual([
      {
        relname: "notes",
        relrowsecurity: true,
        relforcerowsecurity: true,
        policies: [
          "0 sequestered charts are hidden from unapproved staff",
          "own_rule",
        ],
      },
    ]);

    const refused = await failure(
      admin,
      "select sequester.unprotect('ehr.clients')",
    );
    expect(refused.code).toBe("2BP01");

    await admin.query("select sequester.unprotect('host.notes')");
    expect(await hostTables()).toEqual(before);
  });

  it("run down to empty, and up again", async () => {
    const down = await migrate(adminConfig(name), {
      direction: "down",
      count: Infinity,
    });
    expect(down).toEqual([...all].reverse());
    expect(await schemas()).toEqual([]);
    expect(await migrate(adminConfig(name), { direction: "up" })).toEqual(all);
    expect(await schemas()).toEqual(["ehr", "sequester"]);
  });
});
