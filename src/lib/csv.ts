// A small RFC 4180 CSV reader: one physical line is one record; quoted fields may hold commas and doubled quotes.

/** A malformed line; the caller reports it with its line number and moves on. */
export class CsvError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CsvError';
  }
}

/**
 * Splits one CSV line into fields. `"a, b"` keeps its comma, `"say ""hi"""` yields `say "hi"`; a
 * trailing CR (CRLF files) is dropped. Fields are not trimmed: callers decide what whitespace means.
 * Throws CsvError for an unterminated quoted field or text after a closing quote. Line breaks inside
 * quoted fields are not supported (order exports do not use them, and a line-at-a-time reader keeps
 * one bad quote from swallowing the rest of a file).
 */
export function parseCsvLine(line: string): string[] {
  const s = line.endsWith('\r') ? line.slice(0, -1) : line;
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (s[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        const q = s.indexOf('"', i);
        if (q === -1) throw new CsvError('unterminated quoted field');
        value += s.slice(i, q);
        if (s[q + 1] === '"') {
          value += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
      fields.push(value);
      if (i === s.length) return fields;
      if (s[i] !== ',') throw new CsvError(`unexpected character after a closing quote at column ${i + 1}`);
      i++;
    } else {
      const comma = s.indexOf(',', i);
      if (comma === -1) {
        fields.push(s.slice(i));
        return fields;
      }
      fields.push(s.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** Quotes a field when it needs it (comma, quote, line break or edge spaces): the inverse of parseCsvLine. */
export function formatCsvField(value: string | number | null | undefined): string {
  const s = value === null || value === undefined ? '' : String(value);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line from values. */
export function formatCsvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map(formatCsvField).join(',');
}

export interface CsvHeader {
  /** Column index by lower-cased, trimmed name. */
  index: Map<string, number>;
  /** Required names the header lacks. */
  missing: string[];
}

/** Maps a header line's column names (case-insensitive, BOM and spaces ignored) and lists missing required ones. */
export function readHeader(line: string, required: readonly string[]): CsvHeader {
  const names = parseCsvLine(line.replace(/^\uFEFF/, '')).map((n) => n.trim().toLowerCase());
  const index = new Map<string, number>();
  names.forEach((n, i) => {
    if (!index.has(n)) index.set(n, i);
  });
  return { index, missing: required.filter((r) => !index.has(r)) };
}
