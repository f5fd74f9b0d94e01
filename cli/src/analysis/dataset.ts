/**
 * Reads a data file of one row per unit and one column per feature into columns of
 * raw values: CSV (header line, RFC 4180 quoting) or JSON lines (one object per line).
 * Nothing is interpreted here (missing values, numbers and types are ./features.ts's
 * job), but nothing is dropped either: a malformed line is an error naming its number.
 */
import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parseCsv } from './csv';
import { DataFileError } from './errors';
import { parseJsonLines } from './json-lines';

export type DataFormat = 'csv' | 'jsonl';

/**
 * One cell: CSV cells are always text; JSON values keep their type (null, and a key
 * absent from a line, become null).
 */
export type RawValue = string | number | boolean | null;

export interface Dataset {
  readonly file: string;
  readonly format: DataFormat;
  /** Column names in first-seen order. */
  readonly columns: readonly string[];
  /** Values per column, one per row. */
  readonly values: ReadonlyMap<string, readonly RawValue[]>;
  /** The file line each row starts on, for messages. */
  readonly lines: readonly number[];
}

const FORMAT_BY_EXTENSION: Readonly<Record<string, DataFormat>> = {
  '.csv': 'csv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** The format of `file` from its extension, or undefined when the extension says nothing. */
export function formatFromExtension(file: string): DataFormat | undefined {
  return FORMAT_BY_EXTENSION[extname(file).toLowerCase()];
}

function readText(file: string, cwd: string): string {
  try {
    return readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : `cannot be read (${code ?? 'error'})`;
    throw new DataFileError({ file, reason, cause: error });
  }
}

/**
 * Reads `file` (relative to `cwd`; messages name it as given) as `format` (default:
 * from its extension).
 */
export function readDataset(options: { file: string; cwd: string; format?: DataFormat }): Dataset {
  const { file } = options;
  const format = options.format ?? formatFromExtension(file);
  if (format === undefined) {
    throw new DataFileError({
      file,
      reason: 'unknown format: name it .csv, .jsonl or .ndjson, or pass --format csv|jsonl',
    });
  }
  const text = readText(file, options.cwd).replace(/^\uFEFF/, '');
  if (text.trim() === '') throw new DataFileError({ file, reason: 'the file is empty' });
  const table = format === 'csv' ? parseCsv({ file, text }) : parseJsonLines({ file, text });
  if (table.lines.length === 0) throw new DataFileError({ file, reason: 'the file has no rows' });
  return { file, format, ...table };
}
