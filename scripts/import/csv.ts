// Reads a CSV file record by record, with the line number each record ends on, so that
// a bad row can be named by file and line. Accepts a UTF-8 byte-order mark, CRLF line
// ends and quoted fields (commas, quotes and line breaks inside them).
import { createReadStream } from "node:fs";
import { parse } from "csv-parse";

export interface CsvRecord {
  line: number;
  fields: string[];
}

export async function* readCsv(path: string): AsyncGenerator<CsvRecord> {
  const parser = createReadStream(path).pipe(
    parse({
      bom: true,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }),
  );
  for await (const { info, record } of parser) {
    yield { line: info.lines, fields: record };
  }
}

/** The line a csv-parse error points at, when it says. */
export function errorLine(error: unknown): number | undefined {
  const lines = (error as { lines?: unknown }).lines;
  return typeof lines === "number" ? lines : undefined;
}

/** Header names, matched without regard to case or surrounding spaces. */
export class Header {
  readonly names: string[];
  readonly #index = new Map<string, number>();

  constructor(fields: string[]) {
    this.names = fields.map((field) => field.trim());
    this.names.forEach((name, position) => {
      const key = name.toLowerCase();
      if (!this.#index.has(key)) {
        this.#index.set(key, position);
      }
    });
  }

  /** The position of the first of these names that the header has. */
  find(names: readonly string[]): number | undefined {
    for (const name of names) {
      const position = this.#index.get(name.toLowerCase());
      if (position !== undefined) {
        return position;
      }
    }
    return undefined;
  }
}
