import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCommandArgs, parseNumber, requireOption } from '../args';
import { CliError, EXIT, UsageError, type CliIo, type Command } from '../command';
import {
  compareDatasets,
  DEFAULT_COMPARE_SETTINGS,
  type CompareSettings,
} from '../analysis/compare';
import { renderCompareHtml } from '../analysis/compare-html';
import { renderCompareText } from '../analysis/compare-text';
import { readDataset, type DataFormat } from '../analysis/dataset';
import { unknownFeatures } from '../analysis/features';

/** `--fail-on-drift` and a feature drifted (3 is taken by EXIT.unreachable). */
export const EXIT_DRIFT = 4;

const OPTIONS = {
  reference: { type: 'string' },
  current: { type: 'string' },
  format: { type: 'string' },
  json: { type: 'boolean' },
  html: { type: 'string' },
  categorical: { type: 'string' },
  numeric: { type: 'string' },
  'threshold-p-value': { type: 'string' },
  'threshold-wasserstein': { type: 'string' },
  'threshold-psi': { type: 'string' },
  'threshold-js': { type: 'string' },
  'threshold-unseen': { type: 'string' },
  'small-window': { type: 'string' },
  'numeric-distance': { type: 'string' },
  'fail-on-drift': { type: 'boolean' },
} as const;

const USAGE = `usage: ballast drift compare --reference FILE --current FILE [options]

Compares each feature (column) of two data files, offline. Files are CSV with a header
line, or JSON lines (one object per line); the format comes from the extension
(.csv, .jsonl, .ndjson) unless --format is given.

options:
  --reference FILE            the reference window (e.g. training data)
  --current FILE              the window to check
  --format csv|jsonl          format of both files
  --json                      print the report as JSON
  --html FILE                 also write a self-contained HTML report with histograms
  --numeric a,b               treat these features as numeric
  --categorical c,d           treat these features as categorical
                              (otherwise: numeric when every value is a number)
  --threshold-p-value P       KS and chi-square: drift when p < P (default 0.05)
  --threshold-wasserstein W   Wasserstein / sd_ref: drift when > W (default 0.1)
  --threshold-psi X           PSI: drift when > X (default 0.2)
  --threshold-js X            Jensen-Shannon distance, base 2: drift when > X (default 0.1)
  --threshold-unseen X        share of current values in new categories (default 0.05)
  --small-window N            current windows with <= N values use the p-value test,
                              larger ones a distance (default 1000)
  --numeric-distance M        distance for large numeric windows:
                              wasserstein_normed (default) or psi
  --fail-on-drift             exit with code 4 when a feature drifted

The status of a feature is the verdict of its default method (numeric: KS p-value up to
--small-window values, else Wasserstein / sd_ref; categorical: chi-square p-value, else
Jensen-Shannon). Missing values (empty, null, NA, NaN, ...) and ±Infinity are counted
per feature and left out of the statistics.

exit codes: 0 compared (drift or not), 1 unreadable or unusable file,
            2 bad command line, 4 drift with --fail-on-drift`;

function list(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function format(text: string | undefined): DataFormat | undefined {
  if (text === undefined || text === 'csv' || text === 'jsonl') return text;
  throw new UsageError(`--format must be csv or jsonl, got '${text}'`);
}

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];

function settings(values: Values): CompareSettings {
  const defaults = DEFAULT_COMPARE_SETTINGS;
  const threshold = (flag: keyof Values, fallback: number, max = Infinity): number => {
    const text = values[flag];
    return typeof text === 'string' ? parseNumber(text, flag, { min: 0, max }) : fallback;
  };
  const distance = values['numeric-distance'] ?? defaults.numericDistance;
  if (distance !== 'wasserstein_normed' && distance !== 'psi') {
    throw new UsageError(`--numeric-distance must be wasserstein_normed or psi, got '${distance}'`);
  }
  const t = defaults.thresholds;
  const smallWindow = threshold('small-window', defaults.smallWindowMaxCount);
  if (!Number.isInteger(smallWindow)) {
    throw new UsageError(`--small-window must be a whole number, got ${smallWindow}`);
  }
  return {
    thresholds: {
      pValue: threshold('threshold-p-value', t.pValue, 1),
      wassersteinNormed: threshold('threshold-wasserstein', t.wassersteinNormed),
      psi: threshold('threshold-psi', t.psi),
      jensenShannon: threshold('threshold-js', t.jensenShannon, 1),
      unseenRate: threshold('threshold-unseen', t.unseenRate, 1),
    },
    smallWindowMaxCount: smallWindow,
    numericDistance: distance,
  };
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values } = parseCommandArgs(args, { options: OPTIONS });
  const referenceFile = requireOption(values.reference, 'reference');
  const currentFile = requireOption(values.current, 'current');
  const numeric = list(values.numeric);
  const categorical = list(values.categorical);
  const both = numeric.filter((n) => categorical.includes(n));
  if (both.length > 0) {
    throw new UsageError(`${both.join(', ')}: given to both --numeric and --categorical`);
  }
  const compareSettings = settings(values);
  const fileFormat = format(values.format);
  const reference = readDataset({ file: referenceFile, cwd: io.cwd, format: fileFormat });
  const current = readDataset({ file: currentFile, cwd: io.cwd, format: fileFormat });
  const unknown = unknownFeatures([...numeric, ...categorical], reference, current);
  if (unknown.length > 0) {
    throw new UsageError(
      `--numeric/--categorical name no column of either file: ${unknown.join(', ')}`,
    );
  }
  const report = compareDatasets({
    reference,
    current,
    numeric,
    categorical,
    settings: compareSettings,
  });
  if (report.features.length === 0) {
    throw new CliError(
      `the files share no feature: ${referenceFile} has ${reference.columns.join(', ')}; ${currentFile} has ${current.columns.join(', ')}`,
    );
  }
  if (values.html !== undefined) {
    try {
      writeFileSync(resolve(io.cwd, values.html), renderCompareHtml(report));
    } catch (error) {
      throw new CliError(`--html ${values.html}: cannot write (${(error as Error).message})`, {
        cause: error,
      });
    }
  }
  io.stdout.write(
    values.json === true ? `${JSON.stringify(report, null, 2)}\n` : renderCompareText(report),
  );
  return values['fail-on-drift'] === true && report.summary.drift ? EXIT_DRIFT : EXIT.ok;
}

export const driftCompare: Command = {
  path: ['drift', 'compare'],
  summary: 'compare two data files feature by feature for drift (offline)',
  usage: USAGE,
  run,
};
