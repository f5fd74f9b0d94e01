#!/usr/bin/python3
"""Reference values for the drift statistics in libs/stats/src/drift.

Regenerate (from the repository root) with Debian's Python, which has SciPy:

    /usr/bin/python3 libs/stats/reference/make_drift_reference.py
    npx prettier --write libs/stats/reference/drift.json

It writes libs/stats/reference/drift.json next to this script. Everything is
deterministic: fixed seeds, and sample values rounded to 4 decimals before any
statistic is computed, so the JSON holds the exact inputs the TypeScript specs feed
back in. The specs compare statistics to 1e-6 relative and p-values to 1e-4
relative (1e-12 absolute when tiny).

Where SciPy has the statistic (ks_2samp, kstwo, smirnov, chisquare,
chi2_contingency, jensenshannon, wasserstein_distance) SciPy computes it. PSI, the
category alignment and the binned Wasserstein estimate have no SciPy function;
they are computed here the way libs/stats/README.md ("## Drift") documents them.
"""

import json
import math
import pathlib
import warnings

import numpy as np
import scipy
from scipy import special, stats
from scipy.spatial.distance import jensenshannon
from scipy.stats import _stats_py

OUT = pathlib.Path(__file__).with_name("drift.json")
EPSILON = 1e-4
SAMPLES = {}


def sample(name, values):
    """Registers a sample (rounded to 4 decimals) and returns it as an array."""
    arr = np.round(np.asarray(values, dtype=float), 4)
    SAMPLES[name] = [float(v) if v != int(v) else int(v) for v in arr]
    return arr


def take(name, start=0, end=None):
    arr = np.asarray(SAMPLES[name], dtype=float)[start:end]
    ref = {"sample": name, "start": start, "end": start + len(arr)}
    return ref, arr


# ---------------------------------------------------------------- KS, raw samples
def ks_cases(rng):
    pairs = []

    def pair(name, ref, cur):
        sample(f"ks.{name}.ref", ref)
        sample(f"ks.{name}.cur", cur)
        pairs.append((name, take(f"ks.{name}.ref"), take(f"ks.{name}.cur")))

    pair("tiny_equal_sizes", [1, 2, 3], [1.5, 2.5, 3.5])
    pair("tiny_unequal_sizes", [0.1, 0.4, 0.7], [0.2, 0.3, 0.5, 0.9, 1.1])
    pair("one_value_each", [1], [2])
    pair("one_value_vs_20", [0.5], rng.normal(size=20))
    pair("integer_ties", rng.integers(0, 5, 30), rng.integers(0, 6, 40))
    pair("heavy_ties", rng.integers(0, 3, 200), rng.integers(1, 4, 150))
    same = rng.normal(size=50)
    pair("identical", same, same)
    pair("separated_equal_sizes", np.arange(50), 100 + np.arange(50))
    pair("separated_unequal_sizes", np.arange(40), 100 + np.arange(70))
    pair("shift_small", rng.normal(size=25), rng.normal(0.8, 1, 30))
    pair("same_distribution_100_120", rng.normal(size=100), rng.normal(size=120))
    pair("shift_600_500", rng.normal(size=600), rng.normal(0.15, 1, 500))
    pair("shift_equal_600", rng.normal(size=600), rng.normal(0.15, 1, 600))
    pair("scale_500_700", rng.normal(size=500), rng.normal(0, 1.5, 700))
    pair("common_divisor_60_90", rng.normal(size=60), rng.normal(0.3, 1, 90))

    # Around scipy's exact/asymptotic switch (exact iff max(n1, n2) <= 10000).
    sample("big", np.concatenate([rng.normal(size=5000), rng.normal(0.05, 1, 5001)]))
    sample("mid", rng.normal(0.1, 1, 300))
    sample("few", [-0.3, 0.2, 1.4])
    sample("forty", rng.normal(0.5, 1, 40))
    sample("far", 100 + np.arange(50))
    pairs += [
        ("exact_10000_vs_300", take("big", 0, 10000), take("mid")),
        ("asymptotic_10001_vs_300", take("big", 0, 10001), take("mid")),
        ("asymptotic_10001_vs_3", take("big", 0, 10001), take("few")),
        ("asymptotic_10001_vs_40", take("big", 0, 10001), take("forty")),
        ("asymptotic_separated", take("big", 0, 10001), take("far")),
        ("exact_equal_5000", take("big", 0, 5000), take("big", 5000, 10000)),
        ("exact_10000_vs_9999", take("big", 0, 10000), take("big", 1, 10000)),
    ]

    cases = []
    for name, (ref_ref, ref), (cur_ref, cur) in pairs:
        with warnings.catch_warnings():
            # scipy does not report which method it used; it warns when an exact attempt
            # falls back to asymptotic, so with no warning its 'auto' rule decided.
            warnings.simplefilter("error", RuntimeWarning)
            res = stats.ks_2samp(ref, cur, alternative="two-sided", method="auto")
        cases.append({
            "name": name, "reference": ref_ref, "current": cur_ref,
            "statistic": float(res.statistic), "pValue": float(res.pvalue),
            "method": "exact" if max(len(ref), len(cur)) <= 10000 else "asymptotic",
            "wasserstein": float(stats.wasserstein_distance(ref, cur)),
            "referenceStd": float(np.std(ref, ddof=1)) if len(ref) > 1 else None,
        })
    return cases


# ------------------------------------------------- KS p-value from a statistic
def ks_pvalue(d, n1, n2):
    """The p-value half of scipy's ks_2samp (two-sided, method='auto')."""
    if max(n1, n2) <= 10000:
        ok, d, p = _stats_py._attempt_exact_2kssamp(n1, n2, math.gcd(n1, n2), d, "two-sided")
        if ok:
            return d, float(p)
    en = max(n1, n2) * min(n1, n2) / (n1 + n2)
    return d, float(np.clip(stats.kstwo.sf(d, np.round(en)), 0, 1))


def ks_pvalue_cases():
    # (n1, n2, D): exact lattice cases first, then asymptotic ones reaching each
    # kstwo branch (Durbin, Pelz-Good, 2*smirnov, smirnov's n > 1e6 approximation).
    grid = [(3, 3, 1 / 3), (10, 10, 0.4), (100, 100, 0.2), (1000, 1000, 0.09), (10000, 10000, 0.025),
            (7, 5, 2 / 35), (60, 90, 40 / 180), (300, 200, 1 / 6), (10000, 300, 0.05),
            (10000, 9999, 0.02), (10000, 9999, 0.0003), (1, 10000, 1.0),
            (10001, 300, 0.1), (10001, 300, 0.025), (10001, 10001, 0.02), (20000, 30000, 0.02),
            (200000, 200000, 0.005), (10 ** 6, 10 ** 6, 0.003), (3 * 10 ** 6, 4 * 10 ** 6, 0.002),
            (3 * 10 ** 6, 4 * 10 ** 6, 0.0005), (10 ** 6, 10 ** 6, 1.0)]
    cases = []
    for n1, n2, d in grid:
        snapped, p = ks_pvalue(d, n1, n2)
        cases.append({"statistic": d, "referenceCount": n1, "currentCount": n2,
                      "snappedStatistic": float(snapped), "pValue": p})
    return cases


# ------------------------------------------------ Kolmogorov distributions
def kolmogorov_cases():
    cases = []
    for n in [1, 2, 3, 5, 10, 50, 140, 141, 500, 5000, 100000, 100001, 2000000]:
        ds = [0.45 / n, 0.75 / n, 1.0 / n, 1.5 / n]
        ds += [math.sqrt(c / n) for c in (0.3, 0.7, 0.76, 1.5, 2.1, 2.3, 3.9, 4.1, 10, 50, 300, 400)]
        ds += [(1.4 / n) ** (2 / 3) * f for f in (0.9, 1.1)]
        ds += [0.45, 0.55, 0.8, 1 - 1.5 / n, 1 - 0.5 / n, 1.0]
        for d in sorted(set(ds)):
            if 0 < d <= 1:
                cases.append({"n": n, "d": d, "sf": float(stats.kstwo.sf(d, n))})
    return cases


def smirnov_cases():
    cases = [{"n": 8, "d": 0.25}, {"n": 16, "d": 0.375}]
    for n in [3, 10, 141, 1000, 1012, 1013, 5000, 1000000, 1000001, 3000000]:
        for d in [math.sqrt(2.2 / n), math.sqrt(5 / n), math.sqrt(50 / n), 0.3, 0.5, 0.7, 0.9]:
            if 1 < n * d < n - 1:
                cases.append({"n": n, "d": d})
    for c in cases:
        c["sf"] = float(special.smirnov(c["n"], c["d"]))
    return cases


# ------------------------------------------------------------ binned KS
def ks_binned_cases(rng):
    cases = []
    for name, n_ref, n_cur, shift in [("small_exact", 500, 800, 0.3), ("equal_exact", 400, 400, 0.0),
                                      ("large_asymptotic", 10 ** 6, 10 ** 6, 0.002),
                                      ("large_unequal", 2 * 10 ** 6, 300000, 0.01)]:
        edges = stats.norm.ppf(np.arange(1, 10) / 10)
        ref = np.bincount(np.searchsorted(edges, rng.normal(size=n_ref), side="right"), minlength=10)
        cur = np.bincount(np.searchsorted(edges, rng.normal(shift, 1, n_cur), side="right"), minlength=10)
        # Each bin's values collapsed to one tied value: ks_2samp then sees exactly the binned CDFs.
        res = stats.ks_2samp(np.repeat(np.arange(10), ref), np.repeat(np.arange(10), cur))
        cases.append({"name": name, "reference": ref.tolist(), "current": cur.tolist(),
                      "statistic": float(res.statistic), "pValue": float(res.pvalue)})
    return cases


# ----------------------------------------------------------------- PSI
def fit_edges(ref, bins):
    return np.unique(np.quantile(ref, np.arange(1, bins) / bins))  # numpy 'linear' (type 7)


def bin_counts(values, edges):
    # Bin i is [edges[i-1], edges[i]) with open tails: numpy.digitize / searchsorted 'right'.
    return np.bincount(np.searchsorted(edges, values, side="right"), minlength=len(edges) + 1)


def psi(ref_counts, cur_counts):
    r = np.maximum(ref_counts / ref_counts.sum(), EPSILON)
    c = np.maximum(cur_counts / cur_counts.sum(), EPSILON)
    return float(np.sum((c - r) * np.log(c / r)))


def psi_cases(rng):
    specs = [
        ("normal_shift", rng.normal(size=1000), rng.normal(0.3, 1, 800), 10, None),
        ("same_distribution", rng.normal(size=1000), rng.normal(size=600), 10, None),
        ("five_bins_scale", rng.normal(size=600), rng.normal(0, 1.4, 600), 5, None),
        ("discrete_reference", rng.poisson(1, 600), rng.poisson(1.5, 500), 10, None),
        ("empty_current_bins", rng.normal(size=600), rng.normal(3, 0.2, 200), 10, None),
        ("given_edges", rng.normal(size=300), rng.normal(0.5, 1, 300), None, [-1, 0, 1]),
        ("tiny_reference", [0.3, 1.2, 2.5], rng.normal(1, 1, 30), 10, None),
    ]
    cases = []
    for name, ref, cur, bins, given in specs:
        ref = sample(f"psi.{name}.ref", ref)
        cur = sample(f"psi.{name}.cur", cur)
        edges = np.asarray(given, dtype=float) if given is not None else fit_edges(ref, bins)
        rc, cc = bin_counts(ref, edges), bin_counts(cur, edges)
        cases.append({"name": name, "reference": f"psi.{name}.ref", "current": f"psi.{name}.cur",
                      "bins": bins, "givenEdges": given, "edges": edges.tolist(),
                      "referenceCounts": rc.tolist(), "currentCounts": cc.tolist(),
                      "psi": psi(rc, cc)})
    return cases


# ------------------------------------------------------- Jensen-Shannon
def js_cases():
    vectors = [
        ([1, 2, 3, 4], [4, 3, 2, 1]), ([10, 0, 5], [0, 10, 5]), ([1, 1], [1, 1]),
        ([5, 0], [0, 5]), ([0.1, 0.2, 0.7], [0.2, 0.2, 0.6]), ([1000, 1, 1], [1000, 2, 0]),
        ([3, 7, 0, 0, 1], [2, 8, 1, 0, 0]),
    ]
    return [{"p": p, "q": q, "distance": float(jensenshannon(p, q, base=2))} for p, q in vectors]


# ------------------------------------------------- binned Wasserstein-1
def wasserstein_binned(edges, ref_counts, cur_counts, lo, hi):
    points = np.concatenate([[lo], np.clip(edges, lo, hi), [hi]])
    widths = np.diff(points)
    F = np.concatenate([[0], np.cumsum(ref_counts)]) / ref_counts.sum()
    G = np.concatenate([[0], np.cumsum(cur_counts)]) / cur_counts.sum()
    F[-1] = G[-1] = 1.0
    estimate = lower = upper = 0.0
    for i, w in enumerate(widths):
        if w == 0:
            continue
        da, db = F[i] - G[i], F[i + 1] - G[i + 1]
        if da * db >= 0:
            mean_gap = (abs(da) + abs(db)) / 2
        else:  # the linearised gap crosses zero inside the bin
            mean_gap = (da * da + db * db) / (2 * (abs(da) + abs(db)))
        estimate += w * mean_gap
        lower += w * max(0.0, F[i] - G[i + 1], G[i] - F[i + 1])
        upper += w * max(F[i + 1] - G[i], G[i + 1] - F[i])
    return estimate, lower, upper


def wasserstein_binned_cases(rng):
    cases = []
    ref_normal, cur_normal = rng.normal(size=5000), rng.normal(0.2, 1.1, 4000)
    for name, ref, cur, probs in [
        ("percentile_bins", ref_normal, cur_normal, np.arange(1, 100) / 100),
        ("decile_bins", ref_normal, cur_normal, np.arange(1, 10) / 10),
        ("skewed_percentiles", rng.exponential(1, 3000), rng.exponential(1.3, 2000), np.arange(1, 100) / 100),
    ]:
        ref = np.round(ref, 4)
        cur = np.round(cur, 4)
        edges = np.unique(np.quantile(ref, probs))
        rc, cc = bin_counts(ref, edges), bin_counts(cur, edges)
        lo, hi = float(min(ref.min(), cur.min())), float(max(ref.max(), cur.max()))
        estimate, lower, upper = wasserstein_binned(edges, rc, cc, lo, hi)
        std = float(np.std(ref, ddof=1))
        cases.append({"name": name, "edges": edges.tolist(), "referenceCounts": rc.tolist(),
                      "currentCounts": cc.tolist(), "min": lo, "max": hi, "referenceStd": std,
                      "distance": estimate, "lowerBound": lower, "upperBound": upper,
                      "rawDistance": float(stats.wasserstein_distance(ref, cur))})
    return cases


# ------------------------------------------------------------ categorical
def align(ref, cur):
    """Reference categories in first-seen order, then one pooled bucket for unseen ones."""
    labels = list(ref)
    rc = [ref[k] for k in labels]
    cc = [cur.get(k, 0) for k in labels]
    unseen = sum(v for k, v in cur.items() if k not in ref)
    if unseen > 0:
        rc.append(0)
        cc.append(unseen)
    return np.asarray(rc, dtype=float), np.asarray(cc, dtype=float), unseen


def categorical_cases(rng):
    many_ref = {f"c{i}": int(v) for i, v in enumerate(rng.integers(50, 500, 20))}
    many_cur = {f"c{i}": int(v) for i, v in enumerate(rng.integers(5, 60, 20))}
    specs = [
        ("same_mix", {"a": 500, "b": 300, "c": 200}, {"a": 52, "b": 28, "c": 20}),
        ("shifted_mix", {"a": 5000, "b": 3000, "c": 2000}, {"a": 300, "b": 400, "c": 300}),
        ("unseen_categories", {"a": 500, "b": 500}, {"a": 40, "b": 50, "d": 7, "e": 3}),
        ("two_categories", {"yes": 900, "no": 100}, {"yes": 85, "no": 15}),
        ("yates_small_gap", {"a": 10, "b": 10}, {"a": 10, "b": 11}),
        ("tiny_p_value", {"a": 50000, "b": 50000}, {"a": 30000, "b": 10000}),
        ("reference_zero_count", {"a": 100, "b": 0, "c": 50}, {"a": 10, "b": 3, "c": 5}),
        ("twenty_categories", many_ref, many_cur),
    ]
    cases = []
    for name, ref, cur in specs:
        rc, cc, unseen = align(ref, cur)
        # Goodness of fit: reference proportions floored at EPSILON, renormalised.
        props = np.maximum(rc / rc.sum(), EPSILON)
        props /= props.sum()
        gof = stats.chisquare(cc, props * cc.sum())
        # Homogeneity: 2 x k table over the categories present in either window.
        table = np.array([rc, cc])
        table = table[:, table.sum(axis=0) > 0]
        hom = stats.chi2_contingency(table)
        cases.append({
            "name": name, "reference": ref, "current": cur,
            "unseenCount": int(unseen), "unseenRate": unseen / cc.sum(),
            "goodnessOfFit": {"statistic": float(gof.statistic), "pValue": float(gof.pvalue),
                              "degreesOfFreedom": len(cc) - 1},
            "homogeneity": {"statistic": float(hom[0]), "pValue": float(hom[1]),
                            "degreesOfFreedom": int(hom[2])},
            "jensenShannon": float(jensenshannon(rc, cc, base=2)),
            "psi": psi(rc, cc),
        })
    return cases


def main():
    rng = np.random.default_rng(20240601)
    out = {
        "generatedBy": f"make_drift_reference.py with scipy {scipy.__version__}, numpy {np.__version__}",
        "epsilon": EPSILON,
        "ks": ks_cases(rng),
        "ksPValue": ks_pvalue_cases(),
        "kolmogorov": kolmogorov_cases(),
        "smirnov": smirnov_cases(),
        "ksBinned": ks_binned_cases(rng),
        "psi": psi_cases(rng),
        "jensenShannon": js_cases(),
        "wassersteinBinned": wasserstein_binned_cases(rng),
        "categorical": categorical_cases(rng),
        "samples": SAMPLES,
    }
    OUT.write_text(json.dumps(out, allow_nan=False) + "\n")
    print(f"wrote {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
