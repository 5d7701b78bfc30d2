// sequester migrate up|down|status: the package's migrations, applied or reverted.
import { clientConfig } from "../lib/connection.ts";
import { UsageError } from "../lib/errors.ts";
import { migrate, migrationStatus } from "../lib/migrate.ts";
import { type Command, commonHelp, integerOption } from "./command.ts";

const usageHint = "Run `sequester migrate --help` for the actions it takes.";

export const migrateCommand: Command = {
  name: "migrate",
  summary: "apply, revert or list the database migrations",
  help: `Usage: sequester migrate up [--count N] [--without-reference-schema]
       sequester migrate down [--count N|all]
       sequester migrate status

  up       apply the migrations not yet applied (all of them unless --count)
  down     revert the last migration (or the last N, or all)
  status   list the migrations and when each was applied

Options:
  --count N|all                 how many migrations to apply or revert
  --without-reference-schema    leave out the reference clinical schema ehr: for a
                                deployment that protects its own tables
${commonHelp}`,
  options: {
    count: { type: "string" },
    "without-reference-schema": { type: "boolean" },
  },

  async run(values, positionals, { log }) {
    const [action, ...extra] = positionals;
    if (extra.length > 0) {
      throw new UsageError(`unexpected argument "${extra[0]}"`, usageHint);
    }
    const config = clientConfig();

    if (action === "status") {
      const migrations = await migrationStatus(config);
      const width = Math.max(...migrations.map((m) => m.name.length));
      for (const { name, runOn } of migrations) {
        const state = runOn ? `applied ${runOn.toISOString()}` : "pending";
        log.info(`${name.padEnd(width)}  ${state}`);
      }
      const applied = migrations.filter((m) => m.runOn).length;
      log.info(`${applied} applied, ${migrations.length - applied} pending.`);
      return 0;
    }

    if (action !== "up" && action !== "down") {
      throw new UsageError(
        action ? `unknown action "${action}"` : "say up, down or status",
        usageHint,
      );
    }
    const count =
      values.count === "all"
        ? Number.POSITIVE_INFINITY
        : integerOption(values, "count", "migrate");
    const ran = await migrate(config, {
      direction: action,
      count,
      referenceSchema: !values["without-reference-schema"],
      log: (message) => log.debug(message),
    });

    const verb = action === "up" ? "Applied" : "Reverted";
    if (ran.length === 0) {
      log.info(
        action === "up"
          ? "Applied no migrations: the database is up to date."
          : "Reverted no migrations: none is applied.",
      );
    } else {
      const noun = ran.length === 1 ? "migration" : "migrations";
      log.info(`${verb} ${ran.length} ${noun}: ${ran.join(", ")}.`);
    }
    return 0;
  },
};
