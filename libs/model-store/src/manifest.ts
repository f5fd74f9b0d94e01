/**
 * The model manifest: what a model version takes and returns, the features behind
 * its input, and how it was trained. Everything that serves or watches a model
 * reads it, so it is checked in full before anything trusts it.
 */
import { ManifestError } from './errors';
import { Checker, ROOT, child } from './validate';

/** Open Inference Protocol tensor datatypes. */
export const TENSOR_DATATYPES = [
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
] as const;
export type TensorDatatype = (typeof TENSOR_DATATYPES)[number];

export const MODEL_TASKS = [
  'binary-classification',
  'multiclass-classification',
  'regression',
] as const;
export type ModelTask = (typeof MODEL_TASKS)[number];

export const FEATURE_TYPES = ['numeric', 'categorical'] as const;
export type FeatureType = (typeof FEATURE_TYPES)[number];

/**
 * Model and version names. They become path segments (and S3 key parts), so the
 * first character cannot be a dot: no `.`, `..` or hidden entries.
 */
export const NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const NAME_REASON = 'must be 1 to 64 of a-z 0-9 . _ -, starting with a letter or digit';

// A bare file name inside the version folder: no separators, not hidden, and never
// manifest.json or profile.json, which sit beside it.
const FILE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,122}\.onnx$/;
const SHA256_PATTERN = /^[0-9a-fA-F]{64}$/;
// ISO 8601 date-time with an explicit zone, as written by datetime.isoformat().
const DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)$/;

/** One input or output tensor; -1 in the shape means any size (e.g. the batch). */
export interface TensorSpec {
  readonly name: string;
  readonly datatype: TensorDatatype;
  readonly shape: number[];
}

/** One feature of the model's input, in the order the input's columns have them. */
export interface FeatureSpec {
  readonly name: string;
  readonly type: FeatureType;
}

export type JsonValue =
  string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** Provenance: enough to retrain the model and to compare it with its successor. */
export interface TrainingInfo {
  readonly dataset?: string;
  readonly source?: string;
  readonly algorithm?: string;
  readonly hyperparameters?: Record<string, JsonValue>;
  readonly seed?: number;
  readonly trainRows?: number;
  readonly testRows?: number;
  /** Held-out metrics, e.g. `{ accuracy: 0.97 }`. */
  readonly metrics?: Record<string, number>;
  /** ISO 8601 date-time. */
  readonly trainedAt?: string;
  readonly script?: string;
  readonly sklearnVersion?: string;
}

export interface ModelManifest {
  readonly name: string;
  readonly version: string;
  readonly description?: string;
  readonly task: ModelTask;
  /** The model file's name inside the version folder (normally `model.onnx`). */
  readonly file: string;
  /** Lower-case hex SHA-256 of the model file. */
  readonly sha256: string;
  readonly inputs: TensorSpec[];
  readonly outputs: TensorSpec[];
  readonly features: FeatureSpec[];
  /** Class labels by class index, for classifiers. */
  readonly classes?: string[];
  /** Accept NaN and ±Infinity in float inputs; false when the manifest does not say. */
  readonly allowNonFinite: boolean;
  readonly training?: TrainingInfo;
}

/** The output whose second dimension counts the classes, when a classifier has one. */
const PROBABILITIES_OUTPUT = 'probabilities';

/**
 * Checks a parsed manifest.json and returns it typed. Throws a {@link ManifestError}
 * listing every problem, each with its field path. Unknown fields are ignored, so a
 * manifest written by a newer tool still loads; they are not kept.
 */
export function parseManifest(json: unknown, options: { source?: string } = {}): ModelManifest {
  const c = new Checker();
  const doc = c.object(json, ROOT);
  if (!doc) throw new ManifestError(c.problems, options);

  const name = { test: NAME_PATTERN, reason: NAME_REASON };
  const manifest = {
    name: c.string(doc['name'], 'name', name),
    version: c.string(doc['version'], 'version', name),
    ...optional(doc, 'description', (v, f) => c.string(v, f)),
    task: c.oneOf(doc['task'], 'task', MODEL_TASKS),
    file: c.string(doc['file'], 'file', {
      test: FILE_PATTERN,
      reason:
        'must be the name of an .onnx file in the version folder (no path), e.g. "model.onnx"',
    }),
    sha256: c
      .string(doc['sha256'], 'sha256', {
        test: SHA256_PATTERN,
        reason: 'must be 64 hex digits (the SHA-256 of the model file)',
      })
      ?.toLowerCase(),
    inputs: tensors(c, doc['inputs'], 'inputs'),
    outputs: tensors(c, doc['outputs'], 'outputs'),
    features: c.arrayOf(doc['features'], 'features', (v, f) => feature(c, v, f)),
    ...optional(doc, 'classes', (v, f) => c.arrayOf(v, f, (s, g) => c.string(s, g))),
    allowNonFinite:
      doc['allowNonFinite'] === undefined
        ? false
        : c.boolean(doc['allowNonFinite'], 'allowNonFinite'),
    ...optional(doc, 'training', (v, f) => training(c, v, f)),
  };

  checkTensorNames(c, manifest.inputs, manifest.outputs);
  checkFeatures(c, manifest.features, manifest.inputs);
  checkClasses(c, manifest.task, manifest.classes, manifest.outputs);

  if (c.problems.length > 0) throw new ManifestError(c.problems, options);
  return manifest as ModelManifest;
}

/** `{ [key]: parsed }` when the field is present, `{}` when absent, so absent stays absent. */
function optional<K extends string, T>(
  doc: Record<string, unknown>,
  key: K,
  parse: (value: unknown, field: string) => T | undefined,
): { [P in K]?: T } {
  if (doc[key] === undefined) return {};
  return { [key]: parse(doc[key], key) } as { [P in K]?: T };
}

function tensors(c: Checker, value: unknown, field: string): TensorSpec[] | undefined {
  const list = c.arrayOf(value, field, (v, f) => tensor(c, v, f));
  if (list && list.length === 0) return c.report(field, 'must declare at least one tensor');
  return list;
}

function tensor(c: Checker, value: unknown, field: string): TensorSpec | undefined {
  const t = c.object(value, field);
  if (!t) return undefined;
  const name = c.string(t['name'], child(field, 'name'));
  const datatype = c.oneOf(t['datatype'], child(field, 'datatype'), TENSOR_DATATYPES);
  const shape = c.arrayOf(t['shape'], child(field, 'shape'), (d, f) =>
    Number.isSafeInteger(d) && ((d as number) >= 1 || d === -1)
      ? (d as number)
      : c.report(f, 'must be a positive integer or -1'),
  );
  if (name === undefined || datatype === undefined || shape === undefined) return undefined;
  return { name, datatype, shape };
}

function feature(c: Checker, value: unknown, field: string): FeatureSpec | undefined {
  const f = c.object(value, field);
  if (!f) return undefined;
  const name = c.string(f['name'], child(field, 'name'));
  const type = c.oneOf(f['type'], child(field, 'type'), FEATURE_TYPES);
  return name === undefined || type === undefined ? undefined : { name, type };
}

function training(c: Checker, value: unknown, field: string): TrainingInfo | undefined {
  const t = c.object(value, field);
  if (!t) return undefined;
  const text = (v: unknown, f: string) => c.string(v, f);
  const at = <T>(key: string, parse: (v: unknown, f: string) => T | undefined) =>
    optional(t, key, (v) => parse(v, child(field, key)));
  return {
    ...at('dataset', text),
    ...at('source', text),
    ...at('algorithm', text),
    ...at('hyperparameters', (v, f) => c.object(v, f) as Record<string, JsonValue> | undefined),
    ...at('seed', (v, f) => c.integer(v, f)),
    ...at('trainRows', (v, f) => c.integer(v, f, 1)),
    ...at('testRows', (v, f) => c.integer(v, f)),
    ...at('metrics', (v, f) => c.recordOf(v, f, (m, g) => c.number(m, g))),
    ...at('trainedAt', (v, f) =>
      c.string(v, f, {
        test: DATE_TIME,
        reason: 'must be an ISO 8601 date-time with a zone, e.g. "2026-11-28T00:00:00Z"',
      }),
    ),
    ...at('script', text),
    ...at('sklearnVersion', text),
  };
}

// ONNX graphs name every value once, and OIP requests address tensors by name.
function checkTensorNames(c: Checker, inputs?: TensorSpec[], outputs?: TensorSpec[]): void {
  const seen = new Set<string>();
  const check = (list: TensorSpec[] | undefined, field: string) =>
    list?.forEach((t, i) => {
      if (seen.has(t.name)) c.report(child(child(field, i), 'name'), `"${t.name}" is used twice`);
      seen.add(t.name);
    });
  check(inputs, 'inputs');
  check(outputs, 'outputs');
}

function checkFeatures(c: Checker, features?: FeatureSpec[], inputs?: TensorSpec[]): void {
  if (!features) return;
  const seen = new Set<string>();
  features.forEach((f, i) => {
    if (seen.has(f.name))
      c.report(child(child('features', i), 'name'), `"${f.name}" is used twice`);
    seen.add(f.name);
  });
  // A model whose one input is [batch, columns] takes a feature vector: a column per feature.
  const columns = inputs?.length === 1 && inputs[0]?.shape.length === 2 ? inputs[0].shape[1] : -1;
  if (columns !== undefined && columns !== -1 && columns !== features.length) {
    c.report(
      'inputs[0].shape[1]',
      `must equal the number of features (${features.length}), got ${columns}`,
    );
  }
}

function checkClasses(
  c: Checker,
  task?: ModelTask,
  classes?: string[],
  outputs?: TensorSpec[],
): void {
  if (!classes || !task) return;
  if (task === 'regression') {
    c.report('classes', 'must be absent for a regression model');
    return;
  }
  const seen = new Set<string>();
  classes.forEach((label, i) => {
    if (seen.has(label)) c.report(child('classes', i), `"${label}" is used twice`);
    seen.add(label);
  });
  if (task === 'binary-classification' && classes.length !== 2) {
    c.report('classes', `must have 2 labels for binary classification, got ${classes.length}`);
  } else if (classes.length < 2) {
    c.report('classes', `must have at least 2 labels, got ${classes.length}`);
  }
  const index = outputs?.findIndex((t) => t.name === PROBABILITIES_OUTPUT) ?? -1;
  const perClass = outputs?.[index]?.shape;
  const width = perClass?.length === 2 ? perClass[1] : undefined;
  if (width !== undefined && width !== -1 && width !== classes.length) {
    c.report(
      `outputs[${index}].shape[1]`,
      `must equal the number of classes (${classes.length}), got ${width}`,
    );
  }
}
