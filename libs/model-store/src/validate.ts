/**
 * A small checker for parsed JSON: each method validates one value, records a
 * problem under the value's field path when it is wrong, and returns the value
 * (typed) or undefined. Parsers keep going after a problem so an author sees every
 * mistake of a file at once, not one per attempt.
 */

/** One thing wrong with a document: where (`inputs[0].shape[1]`) and why. */
export interface Problem {
  readonly field: string;
  readonly reason: string;
}

/** The field name used for problems with the document as a whole. */
export const ROOT = '(root)';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The path of `key` inside `parent`: `inputs[0]`, `training.seed`, `features["petal length"]`. */
export function child(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  const part = PLAIN_KEY.test(key) ? key : `[${JSON.stringify(key)}]`;
  if (parent === '') return part;
  return part.startsWith('[') ? `${parent}${part}` : `${parent}.${part}`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a ${typeof value}`;
}

export class Checker {
  readonly problems: Problem[] = [];

  report(field: string, reason: string): undefined {
    this.problems.push({ field, reason });
    return undefined;
  }

  object(value: unknown, field: string): Record<string, unknown> | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
    return this.report(field, `must be an object, got ${describe(value)}`);
  }

  array(value: unknown, field: string): unknown[] | undefined {
    if (Array.isArray(value)) return value;
    return this.report(field, `must be an array, got ${describe(value)}`);
  }

  string(
    value: unknown,
    field: string,
    pattern?: { test: RegExp; reason: string },
  ): string | undefined {
    if (typeof value !== 'string' || value === '') {
      return this.report(field, `must be a non-empty string, got ${describe(value)}`);
    }
    if (pattern && !pattern.test.test(value)) return this.report(field, pattern.reason);
    return value;
  }

  boolean(value: unknown, field: string): boolean | undefined {
    if (typeof value === 'boolean') return value;
    return this.report(field, `must be true or false, got ${describe(value)}`);
  }

  /** A finite number (JSON has no NaN or Infinity, but a hand-built object may). */
  number(value: unknown, field: string): number | undefined {
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return this.report(field, `must be a finite number, got ${describe(value)}`);
  }

  integer(value: unknown, field: string, min = 0): number | undefined {
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= min) return value;
    return this.report(field, `must be an integer >= ${min}, got ${describe(value)}`);
  }

  oneOf<const T extends string>(
    value: unknown,
    field: string,
    values: readonly T[],
  ): T | undefined {
    if ((values as readonly unknown[]).includes(value)) return value as T;
    return this.report(field, `must be one of ${values.join(', ')}, got ${describe(value)}`);
  }

  /** An array whose items all pass `item`; undefined if the array or any item is wrong. */
  arrayOf<T>(
    value: unknown,
    field: string,
    item: (value: unknown, field: string) => T | undefined,
  ): T[] | undefined {
    const items = this.array(value, field);
    if (!items) return undefined;
    const parsed = items.map((v, i) => item(v, child(field, i)));
    return parsed.every((v) => v !== undefined) ? (parsed as T[]) : undefined;
  }

  /**
   * An object used as a map, its values all passing `item`. Built with
   * Object.fromEntries so a key such as "__proto__" stays a plain key.
   */
  recordOf<T>(
    value: unknown,
    field: string,
    item: (value: unknown, field: string) => T | undefined,
  ): Record<string, T> | undefined {
    const object = this.object(value, field);
    if (!object) return undefined;
    const entries = Object.entries(object).map(([k, v]) => [k, item(v, child(field, k))] as const);
    return entries.every(([, v]) => v !== undefined)
      ? (Object.fromEntries(entries) as Record<string, T>)
      : undefined;
  }
}
