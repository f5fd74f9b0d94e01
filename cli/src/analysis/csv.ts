/**
 * CSV per RFC 4180: comma-separated, a header line of column names, fields optionally
 * in double quotes (a quoted field may hold commas, newlines and "" for a quote),
 * CRLF or LF line ends. Every record must have as many fields as the header: a short
 * or long line is an error with its line number, never padded or cut.
 */
import { DataFileError } from './errors';
import type { RawValue } from './dataset';

interface CsvRecord {
  fields: string[];
  line: number;
}

/** Splits `text` into records, each with the line it starts on. */
function records(file: string, text: string): CsvRecord[] {
  const out: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let start = 1;
  let i = 0;
  const endRecord = (): void => {
    fields.push(field);
    out.push({ fields, line: start });
    fields = [];
    field = '';
  };
  while (i < text.length) {
    const ch = text[i] as string;
    if (ch === '"' && field === '') {
      // A quoted field runs to the next quote not followed by another quote.
      const opened = line;
      i++;
      for (;;) {
        if (i >= text.length) {
          throw new DataFileError({ file, line: opened, reason: 'a quoted field is never closed' });
        }
        const q = text[i] as string;
        if (q === '"' && text[i + 1] === '"') {
          field += '"';
          i += 2;
        } else if (q === '"') {
          i++;
          break;
        } else {
          if (q === '\n') line++;
          field += q;
          i++;
        }
      }
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new DataFileError({ file, line, reason: 'text after a closing quote' });
      }
      continue;
    }
    if (ch === ',') {
      fields.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRecord();
      line++;
      start = line;
    } else {
      field += ch;
    }
    i++;
  }
  // The last line may or may not end with a newline.
  if (field !== '' || fields.length > 0) endRecord();
  return out;
}

/** Columns of a CSV text with a header line. */
export function parseCsv(options: { file: string; text: string }): {
  columns: string[];
  values: Map<string, RawValue[]>;
  lines: number[];
} {
  const { file } = options;
  const [header, ...rows] = records(file, options.text);
  if (header === undefined) throw new DataFileError({ file, reason: 'the file is empty' });
  const columns = header.fields.map((name) => name.trim());
  const seen = new Set<string>();
  columns.forEach((name, index) => {
    if (name === '') {
      throw new DataFileError({ file, line: 1, reason: `header column ${index + 1} has no name` });
    }
    if (seen.has(name)) {
      throw new DataFileError({ file, line: 1, reason: `column '${name}' appears twice` });
    }
    seen.add(name);
  });
  const values = new Map<string, RawValue[]>(columns.map((name) => [name, []]));
  const lines: number[] = [];
  for (const row of rows) {
    if (row.fields.length !== columns.length) {
      throw new DataFileError({
        file,
        line: row.line,
        reason: `${row.fields.length} field(s), but the header has ${columns.length}`,
      });
    }
    columns.forEach((name, index) => values.get(name)?.push(row.fields[index] as string));
    lines.push(row.line);
  }
  return { columns, values, lines };
}
