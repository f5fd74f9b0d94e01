/**
 * Typed, validated environment configuration. A service declares what it reads once,
 * at start-up; every bad or missing variable is reported together, each by its name
 * and the reason, and the service does not start.
 */

/** Thrown by {@link loadConfig} when one or more variables are missing or invalid. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly { variable: string; reason: string }[]) {
    super(
      `invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.reason}`).join('\n')}`,
    );
  }
}

/** How one variable is parsed. `parse` throws an Error whose message is the reason. */
export interface Setting<T> {
  readonly parse: (raw: string) => T;
  /** Used when the variable is unset, in every environment. */
  readonly default?: T;
  /** Used when the variable is unset outside production (NODE_ENV !== 'production'). */
  readonly devDefault?: T;
  readonly description?: string;
}

interface SettingOptions<T> {
  default?: T;
  devDefault?: T;
  description?: string;
}

export type ConfigSpec = Record<string, Setting<unknown>>;
export type Config<S extends ConfigSpec> = {
  readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never;
};

function setting<T>(parse: (raw: string) => T, options: SettingOptions<T> = {}): Setting<T> {
  return { parse, ...options };
}

/** Any non-empty string. */
export function str(options?: SettingOptions<string>): Setting<string> {
  return setting((raw) => {
    if (raw.trim() === '') throw new Error('must not be empty');
    return raw;
  }, options);
}

/** An integer within [min, max]. */
export function int(
  options: SettingOptions<number> & { min?: number; max?: number } = {},
): Setting<number> {
  const { min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER, ...rest } = options;
  return setting((raw) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max)
      throw new Error(`must be between ${min} and ${max}, got ${value}`);
    return value;
  }, rest);
}

/** A TCP port, 1..65535 (0 when `allowEphemeral`, meaning "any free port"). */
export function port(
  options: SettingOptions<number> & { allowEphemeral?: boolean } = {},
): Setting<number> {
  const { allowEphemeral = false, ...rest } = options;
  return int({ ...rest, min: allowEphemeral ? 0 : 1, max: 65535 });
}

/** true/false, 1/0, yes/no. */
export function bool(options?: SettingOptions<boolean>): Setting<boolean> {
  return setting((raw) => {
    const value = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(value)) return true;
    if (['false', '0', 'no'].includes(value)) return false;
    throw new Error(`must be true or false, got "${raw}"`);
  }, options);
}

/** An absolute URL with one of the given protocols. */
export function url(
  options: SettingOptions<string> & { protocols?: string[] } = {},
): Setting<string> {
  const { protocols = ['http:', 'https:'], ...rest } = options;
  return setting((raw) => {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new Error(`must be an absolute URL, got "${raw}"`);
    }
    if (!protocols.includes(parsed.protocol)) {
      throw new Error(`must use ${protocols.join(' or ')}, got "${parsed.protocol}"`);
    }
    return raw;
  }, rest);
}

/** A comma-separated list of `host:port` addresses (e.g. Kafka bootstrap servers). */
export function hostPorts(options?: SettingOptions<string[]>): Setting<string[]> {
  return setting((raw) => {
    const items = raw
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (items.length === 0) throw new Error('must list at least one host:port');
    for (const item of items) {
      const match = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(item);
      if (!match || Number(match[2]) < 1 || Number(match[2]) > 65535) {
        throw new Error(`"${item}" is not a host:port`);
      }
    }
    return items;
  }, options);
}

/** A comma-separated list of non-empty items; an empty string is an empty list. */
export function list(options?: SettingOptions<string[]>): Setting<string[]> {
  return setting(
    (raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== ''),
    options,
  );
}

/** One of a fixed set of strings. */
export function oneOf<const T extends string>(
  values: readonly T[],
  options?: SettingOptions<T>,
): Setting<T> {
  return setting((raw) => {
    if (!(values as readonly string[]).includes(raw)) {
      throw new Error(`must be one of ${values.join(', ')}, got "${raw}"`);
    }
    return raw as T;
  }, options);
}

/**
 * Reads and validates every variable of `spec` from `env`. Throws a {@link ConfigError}
 * listing every problem at once, so an operator fixes them in one go.
 */
export function loadConfig<S extends ConfigSpec>(
  spec: S,
  env: NodeJS.ProcessEnv = process.env,
): Config<S> {
  const production = env['NODE_ENV'] === 'production';
  const problems: { variable: string; reason: string }[] = [];
  const result: Record<string, unknown> = {};
  for (const [variable, s] of Object.entries(spec)) {
    const raw = env[variable];
    if (raw === undefined || raw === '') {
      if (s.default !== undefined) result[variable] = s.default;
      else if (!production && s.devDefault !== undefined) result[variable] = s.devDefault;
      else
        problems.push({
          variable,
          reason:
            production && s.devDefault !== undefined ? 'is required in production' : 'is required',
        });
      continue;
    }
    try {
      result[variable] = s.parse(raw);
    } catch (error) {
      problems.push({ variable, reason: (error as Error).message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return result as Config<S>;
}
