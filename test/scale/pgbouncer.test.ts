// Pooled connections (SPEC 6): a private PgBouncer in transaction mode in front of a
// test database, with one server connection for its one user, so that every client
// of the pool runs on the same PostgreSQL session. The application logs in as an
// authenticator (NOINHERIT, a member only of persons' roles) and starts every
// transaction with SET LOCAL ROLE, which ends with the transaction. A session-level
// SET ROLE outlives the transaction and is handed to the next client: the last test
// shows that leak, which is why the role must be set with SET LOCAL.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Clinic,
  failure,
  noteCount,
  openClinic,
  visibleClientIds,
} from "../helpers/clinic.ts";
import { createTestDatabase, type TestDatabase } from "../helpers/database.ts";
import { type Bouncer, privateDir, startPgBouncer } from "./local-server.ts";

let dir: ReturnType<typeof privateDir> | undefined;
let db: TestDatabase;
let clinic: Clinic;
let authenticator: string;
let bouncer: Bouncer | undefined;
const clients: pg.Client[] = [];

async function pooled(): Promise<pg.Client> {
  const client = new pg.Client({
    host: "127.0.0.1",
    port: bouncer?.port,
    user: authenticator,
    database: db.name,
  });
  await client.connect();
  clients.push(client);
  return client;
}

/** Runs work in one transaction acting as role, as a pooled application would. */
async function actingAs<T>(
  client: pg.Client,
  role: string,
  work: () => Promise<T>,
): Promise<T> {
  await client.query("begin");
  try {
    await client.query(`set local role ${role}`);
    return await work();
  } finally {
    await client.query("commit");
  }
}

async function backendPid(client: pg.Client): Promise<number> {
  const result = await client.query<{ pid: number }>(
    "select pg_backend_pid() as pid",
  );
  return result.rows[0].pid;
}

beforeAll(async () => {
  db = await createTestDatabase("pgbouncer");
  clinic = await openClinic(db);
  authenticator = await db.createRole("authenticator", "login noinherit");
  const admin = await db.admin();
  await admin.query(
    `grant ${clinic.roles.approved}, ${clinic.roles.ordinary} to ${authenticator}`,
  );
  dir = privateDir("pgbouncer");
  const backend = {
    host: "127.0.0.1",
    port: Number(process.env.PGPORT ?? 5432),
  };
  bouncer = await startPgBouncer(dir.path, db.name, backend, [authenticator]);
}, 60_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.end().catch(() => {})));
  await bouncer?.stop();
  dir?.remove();
  await db?.drop();
});

describe("behind PgBouncer in transaction mode", () => {
  it("gives each transaction what its local role may see, on one shared connection", async () => {
    const nurse = await pooled();
    const clerk = await pooled();
    const { approved, ordinary } = clinic.roles;

    for (let round = 0; round < 3; round++) {
      const nursePid = await actingAs(nurse, approved, async () => {
        expect(await visibleClientIds(nurse)).toEqual([
          clinic.vip,
          clinic.plain,
        ]);
        expect(await noteCount(nurse, clinic.vip)).toBe(2);
        return backendPid(nurse);
      });
      const clerkPid = await actingAs(clerk, ordinary, async () => {
        expect(await visibleClientIds(clerk)).toEqual([clinic.plain]);
        expect(await noteCount(clerk, clinic.vip)).toBe(0);
        return backendPid(clerk);
      });
      expect(clerkPid).toBe(nursePid);
    }
  });

  it("runs statements outside a transaction as the authenticator: nothing read", async () => {
    const client = await pooled();
    await actingAs(client, clinic.roles.approved, async () => {});
    const who = await client.query("select current_user as role");
    expect(who.rows[0].role).toBe(authenticator);
    const refused = await failure(client, "select id from ehr.clients");
    expect(refused.code).toBe("42501");
  });

  it("re-plans a named prepared statement when the transaction's role changes", async () => {
    const client = await pooled();
    const visible = {
      name: "visible_clients",
      text: "select id from ehr.clients where id = any($1) order by id",
    };
    const ids = [clinic.vip, clinic.plain];
    // Past the five custom plans after which PostgreSQL may keep a generic one.
    for (let run = 0; run < 7; run++) {
      const seen = await actingAs(client, clinic.roles.approved, () =>
        client.query<{ id: string }>({ ...visible, values: [ids] }),
      );
      expect(seen.rows.map((row) => Number(row.id))).toEqual(ids);
    }
    const seen = await actingAs(client, clinic.roles.ordinary, () =>
      client.query<{ id: string }>({ ...visible, values: [ids] }),
    );
    expect(seen.rows.map((row) => Number(row.id))).toEqual([clinic.plain]);
  });

  it("documents: a session-level SET ROLE leaks to the next client of the connection", async () => {
    const first = await pooled();
    const second = await pooled();

    await first.query(`set role ${clinic.roles.approved}`);
    try {
      const who = await second.query("select current_user as role");
      expect(who.rows[0].role).toBe(clinic.roles.approved);
      expect(await visibleClientIds(second)).toEqual([
        clinic.vip,
        clinic.plain,
      ]);
    } finally {
      await first.query("reset role");
    }
  });
});
