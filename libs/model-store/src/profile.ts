/**
 * The reference profile: summaries of a model's training data and predictions that
 * drift analysis compares live traffic with. Checked on the way in, because a
 * histogram whose counts do not add up gives a drift score that looks fine and is not.
 */
import { ProfileError } from './errors';
import type { ModelManifest } from './manifest';
import { Checker, ROOT, child } from './validate';

export interface NumericProfile {
  readonly type: 'numeric';
  /** Values present (not missing). */
  readonly count: number;
  readonly missing: number;
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
  /** `values[i]` is the `probs[i]` quantile; probs strictly inside (0, 1), ascending. */
  readonly quantiles: { readonly probs: number[]; readonly values: number[] };
  /**
   * A histogram with open tails: `counts[0]` is below `edges[0]`, `counts[i]` is in
   * [edges[i-1], edges[i]), the last count is at or above the last edge.
   */
  readonly bins: { readonly edges: number[]; readonly counts: number[] };
  /** A random sample of the values, for tests that need raw values (e.g. Kolmogorov-Smirnov). */
  readonly sample: number[];
}

export interface CategoricalProfile {
  readonly type: 'categorical';
  readonly count: number;
  readonly missing: number;
  /** Rows per category. */
  readonly frequencies: Record<string, number>;
}

export type FeatureProfile = NumericProfile | CategoricalProfile;

export interface ReferenceProfile {
  /** Rows profiled; for every feature, count + missing = rows. */
  readonly rows: number;
  readonly features: Record<string, FeatureProfile>;
  /** Per model output, the profile of its predictions on the reference data; may be empty. */
  readonly predictions: Record<string, NumericProfile>;
  /**
   * Per outcome metric (as outcome events name it, e.g. `label`), the profile of its
   * true values on the reference data (target drift); may be empty.
   */
  readonly targets: Record<string, NumericProfile>;
}

/**
 * Checks a parsed profile.json and returns it typed. With `manifest`, also checks
 * that the profile describes exactly the manifest's features, with the same types,
 * and only its outputs. Throws a {@link ProfileError} listing every problem.
 */
export function parseProfile(
  json: unknown,
  options: { manifest?: ModelManifest; source?: string } = {},
): ReferenceProfile {
  const c = new Checker();
  const doc = c.object(json, ROOT);
  if (!doc) throw new ProfileError(c.problems, options);

  const rows = c.integer(doc['rows'], 'rows');
  const features = c.recordOf(doc['features'], 'features', (v, f) => feature(c, v, f, rows));
  const predictions =
    doc['predictions'] === undefined
      ? {}
      : c.recordOf(doc['predictions'], 'predictions', (v, f) => numeric(c, v, f));
  const targets =
    doc['targets'] === undefined
      ? {}
      : c.recordOf(doc['targets'], 'targets', (v, f) => numeric(c, v, f));
  if (options.manifest) checkAgainst(c, options.manifest, doc['features'], doc['predictions']);

  if (c.problems.length > 0) throw new ProfileError(c.problems, options);
  return { rows, features, predictions, targets } as ReferenceProfile;
}

function feature(
  c: Checker,
  value: unknown,
  field: string,
  rows: number | undefined,
): FeatureProfile | undefined {
  const p = c.object(value, field);
  if (!p) return undefined;
  const profile =
    p['type'] === 'categorical'
      ? categorical(c, p, field)
      : p['type'] === 'numeric'
        ? numeric(c, p, field)
        : c.report(child(field, 'type'), 'must be "numeric" or "categorical"');
  if (profile && rows !== undefined && profile.count + profile.missing !== rows) {
    c.report(
      field,
      `count + missing must equal rows (${rows}), got ${profile.count} + ${profile.missing}`,
    );
  }
  return profile;
}

function numeric(c: Checker, value: unknown, field: string): NumericProfile | undefined {
  const p = c.object(value, field);
  if (!p) return undefined;
  const at = (key: string) => child(field, key);
  if (p['type'] !== 'numeric') return c.report(at('type'), 'must be "numeric"');
  const count = c.integer(p['count'], at('count'));
  const missing = c.integer(p['missing'], at('missing'));
  const [mean, std, min, max] = ['mean', 'std', 'min', 'max'].map((k) => c.number(p[k], at(k)));
  if (std !== undefined && std < 0) c.report(at('std'), `must be >= 0, got ${std}`);
  if (min !== undefined && max !== undefined && min > max) {
    c.report(at('max'), `must be >= min (${min}), got ${max}`);
  }
  const numbers = (v: unknown, f: string) => c.arrayOf(v, f, (n, g) => c.number(n, g));
  const quantiles = quantilesOf(c, p['quantiles'], at('quantiles'));
  const bins = binsOf(c, p['bins'], at('bins'), count);
  const sample = numbers(p['sample'], at('sample'));
  if (sample && count !== undefined && sample.length > count) {
    c.report(at('sample'), `has ${sample.length} values, more than count (${count})`);
  }
  if ([count, missing, mean, std, min, max, quantiles, bins, sample].some((x) => x === undefined)) {
    return undefined;
  }
  return {
    type: 'numeric',
    count,
    missing,
    mean,
    std,
    min,
    max,
    quantiles,
    bins,
    sample,
  } as NumericProfile;
}

function categorical(
  c: Checker,
  p: Record<string, unknown>,
  field: string,
): CategoricalProfile | undefined {
  const count = c.integer(p['count'], child(field, 'count'));
  const missing = c.integer(p['missing'], child(field, 'missing'));
  const frequencies = c.recordOf(p['frequencies'], child(field, 'frequencies'), (n, f) =>
    c.integer(n, f),
  );
  if (count === undefined || missing === undefined || !frequencies) return undefined;
  const total = Object.values(frequencies).reduce((a, b) => a + b, 0);
  if (total !== count) {
    c.report(child(field, 'frequencies'), `must add up to count (${count}), got ${total}`);
  }
  return { type: 'categorical', count, missing, frequencies };
}

function quantilesOf(
  c: Checker,
  value: unknown,
  field: string,
): NumericProfile['quantiles'] | undefined {
  const q = c.object(value, field);
  if (!q) return undefined;
  const probs = c.arrayOf(q['probs'], child(field, 'probs'), (n, f) => c.number(n, f));
  const values = c.arrayOf(q['values'], child(field, 'values'), (n, f) => c.number(n, f));
  if (!probs || !values) return undefined;
  if (probs.length === 0) c.report(child(field, 'probs'), 'must not be empty');
  if (values.length !== probs.length) {
    c.report(
      child(field, 'values'),
      `must have one value per prob (${probs.length}), got ${values.length}`,
    );
  }
  probs.forEach((p, i) => {
    const f = child(child(field, 'probs'), i);
    if (p <= 0 || p >= 1) c.report(f, `must be strictly between 0 and 1, got ${p}`);
    else if (i > 0 && p <= probs[i - 1]!)
      c.report(f, `must be greater than the one before (${probs[i - 1]})`);
  });
  values.forEach((v, i) => {
    if (i > 0 && v < values[i - 1]!) {
      c.report(child(child(field, 'values'), i), `must be >= the one before (${values[i - 1]})`);
    }
  });
  return { probs, values };
}

function binsOf(
  c: Checker,
  value: unknown,
  field: string,
  count: number | undefined,
): NumericProfile['bins'] | undefined {
  const b = c.object(value, field);
  if (!b) return undefined;
  const edges = c.arrayOf(b['edges'], child(field, 'edges'), (n, f) => c.number(n, f));
  const counts = c.arrayOf(b['counts'], child(field, 'counts'), (n, f) => c.integer(n, f));
  if (!edges || !counts) return undefined;
  if (edges.length === 0) c.report(child(field, 'edges'), 'must not be empty');
  edges.forEach((e, i) => {
    if (i > 0 && e <= edges[i - 1]!) {
      c.report(
        child(child(field, 'edges'), i),
        `must be greater than the one before (${edges[i - 1]})`,
      );
    }
  });
  // Open tails: one bin below the first edge and one above the last.
  if (counts.length !== edges.length + 1) {
    c.report(
      child(field, 'counts'),
      `must have edges + 1 (${edges.length + 1}) entries for the open tails, got ${counts.length}`,
    );
  }
  const total = counts.reduce((a, n) => a + n, 0);
  // With open tails every present value falls in some bin.
  if (count !== undefined && total !== count) {
    c.report(child(field, 'counts'), `must add up to count (${count}), got ${total}`);
  }
  return { edges, counts };
}

// Drift analysis looks features up by the manifest's names and types; a profile that
// describes other columns would silently compare nothing. Checked on the raw objects
// so a feature that is itself invalid is not also reported as missing.
function checkAgainst(
  c: Checker,
  manifest: ModelManifest,
  features: unknown,
  predictions: unknown,
): void {
  if (isObject(features)) {
    for (const f of manifest.features) {
      // Own keys only: a feature named "constructor" must not find Object's.
      const p = Object.hasOwn(features, f.name) ? features[f.name] : undefined;
      if (p === undefined) {
        c.report(child('features', f.name), 'is missing: the manifest declares this feature');
      } else if (isObject(p) && p['type'] !== f.type && isFeatureType(p['type'])) {
        c.report(
          child(child('features', f.name), 'type'),
          `must be "${f.type}" as in the manifest`,
        );
      }
    }
    const declared = new Set(manifest.features.map((f) => f.name));
    for (const name of Object.keys(features)) {
      if (!declared.has(name))
        c.report(child('features', name), 'is not a feature of the manifest');
    }
  }
  if (isObject(predictions)) {
    const outputs = new Set(manifest.outputs.map((o) => o.name));
    for (const name of Object.keys(predictions)) {
      if (!outputs.has(name)) {
        c.report(
          child('predictions', name),
          `is not an output of the manifest (${[...outputs].join(', ')})`,
        );
      }
    }
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isFeatureType(value: unknown): boolean {
  return value === 'numeric' || value === 'categorical';
}
