/**
 * Two-proportion z-test for conversion metrics.
 *
 * The statistic uses the pooled rate under H0, z = (p_t − p_c) / √(p̄(1 − p̄)(1/n_t + 1/n_c)),
 * matching statsmodels `proportions_ztest([x_t, x_c], [n_t, n_c])` with its default
 * pooled variance; the absolute lift's interval is the unpooled Wald interval
 * (statsmodels `confint_proportions_2indep(method='wald')`), the relative lift's the
 * delta method, both with normal quantiles.
 */
import {
  compareArms,
  comparisonSettings,
  type Comparison,
  type ComparisonOptions,
} from './comparison.js';
import { insufficient, type InsufficientExperimentData } from './errors.js';
import { summarizeProportion, type ProportionStats } from './sufficient-stats.js';

/** Inputs of {@link compareProportions}. */
export interface ProportionsInput extends ComparisonOptions {
  readonly control: ProportionStats;
  readonly treatment: ProportionStats;
}

/** Two-proportion z-test (pooled) with Wald and delta-method intervals. */
export function compareProportions(
  input: ProportionsInput,
): Comparison | InsufficientExperimentData {
  const settings = comparisonSettings(input);
  const control = summarizeProportion('control', input.control);
  if ('status' in control) return control;
  const treatment = summarizeProportion('treatment', input.treatment);
  if ('status' in treatment) return treatment;
  const pooled = (input.control.successes + input.treatment.successes) / (control.n + treatment.n);
  if (pooled === 0 || pooled === 1) {
    return insufficient(`every unit in both variants has the same outcome (rate ${pooled})`);
  }
  return compareArms({
    control,
    treatment,
    test: 'z',
    degreesOfFreedom: null,
    testStandardError: Math.sqrt(pooled * (1 - pooled) * (1 / control.n + 1 / treatment.n)),
    ...settings,
  });
}
