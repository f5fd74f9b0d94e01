import { atMostOne, parseCommandArgs, parseCount, parseNumber, requireOption } from './args';
import { usageMessage } from '../test/usage-message';

const options = { weight: { type: 'string' }, json: { type: 'boolean' } } as const;

describe('parseCommandArgs', () => {
  it('returns flag values and positionals', () => {
    const parsed = parseCommandArgs(['m1', '--weight', '0.1', '--json'], {
      options,
      positionals: ['model'],
    });
    expect(parsed.values).toEqual({ weight: '0.1', json: true });
    expect(parsed.positionals).toEqual(['m1']);
  });

  it('names an unknown flag', () => {
    expect(usageMessage(() => parseCommandArgs(['--wieght', '1'], { options }))).toBe(
      'unknown option --wieght (see --help)',
    );
  });

  it('names a flag whose value is missing, at the end or before another flag', () => {
    expect(usageMessage(() => parseCommandArgs(['--weight'], { options }))).toBe(
      'option --weight needs a value',
    );
    expect(usageMessage(() => parseCommandArgs(['--weight', '--json'], { options }))).toBe(
      'option --weight needs a value',
    );
  });

  it('names a boolean flag given a value', () => {
    expect(usageMessage(() => parseCommandArgs(['--json=yes'], { options }))).toBe(
      'option --json takes no value',
    );
  });

  it('names a missing or an extra positional', () => {
    expect(usageMessage(() => parseCommandArgs([], { options, positionals: ['model'] }))).toBe(
      'missing argument <model>',
    );
    expect(
      usageMessage(() => parseCommandArgs(['a', 'b'], { options, positionals: ['model'] })),
    ).toBe("unexpected argument 'b'");
    expect(
      parseCommandArgs([], { options, positionals: ['model'], required: 0 }).positionals,
    ).toEqual([]);
  });

  it('refuses a flag given twice rather than keeping one silently', () => {
    expect(
      usageMessage(() => parseCommandArgs(['--weight', '0.1', '--weight=0.2'], { options })),
    ).toBe('option --weight is given more than once');
  });
});

describe('value parsers', () => {
  it('parseNumber takes numbers in range and names the flag otherwise', () => {
    expect(parseNumber('0.25', 'weight', { min: 0, max: 1 })).toBe(0.25);
    expect(parseNumber('1', 'weight', { min: 0, max: 1 })).toBe(1);
    expect(usageMessage(() => parseNumber('ten', 'weight'))).toBe(
      "--weight must be a number, got 'ten'",
    );
    expect(usageMessage(() => parseNumber('', 'weight'))).toBe("--weight must be a number, got ''");
    expect(usageMessage(() => parseNumber('1.5', 'weight', { min: 0, max: 1 }))).toBe(
      '--weight must be between 0 and 1, got 1.5',
    );
    expect(usageMessage(() => parseNumber('NaN', 'weight'))).toMatch(/must be a number/);
  });

  it('parseCount takes whole numbers only', () => {
    expect(parseCount('12', 'limit')).toBe(12n);
    expect(usageMessage(() => parseCount('-1', 'limit'))).toBe(
      "--limit must be a whole number, got '-1'",
    );
    expect(usageMessage(() => parseCount('2.5', 'limit'))).toMatch(/whole number/);
  });

  it('requireOption and atMostOne name the flags', () => {
    expect(usageMessage(() => requireOption(undefined, 'model'))).toBe(
      'option --model is required',
    );
    expect(atMostOne({ version: undefined, variant: 'b' })).toBe('variant');
    expect(usageMessage(() => atMostOne({ version: '1', variant: 'b' }))).toBe(
      'options --version and --variant cannot be used together',
    );
  });
});
