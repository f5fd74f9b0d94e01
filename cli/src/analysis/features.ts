/**
 * Turns two files' raw columns into the windows the drift statistics compare: which
 * features both files share, each feature's type, and per window its usable values
 * and the values it cannot use (missing, ±Infinity), counted, never silently dropped.
 *
 * Missing: null, a key absent from a JSON line, and (trimmed) text in MISSING_TEXT.
 * Numbers: JSON numbers, and text that is a decimal number or ±Inf/Infinity.
 * Type: numeric when every non-missing value of both windows is a number (±Infinity
 * included: it is a data-quality problem of a numeric feature), else categorical;
 * --numeric / --categorical override the inference.
 */
import type { Dataset, RawValue } from './dataset';
import { DataFileError } from './errors';

export type FeatureType = 'numeric' | 'categorical';

/** Texts read as a missing value (pandas' common NA markers). */
export const MISSING_TEXT: ReadonlySet<string> = new Set([
  '',
  'NA',
  'N/A',
  'n/a',
  'NaN',
  'nan',
  'null',
  'NULL',
  'None',
]);

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const INFINITE = /^([+-]?)(inf|infinity)$/i;

type Cell =
  | { kind: 'missing' }
  | { kind: 'number'; value: number; text: string }
  | { kind: 'text'; text: string };

function classify(raw: RawValue): Cell {
  if (raw === null) return { kind: 'missing' };
  if (typeof raw === 'number') return { kind: 'number', value: raw, text: String(raw) };
  if (typeof raw === 'boolean') return { kind: 'text', text: String(raw) };
  const text = raw.trim();
  if (MISSING_TEXT.has(text)) return { kind: 'missing' };
  if (DECIMAL.test(text)) return { kind: 'number', value: Number(text), text };
  const infinite = INFINITE.exec(text);
  if (infinite) return { kind: 'number', value: infinite[1] === '-' ? -Infinity : Infinity, text };
  return { kind: 'text', text };
}

/** One window (file) of one feature. */
export interface FeatureWindow {
  /** Rows in the file. */
  readonly rows: number;
  /** Rows where the feature is missing. */
  readonly missing: number;
  /** Rows where a numeric feature is ±Infinity (always 0 for categorical ones). */
  readonly nonFinite: number;
  /** Numeric features: the finite values, in file order. */
  readonly numbers: number[];
  /** Categorical features: count per category, in first-seen order. */
  readonly categories: Record<string, number>;
}

export interface FeatureColumns {
  readonly name: string;
  readonly type: FeatureType;
  /** Whether the type was inferred from the values or given by a flag. */
  readonly typeSource: 'inferred' | 'flag';
  readonly reference: FeatureWindow;
  readonly current: FeatureWindow;
}

export interface FeatureSplit {
  readonly features: FeatureColumns[];
  readonly onlyInReference: string[];
  readonly onlyInCurrent: string[];
}

function window(options: {
  dataset: Dataset;
  cells: Cell[];
  type: FeatureType;
  name: string;
}): FeatureWindow {
  const { dataset, cells, type, name } = options;
  let missing = 0;
  let nonFinite = 0;
  const numbers: number[] = [];
  const categories: Record<string, number> = Object.create(null) as Record<string, number>;
  cells.forEach((cell, row) => {
    if (cell.kind === 'missing') {
      missing++;
    } else if (type === 'categorical') {
      categories[cell.text] = (categories[cell.text] ?? 0) + 1;
    } else if (cell.kind === 'text') {
      throw new DataFileError({
        file: dataset.file,
        line: dataset.lines[row],
        reason: `feature '${name}' is numeric (--numeric) but has the value '${cell.text}'`,
      });
    } else if (Number.isFinite(cell.value)) {
      numbers.push(cell.value);
    } else {
      nonFinite++;
    }
  });
  return { rows: cells.length, missing, nonFinite, numbers, categories };
}

function cellsOf(dataset: Dataset, name: string): Cell[] {
  return (dataset.values.get(name) ?? []).map(classify);
}

/**
 * The features of both files, typed and split into windows, and the columns only one
 * file has. `numeric` / `categorical` force types; naming a column neither file has
 * is the caller's check (see {@link unknownFeatures}).
 */
export function splitFeatures(options: {
  reference: Dataset;
  current: Dataset;
  numeric?: readonly string[];
  categorical?: readonly string[];
}): FeatureSplit {
  const { reference, current } = options;
  const inCurrent = new Set(current.columns);
  const inReference = new Set(reference.columns);
  const forced = new Map<string, FeatureType>([
    ...(options.numeric ?? []).map((n): [string, FeatureType] => [n, 'numeric']),
    ...(options.categorical ?? []).map((n): [string, FeatureType] => [n, 'categorical']),
  ]);
  const features = reference.columns
    .filter((name) => inCurrent.has(name))
    .map((name): FeatureColumns => {
      const referenceCells = cellsOf(reference, name);
      const currentCells = cellsOf(current, name);
      const allNumbers = [...referenceCells, ...currentCells].every((c) => c.kind !== 'text');
      const type = forced.get(name) ?? (allNumbers ? 'numeric' : 'categorical');
      return {
        name,
        type,
        typeSource: forced.has(name) ? 'flag' : 'inferred',
        reference: window({ dataset: reference, cells: referenceCells, type, name }),
        current: window({ dataset: current, cells: currentCells, type, name }),
      };
    });
  return {
    features,
    onlyInReference: reference.columns.filter((name) => !inCurrent.has(name)),
    onlyInCurrent: current.columns.filter((name) => !inReference.has(name)),
  };
}

/** Names in `names` that neither file has as a column. */
export function unknownFeatures(
  names: readonly string[],
  reference: Dataset,
  current: Dataset,
): string[] {
  return names.filter((n) => !reference.columns.includes(n) && !current.columns.includes(n));
}
