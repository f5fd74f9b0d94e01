import { closedLoop } from './generator';
import { RESULT_JSON_PREFIX, formatTable, printReport, toJson } from './report';
import type { RunResult } from './result';

const closed: RunResult = {
  label: 'infer-small',
  mode: 'closed',
  concurrency: 8,
  durationMs: 10_000,
  requests: 12_345,
  errors: { RESOURCE_EXHAUSTED: 3, UNAVAILABLE: 5 },
  dropped: 0,
  throughputPerSec: 1234.2,
  latencyMs: { p50: 1.234, p95: 4.5, p99: 9.876, p999: 20, max: 31.4159, mean: 2 },
};

const open: RunResult = {
  label: 'infer-large-model',
  mode: 'open',
  targetRate: 500,
  durationMs: 10_000,
  requests: 4_990,
  errors: {},
  dropped: 10,
  throughputPerSec: 499,
  latencyMs: { p50: 10, p95: 20, p99: 30, p999: 40, max: 50, mean: 12 },
};

describe('formatTable', () => {
  const table = formatTable([closed, open]);
  const lines = table.split('\n');

  it('has a header, a rule and one row per run', () => {
    expect(lines).toHaveLength(4);
    for (const header of ['label', 'mode', 'conc/rate', 'req/s', 'p50 ms', 'p95 ms', 'p99 ms'])
      expect(lines[0]).toContain(header);
    expect(lines[0]).toMatch(/max ms\s+errors\s+dropped$/);
    expect(lines[1]).toMatch(/^[- ]+$/);
  });

  it('shows each run: label, load, latencies to 2 decimals, errors by class, drops', () => {
    expect(lines[2]).toMatch(
      /^infer-small\s+closed\s+c=8\s+1234\.2\s+1\.23\s+4\.50\s+9\.88\s+31\.42/,
    );
    expect(lines[2]).toContain('8 (UNAVAILABLE 5, RESOURCE_EXHAUSTED 3)');
    expect(lines[3]).toMatch(/^infer-large-model\s+open\s+500\/s\s+499\.0\s+10\.00/);
    expect(lines[3]).toMatch(/\s0\s+10$/);
  });

  it('lines the columns up', () => {
    const width = lines[0]?.length;
    for (const line of lines) expect(line).toHaveLength(width ?? 0);
    const column = (line: string | undefined) => line?.indexOf('p50') ?? -1;
    const p50End = column(lines[0]) + 'p50 ms'.length;
    expect(lines[2]?.slice(0, p50End)).toMatch(/1\.23$/);
    expect(lines[3]?.slice(0, p50End)).toMatch(/10\.00$/);
  });

  it('prints just the header for no runs', () => {
    expect(formatTable([]).split('\n')).toHaveLength(2);
  });
});

describe('toJson', () => {
  it('round-trips hand-made and measured results', async () => {
    const measured = await closedLoop({
      label: 'noop',
      call: async () => {},
      concurrency: 2,
      durationMs: 60_000,
      maxRequests: 20,
    });
    const results = [closed, open, measured];
    const json = toJson(results);
    expect(json).not.toContain('\n');
    expect(JSON.parse(json)).toStrictEqual(results);
  });
});

describe('printReport', () => {
  const capture = (json: boolean) => {
    const lines: string[] = [];
    printReport([closed, open], { json, write: (line) => lines.push(line) });
    return lines;
  };

  it('prints the table alone unless JSON is asked for', () => {
    expect(capture(false)).toEqual([formatTable([closed, open])]);
  });

  it('adds a RESULT_JSON line that parses back to the results', () => {
    const [table, jsonLine = ''] = capture(true);
    expect(table).toBe(formatTable([closed, open]));
    expect(jsonLine.startsWith(RESULT_JSON_PREFIX)).toBe(true);
    expect(JSON.parse(jsonLine.slice(RESULT_JSON_PREFIX.length))).toStrictEqual([closed, open]);
  });
});
