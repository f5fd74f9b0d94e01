import {
  ConfigError,
  bool,
  hostPorts,
  int,
  list,
  loadConfig,
  oneOf,
  port,
  str,
  url,
} from './config';

function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  const spec = {
    GRPC_PORT: port({ default: 8001 }),
    KAFKA_BROKERS: hostPorts({ devDefault: ['127.0.0.1:9092'] }),
    LOG_LEVEL: oneOf(['debug', 'info', 'warn', 'error'] as const, { default: 'info' }),
  };

  it('parses typed values and applies defaults', () => {
    const config = loadConfig(spec, { GRPC_PORT: '9000', KAFKA_BROKERS: 'a:1, b:2' });
    expect(config).toEqual({ GRPC_PORT: 9000, KAFKA_BROKERS: ['a:1', 'b:2'], LOG_LEVEL: 'info' });
  });

  it('reads an unset list as its default', () => {
    expect(loadConfig({ MODELS: list({ default: [] }) }, {})).toEqual({ MODELS: [] });
  });

  it('uses development defaults only outside production', () => {
    expect(loadConfig(spec, {}).KAFKA_BROKERS).toEqual(['127.0.0.1:9092']);
    expect(problemsOf(() => loadConfig(spec, { NODE_ENV: 'production' }))).toEqual([
      { variable: 'KAFKA_BROKERS', reason: 'is required in production' },
    ]);
  });

  it('reports every bad variable by name with its reason', () => {
    const problems = problemsOf(() =>
      loadConfig(spec, { GRPC_PORT: '70000', KAFKA_BROKERS: 'nohost', LOG_LEVEL: 'loud' }),
    );
    expect(problems).toEqual([
      { variable: 'GRPC_PORT', reason: 'must be between 1 and 65535, got 70000' },
      { variable: 'KAFKA_BROKERS', reason: '"nohost" is not a host:port' },
      { variable: 'LOG_LEVEL', reason: 'must be one of debug, info, warn, error, got "loud"' },
    ]);
  });

  it('puts every problem in the error message', () => {
    expect(() => loadConfig({ A: str(), B: int() }, { B: '1.5' })).toThrow(
      /A: is required\n {2}B: must be an integer, got "1.5"/,
    );
  });
});

describe('settings', () => {
  it.each([
    [bool(), 'yes', true],
    [bool(), '0', false],
    [int({ min: 1 }), '42', 42],
    [url(), 'http://127.0.0.1:8123', 'http://127.0.0.1:8123'],
    [port({ allowEphemeral: true }), '0', 0],
    [list(), ' a, b ,,c ', ['a', 'b', 'c']],
  ])('%#: accepts %s', (setting, raw, expected) => {
    expect(setting.parse(raw)).toEqual(expected);
  });

  it.each([
    [bool(), 'maybe', 'must be true or false'],
    [int(), '12abc', 'must be an integer'],
    [url(), 'ftp://x', 'must use http: or https:'],
    [url(), 'not a url', 'must be an absolute URL'],
    [port(), '0', 'must be between 1 and 65535'],
    [str(), '   ', 'must not be empty'],
  ])('%#: rejects %s', (setting, raw, reason) => {
    expect(() => setting.parse(raw)).toThrow(reason);
  });
});
