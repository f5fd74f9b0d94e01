import type { RunResult } from './result';

/** The prefix of the machine-readable line, for scripts to grep. */
export const RESULT_JSON_PREFIX = 'RESULT_JSON ';

interface Column {
  header: string;
  align: 'left' | 'right';
  cell: (result: RunResult) => string;
}

const ms = (value: number) => value.toFixed(2);

const COLUMNS: readonly Column[] = [
  { header: 'label', align: 'left', cell: (r) => r.label },
  { header: 'mode', align: 'left', cell: (r) => r.mode },
  { header: 'conc/rate', align: 'right', cell: loadCell },
  { header: 'req/s', align: 'right', cell: (r) => r.throughputPerSec.toFixed(1) },
  { header: 'p50 ms', align: 'right', cell: (r) => ms(r.latencyMs.p50) },
  { header: 'p95 ms', align: 'right', cell: (r) => ms(r.latencyMs.p95) },
  { header: 'p99 ms', align: 'right', cell: (r) => ms(r.latencyMs.p99) },
  { header: 'max ms', align: 'right', cell: (r) => ms(r.latencyMs.max) },
  { header: 'errors', align: 'left', cell: errorsCell },
  { header: 'dropped', align: 'right', cell: (r) => String(r.dropped) },
];

function loadCell(result: RunResult): string {
  if (result.mode === 'open') return `${result.targetRate ?? '?'}/s`;
  return `c=${result.concurrency ?? '?'}`;
}

/** The total, then each class, largest first: `5 (UNAVAILABLE 3, DEADLINE_EXCEEDED 2)`. */
function errorsCell(result: RunResult): string {
  const entries = Object.entries(result.errors).sort(([, a], [, b]) => b - a);
  const total = entries.reduce((sum, [, count]) => sum + count, 0);
  if (total === 0) return '0';
  return `${total} (${entries.map(([name, count]) => `${name} ${count}`).join(', ')})`;
}

/** A plain-text table, one row per run, columns padded to line up. */
export function formatTable(results: readonly RunResult[]): string {
  const rows = [
    COLUMNS.map((c) => c.header),
    ...results.map((result) => COLUMNS.map((c) => c.cell(result))),
  ];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    COLUMNS.map((column, i) => {
      const text = row[i] ?? '';
      const width = widths[i] ?? 0;
      return column.align === 'left' ? text.padEnd(width) : text.padStart(width);
    })
      .join('  ')
      .trimEnd();
  const [header = [], ...body] = rows;
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...body.map(line)].join('\n');
}

/** The results as one line of JSON: an array of {@link RunResult}. */
export function toJson(results: readonly RunResult[]): string {
  return JSON.stringify(results);
}

export interface PrintReportOptions {
  /** Also print the results as a `RESULT_JSON ` line. */
  json: boolean;
  /** Where lines go; stdout by default. */
  write?: (line: string) => void;
}

/** Prints the table and, when asked, the `RESULT_JSON ` line after it. */
export function printReport(results: readonly RunResult[], options: PrintReportOptions): void {
  const write = options.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  write(formatTable(results));
  if (options.json) write(`${RESULT_JSON_PREFIX}${toJson(results)}`);
}
