// The administration API from the command line (also `npm run serve`):
//   node api/main.ts [serve]            serve GraphQL at /graphql, Ruru at /
//   node api/main.ts token ROLE         sign a token for a staff role with JWT_SECRET
//   node api/main.ts authenticator NAME create the API's login role, grant it staff roles
//   node api/main.ts schema [--check]   regenerate (or check) api/schema.graphql
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { describeError } from "../scripts/cli/describe-error.ts";

// Before PostGraphile loads: production unless the environment says otherwise.
process.env.GRAPHILE_ENV ??= "production";

const usage = `Usage:
  node api/main.ts [serve] [--port N] [--host ADDR] [--dev] [--token-for ROLE]...
  node api/main.ts token ROLE [--expires 8h]
  node api/main.ts authenticator NAME --grant STAFF_ROLE... [--password-env VAR] [--print]
  node api/main.ts schema [--check]

Environment:
  DATABASE_URL or PGHOST/PGPORT/PGDATABASE/PGUSER/PGPASSWORD  the authenticator's login
  JWT_SECRET            HS256 secret (32 bytes or more)
  JWT_PUBLIC_KEY        PEM public key or a path to one, for RS256/ES256/EdDSA tokens
  JWT_ALGORITHM         the one algorithm accepted (HS256 or RS256 by default)
  JWT_AUDIENCE, JWT_ISSUER  checked against the token's aud and iss when set
  PORT                  default 5678
`;

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    port: { type: "string" },
    host: { type: "string", default: "127.0.0.1" },
    dev: { type: "boolean", default: false },
    "token-for": { type: "string", multiple: true, default: [] },
    expires: { type: "string", default: "8h" },
    grant: { type: "string", multiple: true, default: [] },
    "password-env": { type: "string" },
    print: { type: "boolean", default: false },
    check: { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  },
});

class UsageError extends Error {}

const say = (line: string) => console.log(line);
const [command = "serve", ...rest] = positionals;

try {
  if (values.help) {
    say(usage);
  } else if (command === "serve") {
    if (rest.length > 0) {
      throw new UsageError(`unknown command "${rest[0]}" after serve`);
    }
    await runServe();
  } else if (command === "token") {
    await runToken(rest[0]);
  } else if (command === "authenticator") {
    await runAuthenticator(rest[0]);
  } else if (command === "schema") {
    await runSchema();
  } else {
    throw new UsageError(`unknown command "${command}"`);
  }
} catch (error) {
  if (error instanceof UsageError) {
    console.error(`error: ${error.message}`);
    console.error(usage);
  } else if (typeof (error as { code?: unknown }).code !== "string") {
    // The API's own refusals say what to do in their message.
    console.error(
      `error: ${error instanceof Error ? error.message : String(error)}`,
    );
  } else {
    // A database or connection error: what failed and what to do, as the command line
    // says it.
    const described = describeError(error, values.verbose);
    console.error(`error: ${described.message}`);
    for (const detail of described.details) console.error(`  ${detail}`);
    console.error(`  ${described.hint}`);
  }
  if (values.verbose && error instanceof Error) console.error(error.stack);
  process.exitCode = 1;
}

async function runServe(): Promise<void> {
  const { serve } = await import("./server.ts");
  const { randomSecret, signToken } = await import("./auth.ts");
  const keys = keyOptions();
  let generated = false;
  if (!keys.secret && !keys.publicKey) {
    if (!values.dev) {
      throw new Error(
        "no JWT_SECRET or JWT_PUBLIC_KEY is set. Set one (JWT_SECRET: 32 or more random " +
          "bytes), or run with --dev for a throwaway secret and ready-made tokens.",
      );
    }
    keys.secret = randomSecret();
    generated = true;
  }

  const port = Number(values.port ?? process.env.PORT ?? 5678);
  const served = await serve({ port, host: values.host, keys, log: say });
  say(
    `Ruru (the GraphQL explorer) at ${served.url}; export at ${served.url}export.csv`,
  );

  if (values.dev && keys.secret) {
    const { grantedStaff } = await import("./authenticator.ts");
    const pg = (await import("pg")).default;
    const { connectionString } = await import("../scripts/lib/connection.ts");
    const pool = new pg.Pool({ connectionString: connectionString() });
    const staff = await grantedStaff(pool).finally(() => pool.end());
    const roles = [
      ...new Set([
        ...values["token-for"],
        ...staff.slice(0, 12).map((s) => s.role),
      ]),
    ];
    say(
      generated
        ? "dev mode: a random JWT secret was made for this run only"
        : "dev mode",
    );
    if (roles.length === 0) {
      say(
        `no staff roles are granted to "${served.authenticator}"; pass --token-for ROLE`,
      );
    }
    for (const role of roles) {
      say(
        `token for ${role}:\n  ${await signToken(keys.secret, role, values.expires)}`,
      );
    }
    say(
      'send it as the header {"Authorization": "Bearer <token>"} (Ruru: Headers tab)',
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    say(`${signal}: stopping`);
    await served.close();
    say("stopped");
  };
  process.once("SIGINT", () => void stop("SIGINT"));
  process.once("SIGTERM", () => void stop("SIGTERM"));
}

async function runToken(role: string | undefined): Promise<void> {
  if (!role) throw new UsageError("name the staff role the token is for");
  const secret = process.env.JWT_SECRET;
  if (!secret) {
    throw new UsageError(
      "JWT_SECRET is not set: set the secret the server verifies tokens with " +
        "(32 or more random bytes, e.g. openssl rand -base64 48); with " +
        "JWT_PUBLIC_KEY your identity provider signs tokens instead",
    );
  }
  const { signToken } = await import("./auth.ts");
  say(await signToken(secret, role, values.expires));
}

async function runAuthenticator(name: string | undefined): Promise<void> {
  if (!name)
    throw new UsageError("name the authenticator role, e.g. sequester_api");
  const { authenticatorSql, createAuthenticator } = await import(
    "./authenticator.ts"
  );
  const passwordVar = values["password-env"];
  const password = passwordVar ? process.env[passwordVar] : undefined;
  if (passwordVar && !password) throw new Error(`${passwordVar} is not set`);
  const options = { name, staff: values.grant, password };
  if (values.print) {
    say(authenticatorSql({ ...options, password: password && "<password>" }));
    return;
  }
  const pg = (await import("pg")).default;
  const { clientConfig } = await import("../scripts/lib/connection.ts");
  const client = new pg.Client(clientConfig());
  await client.connect();
  try {
    await createAuthenticator(client, options);
  } finally {
    await client.end();
  }
  say(
    `authenticator "${name}" is ready, with ${values.grant.length} staff roles granted`,
  );
}

async function runSchema(): Promise<void> {
  const { printApiSchema, committedSchema, schemaDiff, schemaFile } =
    await import("./schema.ts");
  const printed = await printApiSchema();
  if (values.check) {
    const committed = committedSchema();
    if (committed !== printed) {
      throw new Error(
        `${schemaFile} is out of date:\n${schemaDiff(committed, printed)}`,
      );
    }
    say(`${schemaFile} is up to date`);
    return;
  }
  writeFileSync(schemaFile, printed);
  say(`wrote ${schemaFile} (${printed.split("\n").length} lines)`);
}

function keyOptions() {
  const fromEnv = (name: string) => process.env[name] || undefined;
  let publicKey = fromEnv("JWT_PUBLIC_KEY");
  if (publicKey && !publicKey.includes("-----BEGIN")) {
    publicKey = readFileSync(publicKey, "utf8");
  }
  return {
    secret: fromEnv("JWT_SECRET"),
    publicKey,
    algorithm: fromEnv("JWT_ALGORITHM"),
    audience: fromEnv("JWT_AUDIENCE"),
    issuer: fromEnv("JWT_ISSUER"),
  };
}
