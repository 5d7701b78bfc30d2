// What every subcommand of the command line shares: its help, its options (parsed with
// node:util parseArgs), and the context it runs in.
import { type ParseArgsConfig, parseArgs } from "node:util";
import { UsageError } from "../lib/errors.ts";
import type { Logger } from "../lib/log.ts";

export type Options = NonNullable<ParseArgsConfig["options"]>;
export type Values = Record<string, string | boolean | undefined>;

export interface Context {
  log: Logger;
  verbose: boolean;
  /** Where data (CSV, tables) goes. */
  stdout: NodeJS.WritableStream;
}

export interface Command {
  name: string;
  summary: string;
  help: string;
  options: Options;
  /** True when the command writes data to stdout, so that its messages must not. */
  writesData?(values: Values): boolean;
  run(values: Values, positionals: string[], context: Context): Promise<number>;
  /** Set for a command that hands all its arguments to a program of its own. */
  delegated?(args: string[]): Promise<number>;
}

/** Options every command accepts. */
export const commonOptions: Options = {
  help: { type: "boolean", short: "h" },
  verbose: { type: "boolean", short: "v" },
  quiet: { type: "boolean", short: "q" },
};

export const commonHelp = `  -v, --verbose   say more, and show stack traces of failures
  -q, --quiet     print only warnings and errors
  -h, --help      show this help

The server is chosen by DATABASE_URL, or else by PGHOST, PGPORT, PGUSER, PGPASSWORD
and PGDATABASE.`;

export function parse(
  command: Command,
  args: string[],
): { values: Values; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...commonOptions, ...command.options },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as Values, positionals };
  } catch (error) {
    throw new UsageError(
      (error as Error).message.replace(/\. To specify a positional.*$/s, ""),
      `Run \`sequester ${command.name} --help\` for the options it takes.`,
    );
  }
}

/** A whole number option, or a usage error that names the option. */
export function integerOption(
  values: Values,
  name: string,
  command: string,
): number | undefined {
  const raw = values[name];
  if (raw === undefined) {
    return undefined;
  }
  const value = Number(raw);
  if (typeof raw !== "string" || !Number.isInteger(value) || value < 1) {
    throw new UsageError(
      `--${name} must be a whole number of at least 1`,
      `Run \`sequester ${command} --help\` for the options it takes.`,
    );
  }
  return value;
}
