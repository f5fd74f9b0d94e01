import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './command';

/** Flags a command takes, in node:util parseArgs form (`{ weight: { type: 'string' } }`). */
export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

type ValueOf<S extends OptionSpec[string]> = S['type'] extends 'boolean'
  ? boolean | undefined
  : string | undefined;

/** The parsed command line: each flag's value (undefined when absent) and the positionals. */
export interface ParsedArgs<O extends OptionSpec> {
  values: { [K in keyof O]: ValueOf<O[K]> };
  positionals: string[];
}

export interface ParseOptions<O extends OptionSpec> {
  options: O;
  /** Names of the positional arguments, in order (`['model']`), for messages. */
  positionals?: readonly string[];
  /** How many positionals are required; defaults to all of them. */
  required?: number;
}

// parseArgs' messages suggest `--` tricks and do not say which command; ours name the
// flag and the fix.
function usageFromParseError(error: Error & { code?: string }): UsageError {
  const flag = /'(-[^' ]+)/.exec(error.message)?.[1] ?? 'an option';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${flag} (see --help)`);
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return error.message.includes('does not take an argument')
        ? new UsageError(`option ${flag} takes no value`)
        : new UsageError(`option ${flag} needs a value`);
    default:
      return new UsageError(error.message);
  }
}

/**
 * Parses a command's arguments strictly: an unknown flag, a flag without its value, a
 * repeated flag or a wrong number of positionals is a UsageError naming it.
 */
export function parseCommandArgs<O extends OptionSpec>(
  args: string[],
  spec: ParseOptions<O>,
): ParsedArgs<O> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args, options: spec.options, strict: true, allowPositionals: true });
  } catch (error) {
    throw usageFromParseError(error as Error);
  }
  const names = spec.positionals ?? [];
  const required = spec.required ?? names.length;
  const { positionals } = parsed;
  if (positionals.length < required)
    throw new UsageError(`missing argument <${names[positionals.length] ?? 'argument'}>`);
  if (positionals.length > names.length)
    throw new UsageError(`unexpected argument '${positionals[names.length]}'`);
  const repeated = Object.keys(spec.options).find((name) => {
    const count = args.filter((a) => a === `--${name}` || a.startsWith(`--${name}=`)).length;
    return count > 1;
  });
  if (repeated) throw new UsageError(`option --${repeated} is given more than once`);
  return parsed as unknown as ParsedArgs<O>;
}

/** A required flag's value, or a UsageError naming it. */
export function requireOption(value: string | undefined, flag: string): string {
  if (value === undefined || value === '') throw new UsageError(`option --${flag} is required`);
  return value;
}

/** A number in [min, max] from a flag's text, or a UsageError naming the flag. */
export function parseNumber(
  text: string,
  flag: string,
  range: { min?: number; max?: number } = {},
): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw new UsageError(`--${flag} must be a number, got '${text}'`);
  const { min = -Infinity, max = Infinity } = range;
  if (value < min || value > max)
    throw new UsageError(`--${flag} must be between ${min} and ${max}, got ${text}`);
  return value;
}

/** A non-negative integer (a generation, a limit) from a flag's text. */
export function parseCount(text: string, flag: string): bigint {
  if (!/^\d+$/.test(text.trim()))
    throw new UsageError(`--${flag} must be a whole number, got '${text}'`);
  return BigInt(text.trim());
}

/** Rejects flags that cannot be used together; `given` maps flag names to values. */
export function atMostOne(given: Record<string, unknown>): string | undefined {
  const present = Object.keys(given).filter((flag) => given[flag] !== undefined);
  if (present.length > 1)
    throw new UsageError(
      `options ${present.map((f) => `--${f}`).join(' and ')} cannot be used together`,
    );
  return present[0];
}
