// The administration API (api/, PostGraphile), when this checkout has it. The demo gives
// it what it needs to run as in production: an authenticator login that holds only the
// demo's staff roles, a JWT secret made for this run, and a token per staff member.
// The API's modules are loaded by path and checked at run time, so that the demo runs
// (without serving) in a checkout where the API is missing or has changed shape.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import pg from "pg";
import type { Logger } from "../lib/log.ts";
import type { Person } from "./scenario.ts";

export interface ServedApi {
  url: string;
  tokens: { person: Person; token: string }[];
  close(): Promise<void>;
}

interface ApiModules {
  serve: (
    options: Record<string, unknown>,
  ) => Promise<{ url: string; close(): Promise<void> }>;
  createAuthenticator: (
    client: pg.Client,
    options: Record<string, unknown>,
  ) => Promise<void>;
  signToken: (
    secret: string,
    role: string,
    expiresIn?: string,
  ) => Promise<string>;
  randomSecret: () => string;
}

const apiDir = new URL("../../api/", import.meta.url);

// Before PostGraphile loads, as the API's own command line does.
process.env.GRAPHILE_ENV ??= "production";

async function loadApi(log: Logger): Promise<ApiModules | undefined> {
  const files = ["server.ts", "authenticator.ts", "auth.ts"].map(
    (file) => new URL(file, apiDir),
  );
  if (!files.every((file) => existsSync(file))) {
    return undefined;
  }
  const [server, authenticator, auth] = await Promise.all(
    files.map((file) => import(file.href) as Promise<Record<string, unknown>>),
  );
  const modules = {
    serve: server.serve,
    createAuthenticator: authenticator.createAuthenticator,
    signToken: auth.signToken,
    randomSecret: auth.randomSecret,
  };
  if (Object.values(modules).some((entry) => typeof entry !== "function")) {
    log.warn(
      "The administration API in api/ does not export what the demo expects.",
    );
    return undefined;
  }
  return modules as ApiModules;
}

export async function serveAdminApi(options: {
  adminUrl: string;
  staff: Person[];
  rolePrefix: string;
  port: number;
  log: Logger;
}): Promise<ServedApi | undefined> {
  const api = await loadApi(options.log);
  if (!api) {
    return undefined;
  }

  const login = `${options.rolePrefix}api`;
  const password = randomBytes(18).toString("base64url");
  const client = new pg.Client({ connectionString: options.adminUrl });
  await client.connect();
  try {
    await api.createAuthenticator(client, {
      name: login,
      staff: options.staff.map((person) => person.role),
      password,
    });
  } finally {
    await client.end();
  }

  const url = new URL(options.adminUrl);
  url.username = login;
  url.password = password;
  const secret = api.randomSecret();
  const served = await api.serve({
    connectionString: url.toString(),
    port: options.port,
    host: "127.0.0.1",
    keys: { secret },
    log: (line: string) => options.log.debug(line),
  });
  const tokens = await Promise.all(
    options.staff.map(async (person) => ({
      person,
      token: await api.signToken(secret, person.role, "8h"),
    })),
  );
  return { url: served.url, tokens, close: () => served.close() };
}
