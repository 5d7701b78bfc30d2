// Which server and database to use: DATABASE_URL when set, else the usual PG*
// variables that libpq and the pg driver read themselves.
import pg from "pg";

export function connectionString(database?: string): string | undefined {
  const url = process.env.DATABASE_URL;
  if (!url) {
    return undefined;
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
