// The sequester command line: picks the subcommand, parses its options, runs it, and
// turns failures into a message, a hint and an exit code (0 done, 1 failed, 2 misused).
import { createLogger, type Level } from "../lib/log.ts";
import { type Command, type Context, parse } from "./command.ts";
import { benchCommand, serveCommand } from "./delegate.ts";
import { demoCommand } from "./demo.ts";
import { describeError } from "./describe-error.ts";
import { doctorCommand } from "./doctor.ts";
import { exportCommand } from "./export.ts";
import { importCommand } from "./import.ts";
import { migrateCommand } from "./migrate.ts";

const commands: Command[] = [
  migrateCommand,
  importCommand,
  exportCommand,
  doctorCommand,
  serveCommand,
  benchCommand,
  demoCommand,
];

function overview(): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  const lines = commands.map(
    (command) => `  ${command.name.padEnd(width)}  ${command.summary}`,
  );
  return `Usage: sequester COMMAND [options]

Client sequestering for PostgreSQL: hides sequestered clients from all staff but the
approved ones, with row-level security.

Commands:
${lines.join("\n")}

Run \`sequester COMMAND --help\` for a command's options.`;
}

export async function main(
  argv: string[],
  stdout: NodeJS.WritableStream = process.stdout,
  stderr: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const verbose = argv.includes("--verbose") || argv.includes("-v");
  const name = argv.find((arg) => !arg.startsWith("-"));
  const command = commands.find((candidate) => candidate.name === name);

  if (!command) {
    const asksForHelp = argv.includes("--help") || argv.includes("-h");
    if (asksForHelp && name === undefined) {
      stdout.write(`${overview()}\n`);
      return 0;
    }
    stderr.write(
      name === undefined
        ? `${overview()}\n`
        : `error: unknown command "${name}"\n  Run \`sequester --help\` for the commands.\n`,
    );
    return 2;
  }

  const args = argv.filter(
    (_arg, index) => index !== argv.indexOf(command.name),
  );
  if (command.delegated) {
    return command.delegated(args);
  }
  try {
    const { values, positionals } = parse(command, args);
    if (values.help) {
      stdout.write(`${command.help}\n`);
      return 0;
    }

    const level: Level = values.verbose
      ? "debug"
      : values.quiet
        ? "warn"
        : "info";
    const result = command.writesData?.(values) ? stderr : stdout;
    const context: Context = {
      log: createLogger(level, { result, diagnostic: stderr }),
      verbose,
      stdout,
    };
    return await command.run(values, positionals, context);
  } catch (error) {
    const described = describeError(error, verbose);
    stderr.write(`error: ${described.message}\n`);
    for (const detail of described.details) {
      stderr.write(`  ${detail}\n`);
    }
    stderr.write(`  ${described.hint}\n`);
    if (verbose && error instanceof Error && error.stack) {
      stderr.write(`${error.stack}\n`);
    }
    return described.exitCode;
  }
}
