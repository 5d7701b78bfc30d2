// A deployment that protects its own tables installs the package without the reference
// schema, protects its clients and charts, and cannot key a chart to the wrong table.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, migrationStatus } from "../../scripts/lib/migrate.ts";
import { failure } from "../helpers/clinic.ts";
import { adminConfig, adminQuery } from "../helpers/database.ts";

const name = `t${process.pid}_host_deployment`;
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

describe("a deployment without the reference schema", () => {
  it("applies every migration and creates no ehr schema", async () => {
    const all = (await migrationStatus(adminConfig(name))).map((m) => m.name);
    const ran = await migrate(adminConfig(name), {
      direction: "up",
      referenceSchema: false,
    });
    expect(ran).toEqual(all);
    const ehr = await admin.query(
      "select to_regnamespace('ehr') is null as absent",
    );
    expect(ehr.rows[0].absent).toBe(true);
  });

  it("protects its own clients and chart tables", async () => {
    await admin.query(`
      create schema app;
      create table app.patients (patient_id bigint primary key, name text);
      create table app.visits (id bigint primary key,
        patient_id bigint not null references app.patients);
      select sequester.protect_clients('app.patients', 'patient_id');
      select sequester.protect_chart('app.visits', 'patient_id');
    `);
    const protectedTables = await admin.query(
      "select relid::text, kind from sequester.protected_table order by 1",
    );
    expect(protectedTables.rows).toEqual([
      { relid: "app.patients", kind: "clients" },
      { relid: "app.visits", kind: "chart" },
    ]);
  });

  it("refuses a chart keyed to a table other than the protected clients table", async () => {
    await admin.query(`
      create table app.staff (id bigint primary key);
      create table app.shifts (id bigint primary key, staff_id bigint references app.staff);
    `);
    const refused = await failure(
      admin,
      "select sequester.protect_chart('app.shifts', 'staff_id')",
    );
    expect(refused.code).toBe("42830");
    expect(refused.message).toBe(
      "column staff_id of app.shifts references app.staff, not the protected clients table " +
        "app.patients",
    );
  });

  it("names the chart tables that keep the clients table from being unprotected", async () => {
    const refused = await failure(
      admin,
      "select sequester.unprotect('app.patients')",
    );
    expect(refused.message).toBe(
      "chart tables still depend on the clients table app.patients: app.visits",
    );
  });

  it("runs down to empty", async () => {
    await migrate(adminConfig(name), { direction: "down", count: Infinity });
    const left = await admin.query(
      "select to_regnamespace('sequester') is null as absent",
    );
    expect(left.rows[0].absent).toBe(true);
  });
});
