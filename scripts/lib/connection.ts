// Which server and database to use: DATABASE_URL when set, else the usual PG*
// variables that libpq and the pg driver read themselves.
import pg from "pg";
import { UsageError } from "./errors.ts";

export function connectionString(database?: string): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url) {
    return undefined;
  }
  // A malformed URL would otherwise be half-parsed by the driver into a host name to
  // look up, and fail far from the mistake.
  if (!/^postgres(ql)?:\/\/[^/]/.test(url) || !URL.canParse(url)) {
    throw new UsageError(
      "DATABASE_URL is not a PostgreSQL connection URL",
      "Write it as postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE.",
    );
  }
  if (!database) {
    return url;
  }
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}

export function clientConfig(database?: string): pg.ClientConfig {
  const url = connectionString(database);
  if (url) {
    return { connectionString: url };
  }
  return database ? { database } : {};
}

export async function withClient<T>(
  config: pg.ClientConfig,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(config);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
