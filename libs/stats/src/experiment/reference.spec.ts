// Experiment statistics against SciPy and statsmodels on the same data:
// ../../reference/experiment.json, written by ../../reference/make_experiment_reference.py.
// The functions get only the sufficient statistics of the data the reference saw.
// Statistics, intervals and p-values must agree to 1e-6 relative (p-values 1e-12
// absolute when tiny); sample sizes exactly.
import reference from '../../reference/experiment.json';
import type { Alternative, Comparison } from './comparison.js';
import { compareMeansCuped } from './cuped.js';
import type { InsufficientExperimentData } from './errors.js';
import { compareMeans } from './means.js';
import { adjustPValues } from './multiple-testing.js';
import { mdeForMeans, sampleSizeForMeans, tTestPower } from './planning-means.js';
import { sampleSizeForProportions } from './planning-proportions.js';
import { planningSettings } from './planning.js';
import { compareProportions } from './proportions.js';
import { compareRatios } from './ratio.js';
import { sampleRatioMismatch } from './sample-ratio.js';
import { sequentialCompareMeans } from './sequential.js';

type Check = [label: string, actual: number | undefined, expected: number];

/** Checks outside 1e-6 relative (or 1e-12 absolute, for tiny p-values), with both values. */
function failures(checks: Check[]): string[] {
  return checks
    .filter(([, actual, expected]) => {
      if (actual === undefined) return true;
      const error = Math.abs(actual - expected);
      return !(error <= 1e-12 || error <= 1e-6 * Math.abs(expected));
    })
    .map(([label, actual, expected]) => `${label}: ${actual} vs reference ${expected}`);
}

function ok<T extends { status: 'ok' }>(result: T | InsufficientExperimentData): T {
  if (result.status !== 'ok') throw new Error(`expected a result, got: ${result.reason}`);
  return result;
}

const ALTERNATIVES: Alternative[] = ['two-sided', 'greater', 'less'];

function testChecks(
  label: string,
  run: (alternative: Alternative) => Comparison,
  tests: Record<Alternative, { statistic: number; pValue: number }>,
): Check[] {
  return ALTERNATIVES.flatMap((alternative): Check[] => {
    const result = run(alternative);
    return [
      [`${label} ${alternative} statistic`, result.statistic, tests[alternative].statistic],
      [`${label} ${alternative} p`, result.pValue, tests[alternative].pValue],
    ];
  });
}

describe('experiment statistics against scipy / statsmodels', () => {
  it("Welch's t-test matches ttest_ind(equal_var=False), with t intervals and delta-method relative lift", () => {
    const checks = reference.welch.flatMap(
      ({ alpha, control, treatment, expected }, i): Check[] => {
        const run = (alternative: Alternative): Comparison =>
          ok(compareMeans({ control, treatment, alpha, alternative }));
        const twoSided = run('two-sided');
        return [
          ...testChecks(`welch[${i}]`, run, expected.tests),
          [`welch[${i}] df`, twoSided.degreesOfFreedom ?? undefined, expected.df],
          [`welch[${i}] diff`, twoSided.absolute.estimate, expected.absolute.estimate],
          [`welch[${i}] lower`, twoSided.absolute.lower, expected.absolute.lower],
          [`welch[${i}] upper`, twoSided.absolute.upper, expected.absolute.upper],
          [`welch[${i}] rel`, twoSided.relative?.estimate, expected.relative.estimate],
          [`welch[${i}] rel se`, twoSided.relative?.standardError, expected.relative.standardError],
          [`welch[${i}] rel lower`, twoSided.relative?.lower, expected.relative.lower],
          [`welch[${i}] rel upper`, twoSided.relative?.upper, expected.relative.upper],
          [
            `welch[${i}] greater lower`,
            run('greater').absolute.lower,
            expected.oneSidedGreaterLower,
          ],
        ];
      },
    );
    expect(failures(checks)).toEqual([]);
    expect(reference.welch.some((c) => c.expected.tests['two-sided'].pValue < 1e-30)).toBe(true);
  });

  it('two-proportion z-test matches proportions_ztest (pooled) and the Wald interval', () => {
    const checks = reference.proportions.flatMap(({ alpha, control, treatment, expected }, i) => {
      const run = (alternative: Alternative): Comparison =>
        ok(compareProportions({ control, treatment, alpha, alternative }));
      const result = run('two-sided');
      const list: Check[] = [
        ...testChecks(`prop[${i}]`, run, expected.tests),
        [`prop[${i}] diff`, result.absolute.estimate, expected.absolute.estimate],
        [`prop[${i}] lower`, result.absolute.lower, expected.absolute.lower],
        [`prop[${i}] upper`, result.absolute.upper, expected.absolute.upper],
      ];
      if (expected.relative) {
        list.push([`prop[${i}] rel lower`, result.relative?.lower, expected.relative.lower]);
        list.push([`prop[${i}] rel upper`, result.relative?.upper, expected.relative.upper]);
      } else {
        expect(result.relative).toBeNull();
      }
      return list;
    });
    expect(failures(checks)).toEqual([]);
  });

  it('ratio metrics match the delta method computed from the raw units', () => {
    const checks = reference.ratios.flatMap(({ control, treatment, expected }, i): Check[] => {
      const result = ok(compareRatios({ control, treatment }));
      return [
        [`ratio[${i}] control`, result.control.mean, expected.controlRatio],
        [`ratio[${i}] treatment`, result.treatment.mean, expected.treatmentRatio],
        [`ratio[${i}] t`, result.statistic, expected.statistic],
        [`ratio[${i}] df`, result.degreesOfFreedom ?? undefined, expected.df],
        [`ratio[${i}] p`, result.pValue, expected.pValue],
        [`ratio[${i}] lower`, result.absolute.lower, expected.lower],
        [`ratio[${i}] upper`, result.absolute.upper, expected.upper],
      ];
    });
    expect(failures(checks)).toEqual([]);
  });

  it("CUPED matches Welch's test on the per-unit adjusted values with pooled theta", () => {
    const checks = reference.cuped.flatMap(({ control, treatment, expected }, i): Check[] => {
      const result = ok(compareMeansCuped({ control, treatment }));
      const plain = ok(compareMeans({ control, treatment }));
      return [
        [`cuped[${i}] theta`, result.theta, expected.theta],
        [`cuped[${i}] x̄`, result.covariateMean, expected.covariateMean],
        [`cuped[${i}] control`, result.control.mean, expected.controlMean],
        [`cuped[${i}] treatment`, result.treatment.mean, expected.treatmentMean],
        [`cuped[${i}] t`, result.statistic, expected.statistic],
        [`cuped[${i}] df`, result.degreesOfFreedom ?? undefined, expected.df],
        [`cuped[${i}] p`, result.pValue, expected.pValue],
        [`cuped[${i}] lower`, result.absolute.lower, expected.lower],
        [`cuped[${i}] upper`, result.absolute.upper, expected.upper],
        [`cuped[${i}] unadjusted p`, plain.pValue, expected.unadjustedPValue],
      ];
    });
    expect(failures(checks)).toEqual([]);
  });

  it('sample-ratio mismatch matches chisquare against total × weights', () => {
    const checks = reference.srm.flatMap(({ observed, weights, expected }, i): Check[] => {
      const result = ok(sampleRatioMismatch({ observed, weights }));
      expect(result.mismatch).toBe(expected.pValue < 0.001);
      return [
        [`srm[${i}] statistic`, result.statistic, expected.statistic],
        [`srm[${i}] p`, result.pValue, expected.pValue],
      ];
    });
    expect(failures(checks)).toEqual([]);
  });

  it("Holm and Benjamini–Hochberg match multipletests('holm' / 'fdr_bh')", () => {
    for (const { pValues, holm, 'benjamini-hochberg': bh } of reference.multipleTesting) {
      for (const [method, expected] of [
        ['holm', holm],
        ['benjamini-hochberg', bh],
      ] as const) {
        const result = adjustPValues({ pValues, method });
        const checks = expected.adjusted.map((value, i): Check => [
          `${method} ${pValues.join(',')} [${i}]`,
          result.adjusted[i],
          value,
        ]);
        expect(failures(checks)).toEqual([]);
        expect(result.rejected).toEqual(expected.rejected);
      }
    }
  });

  it("proportion sample sizes match Evan Miller's formula exactly", () => {
    for (const { input, exactControl, control, treatment } of reference.planning.proportions) {
      const plan = sampleSizeForProportions({
        ...input,
        mdeType: input.mdeType as 'absolute' | 'relative',
        sides: input.sides as 1 | 2,
      });
      expect(failures([['exact', plan.exactControl, exactControl]])).toEqual([]);
      expect([plan.control, plan.treatment]).toEqual([control, treatment]);
    }
  });

  it('mean sample sizes, power and MDE match statsmodels TTestIndPower / tt_ind_solve_power', () => {
    for (const { input, exactControl, control, treatment } of reference.planning.means) {
      const plan = sampleSizeForMeans({
        ...input,
        sides: input.sides as 1 | 2,
        mde: input.effectSize * 3,
        standardDeviation: 3,
      });
      expect(failures([[`n for d=${input.effectSize}`, plan.exactControl, exactControl]])).toEqual(
        [],
      );
      expect([plan.control, plan.treatment]).toEqual([control, treatment]);
    }
    const powerChecks = reference.planning.meanPower.map((c): Check => {
      const settings = planningSettings({
        alpha: c.alpha,
        ratio: c.ratio,
        sides: c.sides as 1 | 2,
      });
      return [
        `power d=${c.effectSize}`,
        tTestPower(c.effectSize, c.controlSize, settings),
        c.power,
      ];
    });
    const mdeChecks = reference.planning.meanMde.map((c): Check => [
      `mde n=${c.sampleSize}`,
      mdeForMeans({ ...c, standardDeviation: 1 }).effectSize,
      c.effectSize,
    ]);
    expect(failures([...powerChecks, ...mdeChecks])).toEqual([]);
  });

  it('the sequential confidence sequence and p-value match the formulas computed in Python', () => {
    const checks = reference.sequential.flatMap((c, i): Check[] => {
      const result = ok(sequentialCompareMeans(c));
      return [
        [`seq[${i}] estimate`, result.absolute.estimate, c.expected.estimate],
        [`seq[${i}] lower`, result.absolute.lower, c.expected.lower],
        [`seq[${i}] upper`, result.absolute.upper, c.expected.upper],
        [`seq[${i}] p`, result.pValue, c.expected.pValue],
      ];
    });
    expect(failures(checks)).toEqual([]);
  });
});
