// Reads the SQL that a migration applies. The SQL lives in db/ and policies/ so that a
// DBA reads it as SQL; a migration names the files it applies, in order.
import { readFileSync } from "node:fs";

const root = new URL("../", import.meta.url);

// A migration waits at most this long for a lock on a busy table, then fails whole
// (and can be rerun) rather than queueing every other session behind it.
const timeouts = `set local lock_timeout = '10s';
set local statement_timeout = '15min';
`;

export function sqlFiles(...paths: string[]): string {
  const bodies = paths.map(
    (path) => `-- ${path}\n${readFileSync(new URL(path, root), "utf8")}`,
  );
  return [timeouts, ...bodies].join("\n");
}
