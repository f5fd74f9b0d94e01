import { UnsafeSqlError, ident, inList, join, literal, sql } from './sql';

describe('ident', () => {
  it('quotes valid names, dotted ones part by part', () => {
    expect(ident('prediction_events').text).toBe('`prediction_events`');
    expect(ident('ballast.outcome_events').text).toBe('`ballast`.`outcome_events`');
  });

  it.each([
    'events; DROP TABLE users',
    'a`b',
    'x--',
    '1abc',
    '',
    'a.b.c',
    'name with space',
    'événements',
  ])('rejects %p', (name) => {
    expect(() => ident(name)).toThrow(UnsafeSqlError);
  });

  it('enforces a whitelist when given', () => {
    expect(ident('ks', ['ks', 'psi']).text).toBe('`ks`');
    expect(() => ident('chi2', ['ks', 'psi'])).toThrow(/not one of ks, psi/);
  });
});

describe('literal', () => {
  it.each([
    ["it's", "'it\\'s'"],
    ["x' OR 1=1 --", "'x\\' OR 1=1 --'"],
    ['back\\slash', "'back\\\\slash'"],
    ["trailing\\'", "'trailing\\\\\\''"],
    ['line\nbreak\ttab\0nul', "'line\\nbreak\\ttab\\0nul'"],
  ])('escapes the string %p', (value, expected) => {
    expect(literal(value)).toBe(expected);
  });

  it('renders numbers, booleans, null, bigints, dates and arrays', () => {
    expect(literal(1.5)).toBe('1.5');
    expect(literal(true)).toBe('1');
    expect(literal(null)).toBe('NULL');
    expect(literal(12345678901234567890n)).toBe('12345678901234567890');
    expect(literal(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)))).toBe(
      "toDateTime('2026-01-02 03:04:05', 'UTC')",
    );
    expect(literal(['a', 1, ["b'"]])).toBe("['a', 1, ['b\\'']]");
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, new Date('nope')])('refuses %p', (value) => {
    expect(() => literal(value)).toThrow(UnsafeSqlError);
  });
});

describe('sql', () => {
  it('escapes interpolated values and embeds Sql pieces as they are', () => {
    const columns = join([ident('model'), ident('version')]);
    const query = sql`SELECT ${columns} FROM ${ident('prediction_events')} WHERE model = ${"m'; DROP TABLE x --"} LIMIT ${10}`;
    expect(query.text).toBe(
      "SELECT `model`, `version` FROM `prediction_events` WHERE model = 'm\\'; DROP TABLE x --' LIMIT 10",
    );
  });
});

describe('inList', () => {
  it('renders escaped values in parentheses, for IN', () => {
    expect(sql`variant IN ${inList(['v1', "it's"])}`.text).toBe("variant IN ('v1', 'it\\'s')");
    expect(inList([1, 2]).text).toBe('(1, 2)');
  });

  it('refuses an empty list, which is not valid SQL', () => {
    expect(() => inList([])).toThrow(UnsafeSqlError);
  });
});
