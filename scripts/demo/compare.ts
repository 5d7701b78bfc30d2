// What each staff member sees, asked as that staff member: the demo logs in as each of
// them over its own connection and does what an EHR screen does, searching for a
// client by name and opening the chart. Nothing is filtered here: every answer is what
// PostgreSQL's policies let through.
import pg from "pg";
import type { Logger } from "../lib/log.ts";
import type { DemoClient, Person, Scenario } from "./scenario.ts";

export interface Sight {
  search: string;
  chart: string;
  encounters: string;
}

export interface Viewer {
  title: string;
  person: Person;
  /** How the demo connected: "logged in" or "SET ROLE". */
  how: string;
  sights: Sight[];
}

export async function compare(
  adminUrl: string,
  scenario: Scenario,
  log: Logger,
): Promise<Viewer[]> {
  const viewers: [string, Person][] = [
    ["Approved staff", scenario.approved],
    ["Locked-search staff", scenario.locked],
    ["Ordinary staff", scenario.ordinary],
  ];
  const result: Viewer[] = [];
  for (const [title, person] of viewers) {
    const { client, how } = await connectAs(adminUrl, person, log);
    try {
      const sights: Sight[] = [];
      for (const demoClient of scenario.clients) {
        sights.push(await look(client, demoClient));
      }
      result.push({ title, person, how, sights });
    } finally {
      await client.end();
    }
  }
  return result;
}

// Logging in is the real test. A server whose pg_hba.conf refuses the staff roles gets
// the next best thing: an administrator's session that switches to the role with
// SET ROLE, which the policies judge exactly as they judge a login (current_user).
async function connectAs(
  adminUrl: string,
  person: Person,
  log: Logger,
): Promise<{ client: pg.Client; how: string }> {
  const url = new URL(adminUrl);
  url.username = person.role;
  url.password = person.password;
  const login = new pg.Client({ connectionString: url.toString() });
  try {
    await login.connect();
    return { client: login, how: "logged in" };
  } catch (error) {
    log.warn(
      `Could not log in as ${person.role} (${(error as Error).message}); ` +
        "used SET ROLE from the administrator's session instead.",
    );
  }
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`set role ${admin.escapeIdentifier(person.role)}`);
  return { client: admin, how: "SET ROLE" };
}

async function look(client: pg.Client, demoClient: DemoClient): Promise<Sight> {
  const found = await client.query(
    "select id from ehr.clients where search_name like $1 || '%' and id = $2",
    [demoClient.search, demoClient.id],
  );
  const encounters = await client.query(
    "select count(*)::text as n from ehr.encounters where client_id = $1",
    [demoClient.id],
  );
  return {
    search: found.rowCount ? "found" : "not found",
    chart: await openChart(client, demoClient.id),
    encounters: encounters.rows[0].n,
  };
}

async function openChart(client: pg.Client, id: string): Promise<string> {
  try {
    await client.query("select sequester.open_chart($1)", [id]);
    return "opens";
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === "42501") {
      return "refused: no permission";
    }
    if (code === "P0002") {
      return '"does not exist"';
    }
    throw error;
  }
}
