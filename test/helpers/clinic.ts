// A small clinic on a fresh test database: clients with chart rows, staff login roles
// of every kind the rules distinguish, and one sequestered client, Vera Famous.
import type pg from "pg";
import { afterAll, beforeAll } from "vitest";
import { createTestDatabase, type TestDatabase } from "./database.ts";

export interface Clinic {
  vip: number;
  plain: number;
  roles: {
    approved: string;
    crisisMember: string;
    nestedMember: string;
    lockedSearch: string;
    ordinary: string;
    viewer: string;
    editor: string;
    auditor: string;
    crisisTeam: string;
  };
  sequenceId: number;
}

export async function openClinic(db: TestDatabase): Promise<Clinic> {
  const roles = {
    approved: await db.createRole("approved"),
    crisisMember: await db.createRole("crisis_member"),
    nestedMember: await db.createRole("nested_member"),
    lockedSearch: await db.createRole("locked_search"),
    ordinary: await db.createRole("ordinary"),
    viewer: await db.createRole("viewer"),
    editor: await db.createRole("editor"),
    auditor: await db.createRole("auditor"),
    crisisTeam: await db.createRole("crisis_team", "nologin"),
  };
  const onCall = await db.createRole("on_call", "nologin");

  const admin = await db.admin();
  await admin.query(`
    grant ehr_user to ${roles.approved}, ${roles.crisisMember}, ${roles.nestedMember},
      ${roles.lockedSearch}, ${roles.ordinary}, ${roles.viewer}, ${roles.editor},
      ${roles.auditor};
    grant ${roles.crisisTeam} to ${roles.crisisMember};
    grant ${roles.crisisTeam} to ${onCall};
    grant ${onCall} to ${roles.nestedMember};
    grant sequester_locked_search to ${roles.lockedSearch};
    grant sequester_viewer to ${roles.viewer};
    grant sequester_editor to ${roles.editor};
    grant sequester_auditor to ${roles.auditor};
  `);

  const clients = await admin.query<{ id: string }>(`
    insert into ehr.clients (first_name, last_name, birth_date)
    values ('Vera', 'Famous', '1975-03-14'), ('Paul', 'Plain', '1988-11-02')
    returning id`);
  const [vip, plain] = clients.rows.map((row) => Number(row.id));
  await admin.query(
    `insert into ehr.progress_notes (client_id, note)
     values ($1, 'first session'), ($1, 'second session'), ($2, 'intake')`,
    [vip, plain],
  );
  await admin.query(
    `insert into ehr.encounters (client_id, started_at) values ($1, now()), ($2, now())`,
    [vip, plain],
  );

  const editor = await db.connectAs(roles.editor);
  const record = await editor.query<{ id: string }>(
    `insert into sequester.client_access (client_id, start_date, comments)
     values ($1, sequester.today(), 'public figure') returning id`,
    [vip],
  );
  const sequenceId = Number(record.rows[0].id);
  await editor.query("select sequester.add_staff($1, $2)", [
    sequenceId,
    roles.approved,
  ]);
  await editor.query("select sequester.add_user_role($1, $2)", [
    sequenceId,
    roles.crisisTeam,
  ]);

  return { vip, plain, roles, sequenceId };
}

/**
 * Gives a test file a database of its own with a clinic in it (`open` makes it; the
 * attack suite passes its larger one): made before the file's first test (`opened`
 * receives both), dropped after its last.
 */
export function useClinic<C extends Clinic = Clinic>(
  name: string,
  opened: (fixture: { db: TestDatabase; clinic: C }) => void,
  open: (db: TestDatabase) => Promise<C> = openClinic as (
    db: TestDatabase,
  ) => Promise<C>,
): void {
  let db: TestDatabase | undefined;
  beforeAll(async () => {
    db = await createTestDatabase(name);
    opened({ db, clinic: await open(db) });
  });
  afterAll(async () => {
    await db?.drop();
  });
}

export async function visibleClientIds(client: pg.Client): Promise<number[]> {
  const result = await client.query<{ id: string }>(
    "select id from ehr.clients order by id",
  );
  return result.rows.map((row) => Number(row.id));
}

export async function noteCount(
  client: pg.Client,
  clientId: number,
): Promise<number> {
  const result = await client.query<{ n: string }>(
    "select count(*) as n from ehr.progress_notes where client_id = $1",
    [clientId],
  );
  return Number(result.rows[0].n);
}

/** The SQLSTATE and message of a statement that must fail. */
export async function failure(
  client: pg.Client,
  sql: string,
  values: unknown[] = [],
): Promise<{ code: string; message: string }> {
  try {
    await client.query(sql, values);
  } catch (error) {
    const { code, message } = error as { code: string; message: string };
    return { code, message };
  }
  throw new Error(`expected failure, but it succeeded: ${sql}`);
}
