// Starts the administration API against a test database, as a per-database
// authenticator, and talks to it over HTTP the way a client would.
import type pg from "pg";
import { signToken } from "../../api/auth.ts";
import { type Served, serve } from "../../api/server.ts";
import { adminConfig, type TestDatabase } from "../helpers/database.ts";

export const secret = "test-secret-that-is-long-enough-for-hs256!";

export interface Api {
  served: Served;
  authenticator: string;
  /** Runs a GraphQL operation with the given bearer token (or none). */
  gql(
    token: string | null,
    query: string,
    variables?: object,
  ): Promise<GqlResult>;
  /** GET /export.csv with the given token. */
  exportCsv(token: string | null): Promise<{ status: number; text: string }>;
  token(role: string, expiresIn?: string): Promise<string>;
}

export interface GqlResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: GraphQL data is checked by the tests
  data: any;
  errors?: { message: string; extensions?: Record<string, string> }[];
}

/** Connection settings for a login role of the test database. */
export function loginConfig(db: TestDatabase, role: string): pg.PoolConfig {
  const config = adminConfig(db.name);
  if (config.connectionString) {
    const url = new URL(config.connectionString);
    url.username = role;
    url.password = "";
    return { connectionString: url.toString() };
  }
  return { ...config, user: role, password: undefined };
}

/** Creates the database's authenticator (NOINHERIT) and grants it the staff roles. */
export async function createAuthenticator(db: TestDatabase, staff: string[]) {
  const authenticator = await db.createRole("api", "login noinherit");
  const admin = await db.admin();
  for (const role of staff) {
    await admin.query(`grant ${role} to ${authenticator}`);
  }
  return authenticator;
}

export async function startApi(
  db: TestDatabase,
  authenticator: string,
): Promise<Api> {
  const served = await serve({
    port: 0,
    database: loginConfig(db, authenticator),
    keys: { secret },
  });
  const base = served.url;
  return {
    served,
    authenticator,
    async gql(token, query, variables = {}) {
      const response = await fetch(`${base}graphql`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json",
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = await response.json();
      return { status: response.status, data: body.data, errors: body.errors };
    },
    async exportCsv(token) {
      const response = await fetch(`${base}export.csv`, {
        headers: token ? { authorization: `Bearer ${token}` } : {},
      });
      return { status: response.status, text: await response.text() };
    },
    token: (role, expiresIn) => signToken(secret, role, expiresIn),
  };
}

/** The first error's message, for asserting on refusals. */
export function errorOf(result: GqlResult): string | undefined {
  return result.errors?.[0]?.message;
}
