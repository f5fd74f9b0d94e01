import { MODEL_SHA256, manifestJson, withValue } from '../test/fixtures';
import { ManifestError } from './errors';
import { parseManifest } from './manifest';

function problemsOf(json: unknown): ManifestError['problems'] {
  try {
    parseManifest(json);
  } catch (error) {
    if (error instanceof ManifestError) return error.problems;
    throw error;
  }
  throw new Error('expected a ManifestError');
}

describe('parseManifest', () => {
  it('returns a valid manifest typed, with defaults and without unknown fields', () => {
    const json = withValue(manifestJson(), ['extra'], 'ignored');
    delete json['allowNonFinite'];
    delete json['description'];
    const manifest = parseManifest(json);
    expect(manifest.name).toBe('iris-lite');
    expect(manifest.inputs).toEqual([{ name: 'input', datatype: 'FP32', shape: [-1, 3] }]);
    expect(manifest.classes).toEqual(['no', 'yes']);
    expect(manifest.training?.metrics).toEqual({ accuracy: 0.9 });
    expect(manifest.allowNonFinite).toBe(false);
    expect('description' in manifest).toBe(false);
    expect('extra' in manifest).toBe(false);
  });

  it('accepts a regression model without classes or training', () => {
    const json = manifestJson();
    json['task'] = 'regression';
    delete json['classes'];
    delete json['training'];
    json['outputs'] = [{ name: 'variable', datatype: 'FP32', shape: [-1, 1] }];
    expect(parseManifest(json).task).toBe('regression');
  });

  it('stores the checksum in lower case', () => {
    const json = withValue(manifestJson(), ['sha256'], MODEL_SHA256.toUpperCase());
    expect(parseManifest(json).sha256).toBe(MODEL_SHA256);
  });

  it('accepts -1 for the feature dimension and for the class dimension', () => {
    const json = withValue(manifestJson(), ['inputs', 0, 'shape'], [-1, -1]);
    withValue(json, ['outputs', 0, 'shape'], [-1, -1]);
    expect(parseManifest(json).inputs[0]?.shape).toEqual([-1, -1]);
  });

  it.each<[string, (string | number)[], unknown, string, string]>([
    ['an upper-case name', ['name'], 'Iris', 'name', 'must be 1 to 64'],
    ['a traversal name', ['name'], '../x', 'name', 'must be 1 to 64'],
    ['a name of 65 characters', ['name'], 'a'.repeat(65), 'name', 'must be 1 to 64'],
    ['an empty version', ['version'], '', 'version', 'must be a non-empty string'],
    ['a version starting with a dot', ['version'], '.1', 'version', 'must be 1 to 64'],
    ['a short checksum', ['sha256'], 'abc', 'sha256', 'must be 64 hex digits'],
    ['a non-hex checksum', ['sha256'], 'g'.repeat(64), 'sha256', 'must be 64 hex digits'],
    ['an unknown task', ['task'], 'ranking', 'task', 'must be one of'],
    ['a file path', ['file'], 'sub/model.onnx', 'file', 'no path'],
    ['the manifest as model file', ['file'], 'manifest.json', 'file', '.onnx'],
    ['no inputs', ['inputs'], [], 'inputs', 'at least one'],
    ['no outputs', ['outputs'], undefined, 'outputs', 'must be an array'],
    [
      'a zero dimension',
      ['inputs', 0, 'shape', 1],
      0,
      'inputs[0].shape[1]',
      'positive integer or -1',
    ],
    [
      'a -2 dimension',
      ['inputs', 0, 'shape', 0],
      -2,
      'inputs[0].shape[0]',
      'positive integer or -1',
    ],
    [
      'a fractional dimension',
      ['outputs', 1, 'shape', 0],
      1.5,
      'outputs[1].shape[0]',
      'positive integer or -1',
    ],
    [
      'an unknown datatype',
      ['inputs', 0, 'datatype'],
      'FLOAT',
      'inputs[0].datatype',
      'must be one of',
    ],
    ['a nameless tensor', ['outputs', 1, 'name'], '', 'outputs[1].name', 'non-empty string'],
    [
      'an output named like the input',
      ['outputs', 1, 'name'],
      'input',
      'outputs[1].name',
      'used twice',
    ],
    ['a repeated feature', ['features', 2, 'name'], 'a', 'features[2].name', 'used twice'],
    [
      'an unknown feature type',
      ['features', 0, 'type'],
      'text',
      'features[0].type',
      'must be one of',
    ],
    [
      'more columns than features',
      ['inputs', 0, 'shape', 1],
      4,
      'inputs[0].shape[1]',
      'number of features (3), got 4',
    ],
    ['a repeated class', ['classes', 1], 'no', 'classes[1]', 'used twice'],
    ['a non-boolean allowNonFinite', ['allowNonFinite'], 'no', 'allowNonFinite', 'true or false'],
    ['a training block that is a string', ['training'], 'yes', 'training', 'must be an object'],
    ['a non-integer seed', ['training', 'seed'], 4.2, 'training.seed', 'integer'],
    [
      'a text metric',
      ['training', 'metrics', 'accuracy'],
      'high',
      'training.metrics.accuracy',
      'finite number',
    ],
    [
      'a metric under an odd key',
      ['training', 'metrics', 'f1 score'],
      null,
      'training.metrics["f1 score"]',
      'finite number',
    ],
    [
      'a date without a zone',
      ['training', 'trainedAt'],
      '2026-11-28 00:00',
      'training.trainedAt',
      'ISO 8601',
    ],
  ])('rejects %s', (_, path, value, field, reason) => {
    const problems = problemsOf(withValue(manifestJson(), path, value));
    expect(problems).toEqual([{ field, reason: expect.stringContaining(reason) }]);
  });

  it('checks the class count against the probabilities output', () => {
    const json = manifestJson();
    json['task'] = 'multiclass-classification';
    json['classes'] = ['a', 'b', 'c'];
    expect(problemsOf(json)).toEqual([
      { field: 'outputs[0].shape[1]', reason: 'must equal the number of classes (3), got 2' },
    ]);
  });

  it('rejects a binary model with three classes', () => {
    const json = withValue(manifestJson(), ['classes'], ['a', 'b', 'c']);
    withValue(json, ['outputs', 0, 'shape'], [-1, -1]);
    expect(problemsOf(json)).toEqual([
      { field: 'classes', reason: 'must have 2 labels for binary classification, got 3' },
    ]);
  });

  it('rejects classes on a regression model', () => {
    const json = withValue(manifestJson(), ['task'], 'regression');
    expect(problemsOf(json)).toEqual([
      { field: 'classes', reason: 'must be absent for a regression model' },
    ]);
  });

  it('does not tie features to columns when the model has several inputs', () => {
    const json = manifestJson();
    (json['inputs'] as unknown[]).push({ name: 'ids', datatype: 'INT64', shape: [-1, 7] });
    expect(parseManifest(json).inputs).toHaveLength(2);
  });

  it('lists every problem at once, each on its own line of the message', () => {
    const json = withValue(manifestJson(), ['name'], 'Bad Name');
    withValue(json, ['inputs', 0, 'shape', 1], 0);
    let error: unknown;
    try {
      parseManifest(json, { source: '/models/x/1/manifest.json' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ManifestError);
    const { problems, message, source } = error as ManifestError;
    expect(problems.map((p) => p.field)).toEqual(['name', 'inputs[0].shape[1]']);
    expect(source).toBe('/models/x/1/manifest.json');
    expect(message).toContain('invalid manifest /models/x/1/manifest.json:');
    expect(message).toContain('\n  inputs[0].shape[1]: must be a positive integer or -1');
  });

  it.each([null, [], 'manifest', 3])('rejects a document that is not an object (%p)', (json) => {
    expect(problemsOf(json)).toEqual([
      { field: '(root)', reason: expect.stringContaining('must be an object') },
    ]);
  });
});
