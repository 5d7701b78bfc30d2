// sequester export: the Client Access List as CSV, as the list screen's Export button
// gives it. It runs as the connecting role, so the database's grants decide who may
// export: members of sequester_editor.
import { createWriteStream } from "node:fs";
import type pg from "pg";
import { clientAccessCsvLines } from "../lib/client-access-csv.ts";
import { clientConfig, withClient } from "../lib/connection.ts";
import { ToolError, UsageError } from "../lib/errors.ts";
import { type Command, commonHelp } from "./command.ts";

export async function exportClientAccessList(
  client: pg.Client,
): Promise<string[]> {
  try {
    return await clientAccessCsvLines(client);
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
