/**
 * A small, valid model version for the unit tests: three numeric features, a binary
 * classifier. Each call returns fresh objects, so a test can change them freely.
 */
import { createHash } from 'node:crypto';

export const MODEL_BYTES = new TextEncoder().encode('stand-in for an ONNX graph');
export const MODEL_SHA256 = createHash('sha256').update(MODEL_BYTES).digest('hex');

export function manifestJson(name = 'iris-lite', version = '1'): Record<string, unknown> {
  return {
    name,
    version,
    description: 'test model',
    task: 'binary-classification',
    file: 'model.onnx',
    sha256: MODEL_SHA256,
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3] }],
    outputs: [
      { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      { name: 'label', datatype: 'INT64', shape: [-1] },
    ],
    features: [
      { name: 'a', type: 'numeric' },
      { name: 'b', type: 'numeric' },
      { name: 'c', type: 'numeric' },
    ],
    classes: ['no', 'yes'],
    allowNonFinite: false,
    training: {
      dataset: 'synthetic',
      algorithm: 'LogisticRegression',
      hyperparameters: { C: 1, penalty: 'l2' },
      seed: 42,
      trainRows: 10,
      testRows: 4,
      metrics: { accuracy: 0.9 },
      trainedAt: '2026-11-28T00:00:00Z',
    },
  };
}

export function numericProfileJson(): Record<string, unknown> {
  return {
    type: 'numeric',
    count: 10,
    missing: 0,
    mean: 0.5,
    std: 0.3,
    min: 0,
    max: 1,
    quantiles: { probs: [0.25, 0.5, 0.75], values: [0.2, 0.5, 0.8] },
    bins: { edges: [0, 0.5, 1], counts: [0, 5, 4, 1] },
    sample: [0, 0.1, 0.5, 1],
  };
}

export function profileJson(): Record<string, unknown> {
  return {
    rows: 10,
    features: { a: numericProfileJson(), b: numericProfileJson(), c: numericProfileJson() },
    predictions: { probabilities: numericProfileJson() },
  };
}

/**
 * Returns `doc` with the value at `path` replaced (or removed, for undefined), so
 * a test states exactly the one thing it breaks.
 */
export function withValue<T extends object>(
  doc: T,
  path: readonly (string | number)[],
  value: unknown,
): T {
  let node = doc as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = value;
  return doc;
}
