// GET /export.csv: the Client Access List as CSV (the Export button). It runs as the
// token's role inside a read-only transaction, through sequester.export_client_access(),
// whose execute grant (editors) decides who may export; nothing here filters rows.
import type { ServerResponse } from "node:http";
import type pg from "pg";

const textTypes = new Set([19, 25, 1043]); // name, text, varchar

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
    const result = await client.query({
      text: "select * from sequester.export_client_access()",
      // Dates and times as PostgreSQL prints them, not as JavaScript Dates.
      types: { getTypeParser: () => (value: string) => value },
    });
    await client.query("commit");
    const header = result.fields.map((field) => field.name);
    const lines = result.rows.map((row) =>
      result.fields.map((field) =>
        csvCell(row[field.name], textTypes.has(field.dataTypeID)),
      ),
    );
    const csv = [header, ...lines].map((cells) => `${cells.join(",")}\r\n`);
    return { csv: csv.join(""), rows: result.rowCount ?? 0 };
  } catch (error) {
    await client.query("rollback").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

// RFC 4180 quoting. A text cell that a spreadsheet would read as a formula gets a
// leading apostrophe, so that a comment cannot run code on an administrator's machine.
export function csvCell(value: unknown, isText = false): string {
  if (value === null || value === undefined) {
    return "";
  }
  let text = String(value);
  if (isText && /^[=+\-@\t\r]/.test(text)) {
    text = `'${text}`;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
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
