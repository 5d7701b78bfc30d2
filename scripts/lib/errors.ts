// An error the user can act on: what failed, and what to do about it. The command line
// prints both without a stack trace; anything else is a bug and shows its stack with
// --verbose.

export class ToolError extends Error {
  readonly hint: string;
  readonly details: readonly string[];

  constructor(message: string, hint: string, details: readonly string[] = []) {
    super(message);
    this.name = "ToolError";
    this.hint = hint;
    this.details = details;
  }
}

/** The command line was used wrongly: exits 2, as usage errors do. */
export class UsageError extends ToolError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = "UsageError";
  }
}
