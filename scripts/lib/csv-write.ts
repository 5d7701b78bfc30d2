// Writes CSV the way spreadsheets read it (RFC 4180): fields quoted when they hold a
// comma, a quote, a line break or edge spaces; quotes doubled; CRLF line ends.

// A field that starts like a formula is run by spreadsheets as one; a leading
// apostrophe makes them show it as text (the usual defence against CSV injection).
const formulaStart = /^[=+\-@\t\r]/;

export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) {
    return "";
  }
  let text = String(value);
  if (formulaStart.test(text)) {
    text = `'${text}`;
  }
  if (/[",\r\n]|^\s|\s$/.test(text)) {
    return `"${text.replaceAll('"', '""')}"`;
  }
  return text;
}

export function csvLine(
  values: readonly (string | number | null | undefined)[],
): string {
  return `${values.map(csvField).join(",")}\r\n`;
}
