// sequester demo: the one-command demonstration (npm run demo).

import { runDemo } from "../demo/run.ts";
import { checkRolePrefix } from "../import/staff.ts";
import { UsageError } from "../lib/errors.ts";
import { type Command, commonHelp, integerOption } from "./command.ts";

export const demoCommand: Command = {
  name: "demo",
  summary: "show sequestering at work on sample data, then serve the API",
  help: `Usage: sequester demo [--no-serve] [--database NAME] [--data DIR]

Starts a throwaway PostgreSQL (unless DATABASE_URL is set: then it uses that server,
in a database of its own), migrates it, imports the Synthea sample (or generates a
synthetic export when the sample is absent), sequesters three clients, and shows what
an approved, a locked-search and an ordinary staff member see when they search for
those clients and open their charts, each logged in as themselves. Then it serves the
administration API, when the project has one, until Ctrl-C.

Options:
  --no-serve            stop after the comparison (for CI)
  --database NAME       the demo's database on a DATABASE_URL server (default sequester_demo)
  --data DIR            import this Synthea export instead of the sample
  --role-prefix PREFIX  prefix of every role the demo makes (default demo_)
  --port N              port of the administration API (default 5678)
${commonHelp}`,
  options: {
    "no-serve": { type: "boolean" },
    database: { type: "string" },
    data: { type: "string" },
    "role-prefix": { type: "string" },
    port: { type: "string" },
  },

  async run(values, positionals, { log, stdout }) {
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument "${positionals[0]}"`,
        "Run `sequester demo --help` for the options it takes.",
      );
    }
    return runDemo({
      serve: !values["no-serve"],
      database: (values.database as string | undefined) ?? "sequester_demo",
      rolePrefix: checkRolePrefix(
        (values["role-prefix"] as string | undefined) ?? "demo_",
      ),
      data: values.data as string | undefined,
      port: integerOption(values, "port", "demo"),
      log,
      stdout,
    });
  },
};
