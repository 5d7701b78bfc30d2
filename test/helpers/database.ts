// Test databases: each test file gets a fresh database cloned from a template that the
// global setup migrated once, and drops it afterwards. Roles belong to the cluster, so
// every role a test makes carries the database's unique prefix and is dropped with it.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { clientConfig } from "../../scripts/lib/connection.ts";

// One template per test run, so that runs started side by side never drop each other's.
export function templateName(): string {
  const name = process.env.SEQUESTER_TEST_TEMPLATE;
  if (!name) {
    throw new Error(
      "SEQUESTER_TEST_TEMPLATE is unset: run the tests through vitest",
    );
  }
  return name;
}

export function adminConfig(database = "postgres"): pg.ClientConfig {
  return withDefaults(clientConfig(database));
}

function withDefaults(config: pg.ClientConfig): pg.ClientConfig {
  if (config.connectionString) {
    return config;
  }
  return {
    host: process.env.PGHOST ?? "127.0.0.1",
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? "postgres",
    ...(process.env.PGPASSWORD ? { password: process.env.PGPASSWORD } : {}),
    ...config,
  };
}

// Test login roles have no password: the server must trust local connections for
// them (as the CI server does), or DATABASE_URL must point at such a server.
function asRole(config: pg.ClientConfig, role: string): pg.ClientConfig {
  if (config.connectionString) {
    const url = new URL(config.connectionString);
    url.username = role;
    url.password = "";
    return { connectionString: url.toString() };
  }
  return { ...config, user: role, password: undefined };
}

export async function adminQuery(
  sql: string,
  database = "postgres",
): Promise<void> {
  const client = new pg.Client(adminConfig(database));
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export interface TestDatabase {
  name: string;
  prefix: string;
  /** Connects as the migration owner (a superuser). */
  admin(): Promise<pg.Client>;
  /** Creates a login role (name gets the prefix) and returns its full name. */
  createRole(base: string, options?: string): Promise<string>;
  /** Connects as a login role created by createRole. */
  connectAs(role: string): Promise<pg.Client>;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const prefix = `t${randomBytes(4).toString("hex")}_`;
  const name = `${prefix}${label.replace(/[^a-z0-9_]/g, "_")}`.slice(0, 60);
  await adminQuery(`create database ${name} template ${templateName()}`);

  const roles: string[] = [];
  const clients: pg.Client[] = [];
  const open = async (config: pg.ClientConfig) => {
    const client = new pg.Client(config);
    await client.connect();
    clients.push(client);
    return client;
  };

  return {
    name,
    prefix,
    admin: () => open(adminConfig(name)),
    async createRole(base, options = "login") {
      const role = `${prefix}${base}`;
      await adminQuery(`create role ${role} ${options}`, name);
      roles.push(role);
      return role;
    },
    connectAs(role) {
      return open(asRole(adminConfig(name), role));
    },
    async drop() {
      await Promise.all(clients.map((client) => client.end().catch(() => {})));
      await adminQuery(`drop database if exists ${name} with (force)`);
      for (const role of roles.reverse()) {
        await adminQuery(`drop role if exists ${role}`);
      }
    },
  };
}
