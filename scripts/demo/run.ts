// The one-command demo: a server (the one of DATABASE_URL, or a throwaway one), a
// database of its own, the migrations, an export imported, three clients sequestered,
// and what three staff members see, side by side; then the administration API.
import pg from "pg";
import { importSynthea } from "../import/synthea.ts";
import { ToolError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { migrate } from "../lib/migrate.ts";
import { serveAdminApi } from "./api.ts";
import { compare } from "./compare.ts";
import { demoExport } from "./data.ts";
import { startThrowawayPostgres } from "./postgres.ts";
import { renderComparison } from "./render.ts";
import { type Scenario, setUpScenario } from "./scenario.ts";

export interface DemoOptions {
  serve: boolean;
  database: string;
  /** Every role the demo makes starts with it, so that they are told apart. */
  rolePrefix: string;
  data?: string;
  port?: number;
  log: Logger;
  stdout: NodeJS.WritableStream;
}

export async function runDemo(options: DemoOptions): Promise<number> {
  const { log } = options;
  const cleanups: (() => Promise<void>)[] = [];
  try {
    const source = await demoExport(options.data);
    cleanups.push(source.cleanup);
    const serverUrl = await chooseServer(log, cleanups);
    const url = await ensureDatabase(serverUrl, options.database, log);

    const applied = await migrate(
      { connectionString: url },
      { direction: "up" },
    );
    log.info(`Applied ${applied.length} migrations to ${options.database}.`);

    log.progress(`Importing ${source.description} …`);
    const summary = await withUrl(url, (client) =>
      importSynthea(client, source.dir, {
        rolePrefix: `${options.rolePrefix}staff_`,
        log,
      }),
    );
    const rows = summary.files.reduce((sum, file) => sum + file.rows, 0);
    const added = summary.files.reduce((sum, file) => sum + file.inserted, 0);
    log.info(
      `Imported ${rows} rows (${added} new) and created ${summary.rolesCreated} staff ` +
        `login roles in ${summary.seconds.toFixed(1)} s,\n  from ${source.description}.`,
    );

    const scenario = await withUrl(url, (client) =>
      setUpScenario(client, options.rolePrefix),
    );
    log.info(
      "Sequestered 3 clients: open-ended, with an end date, and for the user role " +
        `${scenario.userRole}.`,
    );

    const viewers = await compare(url, scenario, log);
    options.stdout.write(`\n${renderComparison(scenario, viewers)}\n\n`);

    return await serveApi(options, url, scenario);
  } finally {
    for (const cleanup of cleanups.reverse()) {
      await cleanup().catch(() => {});
    }
  }
}

async function chooseServer(
  log: Logger,
  cleanups: (() => Promise<void>)[],
): Promise<string> {
  const configured = process.env.DATABASE_URL;
  if (configured) {
    const { host } = new URL(configured);
    log.info(`Used the PostgreSQL server of DATABASE_URL (${host}).`);
    return configured;
  }
  log.progress("Starting a throwaway PostgreSQL (no DATABASE_URL is set) …");
  const server = await startThrowawayPostgres(log);
  cleanups.push(async () => {
    await server.stop();
    log.info("Deleted the throwaway PostgreSQL.");
  });
  log.info(
    `Started a throwaway PostgreSQL on ${new URL(server.url).host}; ` +
      "it is deleted when the demo ends.",
  );
  return server.url;
}

async function ensureDatabase(
  serverUrl: string,
  name: string,
  log: Logger,
): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) {
    throw new ToolError(
      `"${name}" is not a database name the demo uses`,
      "Use lowercase letters, digits and underscores, starting with a letter.",
    );
  }
  await withUrl(serverUrl, async (client) => {
    const { rowCount } = await client.query(
      "select from pg_database where datname = $1",
      [name],
    );
    if (rowCount) {
      log.info(`Used the existing database ${name} (a demo made it earlier).`);
    } else {
      await client.query(`create database ${client.escapeIdentifier(name)}`);
      log.info(`Created the database ${name} for the demo.`);
    }
  });
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function withUrl<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function serveApi(
  options: DemoOptions,
  url: string,
  scenario: Scenario,
): Promise<number> {
  const { log } = options;
  if (!options.serve) {
    log.info("Skipped serving the administration API (--no-serve).");
    return 0;
  }
  const served = await serveAdminApi({
    adminUrl: url,
    staff: [
      scenario.admin,
      scenario.approved,
      scenario.locked,
      scenario.ordinary,
    ],
    rolePrefix: options.rolePrefix,
    port: options.port ?? 5678,
    log,
  });
  if (!served) {
    log.info(
      "Skipped serving the administration API: this checkout does not have it (api/).",
    );
    return 0;
  }

  log.info(`Serving the administration API: GraphQL explorer at ${served.url}`);
  log.info(
    "Tokens for this run (send as 'Authorization: Bearer <token>'; Ruru: Headers):",
  );
  for (const { person, token } of served.tokens) {
    log.info(`  ${person.displayName} (${person.role}):\n    ${token}`);
  }
  log.info("Press Ctrl-C to stop; a throwaway database is deleted then.");

  // Listeners stay on: a second Ctrl-C (the terminal's and the wrapper's) changes nothing.
  await new Promise<void>((resolve) => {
    process.on("SIGINT", () => resolve());
    process.on("SIGTERM", () => resolve());
  });
  await served.close();
  log.info("Stopped the administration API.");
  return 0;
}
