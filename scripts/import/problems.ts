// The bad rows of an import, each named by file and line. They are collected across the
// whole export so that one run reports them all, up to a limit.
import { ToolError } from "../lib/errors.ts";

const shownAtMost = 50;

export class Problems {
  readonly shown: string[] = [];
  count = 0;

  add(file: string, line: number | undefined, message: string): void {
    this.count += 1;
    if (this.shown.length < shownAtMost) {
      this.shown.push(`${file}${line ? ` line ${line}` : ""}: ${message}`);
    }
  }

  toError(): ToolError {
    const more = this.count - this.shown.length;
    const details =
      more > 0 ? [...this.shown, `… and ${more} more`] : this.shown;
    const rows = this.count === 1 ? "1 problem" : `${this.count} problems`;
    return new ToolError(
      `found ${rows} in the export; nothing was imported`,
      "Correct the rows listed above (or export them again from Synthea) and rerun the import.",
      details,
    );
  }
}
