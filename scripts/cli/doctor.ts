// sequester doctor: the findings of sequester.doctor(), worst first, each with the SQL
// that mends it. Exits 1 when there is an error-level finding, so that a deployment
// pipeline can stop on it.
import { clientConfig, withClient } from "../lib/connection.ts";
import { UsageError } from "../lib/errors.ts";
import { type Command, commonHelp } from "./command.ts";

interface Finding {
  severity: string;
  finding: string;
  object: string;
  detail: string;
  fix: string;
}

export const doctorCommand: Command = {
  name: "doctor",
  summary: "check the deployment for mistakes that undo the rules",
  help: `Usage: sequester doctor

Runs sequester.doctor() as the connecting role (a DBA, or a member of sequester_viewer)
and prints one block per finding: what is wrong, where, and the SQL that mends it.
Exits 1 when a finding is an error, 0 otherwise.

Options:
${commonHelp}`,
  options: {},

  async run(_values, positionals, { log, stdout }) {
    if (positionals.length > 0) {
      throw new UsageError(
        `unexpected argument "${positionals[0]}"`,
        "Run `sequester doctor --help` for the options it takes.",
      );
    }
    const findings = await withClient(clientConfig(), async (client) => {
      const result = await client.query<Finding>(
        "select severity, finding, object, detail, fix from sequester.doctor()",
      );
      return result.rows;
    });

    for (const item of findings) {
      stdout.write(`${item.severity}: ${item.finding}: ${item.object}\n`);
      stdout.write(`  ${item.detail}\n  fix: ${item.fix}\n`);
    }
    const errors = findings.filter((item) => item.severity === "error").length;
    const plural = findings.length === 1 ? "" : "s";
    log.info(
      `Found ${findings.length} finding${plural}, ${errors} of them errors.`,
    );
    return errors > 0 ? 1 : 0;
  },
};
