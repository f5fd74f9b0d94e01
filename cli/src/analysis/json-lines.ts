/**
 * JSON lines (also called NDJSON): one JSON object per line, keys are columns. A key
 * absent from a line is a missing value there; blank lines are skipped (they hold no
 * row). A line that is not a JSON object, or holds an array or object as a value, is
 * an error with its line number.
 */
import { DataFileError } from './errors';
import type { RawValue } from './dataset';

function isRawValue(value: unknown): value is RawValue {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}

export function parseJsonLines(options: { file: string; text: string }): {
  columns: string[];
  values: Map<string, RawValue[]>;
  lines: number[];
} {
  const { file } = options;
  const values = new Map<string, RawValue[]>();
  const lines: number[] = [];
  options.text.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1;
    if (text.trim() === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new DataFileError({
        file,
        line,
        reason: `not valid JSON (${(error as Error).message})`,
        cause: error,
      });
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new DataFileError({ file, line, reason: 'each line must be a JSON object' });
    }
    const row = lines.length;
    for (const [key, value] of Object.entries(parsed)) {
      if (!isRawValue(value)) {
        throw new DataFileError({
          file,
          line,
          reason: `'${key}' is an ${Array.isArray(value) ? 'array' : 'object'}; features must be numbers, strings, booleans or null`,
        });
      }
      let column = values.get(key);
      if (column === undefined) {
        // A column first seen on a later line was missing on the earlier ones.
        column = new Array<RawValue>(row).fill(null);
        values.set(key, column);
      }
      column.push(value);
    }
    lines.push(line);
    for (const column of values.values()) if (column.length === row) column.push(null);
  });
  return { columns: [...values.keys()], values, lines };
}
