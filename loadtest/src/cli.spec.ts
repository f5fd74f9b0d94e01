import {
  ArgsError,
  durationArg,
  flagArg,
  flagName,
  formatUsage,
  intArg,
  intListArg,
  parseArgs,
  parseDuration,
  rateArg,
  stringArg,
} from './cli';

const spec = {
  concurrency: intListArg({ min: 1, default: [1, 8, 64], description: 'closed-loop workers' }),
  duration: durationArg({ default: 10_000 }),
  warmup: durationArg({ default: 2_000 }),
  rate: rateArg({ default: 500 }),
  maxInFlight: intArg({ min: 1, default: 1_000 }),
  json: flagArg({ description: 'also print a RESULT_JSON line' }),
};

function problemsOf(argv: string[], s: Parameters<typeof parseArgs>[1] = spec) {
  try {
    parseArgs(argv, s);
  } catch (error) {
    if (error instanceof ArgsError) return error.problems;
    throw error;
  }
  throw new Error('expected an ArgsError');
}

describe('parseArgs', () => {
  it('reads every kind of flag', () => {
    const args = parseArgs(
      ['--concurrency', '1,8,64', '--duration', '10s', '--warmup=500ms', '--rate', '0.5', '--json'],
      spec,
    );
    expect(args).toEqual({
      concurrency: [1, 8, 64],
      duration: 10_000,
      warmup: 500,
      rate: 0.5,
      maxInFlight: 1_000,
      json: true,
    });
  });

  it('applies defaults, and a flag is false when absent', () => {
    expect(parseArgs([], spec)).toEqual({
      concurrency: [1, 8, 64],
      duration: 10_000,
      warmup: 2_000,
      rate: 500,
      maxInFlight: 1_000,
      json: false,
    });
  });

  it('turns camelCase keys into kebab-case flags', () => {
    expect(parseArgs(['--max-in-flight', '64'], spec).maxInFlight).toBe(64);
    expect(flagName('maxInFlight')).toBe('--max-in-flight');
  });

  it.each([
    [['--duration', '10'], '--duration', /needs a unit/],
    [['--duration', '10x'], '--duration', /must be a duration/],
    [['--warmup', '-1s'], '--warmup', /must be a duration/],
    [['--concurrency', '1,0'], '--concurrency', /between 1 and/],
    [['--concurrency', '1,,8'], '--concurrency', /must be an integer/],
    [['--rate', '0'], '--rate', /positive number/],
    [['--rate', 'fast'], '--rate', /positive number/],
    [['--max-in-flight', '2.5'], '--max-in-flight', /must be an integer/],
    [['--rate'], '--rate', /needs a value/],
    [['--rate', '--json'], '--rate', /needs a value/],
    [['--json=yes'], '--json', /takes no value/],
    [['--rate', '1', '--rate', '2'], '--rate', /more than once/],
    [['--speed', '3'], '--speed', /unknown flag.*--rate/],
    [['fast'], 'fast', /unexpected argument/],
  ])('rejects %p, naming %s', (argv, flag, reason) => {
    const problems = problemsOf(argv);
    expect(problems).toContainEqual({ flag, reason: expect.stringMatching(reason) });
  });

  it('reports every problem at once, in the error message too', () => {
    const problems = problemsOf(['--duration', 'soon', '--rate', '-5']);
    expect(problems.map((p) => p.flag)).toEqual(['--duration', '--rate']);
    expect(() => parseArgs(['--duration', 'soon'], spec)).toThrow(/--duration: must be a duration/);
  });

  it('requires a flag that has no default', () => {
    expect(problemsOf([], { model: stringArg() })).toEqual([
      { flag: '--model', reason: 'is required' },
    ]);
  });
});

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['10s', 10_000],
    ['1.5s', 1_500],
    ['2m', 120_000],
  ])('reads %s as %d ms', (raw, ms) => {
    expect(parseDuration(raw)).toBe(ms);
  });
});

describe('formatUsage', () => {
  it('lists each flag with its description and default', () => {
    const usage = formatUsage(spec);
    expect(usage).toMatch(/--concurrency <value>\s+closed-loop workers \(default: 1,8,64\)/);
    expect(usage).toMatch(/--duration <value>\s+\(default: 10000ms\)/);
    expect(usage).toMatch(/--json\s+also print a RESULT_JSON line$/m);
  });
});
