// Turns any error into what the user reads: what failed, then what to do. PostgreSQL's
// own message and hint are kept; the connection errors people meet first get a hint
// that names the variables to set. Values from the data never appear: PostgreSQL's
// DETAIL (which can quote a row) is shown only with --verbose.
import { ToolError, UsageError } from "../lib/errors.ts";

export interface Described {
  message: string;
  details: readonly string[];
  hint: string;
  exitCode: number;
}

interface PgLikeError {
  code?: string;
  hint?: string;
  detail?: string;
  address?: string;
  port?: number;
  message: string;
}

const connectionHint =
  "Start PostgreSQL, or point DATABASE_URL (or PGHOST, PGPORT, PGUSER, PGDATABASE) " +
  "at a server that runs.";

const byCode: Record<string, string> = {
  ECONNREFUSED: connectionHint,
  ENOTFOUND: connectionHint,
  ETIMEDOUT: connectionHint,
  "28P01": "Check the password in DATABASE_URL or PGPASSWORD.",
  "28000": "Check the user name, and that pg_hba.conf lets it connect.",
  "3D000":
    "Create the database, or name an existing one in DATABASE_URL or PGDATABASE.",
  "42501":
    "Connect as a role that holds the privilege (see the README for the package roles).",
  "42P01": "Run `sequester migrate up` against this database first.",
  "3F000": "Run `sequester migrate up` against this database first.",
};

export function describeError(error: unknown, verbose: boolean): Described {
  if (error instanceof ToolError) {
    return {
      message: error.message,
      details: error.details,
      hint: error.hint,
      exitCode: error instanceof UsageError ? 2 : 1,
    };
  }

  const pgError = error as PgLikeError;
  if (pgError && typeof pgError.code === "string") {
    const where =
      pgError.address !== undefined
        ? ` (${pgError.address}:${pgError.port})`
        : "";
    const message =
      pgError.code.startsWith("E") && !pgError.message.includes("connect")
        ? `could not connect to PostgreSQL${where}: ${pgError.message}`
        : pgError.code.startsWith("E")
          ? `could not connect to PostgreSQL: ${pgError.message}`
          : pgError.message;
    const noUser = pgError.message.includes(
      "no PostgreSQL user name specified",
    );
    return {
      message,
      details: verbose && pgError.detail ? [pgError.detail] : [],
      hint:
        pgError.hint ??
        (noUser
          ? "Nothing names the user to connect as: set DATABASE_URL " +
            "(postgres://USER@HOST/DATABASE) or PGUSER."
          : undefined) ??
        byCode[pgError.code] ??
        "Rerun with --verbose for more detail.",
      exitCode: 1,
    };
  }

  return {
    message: `unexpected failure: ${(error as Error)?.message ?? String(error)}`,
    details: [],
    hint: "Rerun with --verbose to see where it happened, and report it as a bug.",
    exitCode: 1,
  };
}
