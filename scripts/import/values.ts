// Turns Synthea's text fields into the values the ehr tables hold. Each parser returns
// the value, or a Problem that says what was expected (never the value itself: it may
// be a birth date or a diagnosis).

export type Kind = "text" | "date" | "timestamp" | "integer";

export class ValueProblem {
  readonly expected: string;
  constructor(expected: string) {
    this.expected = expected;
  }
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timestampPattern =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

function parseDate(text: string): string | ValueProblem {
  // Some Synthea versions write a timestamp where a date is meant: keep its date.
  const match = datePattern.exec(text) ?? timestampPattern.exec(text);
  if (
    !match ||
    !isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))
  ) {
    return new ValueProblem("a date such as 2020-01-31");
  }
  return `${match[1]}-${match[2]}-${match[3]}`;
}

function parseTimestamp(text: string): string | ValueProblem {
  const match = timestampPattern.exec(text);
  const expected = "a date and time such as 2020-01-31T08:15:00Z";
  if (
    !match ||
    !isRealDate(Number(match[1]), Number(match[2]), Number(match[3]))
  ) {
    return new ValueProblem(expected);
  }
  const [hour, minute, second] = [match[4], match[5], match[6]].map((part) =>
    Number(part ?? 0),
  );
  if (hour > 23 || minute > 59 || second > 59) {
    return new ValueProblem(expected);
  }
  // Without a zone Synthea means UTC: the import runs with TimeZone set to UTC.
  return text;
}

function parseInteger(text: string): string | ValueProblem {
  return /^-?\d{1,18}$/.test(text) ? text : new ValueProblem("a whole number");
}

/** Empty text is null; anything else must be a valid value of its kind. */
export function parseValue(
  kind: Kind,
  raw: string,
): string | null | ValueProblem {
  const text = raw.trim();
  if (text === "") {
    return null;
  }
  // The reader decodes UTF-8 and puts U+FFFD where bytes are not UTF-8 (a Latin-1
  // export, say): refused rather than stored, so that no name is changed unseen.
  if (text.includes("\uFFFD")) {
    return new ValueProblem(
      "UTF-8 text (it holds bytes that are not UTF-8: export as UTF-8, or convert the " +
        "file, e.g. iconv -f latin1 -t utf-8)",
    );
  }
  if (text.includes("\u0000")) {
    return new ValueProblem(
      "text without a NUL byte (PostgreSQL text cannot hold one; remove it from the file)",
    );
  }
  switch (kind) {
    case "text":
      return text;
    case "date":
      return parseDate(text);
    case "timestamp":
      return parseTimestamp(text);
    case "integer":
      return parseInteger(text);
  }
}

/** The PostgreSQL array type that carries a batch of this kind. */
export const arrayType: Record<Kind, string> = {
  text: "text[]",
  date: "date[]",
  timestamp: "timestamptz[]",
  integer: "bigint[]",
};
