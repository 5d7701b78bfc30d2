// The administration API's HTTP server: GraphQL at /graphql, the Ruru explorer at /,
// and the CSV export at /export.csv. Every request that reads or writes data carries a
// token; it runs as the role the token names, and the database decides the rest.
import {
  createServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { grafserv } from "postgraphile/grafserv/node";
import { connectionString } from "../scripts/lib/connection.ts";
import {
  AuthError,
  admitRole,
  bearerToken,
  type KeyOptions,
  makeVerifier,
} from "./auth.ts";
import { checkAuthenticator } from "./authenticator.ts";
import { exportClientAccessCsv, sendCsv } from "./export.ts";
import { makePreset } from "./preset.ts";

export interface ServeOptions {
  /** Port to listen on; 0 picks a free one. Default 5678. */
  port?: number;
  /** Default 127.0.0.1: the API is for the organization's network, not the internet. */
  host?: string;
  /** The authenticator's connection; DATABASE_URL or the PG* variables when absent. */
  connectionString?: string;
  /** Connection settings instead of a connection string (host, user, database, ...). */
  database?: pg.PoolConfig;
  keys: KeyOptions;
  /** Serve the Ruru explorer at / (default true). */
  graphiql?: boolean;
  log?: (line: string) => void;
}

export interface Served {
  url: string;
  /** The database login the server runs as. */
  authenticator: string;
  close(): Promise<void>;
}

export async function serve(options: ServeOptions): Promise<Served> {
  const { port = 5678, host = "127.0.0.1", log = () => {} } = options;
  const pool = new pg.Pool({
    ...(options.database ?? {
      connectionString: options.connectionString ?? connectionString(),
    }),
    application_name: "sequester-api",
    max: 10,
  });
  pool.on("error", (error) =>
    log(`database connection lost: ${error.message}`),
  );

  let authenticator: string;
  let verify: Awaited<ReturnType<typeof makeVerifier>>;
  try {
    authenticator = await checkAuthenticator(pool);
    verify = await makeVerifier(options.keys);
  } catch (error) {
    await pool.end();
    throw error;
  }

  // The role each verified request acts as, read by the preset's pgSettings.
  const roles = new WeakMap<IncomingMessage, string>();
  const pgl = postgraphile(
    makePreset({
      pool,
      graphiql: options.graphiql ?? true,
      roleOf: (request) => roles.get(request.node?.req) ?? null,
    }),
  );
  await pgl.getSchema();
  const handleGraphile = pgl.createServ(grafserv).createHandler();

  const authenticate = async (request: IncomingMessage): Promise<string> => {
    const token = bearerToken(request);
    if (!token) {
      throw new AuthError(
        401,
        "Authentication required: send 'Authorization: Bearer <token>'",
      );
    }
    const role = await admitRole(pool, await verify(token));
    roles.set(request, role);
    return role;
  };

  const server = createServer(async (request, response) => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    try {
      if (path === "/export.csv" && request.method === "GET") {
        const role = await authenticate(request);
        const { csv, rows } = await exportClientAccessCsv(pool, role);
        log(`exported ${rows} records as ${role}`);
        sendCsv(response, csv);
        return;
      }
      // GraphQL over GET is off, so GET and HEAD only fetch Ruru and its assets; every
      // other request, whatever its path, needs a token.
      if (request.method !== "GET" && request.method !== "HEAD") {
        await authenticate(request);
      }
      handleGraphile(request, response);
    } catch (error) {
      sendError(response, error, log);
    }
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${address.port}/`;
  log(`serving the administration API at ${url}graphql as "${authenticator}"`);

  let closing: Promise<void> | undefined;
  return {
    url,
    authenticator,
    close() {
      closing ??= (async () => {
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeIdleConnections();
        });
        await pgl.release();
        await pool.end();
      })();
      return closing;
    },
  };
}

// Refusals and database errors as a GraphQL-shaped body, so that a client reads every
// error the same way.
function sendError(
  response: ServerResponse,
  error: unknown,
  log: (line: string) => void,
) {
  let status = 500;
  let message = "An internal error occurred";
  const extensions: Record<string, string> = { code: "INTERNAL" };
  if (error instanceof AuthError) {
    status = error.status;
    message = error.message;
    extensions.code = error.code;
  } else if (error instanceof pg.DatabaseError && error.code) {
    status = error.code === "42501" ? 403 : 400;
    message = error.message;
    extensions.code = error.code;
    if (error.hint) extensions.hint = error.hint;
  } else {
    log(
      `request failed: ${error instanceof Error ? error.stack : String(error)}`,
    );
  }
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
    ...(status === 401
      ? { "www-authenticate": 'Bearer realm="sequester"' }
      : {}),
  });
  response.end(JSON.stringify({ errors: [{ message, extensions }] }));
}
