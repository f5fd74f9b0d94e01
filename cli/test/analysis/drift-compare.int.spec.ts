/**
 * `ballast drift compare` on committed fixtures against scipy values committed with the
 * script that made them (make_compare_reference.py), and against @ballast/stats
 * called directly. Needs no stack: in the integration project because it reads files
 * and, for the HTML report, runs Chromium.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  categoricalChiSquare,
  categoricalJensenShannon,
  ksTwoSample,
  psiFromSamples,
  wassersteinFromSamples,
} from '@ballast/stats';
import type { CompareReport, FeatureReport } from '../../src/analysis/compare';
import reference from './compare-reference.json';
import { ballast, compareFiles, expectClose, FIXTURES, useTempDir } from './run-command';

const SMALL = { reference: 'small/reference.csv', current: 'small/current.csv' };

type Expected = Record<string, Record<string, Record<string, number>>>;
const STAT = 1e-6;
const P_VALUE = 1e-4;

async function compareJson(pair: string, ...extra: string[]): Promise<CompareReport> {
  const result = await compareFiles({
    reference: `${pair}/reference.csv`,
    current: `${pair}/current.csv`,
    extra: ['--json', ...extra],
  });
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.stdout) as CompareReport;
}

function feature(report: CompareReport, name: string): FeatureReport {
  const found = report.features.find((f) => f.name === name);
  if (!found) throw new Error(`no feature ${name}`);
  return found;
}

/**
 * Every method scipy computed matches the CLI's value (statistics 1e-6, p-values 1e-4);
 * returns how many values were compared.
 */
function expectScipyValues(report: CompareReport, expected: Expected): number {
  let compared = 0;
  for (const [name, scipy] of Object.entries(expected)) {
    const f = feature(report, name);
    expect(f.type).toBe(scipy['type'] as unknown as string);
    expect({ reference: f.reference.missing, current: f.current.missing }).toEqual(
      scipy['missing'],
    );
    expect({ reference: f.reference.non_finite, current: f.current.non_finite }).toEqual(
      scipy['non_finite'],
    );
    for (const method of [
      'ks',
      'wasserstein_normed',
      'psi',
      'jensen_shannon',
      'chi_square',
      'unseen_rate',
    ]) {
      const values = scipy[method];
      if (values === undefined) continue;
      for (const [key, value] of Object.entries(values)) {
        const tolerance = key === 'p_value' ? P_VALUE : STAT;
        expectClose(f.methods[method as 'ks']?.[key], value, tolerance, `${name}.${method}.${key}`);
        compared++;
      }
    }
  }
  return compared;
}

describe('drift compare --json', () => {
  let small: CompareReport;
  beforeAll(async () => {
    small = await compareJson('small');
  });

  it('matches scipy on the small fixtures (KS, Wasserstein normed, PSI, chi-square, JS base 2)', () => {
    // numeric: KS 2, Wasserstein 3, PSI 1; categorical: chi-square 2, JS 1, PSI 1, unseen 1
    expect(expectScipyValues(small, reference.small as unknown as Expected)).toBe(2 * 6 + 2 * 5);
  });

  it('flags the shifted features by their p-value tests and only those', () => {
    const statuses = Object.fromEntries(
      small.features.map((f) => [f.name, [f.default_method, f.status]]),
    );
    expect(statuses).toEqual({
      age: ['ks', 'drift'],
      income: ['ks', 'no_drift'],
      plan: ['chi_square', 'no_drift'],
      device: ['chi_square', 'drift'],
    });
    expect(small.summary).toMatchObject({
      features_compared: 4,
      drifted: 2,
      drifted_features: ['age', 'device'],
      only_in_reference: ['only_ref'],
      only_in_current: ['only_cur'],
      drift: true,
    });
    expect(feature(small, 'device').methods.unseen_rate).toMatchObject({
      unseen_categories: ['tv'],
      verdict: 'drift',
    });
  });

  it('returns exactly what @ballast/stats computes on the same values', () => {
    // The fixtures' age and device columns have no missing values, so the raw columns are the windows.
    const age = feature(small, 'age');
    const column = (file: string, index: number): string[] =>
      readFileSync(join(FIXTURES, 'small', file), 'utf8')
        .trim()
        .split('\n')
        .slice(1)
        .map((line: string) => line.split(',')[index] as string);
    const windows = {
      reference: column('reference.csv', 0).map(Number),
      current: column('current.csv', 0).map(Number),
    };
    const ks = ksTwoSample(windows);
    const wasserstein = wassersteinFromSamples(windows);
    const psi = psiFromSamples(windows);
    if (ks.status !== 'ok' || wasserstein.status !== 'ok' || psi.status !== 'ok')
      throw new Error('insufficient');
    expect(age.methods.ks).toMatchObject({ statistic: ks.statistic, p_value: ks.pValue });
    expect(age.methods.wasserstein_normed?.['value']).toBe(wasserstein.normed);
    expect(age.methods.psi?.['value']).toBe(psi.psi);
    expect(age.histogram).toMatchObject({
      kind: 'bins',
      edges: psi.edges,
      reference_counts: psi.referenceCounts,
      current_counts: psi.currentCounts,
    });
    const counts = (labels: string[]): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const l of labels) out[l] = (out[l] ?? 0) + 1;
      return out;
    };
    const categories = {
      reference: counts(column('reference.csv', 3)),
      current: counts(column('current.csv', 3)),
    };
    const chi = categoricalChiSquare(categories);
    const js = categoricalJensenShannon(categories);
    if (chi.status !== 'ok' || js.status !== 'ok') throw new Error('insufficient');
    const device = feature(small, 'device');
    expect(device.methods.chi_square).toMatchObject({
      statistic: chi.statistic,
      p_value: chi.pValue,
    });
    expect(device.methods.jensen_shannon?.['value']).toBe(js.distance);
  });

  it('uses the PSI bins scipy/numpy fit for the numeric histograms', () => {
    for (const name of ['age', 'income']) {
      const bins = (
        reference.small as unknown as Record<string, { bins: Record<string, number[]> }>
      )[name]!.bins;
      const histogram = feature(small, name).histogram;
      expect(histogram).toMatchObject({
        reference_counts: bins['reference_counts'],
        current_counts: bins['current_counts'],
      });
      (histogram as { edges: number[] }).edges.forEach((e, i) =>
        expectClose(e, bins['edges']![i]!, 1e-12, `${name} edge ${i}`),
      );
    }
  });

  it('decides large windows by a distance, not by a p-value that is significant anyway', async () => {
    const large = await compareJson('large');
    expect(expectScipyValues(large, reference.large as unknown as Expected)).toBe(6 + 5);
    const score = feature(large, 'score');
    const channel = feature(large, 'channel');
    expect(score.methods.ks?.verdict).toBe('drift');
    expect(channel.methods.chi_square?.verdict).toBe('drift');
    expect([score.default_method, score.status]).toEqual(['wasserstein_normed', 'no_drift']);
    expect([channel.default_method, channel.status]).toEqual(['jensen_shannon', 'no_drift']);
    const stricter = await compareJson(
      'large',
      '--threshold-wasserstein',
      '0.05',
      '--threshold-js',
      '0.02',
    );
    expect(stricter.summary.drifted_features).toEqual(['score', 'channel']);
  });

  it('reads JSON lines like CSV (null as missing, "inf" as non-finite)', async () => {
    const result = await compareFiles({
      ...SMALL,
      current: 'small/current.jsonl',
      extra: ['--json'],
    });
    expect(result.code).toBe(0);
    const fromJsonl = JSON.parse(result.stdout) as CompareReport;
    expect(fromJsonl.features).toEqual(small.features);
  });

  it('forces types with --categorical / --numeric', async () => {
    const report = await compareJson('small', '--categorical', 'age');
    expect(feature(report, 'age')).toMatchObject({ type: 'categorical', type_source: 'flag' });
    expect(feature(report, 'age').methods.ks).toBeUndefined();
  });
});

describe('drift compare: exit codes and bad input', () => {
  const tempDir = useTempDir('ballast-drift-');

  const write = (name: string, text: string): string => {
    writeFileSync(join(tempDir(), name), text);
    return name;
  };
  const compare = (reference: string, current: string, ...extra: string[]) =>
    compareFiles({ reference, current, extra, cwd: tempDir() });

  it('exits 0 with drift, 4 with --fail-on-drift, and prints a table by default', async () => {
    const plain = await compareFiles(SMALL);
    expect(plain.code).toBe(0);
    expect(plain.stdout).toMatch(
      /^age\s+numeric\s+500\/400\s+0\.0%\/0\.0%\s+ks\s+p=4\.32e-8\s+< 0\.05\s+DRIFT$/m,
    );
    expect(plain.stdout).toContain('only in reference, not compared: only_ref');
    const failing = await compareFiles({ ...SMALL, extra: ['--fail-on-drift'] });
    expect(failing.code).toBe(4);
    const calm = await compareFiles({
      reference: 'large/reference.csv',
      current: 'large/current.csv',
      extra: ['--fail-on-drift'],
    });
    expect(calm.code).toBe(0);
  });

  it.each([
    [
      'a missing file',
      () => compare('nope.csv', write('c1.csv', 'x\n1\n')),
      1,
      /nope\.csv: no such file/,
    ],
    [
      'an empty file',
      () => compare(write('e.csv', ''), write('c2.csv', 'x\n1\n')),
      1,
      /e\.csv: the file is empty/,
    ],
    [
      'a header without rows',
      () => compare(write('h.csv', 'x\n'), write('c3.csv', 'x\n1\n')),
      1,
      /h\.csv: the file has no rows/,
    ],
    [
      'a short CSV line',
      () => compare(write('s.csv', 'x,y\n1,2\n3\n'), write('c4.csv', 'x\n1\n')),
      1,
      /s\.csv:3: 1 field\(s\), but the header has 2/,
    ],
    [
      'an unclosed quote',
      () => compare(write('q.csv', 'x\n1\n"2\n'), write('c5.csv', 'x\n1\n')),
      1,
      /q\.csv:3: a quoted field is never closed/,
    ],
    [
      'a bad JSON line',
      () => compare(write('r.csv', 'x\n1\n'), write('b.jsonl', '{"x": 1}\n{"x": 2,}\n')),
      1,
      /b\.jsonl:2: not valid JSON/,
    ],
    [
      'no common feature',
      () => compare(write('r2.csv', 'x\n1\n'), write('c6.csv', 'y\n1\n')),
      1,
      /share no feature/,
    ],
    [
      'text in a --numeric feature',
      () => compare(write('r3.csv', 'x\n1\nabc\n'), write('c7.csv', 'x\n1\n'), '--numeric', 'x'),
      1,
      /r3\.csv:3: feature 'x' is numeric/,
    ],
    [
      'an unknown --numeric name',
      () => compare(write('r4.csv', 'x\n1\n'), write('c8.csv', 'x\n1\n'), '--numeric', 'z'),
      2,
      /name no column of either file: z/,
    ],
    [
      'a bad threshold',
      () =>
        compare(write('r5.csv', 'x\n1\n'), write('c9.csv', 'x\n1\n'), '--threshold-psi', 'high'),
      2,
      /--threshold-psi must be a number/,
    ],
    [
      'a missing --current',
      () => ballast(['drift', 'compare', '--reference', 'x.csv'], tempDir()),
      2,
      /--current is required/,
    ],
  ])('%s is a clear error', async (_what, run, code, message) => {
    const result = await run();
    expect(result.code).toBe(code);
    expect(result.stderr).toMatch(message);
  });

  it('reports a feature with no usable values as insufficient data, not as drift', async () => {
    const result = await compare(
      write('r6.csv', 'x,y\n1,a\n2,b\n'),
      write('c10.csv', 'x,y\nNA,a\ninf,b\n'),
      '--json',
    );
    expect(result.code).toBe(0);
    const x = feature(JSON.parse(result.stdout) as CompareReport, 'x');
    expect(x).toMatchObject({
      status: 'insufficient_data',
      current: { missing: 1, non_finite: 1, values: 0 },
    });
    expect(x.reason).toMatch(/current window has no finite values/);
  });
});
