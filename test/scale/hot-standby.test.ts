// The policies on a read replica (SPEC 6): a private primary and a streaming hot
// standby, with the package migrated on the primary and the clinic of the other
// suites set up there. Roles, policies, the list and sequester.settings all reach the
// standby through the WAL, and the standby enforces the same rules with the same
// catalogs. What it cannot do is write: audit rows and changes to the list go to the
// primary, and a change takes effect on the standby once it has been replayed.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate } from "../../scripts/lib/migrate.ts";
import {
  type Clinic,
  failure,
  noteCount,
  openClinic,
  visibleClientIds,
} from "../helpers/clinic.ts";
import type { TestDatabase } from "../helpers/database.ts";
import {
  privateDir,
  type Server,
  startPrimary,
  startStandby,
  waitForReplay,
} from "./local-server.ts";

const database = "clinic";
const missing = 987_654_321;

let dir: ReturnType<typeof privateDir> | undefined;
let primary: Server | undefined;
let standby: Server | undefined;
let db: TestDatabase;
let clinic: Clinic;
const clients: pg.Client[] = [];

async function connect(server: Server, user?: string): Promise<pg.Client> {
  const client = new pg.Client(server.config(database, user));
  await client.connect();
  clients.push(client);
  return client;
}

// openClinic's view of a database, over the private primary instead of the shared
// server. Roles belong to the private cluster and vanish with it.
function primaryDatabase(server: Server): TestDatabase {
  return {
    name: database,
    prefix: "",
    admin: () => connect(server),
    async createRole(base, options = "login") {
      const admin = await connect(server);
      await admin.query(`create role ${base} ${options}`);
      return base;
    },
    connectAs: (role) => connect(server, role),
    async drop() {},
  };
}

async function replayed(): Promise<void> {
  if (!primary || !standby) {
    throw new Error("servers not started");
  }
  await waitForReplay(await connect(primary), await connect(standby));
}

beforeAll(async () => {
  dir = privateDir("standby");
  primary = await startPrimary(dir.path);
  const bootstrap = new pg.Client(primary.config("postgres"));
  await bootstrap.connect();
  await bootstrap.query(`create database ${database}`);
  await bootstrap.end();
  await migrate(primary.config(database), { direction: "up" });

  db = primaryDatabase(primary);
  clinic = await openClinic(db);

  standby = await startStandby(dir.path, primary);
  await replayed();
}, 120_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => {})));
  await standby?.stop();
  await primary?.stop();
  dir?.remove();
});

describe("on a hot standby", () => {
  it("is a standby that refuses writes", async () => {
    const admin = await connect(standby as Server);
    const state = await admin.query<{ recovering: boolean }>(
      "select pg_is_in_recovery() as recovering",
    );
    expect(state.rows[0].recovering).toBe(true);
  });

  it("hides the sequestered client and its chart from ordinary staff", async () => {
    const ordinary = await connect(standby as Server, clinic.roles.ordinary);
    expect(await visibleClientIds(ordinary)).toEqual([clinic.plain]);
    expect(await noteCount(ordinary, clinic.vip)).toBe(0);
  });

  it("shows the sequestered client and its chart to approved staff", async () => {
    const approved = await connect(standby as Server, clinic.roles.approved);
    expect(await visibleClientIds(approved)).toEqual([
      clinic.vip,
      clinic.plain,
    ]);
    expect(await noteCount(approved, clinic.vip)).toBe(2);
  });

  it("takes today from sequester.settings, as the primary does", async () => {
    const onPrimary = await connect(primary as Server, clinic.roles.ordinary);
    const onStandby = await connect(standby as Server, clinic.roles.ordinary);
    await onStandby.query("set timezone = 'Pacific/Kiritimati'");
    const today = "select sequester.today()::text as day";
    const [a, b] = await Promise.all([
      onPrimary.query(today),
      onStandby.query(today),
    ]);
    expect(b.rows[0].day).toBe(a.rows[0].day);
  });

  it("answers open_chart of a hidden client exactly as of a missing one", async () => {
    const ordinary = await connect(standby as Server, clinic.roles.ordinary);
    const call = "select sequester.open_chart($1)";
    const hidden = await failure(ordinary, call, [clinic.vip]);
    const absent = await failure(ordinary, call, [missing]);
    expect(hidden.code).toBe("P0002");
    expect(hidden.message.replace(String(clinic.vip), "N")).toBe(
      absent.message.replace(String(missing), "N"),
    );
  });

  it("opens an approved chart, logging it to the standby's server log", async () => {
    const approved = await connect(standby as Server, clinic.roles.approved);
    await approved.query("select sequester.open_chart($1)", [clinic.vip]);

    const { approved: role } = clinic.roles;
    const line = `${role} (login ${role}) opened the chart of sequestered client ${clinic.vip}`;
    expect((standby as Server).log()).toContain(line);
    const admin = await connect(primary as Server);
    const audited = await admin.query(
      "select 1 from sequester.audit_log where action = 'open_chart.allowed'",
    );
    expect(audited.rowCount).toBe(0);
  });

  it("refuses access requests and list changes, which go to the primary", async () => {
    const locked = await connect(standby as Server, clinic.roles.lockedSearch);
    const request = await failure(
      locked,
      "select sequester.request_access($1, 'covering a shift')",
      [clinic.vip],
    );
    expect(request.code).toBe("25006");

    const editor = await connect(standby as Server, clinic.roles.editor);
    const change = await failure(
      editor,
      "select sequester.remove_staff($1, $2)",
      [clinic.sequenceId, clinic.roles.approved],
    );
    expect(change.code).toBe("25006");
  });

  it("hides the chart from a session left open once a revoke is replayed", async () => {
    const approved = await connect(standby as Server, clinic.roles.approved);
    expect(await noteCount(approved, clinic.vip)).toBe(2);

    const editor = await connect(primary as Server, clinic.roles.editor);
    await editor.query("select sequester.remove_staff($1, $2)", [
      clinic.sequenceId,
      clinic.roles.approved,
    ]);
    await replayed();

    expect(await noteCount(approved, clinic.vip)).toBe(0);
    expect(await visibleClientIds(approved)).toEqual([clinic.plain]);
  });
});
