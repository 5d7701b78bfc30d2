// GET /export.csv: the Client Access List as CSV (the Export button), the same file as
// `sequester export` writes. It runs as the token's role inside a read-only transaction,
// through sequester.export_client_access(), whose execute grant (editors) decides who
// may export; nothing here filters rows.
import type { ServerResponse } from "node:http";
import type pg from "pg";
import { clientAccessCsvLines } from "../scripts/lib/client-access-csv.ts";

export async function exportClientAccessCsv(
  pool: pg.Pool,
  role: string,
): Promise<{ csv: string; rows: number }> {
  const client = await pool.connect();
  try {
    await client.query("begin transaction read only");
    await client.query("select pg_catalog.set_config('role', $1, true)", [
      role,
    ]);
    const lines = await clientAccessCsvLines(client);
    await client.query("commit");
    return { csv: lines.join(""), rows: lines.length - 1 };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export function sendCsv(response: ServerResponse, csv: string): void {
  const day = new Date().toISOString().slice(0, 10);
  response.writeHead(200, {
    "content-type": "text/csv; charset=utf-8",
    "content-disposition": `attachment; filename="client-access-list-${day}.csv"`,
    "cache-control": "no-store",
  });
  response.end(csv);
}
