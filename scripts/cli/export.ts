// sequester export: the Client Access List as CSV, as the list screen's Export button
// gives it. It runs as the connecting role, so the database's grants decide who may
// export: members of sequester_editor.
import { createWriteStream } from "node:fs";
import type pg from "pg";
import { clientConfig, withClient } from "../lib/connection.ts";
import { csvLine } from "../lib/csv-write.ts";
import { ToolError, UsageError } from "../lib/errors.ts";
import { type Command, commonHelp } from "./command.ts";

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

export async function exportClientAccessList(
  client: pg.Client,
): Promise<string[]> {
  let rows: string[][];
  try {
    const result = await client.query({ text: listQuery, rowMode: "array" });
    rows = result.rows;
  } catch (error) {
    if ((error as { code?: string }).code === "42501") {
      const { rows: me } = await client.query("select current_user as role");
      throw new ToolError(
        `the role ${me[0].role} may not export the Client Access List`,
        "Connect as a member of sequester_editor (DATABASE_URL or PGUSER).",
      );
    }
    throw error;
  }

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
  client: pg.Client,
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

function writeFileWhole(path: string, lines: string[]): Promise<void> {
  return new Promise((done, fail) => {
    const file = createWriteStream(path);
    file.on("error", (error) =>
      fail(
        new ToolError(
          `could not write ${path}: ${error.message}`,
          "Choose a file in a directory you may write to.",
        ),
      ),
    );
    for (const line of lines) {
      file.write(line);
    }
    file.end(done);
  });
}

export const exportCommand: Command = {
  name: "export",
  summary: "write the Client Access List as CSV",
  help: `Usage: sequester export [--output FILE]

Writes the Client Access List as CSV, as the list screen's Export button does: Sequence
ID, client ID and name, start and end dates, whether it is in force today, comments,
approved staff, approved user roles, and who created and last changed each record, and
when (UTC). Connect as a member of sequester_editor: exporting is an editor's right.

Options:
  -o, --output FILE   write to FILE instead of standard output
${commonHelp}`,
  options: { output: { type: "string", short: "o" } },
  writesData: (values) => values.output === undefined,

  async run(values, positionals, { log, stdout }) {
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument "${positionals[0]}"`,
        "Run `sequester export --help` for the options it takes.",
      );
    }
    const lines = await withClient(clientConfig(), exportClientAccessList);

    const output = values.output as string | undefined;
    if (output) {
      await writeFileWhole(output, lines);
    } else {
      for (const line of lines) {
        stdout.write(line);
      }
    }

    const records = lines.length - 1;
    const where = output ? ` to ${output}` : "";
    log.info(
      `Exported ${records} Client Access List record${records === 1 ? "" : "s"}${where}.`,
    );
    return 0;
  },
};
