#!/usr/bin/python3
"""Reference values for libs/stats/src/distributions and libs/stats/src/experiment.

Regenerate (from the repository root) with Debian's Python, which has SciPy and
statsmodels (the pyenv `python3` on PATH has neither):

    /usr/bin/python3 libs/stats/reference/make_experiment_reference.py
    npx prettier --write libs/stats/reference/experiment.json libs/stats/reference/distributions.json

It writes distributions.json and experiment.json next to this script. Everything is
deterministic: fixed seeds, and generated values rounded to 4 decimals before any
statistic is computed, so the sufficient statistics in the JSON are sums of exactly
the values SciPy saw. The TypeScript specs get only those sums (never raw rows) and
compare statistics and intervals to 1e-6 relative, p-values to 1e-6 relative (1e-12
absolute when tiny), sample sizes exactly.

Where SciPy or statsmodels has the computation it does it: scipy.stats (norm, t,
chi2, nct, ttest_ind, chisquare), scipy.special (gammaln, gammainc, gammaincc,
betainc), statsmodels (proportions_ztest, confint_proportions_2indep, multipletests,
TTestIndPower / tt_ind_solve_power). The rest is computed here from the raw data the
way libs/stats/README.md ("## Experiments") documents it: the delta-method relative
lift and ratio variance, CUPED (Welch's test on per-unit adjusted values), Evan
Miller's proportion sample size and the mSPRT confidence sequence.
"""

import json
import math
import pathlib
import warnings

import numpy as np
import scipy
import statsmodels
from scipy import optimize, special, stats
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import TTestIndPower, tt_ind_solve_power
from statsmodels.stats.proportion import confint_proportions_2indep, proportions_ztest

HERE = pathlib.Path(__file__).resolve().parent
ALTERNATIVES = {"two-sided": "two-sided", "greater": "larger", "less": "smaller"}


def f(x):
    """A plain float for JSON (numpy scalars are not serialisable)."""
    return float(x)


# ---------------------------------------------------------------- distributions


def distributions():
    z = [-40, -38.5, -30, -20, -10, -8, -5, -3, -1.96, -1, -0.5, -1e-8, 0, 1e-8, 0.3,
         1, 1.6448536269514722, 2.5, 5, 8.3, 12, 20, 30, 37.5]
    normal = [{"z": v, "cdf": f(stats.norm.cdf(v)), "sf": f(stats.norm.sf(v))} for v in z]
    p = [1e-300, 1e-100, 1e-30, 1e-15, 1e-10, 1e-6, 0.001, 0.01, 0.02425, 0.025, 0.05,
         0.1, 0.3, 0.45, 0.5, 0.55, 0.8, 0.9, 0.95, 0.975, 0.97575, 0.999, 0.999999]
    quantiles = [{"p": v, "quantile": f(stats.norm.ppf(v))} for v in p]

    dfs = [0.3, 0.5, 1, 1.5, 2, 2.7, 3, 5, 9.81, 13.37, 30, 57.2, 100, 1000, 1e4, 1e6]
    ts = [-60, -8, -3, -2, -0.7, -1e-6, 0, 0.1, 0.5, 1.2, 1.96, 2.5, 4, 7.5, 15, 40, 300]
    student = [{"t": t, "df": d, "cdf": f(stats.t.cdf(t, d)), "sf": f(stats.t.sf(t, d))}
               for d in dfs for t in ts]
    tp = [1e-12, 1e-6, 0.001, 0.025, 0.05, 0.2, 0.5, 0.7, 0.95, 0.975, 0.9995]
    student_quantiles = [{"p": q, "df": d, "quantile": f(stats.t.ppf(q, d))}
                         for d in dfs for q in tp]

    ks = [0.5, 1, 1.5, 2, 3, 4.2, 7, 10, 25, 100, 1000]
    xs = [1e-6, 0.01, 0.3, 1, 2, 3.84, 6, 10, 20, 50, 100, 300, 1000, 1500]
    chi = [{"x": x, "df": k, "cdf": f(stats.chi2.cdf(x, k)), "sf": f(stats.chi2.sf(x, k))}
           for k in ks for x in xs]

    gamma_a = [0.1, 0.5, 1, 2.5, 7, 15, 60, 500]
    gamma_x = [1e-4, 0.2, 1, 3, 9, 30, 120, 700]
    gamma = [{"a": a, "x": x, "p": f(special.gammainc(a, x)), "q": f(special.gammaincc(a, x))}
             for a in gamma_a for x in gamma_x]
    beta = [{"x": x, "a": a, "b": b, "value": f(special.betainc(a, b, x))}
            for (a, b) in [(0.5, 0.5), (1, 3), (2.5, 0.7), (5, 5), (0.3, 40), (40, 0.3),
                           (20, 45), (150, 0.5), (0.5, 150)]
            for x in [1e-8, 0.01, 0.2, 0.5, 0.77, 0.99, 1 - 1e-7]]
    log_gamma = [{"x": x, "value": f(special.gammaln(x))}
                 for x in [1e-10, 0.01, 0.5, 1, 1.5, 2, 2.5, 3.3, 7, 9.99, 10, 10.5, 33.3,
                           100, 1e4, 1e8]]
    nct = [{"t": t, "df": d, "noncentrality": nc, "cdf": f(stats.nct.cdf(t, d, nc))}
           for (t, d, nc) in [(1.96, 10, 2.8), (-1.96, 10, 2.8), (2.0, 300, 2.8),
                              (0.5, 3.5, -1), (5, 50, 10), (-2, 20, 0.5), (1.97, 98, 2.5),
                              (1.9602, 2000, 2.8), (1.96, 20000, 2.8), (1.96, 2e5, 2.8),
                              (2.2, 45.5, 3.1), (-2.2, 45.5, 3.1), (0, 12, -0.7),
                              (3, 7, 6), (8, 30, 12)]]
    return {
        "normal": normal,
        "normalQuantile": quantiles,
        "studentT": student,
        "studentTQuantile": student_quantiles,
        "chiSquare": chi,
        "gamma": gamma,
        "beta": beta,
        "logGamma": log_gamma,
        "noncentralT": nct,
    }


# ---------------------------------------------------------------- data helpers


def sufficient(values):
    v = [float(x) for x in values]
    return {"n": len(v), "sum": math.fsum(v), "sumSquares": math.fsum(x * x for x in v)}


def sample(rng, n, mean, sd):
    return np.round(rng.normal(mean, sd, n), 4)


def welch_expected(treatment, control, alpha):
    """scipy's Welch test on raw values, plus the intervals README documents."""
    out = {}
    for name, alt in [("two-sided", "two-sided"), ("greater", "greater"), ("less", "less")]:
        r = stats.ttest_ind(treatment, control, equal_var=False, alternative=alt)
        out[name] = {"statistic": f(r.statistic), "pValue": f(r.pvalue)}
    mt, mc = np.mean(treatment), np.mean(control)
    vt = np.var(treatment, ddof=1) / len(treatment)
    vc = np.var(control, ddof=1) / len(control)
    df = (vt + vc) ** 2 / (vt**2 / (len(treatment) - 1) + vc**2 / (len(control) - 1))
    q = stats.t.ppf(1 - alpha / 2, df)
    se = math.sqrt(vt + vc)
    se_rel = math.sqrt(vt / mc**2 + mt**2 * vc / mc**4)
    rel = mt / mc - 1
    return {
        "df": f(df),
        "tests": out,
        "absolute": {"estimate": f(mt - mc), "lower": f(mt - mc - q * se), "upper": f(mt - mc + q * se)},
        "relative": {"estimate": f(rel), "standardError": f(se_rel),
                     "lower": f(rel - q * se_rel), "upper": f(rel + q * se_rel)},
        "oneSidedGreaterLower": f(mt - mc - stats.t.ppf(1 - alpha, df) * se),
    }


# ---------------------------------------------------------------- experiment cases


def welch_cases():
    rng = np.random.default_rng(20240611)
    specs = [  # (n_c, n_t, mean_c, mean_t, sd_c, sd_t, alpha)
        (50, 50, 10.0, 10.5, 2.0, 2.0, 0.05),
        (30, 200, 5.0, 5.3, 1.0, 3.0, 0.05),
        (1000, 700, 100.0, 100.4, 15.0, 9.0, 0.1),
        (5, 8, 1.0, 2.0, 0.5, 1.5, 0.05),
        (2, 3, 0.0, 1.0, 1.0, 1.0, 0.05),
        (400, 400, 3.0, 2.9, 1.0, 1.0, 0.01),
        (20000, 20000, 50.0, 50.12, 10.0, 10.0, 0.05),
        (300, 250, 20.0, 26.0, 4.0, 5.0, 0.05),  # p-value ~1e-50
    ]
    cases = []
    for (nc, nt, mc, mt, sc, st, alpha) in specs:
        control = sample(rng, nc, mc, sc)
        treatment = sample(rng, nt, mt, st)
        cases.append({"alpha": alpha, "control": sufficient(control), "treatment": sufficient(treatment),
                      "expected": welch_expected(treatment, control, alpha)})
    return cases


def proportion_cases():
    specs = [(1000, 100, 1000, 120, 0.05), (3407, 301, 3461, 356, 0.05), (50, 3, 70, 9, 0.1),
             (20000, 2000, 18000, 1700, 0.05), (120, 0, 130, 4, 0.05), (500, 480, 500, 499, 0.01),
             (100000, 10000, 100000, 11500, 0.05)]
    cases = []
    for (nc, xc, nt, xt, alpha) in specs:
        tests = {}
        for name, alt in ALTERNATIVES.items():
            z, p = proportions_ztest([xt, xc], [nt, nc], alternative=alt)
            tests[name] = {"statistic": f(z), "pValue": f(p)}
        low, high = confint_proportions_2indep(xt, nt, xc, nc, method="wald", compare="diff", alpha=alpha)
        pc, pt = xc / nc, xt / nt
        vc, vt = pc * (1 - pc) / nc, pt * (1 - pt) / nt
        q = stats.norm.ppf(1 - alpha / 2)
        rel = None
        if pc > 0:
            se_rel = math.sqrt(vt / pc**2 + pt**2 * vc / pc**4)
            rel = {"estimate": pt / pc - 1, "lower": f(pt / pc - 1 - q * se_rel), "upper": f(pt / pc - 1 + q * se_rel)}
        cases.append({"alpha": alpha, "control": {"n": nc, "successes": xc}, "treatment": {"n": nt, "successes": xt},
                      "expected": {"tests": tests, "absolute": {"estimate": pt - pc, "lower": f(low), "upper": f(high)},
                                   "relative": rel}})
    return cases


def ratio_cases():
    rng = np.random.default_rng(777)
    cases = []
    for (nc, nt, lift) in [(200, 220, 0.05), (5000, 5000, 0.02), (40, 35, 0.3)]:
        arms = []
        for n, scale in [(nc, 1.0), (nt, 1 + lift)]:
            y = np.round(rng.poisson(3.0, n) + 1.0, 4)  # sessions per user, >= 1
            x = np.round(y * rng.gamma(2.0, 1.5 * scale, n), 4)  # revenue per user
            arms.append((x, y))
        stats_out, summaries = [], []
        for x, y in arms:
            n = len(x)
            r = x.sum() / y.sum()
            var_unit = (np.var(x, ddof=1) - 2 * r * np.cov(x, y, ddof=1)[0, 1] + r * r * np.var(y, ddof=1)) / np.mean(y) ** 2
            summaries.append((n, r, var_unit / n))
            stats_out.append({"n": n, "sumX": math.fsum(x), "sumY": math.fsum(y), "sumX2": math.fsum(x * x),
                              "sumY2": math.fsum(y * y), "sumXY": math.fsum(x * y)})
        (nc_, rc, vc), (nt_, rt, vt) = summaries
        df = (vt + vc) ** 2 / (vt**2 / (nt_ - 1) + vc**2 / (nc_ - 1))
        t = (rt - rc) / math.sqrt(vt + vc)
        q = stats.t.ppf(0.975, df)
        cases.append({"control": stats_out[0], "treatment": stats_out[1], "expected": {
            "controlRatio": f(rc), "treatmentRatio": f(rt), "statistic": f(t), "df": f(df),
            "pValue": f(2 * stats.t.sf(abs(t), df)),
            "lower": f(rt - rc - q * math.sqrt(vt + vc)), "upper": f(rt - rc + q * math.sqrt(vt + vc))}})
    return cases


def cuped_cases():
    rng = np.random.default_rng(4242)
    cases = []
    for (nc, nt, effect, rho) in [(500, 500, 0.3, 0.8), (150, 260, 0.0, 0.5), (2000, 1800, 0.1, 0.95)]:
        arms = []
        for n, eff in [(nc, 0.0), (nt, effect)]:
            x = np.round(rng.normal(10, 3, n), 4)
            y = np.round(10 + rho * (x - 10) + math.sqrt(1 - rho * rho) * 3 * rng.normal(0, 1, n) + eff, 4)
            arms.append((x, y))
        xs = np.concatenate([a[0] for a in arms])
        ys = np.concatenate([a[1] for a in arms])
        theta = np.cov(ys, xs, ddof=1)[0, 1] / np.var(xs, ddof=1)
        xbar = xs.mean()
        adjusted = [y - theta * (x - xbar) for x, y in arms]
        r = stats.ttest_ind(adjusted[1], adjusted[0], equal_var=False)
        vt = np.var(adjusted[1], ddof=1) / nt
        vc = np.var(adjusted[0], ddof=1) / nc
        df = (vt + vc) ** 2 / (vt**2 / (nt - 1) + vc**2 / (nc - 1))
        q = stats.t.ppf(0.975, df)
        diff = adjusted[1].mean() - adjusted[0].mean()
        stats_out = [{**sufficient(y), "covariateSum": math.fsum(x), "covariateSumSquares": math.fsum(x * x),
                      "sumProducts": math.fsum(x * y)} for x, y in arms]
        unadjusted = stats.ttest_ind(arms[1][1], arms[0][1], equal_var=False)
        cases.append({"control": stats_out[0], "treatment": stats_out[1], "expected": {
            "theta": f(theta), "covariateMean": f(xbar), "controlMean": f(adjusted[0].mean()),
            "treatmentMean": f(adjusted[1].mean()), "statistic": f(r.statistic), "df": f(df), "pValue": f(r.pvalue),
            "lower": f(diff - q * math.sqrt(vt + vc)), "upper": f(diff + q * math.sqrt(vt + vc)),
            "unadjustedPValue": f(unadjusted.pvalue)}})
    return cases


def srm_cases():
    specs = [([5000, 5000], [0.5, 0.5]), ([5100, 4900], [0.5, 0.5]), ([50500, 49500], [0.5, 0.5]),
             ([10321, 9679], [0.5, 0.5]), ([3000, 1000], [0.75, 0.25]), ([3400, 3300, 3300], [1 / 3, 1 / 3, 1 / 3]),
             ([34000, 33000, 31000], [1 / 3, 1 / 3, 1 / 3]), ([6100, 2000, 1900], [0.6, 0.2, 0.2]),
             ([120000, 100000], [0.5, 0.5]), ([1, 0], [0.5, 0.5])]
    cases = []
    for observed, weights in specs:
        total = sum(observed)
        r = stats.chisquare(observed, [w * total for w in weights])
        cases.append({"observed": observed, "weights": weights,
                      "expected": {"statistic": f(r.statistic), "pValue": f(r.pvalue)}})
    return cases


def multiple_testing_cases():
    rng = np.random.default_rng(99)
    vectors = [[0.01, 0.04, 0.03, 0.005], [0.2, 0.2, 0.01, 0.049, 0.9, 0.001],
               [1e-8, 0.5, 0.02], [0.04], [0.6, 0.7, 0.8]]
    vectors.append([float(x) for x in np.round(rng.uniform(0, 0.2, 12) ** 2, 6)])
    cases = []
    for pv in vectors:
        entry = {"pValues": pv}
        for name, method in [("holm", "holm"), ("benjamini-hochberg", "fdr_bh")]:
            reject, corrected, _, _ = multipletests(pv, alpha=0.05, method=method)
            entry[name] = {"adjusted": [f(x) for x in corrected], "rejected": [bool(x) for x in reject]}
        cases.append(entry)
    return cases


def evan_miller(baseline, delta, alpha, power, sides, ratio):
    za = stats.norm.ppf(1 - alpha / sides)
    zb = stats.norm.ppf(power)
    h0 = math.sqrt(baseline * (1 - baseline) * (1 + 1 / ratio))
    h1 = math.sqrt(baseline * (1 - baseline) + (baseline + delta) * (1 - baseline - delta) / ratio)
    return (za * h0 + zb * h1) ** 2 / delta**2


def planning_cases():
    props = []
    for (baseline, mde, mde_type, alpha, power, sides, variants, ratio) in [
        (0.10, 0.02, "absolute", 0.05, 0.8, 2, 2, 1), (0.10, 0.1, "relative", 0.05, 0.8, 2, 2, 1),
        (0.03, 0.005, "absolute", 0.05, 0.9, 2, 3, 1), (0.5, 0.01, "absolute", 0.01, 0.8, 1, 2, 1),
        (0.2, 0.05, "relative", 0.1, 0.8, 2, 4, 2), (0.9, 0.05, "absolute", 0.05, 0.8, 2, 2, 0.5)]:
        delta = mde if mde_type == "absolute" else mde * baseline
        exact = evan_miller(baseline, delta, alpha / (variants - 1), power, sides, ratio)
        props.append({"input": {"baseline": baseline, "mde": mde, "mdeType": mde_type, "alpha": alpha, "power": power,
                                "sides": sides, "variants": variants, "ratio": ratio},
                      "exactControl": f(exact), "control": math.ceil(exact), "treatment": math.ceil(exact * ratio)})
    means = []
    for (d, alpha, power, ratio, sides, variants) in [
        (0.2, 0.05, 0.8, 1, 2, 2), (0.05, 0.05, 0.8, 1, 2, 2), (0.5, 0.05, 0.9, 2, 2, 2), (0.1, 0.01, 0.8, 1, 2, 2),
        (0.1, 0.05, 0.8, 0.5, 1, 2), (0.03, 0.05, 0.8, 1, 2, 3), (0.8, 0.1, 0.95, 1.5, 2, 4),
        (1.2, 0.05, 0.8, 1, 2, 2), (0.01, 0.05, 0.8, 1, 2, 2)]:
        alternative = "two-sided" if sides == 2 else "larger"
        exact = tt_ind_solve_power(effect_size=d, alpha=alpha / (variants - 1), power=power, ratio=ratio,
                                   alternative=alternative)
        means.append({"input": {"effectSize": d, "alpha": alpha, "power": power, "ratio": ratio, "sides": sides,
                                "variants": variants},
                      "exactControl": f(exact), "control": math.ceil(exact), "treatment": math.ceil(exact * ratio)})
    power_curve = []
    for (d, n1, alpha, ratio, sides) in [(0.2, 100, 0.05, 1, 2), (0.5, 20, 0.05, 1, 2), (0.1, 3000, 0.01, 2, 2),
                                         (0.3, 50, 0.05, 1, 1), (0.05, 10000, 0.05, 1, 2), (1.0, 5, 0.05, 1, 2)]:
        alternative = "two-sided" if sides == 2 else "larger"
        power_curve.append({"effectSize": d, "controlSize": n1, "alpha": alpha, "ratio": ratio, "sides": sides,
                            "power": f(TTestIndPower().power(d, n1, alpha, ratio=ratio, alternative=alternative))})
    mde_means = []
    for (n1, alpha, power, ratio) in [(500, 0.05, 0.8, 1), (50, 0.05, 0.9, 1), (10000, 0.01, 0.8, 2)]:
        # solve_power's own effect-size search stops early (power 0.80005 for 0.8 at n = 10000),
        # so the root of statsmodels' power function is taken to full precision instead.
        d = optimize.brentq(lambda e: TTestIndPower().power(e, n1, alpha, ratio=ratio) - power, 1e-6, 5, xtol=1e-15)
        mde_means.append({"sampleSize": n1, "alpha": alpha, "power": power, "ratio": ratio, "effectSize": f(d)})
    return {"proportions": props, "means": means, "meanPower": power_curve, "meanMde": mde_means}


def sequential_cases():
    """The normal-mixture confidence sequence and mSPRT p-value, from README's formulas."""
    cases = []
    for (control, treatment, alpha, tuning) in [
        ({"n": 3000, "sum": 1396.87, "sumSquares": 52377.9767}, {"n": 3461, "sum": 2422.7, "sumSquares": 134698.29}, 0.05, 1000),
        ({"n": 1000, "sum": 5012.3, "sumSquares": 26100.4}, {"n": 1010, "sum": 5300.1, "sumSquares": 28999.2}, 0.05, 5000),
        ({"n": 20000, "sum": 200000.0, "sumSquares": 2.02e6}, {"n": 20000, "sum": 201000.0, "sumSquares": 2.0302e6}, 0.1, 10000)]:
        arms = []
        for s in (control, treatment):
            mean = s["sum"] / s["n"]
            var = (s["sumSquares"] - s["sum"] ** 2 / s["n"]) / (s["n"] - 1)
            arms.append((s["n"], mean, var / s["n"]))
        (nc, mc, vc), (nt, mt, vt) = arms
        n = nc + nt
        l2 = -2 * math.log(alpha)
        rho2 = (l2 + math.log(l2 + 1)) / tuning
        se = math.sqrt(vc + vt)
        half = se * math.sqrt(2 * (n * rho2 + 1) * math.log(math.sqrt(n * rho2 + 1) / alpha) / (n * rho2))
        z2 = (mt - mc) ** 2 / (vc + vt)
        p = min(1.0, math.sqrt(n * rho2 + 1) * math.exp(-rho2 * n * z2 / (2 * (n * rho2 + 1))))
        cases.append({"control": control, "treatment": treatment, "alpha": alpha, "tuningSampleSize": tuning,
                      "expected": {"estimate": mt - mc, "lower": mt - mc - half, "upper": mt - mc + half, "pValue": p}})
    return cases


def main():
    # statsmodels' root search probes the noncentral t at invalid arguments on its way;
    # the warnings are harmless (the final values are checked) but drown the output.
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    meta = {"generator": "libs/stats/reference/make_experiment_reference.py", "scipy": scipy.__version__,
            "numpy": np.__version__, "statsmodels": statsmodels.__version__}
    outputs = {
        "distributions.json": {"meta": meta, **distributions()},
        "experiment.json": {"meta": meta, "welch": welch_cases(), "proportions": proportion_cases(),
                            "ratios": ratio_cases(), "cuped": cuped_cases(), "srm": srm_cases(),
                            "multipleTesting": multiple_testing_cases(), "planning": planning_cases(),
                            "sequential": sequential_cases()},
    }
    for name, data in outputs.items():
        (HERE / name).write_text(json.dumps(data, indent=1, allow_nan=False) + "\n")


if __name__ == "__main__":
    main()
