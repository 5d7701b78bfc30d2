// The demo's story, set up as an administrator would: three staff members (one approved,
// one allowed to see sequestered clients in search, one ordinary), a crisis-team user
// role, and three sequestered clients plus one that is not. Running it again reuses
// what the last run made.
import { randomBytes } from "node:crypto";
import type pg from "pg";
import { ToolError } from "../lib/errors.ts";

export interface Person {
  role: string;
  displayName: string;
  password: string;
}

export interface DemoClient {
  id: string;
  name: string;
  /** What the search box is given: the start of "last first". */
  search: string;
  story: string;
}

export interface Scenario {
  /** Keeps the Client Access List (sequester_editor); used by the API's tokens. */
  admin: Person;
  approved: Person;
  locked: Person;
  ordinary: Person;
  userRole: string;
  clients: DemoClient[];
}

export async function setUpScenario(
  client: pg.Client,
  rolePrefix: string,
): Promise<Scenario> {
  const [approved, locked, ordinary] = await pickStaff(
    client,
    `${rolePrefix}staff_`,
  );
  const userRole = `${rolePrefix}crisis_team`;
  const administrator: Person = {
    role: `${rolePrefix}admin`,
    displayName: "Demo administrator",
    password: randomBytes(18).toString("base64url"),
  };

  await client.query("begin");
  try {
    await makeAdministrator(client, administrator);
    const clients = await arrange(client, {
      approved,
      locked,
      ordinary,
      userRole,
    });
    await client.query("commit");
    return {
      admin: administrator,
      approved,
      locked,
      ordinary,
      userRole,
      clients,
    };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  }
}

// The person who keeps the Client Access List: an editor and auditor, no clinician.
async function makeAdministrator(
  client: pg.Client,
  person: Person,
): Promise<void> {
  const role = client.escapeIdentifier(person.role);
  if (!(await roleExists(client, person.role))) {
    await client.query(`create role ${role} login`);
  }
  await client.query(
    `comment on role ${role} is ${client.escapeLiteral(person.displayName)}`,
  );
  await client.query(
    `grant sequester_editor, sequester_auditor, ehr_user to ${role}`,
  );
  await client.query(
    `alter role ${role} password ${client.escapeLiteral(person.password)}`,
  );
}

async function arrange(
  admin: pg.Client,
  { approved, locked, ordinary, userRole }: Omit<Scenario, "clients" | "admin">,
): Promise<DemoClient[]> {
  const role = admin.escapeIdentifier(userRole);
  if (!(await roleExists(admin, userRole))) {
    await admin.query(`create role ${role} nologin`);
  }
  await admin.query(
    `comment on role ${role} is 'Crisis team: must find any client at 3 a.m.'`,
  );
  await admin.query(
    `grant ${role} to ${admin.escapeIdentifier(approved.role)}`,
  );
  await admin.query(
    `grant sequester_locked_search to ${admin.escapeIdentifier(locked.role)}`,
  );
  // The demo logs in as its three staff members; the password lives as long as the run.
  for (const person of [approved, locked, ordinary]) {
    await admin.query(
      `alter role ${admin.escapeIdentifier(person.role)} ` +
        `password ${admin.escapeLiteral(person.password)}`,
    );
  }

  const [openEnded, endDated, throughRole, notSequestered] =
    await pickClients(admin);
  const { rows } = await admin.query(
    "select (sequester.today() + 30)::text as lifts",
  );
  const lifts: string = rows[0].lifts;
  await sequester(admin, openEnded, null, "Demo: open-ended", {
    staff: approved.role,
  });
  await sequester(admin, endDated, lifts, `Demo: lifts on ${lifts}`, {
    staff: approved.role,
  });
  await sequester(admin, throughRole, null, "Demo: crisis team only", {
    userRole,
  });

  openEnded.story = `sequestered, open-ended; ${approved.displayName} approved`;
  endDated.story = `sequestered until ${lifts}; ${approved.displayName} approved`;
  throughRole.story = `sequestered; user role ${userRole} approved`;
  notSequestered.story = "not sequestered";
  return [openEnded, endDated, throughRole, notSequestered];
}

async function roleExists(admin: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await admin.query(
    "select from pg_roles where rolname = $1",
    [name],
  );
  return rowCount === 1;
}

async function pickStaff(admin: pg.Client, prefix: string): Promise<Person[]> {
  const { rows } = await admin.query<{
    role_name: string;
    display_name: string;
  }>(
    `select role_name, display_name from ehr.staff
    where starts_with(role_name, $1)
    order by role_name
    limit 3`,
    [prefix],
  );
  if (rows.length < 3) {
    throw new ToolError(
      "the demo needs at least three imported staff members",
      "Import an export whose providers.csv has three providers or more.",
    );
  }
  return rows.map((row) => ({
    role: row.role_name,
    displayName: row.display_name,
    password: randomBytes(18).toString("base64url"),
  }));
}

// Living clients whose "last first" name no other client shares, so that a search
// finds exactly them; the same ones on every run.
async function pickClients(admin: pg.Client): Promise<DemoClient[]> {
  const { rows } = await admin.query<{
    id: string;
    name: string;
    search_name: string;
  }>(
    `select c.id::text, c.first_name || ' ' || c.last_name as name, c.search_name
    from ehr.clients c
    where c.death_date is null
      and not exists (
        select from ehr.clients o where o.search_name = c.search_name and o.id <> c.id
      )
    order by c.id
    limit 4`,
  );
  if (rows.length < 4) {
    throw new ToolError(
      "the demo needs at least four living clients with distinct names",
      "Import a larger export.",
    );
  }
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    search: row.search_name,
    story: "",
  }));
}

// A record in force today is kept as it is; otherwise one is created from today.
async function sequester(
  admin: pg.Client,
  client: DemoClient,
  endDate: string | null,
  comments: string,
  approval: { staff?: string; userRole?: string },
): Promise<void> {
  const existing = await admin.query(
    `select id from sequester.client_access
    where client_id = $1 and start_date <= sequester.today()
      and (end_date is null or end_date > sequester.today())`,
    [client.id],
  );
  if (existing.rowCount) {
    return;
  }
  const { rows } = await admin.query(
    `insert into sequester.client_access (client_id, start_date, end_date, comments)
    values ($1, sequester.today(), $2, $3)
    returning id`,
    [client.id, endDate, comments],
  );
  if (approval.staff) {
    await admin.query("select sequester.add_staff($1, $2)", [
      rows[0].id,
      approval.staff,
    ]);
  }
  if (approval.userRole) {
    await admin.query("select sequester.add_user_role($1, $2)", [
      rows[0].id,
      approval.userRole,
    ]);
  }
}
