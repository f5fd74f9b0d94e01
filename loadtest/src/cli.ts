/**
 * Flags for benchmark scripts: `--concurrency 1,8,64 --duration 10s --rate 500 --json`.
 * Every problem is reported together, each naming its flag and the reason.
 */

/** How one flag is read. `parse` throws an Error whose message is the reason. */
export interface ArgSpec<T> {
  /** A `flag` takes no value and is `true` when present, `false` when absent. */
  readonly kind: 'flag' | 'value';
  readonly parse: (raw: string) => T;
  readonly default?: T;
  readonly description?: string;
  /** Shows the default in usage text. A method, so that any ArgSpec<T> is an ArgSpec<unknown>. */
  format?(value: T): string;
}

export type ArgsSpec = Record<string, ArgSpec<unknown>>;
export type Args<S extends ArgsSpec> = {
  readonly [K in keyof S]: S[K] extends ArgSpec<infer T> ? T : never;
};

interface ArgOptions<T> {
  default?: T;
  description?: string;
}

/** Thrown by {@link parseArgs} with every bad, unknown or missing flag. */
export class ArgsError extends Error {
  override readonly name = 'ArgsError';
  constructor(readonly problems: readonly { flag: string; reason: string }[]) {
    super(`invalid arguments:\n${problems.map((p) => `  ${p.flag}: ${p.reason}`).join('\n')}`);
  }
}

/** `--json`: present or not. */
export function flagArg(options: { description?: string } = {}): ArgSpec<boolean> {
  return {
    kind: 'flag',
    parse: () => true,
    default: false,
    ...options,
  };
}

export function stringArg(options: ArgOptions<string> = {}): ArgSpec<string> {
  return {
    kind: 'value',
    parse: (raw) => {
      if (raw.trim() === '') throw new Error('must not be empty');
      return raw;
    },
    ...options,
  };
}

/** An integer within [min, max]. */
export function intArg(
  options: ArgOptions<number> & { min?: number; max?: number } = {},
): ArgSpec<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, ...rest } = options;
  return { kind: 'value', parse: (raw) => parseInteger(raw, min, max), ...rest };
}

/** Comma-separated integers within [min, max]: `1,8,64`. */
export function intListArg(
  options: ArgOptions<number[]> & { min?: number; max?: number } = {},
): ArgSpec<number[]> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, ...rest } = options;
  return {
    kind: 'value',
    parse: (raw) => raw.split(',').map((item) => parseInteger(item, min, max)),
    format: (value) => value.join(','),
    ...rest,
  };
}

/** Calls per second: any positive number, fractions included (`0.5` is one call every 2 s). */
export function rateArg(options: ArgOptions<number> = {}): ArgSpec<number> {
  return {
    kind: 'value',
    parse: (raw) => {
      const value = Number(raw.trim());
      if (raw.trim() === '' || !Number.isFinite(value) || value <= 0)
        throw new Error(`must be a positive number of calls per second, got "${raw}"`);
      return value;
    },
    ...options,
  };
}

/** A duration in milliseconds, written with its unit: `500ms`, `10s`, `1.5m`. */
export function durationArg(options: ArgOptions<number> = {}): ArgSpec<number> {
  return { kind: 'value', parse: parseDuration, format: (ms) => `${ms}ms`, ...options };
}

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000 } as const;

/** `500ms`, `10s`, `1.5m` → milliseconds. A bare number is refused: `10` is ambiguous. */
export function parseDuration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(raw.trim());
  if (!match) throw new Error(`must be a duration such as 500ms, 10s or 2m, got "${raw}"`);
  const [, amount = '', unit] = match;
  if (unit === undefined) throw new Error(`needs a unit (ms, s or m), got "${raw}"`);
  return Math.round(Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS]);
}

function parseInteger(raw: string, min: number, max: number): number {
  const text = raw.trim();
  if (!/^-?\d+$/.test(text)) throw new Error(`must be an integer, got "${raw}"`);
  const value = Number(text);
  if (value < min || value > max)
    throw new Error(`must be between ${min} and ${max}, got ${value}`);
  return value;
}

/** `maxInFlight` → `--max-in-flight`. */
export function flagName(key: string): string {
  return `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/**
 * Reads `argv` (without the node and script paths) against `spec`, whose camelCase keys
 * are the kebab-case flags. Values follow the flag (`--rate 500`) or an `=` (`--rate=500`).
 */
export function parseArgs<S extends ArgsSpec>(argv: readonly string[], spec: S): Args<S> {
  const byFlag = new Map(Object.keys(spec).map((key) => [flagName(key), key]));
  const raw = new Map<string, string>();
  const problems: { flag: string; reason: string }[] = [];

  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    const key = byFlag.get(flag);
    const argSpec = key === undefined ? undefined : spec[key];
    if (!flag.startsWith('--')) {
      problems.push({ flag: arg, reason: 'unexpected argument: flags start with --' });
    } else if (key === undefined || argSpec === undefined) {
      problems.push({ flag, reason: `unknown flag (known: ${[...byFlag.keys()].join(', ')})` });
    } else if (raw.has(key)) {
      problems.push({ flag, reason: 'given more than once' });
    } else if (argSpec.kind === 'flag') {
      if (inline === undefined) raw.set(key, '');
      else problems.push({ flag, reason: `takes no value, got "${inline}"` });
    } else if (inline !== undefined) {
      raw.set(key, inline);
    } else {
      const next = argv[i + 1];
      if (next === undefined || next.startsWith('--')) {
        problems.push({ flag, reason: 'needs a value' });
      } else {
        raw.set(key, next);
        i += 1;
      }
    }
  }

  const values: Record<string, unknown> = {};
  for (const [key, arg] of Object.entries(spec)) {
    const given = raw.get(key);
    if (given === undefined) {
      if (arg.default === undefined) problems.push({ flag: flagName(key), reason: 'is required' });
      else values[key] = arg.default;
      continue;
    }
    try {
      values[key] = arg.parse(given);
    } catch (error) {
      problems.push({ flag: flagName(key), reason: (error as Error).message });
    }
  }
  if (problems.length > 0) throw new ArgsError(problems);
  return values as Args<S>;
}

/** One line per flag, with its description and default, for `--help`. */
export function formatUsage(spec: ArgsSpec): string {
  const lines = Object.entries(spec).map(([key, arg]) => {
    const name = arg.kind === 'flag' ? flagName(key) : `${flagName(key)} <value>`;
    const shown =
      arg.default === undefined || arg.kind === 'flag'
        ? ''
        : ` (default: ${arg.format ? arg.format(arg.default) : String(arg.default)})`;
    return { name, text: `${arg.description ?? ''}${shown}`.trim() };
  });
  const width = Math.max(0, ...lines.map((l) => l.name.length));
  return lines.map((l) => `  ${l.name.padEnd(width)}  ${l.text}`.trimEnd()).join('\n');
}
