// The Client Access List as CSV lines, as the list screen's Export button gives it: the
// command line's `sequester export` and the API's /export.csv both write exactly this.
// It runs as the connection's role; sequester.export_client_access() is granted to
// sequester_editor, so the database decides who may export.
import type pg from "pg";
import { csvLine } from "./csv-write.ts";

const columns = [
  "Sequence ID",
  "Client ID",
  "Client Name",
  "Start Date",
  "End Date",
  "In Force",
  "Comments",
  "Approved Staff",
  "Approved User Roles",
  "Created By",
  "Created At",
  "Updated By",
  "Updated At",
];

// The rows come from the package's own export function, the one the API's Export button
// calls, so that both exports say the same; times are written in UTC.
const listQuery = `
  select e.sequence_id::text, e.client_id::text, e.start_date::text, e.end_date::text,
    case when e.in_force then 'yes' else 'no' end, e.comments,
    e.approved_staff, e.approved_user_roles,
    e.created_by, to_char(e.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    e.updated_by, to_char(e.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
  from sequester.export_client_access() e`;

export async function clientAccessCsvLines(
  client: pg.ClientBase,
): Promise<string[]> {
  const result = await client.query({ text: listQuery, rowMode: "array" });
  const rows: string[][] = result.rows;
  const names = new Map<string, string>();
  for (const clientId of new Set(rows.map((row) => row[1]))) {
    names.set(clientId, await clientName(client, clientId));
  }
  return [
    csvLine(columns),
    ...rows.map((row) =>
      csvLine([row[0], row[1], names.get(row[1]) ?? "", ...row.slice(2)]),
    ),
  ];
}

// Names come from confirm_client, which shows a viewer the name of any client on the
// list, sequestered or not, and nothing else about them.
// Limitation: one query per client on the list; lists run to hundreds, not millions.
async function clientName(
  client: pg.ClientBase,
  clientId: string,
): Promise<string> {
  try {
    const result = await client.query(
      "select display_name from sequester.confirm_client($1::bigint)",
      [clientId],
    );
    return result.rows[0]?.display_name ?? "";
  } catch (error) {
    if ((error as { code?: string }).code === "P0002") {
      return "(client no longer exists)";
    }
    throw error;
  }
}
