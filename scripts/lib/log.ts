// The one logger of the tools. Results (what was done, with counts) go to the result
// stream, stdout unless a command writes data there; progress, warnings and errors go
// to stderr. Callers pass counts, file names and line numbers, never field values:
// an export's fields are clinical data.

export type Level = "error" | "warn" | "info" | "debug";

const rank: Record<Level, number> = { error: 0, warn: 1, info: 2, debug: 3 };

export interface Logger {
  readonly level: Level;
  error(message: string): void;
  warn(message: string): void;
  /** A result line: what was done, in the past tense, with counts. */
  info(message: string): void;
  /** A line about work still going on; never part of the result. */
  progress(message: string): void;
  debug(message: string): void;
}

export interface Streams {
  result: NodeJS.WritableStream;
  diagnostic: NodeJS.WritableStream;
}

export function createLogger(
  level: Level = "info",
  streams: Streams = { result: process.stdout, diagnostic: process.stderr },
): Logger {
  const enabled = (wanted: Level) => rank[wanted] <= rank[level];
  const write = (stream: NodeJS.WritableStream, message: string) => {
    stream.write(`${message}\n`);
  };

  return {
    level,
    error: (message) => write(streams.diagnostic, message),
    warn: (message) => enabled("warn") && write(streams.diagnostic, message),
    info: (message) => enabled("info") && write(streams.result, message),
    progress: (message) =>
      enabled("info") && write(streams.diagnostic, message),
    debug: (message) => enabled("debug") && write(streams.diagnostic, message),
  };
}

/** A logger that says nothing, for callers that want only the return value. */
export const silent: Logger = createLogger("error", {
  result: { write: () => true } as unknown as NodeJS.WritableStream,
  diagnostic: { write: () => true } as unknown as NodeJS.WritableStream,
});
