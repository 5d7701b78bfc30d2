// The migrations run up from empty, up again with nothing to do, down to empty, and up
// again; down gives a host's own table its row-level security back as it was.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../scripts/lib/migrate.ts";
import { adminConfig, adminQuery } from "../helpers/database.ts";

const name = `t${process.pid}_migrations`;
let admin: pg.Client;

beforeAll(async () => {
  await adminQuery(`drop database if exists ${name} with (force)`);
  await adminQuery(`create database ${name}`);
  admin = new pg.Client(adminConfig(name));
  await admin.connect();
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

describe("the migrations", () => {
  it("run up from an empty database", async () => {
    const ran = await migrate(adminConfig(name), { direction: "up" });
    expect(ran).toHaveLength(2);
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

  it("run the reference schema down alone, leaving the package", async () => {
    const ran = await migrate(adminConfig(name), {
      direction: "down",
      count: 1,
    });
    expect(ran).toEqual(["1764806400001_ehr-reference-schema"]);
    expect(await schemas()).toEqual(["sequester"]);
  });

  it("run down to empty and give a host's tables their own row-level security back", async () => {
    await admin.query(`
      create schema host;
      create table host.people (id bigint primary key);
      create table host.notes (id bigint primary key, person bigint references host.people);
      alter table host.notes enable row level security;
      create policy own_rule on host.notes using (true);
      select sequester.protect_clients('host.people', 'id');
      select sequester.protect_chart('host.notes', 'person');
    `);
    const ran = await migrate(adminConfig(name), {
      direction: "down",
      count: Infinity,
    });
    expect(ran).toEqual(["1764806400000_sequester-package"]);
    expect(await schemas()).toEqual([]);
    const rls = await admin.query(
      `select relname, relrowsecurity, relforcerowsecurity,
         (select array_agg(polname::text order by polname) from pg_policy where polrelid = c.oid)
           as policies
       from pg_class c where relnamespace = 'host'::regnamespace and relkind = 'r'
       order by relname`,
    );
    expect(rls.rows).toEqual([
      {
        relname: "notes",
        relrowsecurity: true,
        relforcerowsecurity: false,
        policies: ["own_rule"],
      },
      {
        relname: "people",
        relrowsecurity: false,
        relforcerowsecurity: false,
        policies: null,
      },
    ]);
  });

  it("run up again after down", async () => {
    const ran = await migrate(adminConfig(name), { direction: "up" });
    expect(ran).toHaveLength(2);
    expect(await schemas()).toEqual(["ehr", "sequester"]);
  });
});
