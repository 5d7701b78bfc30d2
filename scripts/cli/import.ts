// sequester import synthea DIR: a Synthea CSV export into the ehr schema.
import { resolve } from "node:path";
import { defaultRolePrefix } from "../import/staff.ts";
import { type ImportSummary, importSynthea } from "../import/synthea.ts";
import { clientConfig, withClient } from "../lib/connection.ts";
import { UsageError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";
import { type Command, commonHelp, integerOption } from "./command.ts";

export const importCommand: Command = {
  name: "import",
  summary: "import a Synthea CSV export into the ehr schema",
  help: `Usage: sequester import synthea DIR [--role-prefix PREFIX]

Imports the Synthea CSV export in DIR (patients, providers, organizations, encounters,
conditions, medications, procedures, careplans, allergies; other files are ignored).
Patients become ehr.clients; providers become staff with a login role each, named
PREFIX plus a hash of the provider's Id, with the provider's name as the role's comment.

All or nothing: a bad row anywhere stops the import and nothing is kept; each bad row
is listed with its file and line. Importing the same export again adds nothing.
Runs as a superuser or a BYPASSRLS role with CREATEROLE (the role that migrated).

Options:
  --role-prefix PREFIX   prefix of staff role names (default ${defaultRolePrefix})
  --batch-size N         rows written per statement (default 2000)
${commonHelp}`,
  options: {
    "role-prefix": { type: "string" },
    "batch-size": { type: "string" },
  },

  async run(values, positionals, { log }) {
    const [format, dir, ...extra] = positionals;
    const hint = "Run `sequester import --help` for how to call it.";
    if (format !== "synthea") {
      throw new UsageError(
        format
          ? `unknown format "${format}": only synthea is known`
          : "say what to import",
        hint,
      );
    }
    if (!dir || extra.length > 0) {
      throw new UsageError(
        dir
          ? `unexpected argument "${extra[0]}"`
          : "give the directory of the export",
        hint,
      );
    }

    const summary = await withClient(clientConfig(), (client) =>
      importSynthea(client, resolve(dir), {
        rolePrefix: values["role-prefix"] as string | undefined,
        batchSize: integerOption(values, "batch-size", "import"),
        log,
      }),
    );
    reportImport(summary, log);
    return 0;
  },
};

export function reportImport(summary: ImportSummary, log: Logger): void {
  const width = Math.max(...summary.files.map((file) => file.file.length));
  for (const file of summary.files) {
    const kept = file.rows - file.inserted;
    const already = kept > 0 ? ` (${kept} already present)` : "";
    log.info(
      `Imported ${file.file.padEnd(width)}  ` +
        `${file.inserted} ${file.noun} added of ${file.rows} rows${already}`,
    );
  }
  if (summary.absent.length > 0) {
    log.info(`Skipped files not in the export: ${summary.absent.join(", ")}.`);
  }
  log.info(
    `Created ${summary.rolesCreated} staff login roles; ` +
      `finished in ${summary.seconds.toFixed(1)} s.`,
  );
}
