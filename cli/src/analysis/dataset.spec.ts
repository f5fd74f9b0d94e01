import { parseCsv } from './csv';
import type { Dataset } from './dataset';
import { DataFileError } from './errors';
import { splitFeatures } from './features';
import { parseJsonLines } from './json-lines';

const file = 'data.csv';

describe('parseCsv', () => {
  it('reads quoted fields with commas, quotes and newlines, CRLF line ends and a missing last newline', () => {
    const table = parseCsv({ file, text: 'a,b\r\n"x, ""y""",1\r\n"two\nlines",\r\nz,3' });
    expect(table.columns).toEqual(['a', 'b']);
    expect(table.values.get('a')).toEqual(['x, "y"', 'two\nlines', 'z']);
    expect(table.values.get('b')).toEqual(['1', '', '3']);
    expect(table.lines).toEqual([2, 3, 5]);
  });

  it('keeps an empty line of a one-column file as an empty (missing) cell', () => {
    expect(parseCsv({ file, text: 'x\n1\n\n2\n' }).values.get('x')).toEqual(['1', '', '2']);
  });

  it.each([
    ['a,a\n1,2\n', /data\.csv:1: column 'a' appears twice/],
    ['a,\n1,2\n', /data\.csv:1: header column 2 has no name/],
    ['a,b\n1,2,3\n', /data\.csv:2: 3 field\(s\), but the header has 2/],
    ['a\n"1"x\n', /data\.csv:2: text after a closing quote/],
  ])('rejects %j', (text, message) => {
    expect(() => parseCsv({ file, text })).toThrow(DataFileError);
    expect(() => parseCsv({ file, text })).toThrow(message);
  });
});

describe('parseJsonLines', () => {
  it('fills keys absent from a line with null and skips blank lines', () => {
    const table = parseJsonLines({ file, text: '{"a":1}\n\n{"b":"x"}\n{"a":null,"b":true}\n' });
    expect(table.columns).toEqual(['a', 'b']);
    expect(table.values.get('a')).toEqual([1, null, null]);
    expect(table.values.get('b')).toEqual([null, 'x', true]);
    expect(table.lines).toEqual([1, 3, 4]);
  });

  it.each([
    ['{"a":1}\n[1]\n', /data\.csv:2: each line must be a JSON object/],
    ['{"a":{"b":1}}\n', /data\.csv:1: 'a' is an object/],
  ])('rejects %j', (text, message) => {
    expect(() => parseJsonLines({ file, text })).toThrow(message);
  });
});

function dataset(columns: Record<string, (string | number | null)[]>): Dataset {
  const values = new Map(Object.entries(columns));
  const rows = Object.values(columns)[0]?.length ?? 0;
  return {
    file,
    format: 'csv',
    columns: Object.keys(columns),
    values,
    lines: Array.from({ length: rows }, (_, i) => i + 2),
  };
}

describe('splitFeatures', () => {
  it('infers numeric only when every non-missing value of both files is a number', () => {
    const split = splitFeatures({
      reference: dataset({ n: ['1', ' 2.5 ', 'NA', '-inf'], c: ['1', '2', '3', 'x'] }),
      current: dataset({ n: [3, null, 'NaN', '1e3'], c: ['1', '', '2', '3'] }),
    });
    const [n, c] = split.features;
    expect(n).toMatchObject({ type: 'numeric', typeSource: 'inferred' });
    expect(n?.reference).toMatchObject({ rows: 4, missing: 1, nonFinite: 1, numbers: [1, 2.5] });
    expect(n?.current).toMatchObject({ missing: 2, nonFinite: 0, numbers: [3, 1000] });
    expect(c?.type).toBe('categorical');
    expect({ ...c?.current.categories }).toEqual({ '1': 1, '2': 1, '3': 1 });
    expect(c?.current.missing).toBe(1);
  });

  it('lists the columns only one file has', () => {
    const split = splitFeatures({
      reference: dataset({ a: ['1'], r: ['x'] }),
      current: dataset({ c: ['y'], a: ['2'] }),
    });
    expect(split.features.map((f) => f.name)).toEqual(['a']);
    expect(split).toMatchObject({ onlyInReference: ['r'], onlyInCurrent: ['c'] });
  });

  it('counts a category named like an Object property as a category', () => {
    const split = splitFeatures({
      reference: dataset({ c: ['__proto__', 'constructor', 'a'] }),
      current: dataset({ c: ['__proto__', 'a', 'a'] }),
    });
    expect(Object.entries(split.features[0]?.current.categories ?? {})).toEqual([
      ['__proto__', 1],
      ['a', 2],
    ]);
  });
});
