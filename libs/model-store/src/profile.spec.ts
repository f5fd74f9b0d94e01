import { manifestJson, numericProfileJson, profileJson, withValue } from '../test/fixtures';
import { ProfileError } from './errors';
import { parseManifest } from './manifest';
import { parseProfile } from './profile';

function problemsOf(json: unknown, options?: Parameters<typeof parseProfile>[1]) {
  try {
    parseProfile(json, options);
  } catch (error) {
    if (error instanceof ProfileError) return error.problems;
    throw error;
  }
  throw new Error('expected a ProfileError');
}

const A = ['features', 'a'];

describe('parseProfile', () => {
  it('returns a valid profile typed', () => {
    const profile = parseProfile(profileJson());
    expect(profile.rows).toBe(10);
    expect(profile.features['a']).toEqual(numericProfileJson());
    expect(profile.predictions['probabilities']?.bins.counts).toEqual([0, 5, 4, 1]);
    expect(profile.targets).toEqual({});
  });

  it('reads a targets block: per outcome metric, a numeric profile', () => {
    const profile = parseProfile(
      withValue(profileJson(), ['targets'], { label: numericProfileJson() }),
    );
    expect(profile.targets['label']).toEqual(numericProfileJson());
  });

  it('reads a categorical feature and treats an absent predictions block as empty', () => {
    const json = profileJson();
    json['features'] = {
      colour: { type: 'categorical', count: 9, missing: 1, frequencies: { red: 4, blue: 5 } },
    };
    delete json['predictions'];
    const profile = parseProfile(json);
    expect(profile.features['colour']).toMatchObject({ frequencies: { red: 4, blue: 5 } });
    expect(profile.predictions).toEqual({});
  });

  it('keeps a "__proto__" category as a plain key', () => {
    const json = JSON.parse(
      '{"rows":3,"features":{"c":{"type":"categorical","count":3,"missing":0,"frequencies":{"__proto__":3}}}}',
    );
    const profile = parseProfile(json);
    const frequencies = (profile.features['c'] as { frequencies: Record<string, number> })
      .frequencies;
    expect(Object.keys(frequencies)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(frequencies)).toBe(Object.prototype);
  });

  it.each<[string, (string | number)[], unknown, string, string]>([
    ['negative rows', ['rows'], -1, 'rows', 'integer >= 0'],
    [
      'an unknown feature type',
      [...A, 'type'],
      'text',
      'features.a.type',
      '"numeric" or "categorical"',
    ],
    ['a negative std', [...A, 'std'], -0.1, 'features.a.std', 'must be >= 0'],
    ['min above max', [...A, 'min'], 2, 'features.a.max', 'must be >= min (2)'],
    ['a missing mean', [...A, 'mean'], undefined, 'features.a.mean', 'finite number'],
    [
      'edges out of order',
      [...A, 'bins', 'edges'],
      [0, 1, 0.5],
      'features.a.bins.edges[2]',
      'greater than the one before',
    ],
    [
      'repeated edges',
      [...A, 'bins', 'edges'],
      [0, 0, 1],
      'features.a.bins.edges[1]',
      'greater than the one before',
    ],
    [
      'counts without the open tails',
      [...A, 'bins', 'counts'],
      [5, 5],
      'features.a.bins.counts',
      'edges + 1 (4)',
    ],
    [
      'counts that do not add up',
      [...A, 'bins', 'counts'],
      [0, 5, 4, 2],
      'features.a.bins.counts',
      'add up to count (10), got 11',
    ],
    [
      'a fractional count',
      [...A, 'bins', 'counts', 0],
      0.5,
      'features.a.bins.counts[0]',
      'integer',
    ],
    [
      'a quantile prob of 0',
      [...A, 'quantiles', 'probs', 0],
      0,
      'features.a.quantiles.probs[0]',
      'strictly between 0 and 1',
    ],
    [
      'a quantile prob of 1',
      [...A, 'quantiles', 'probs', 2],
      1,
      'features.a.quantiles.probs[2]',
      'strictly between 0 and 1',
    ],
    [
      'quantile probs out of order',
      [...A, 'quantiles', 'probs'],
      [0.5, 0.25, 0.75],
      'features.a.quantiles.probs[1]',
      'greater than the one before',
    ],
    [
      'decreasing quantile values',
      [...A, 'quantiles', 'values'],
      [0.2, 0.1, 0.8],
      'features.a.quantiles.values[1]',
      '>= the one before',
    ],
    [
      'a value per prob missing',
      [...A, 'quantiles', 'values'],
      [0.2, 0.5],
      'features.a.quantiles.values',
      'one value per prob (3)',
    ],
    [
      'a sample larger than count',
      [...A, 'sample'],
      new Array(11).fill(0.5),
      'features.a.sample',
      'more than count (10)',
    ],
    [
      'count + missing not rows',
      [...A, 'missing'],
      1,
      'features.a',
      'count + missing must equal rows (10)',
    ],
    [
      'a categorical prediction',
      ['predictions', 'probabilities', 'type'],
      'categorical',
      'predictions.probabilities.type',
      'must be "numeric"',
    ],
    [
      'a categorical target',
      ['targets'],
      { label: { type: 'categorical', count: 10, missing: 0, frequencies: { x: 10 } } },
      'targets.label.type',
      'must be "numeric"',
    ],
  ])('rejects %s', (_, path, value, field, reason) => {
    const problems = problemsOf(withValue(profileJson(), path, value));
    expect(problems).toEqual([{ field, reason: expect.stringContaining(reason) }]);
  });

  it('rejects categorical frequencies that do not add up to count', () => {
    const json = withValue(profileJson(), ['features', 'b'], {
      type: 'categorical',
      count: 10,
      missing: 0,
      frequencies: { x: 3, y: 3 },
    });
    expect(problemsOf(json)).toEqual([
      { field: 'features.b.frequencies', reason: 'must add up to count (10), got 6' },
    ]);
  });

  it('names features with odd names by a quoted key', () => {
    const json = profileJson();
    json['features'] = { 'petal length (cm)': withValue(numericProfileJson(), ['std'], -1) };
    expect(problemsOf(json)).toEqual([
      { field: 'features["petal length (cm)"].std', reason: 'must be >= 0, got -1' },
    ]);
  });

  describe('against a manifest', () => {
    const manifest = parseManifest(manifestJson());

    it('accepts a profile of exactly its features and outputs', () => {
      expect(parseProfile(profileJson(), { manifest }).features).toHaveProperty('c');
    });

    it('reports missing, extra and retyped features and unknown outputs together', () => {
      const json = profileJson();
      const features = json['features'] as Record<string, unknown>;
      delete features['a'];
      features['z'] = numericProfileJson();
      features['b'] = { type: 'categorical', count: 10, missing: 0, frequencies: { x: 10 } };
      withValue(json, ['predictions', 'score'], numericProfileJson());
      expect(problemsOf(json, { manifest })).toEqual([
        { field: 'features.a', reason: 'is missing: the manifest declares this feature' },
        { field: 'features.b.type', reason: 'must be "numeric" as in the manifest' },
        { field: 'features.z', reason: 'is not a feature of the manifest' },
        {
          field: 'predictions.score',
          reason: 'is not an output of the manifest (probabilities, label)',
        },
      ]);
    });

    it('finds a missing feature whose name is also an Object property', () => {
      const json = withValue(manifestJson(), ['features', 2, 'name'], 'constructor');
      expect(problemsOf(profileJson(), { manifest: parseManifest(json) })).toEqual([
        { field: 'features.constructor', reason: expect.stringContaining('is missing') },
        { field: 'features.c', reason: 'is not a feature of the manifest' },
      ]);
    });
  });
});
