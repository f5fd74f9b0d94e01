"""Fixtures and scipy reference values for `ballast drift compare`.

Run from the repository root with Debian's Python (scipy 1.10.1, numpy 1.24.2):

    /usr/bin/python3 cli/test/analysis/make_compare_reference.py
    npx prettier --write cli/test/analysis/compare-reference.json

Writes two fixture pairs under cli/test/analysis/fixtures/ and the statistics scipy
computes on them to compare-reference.json:

- small/ (500 reference rows, 400 current): `age` shifted by 0.4 sd, `income` unchanged
  with missing cells and +-inf, `plan` unchanged with missing markers, `device` shifted
  with a category the reference never saw; `only_ref` / `only_cur` are in one file each.
  Current windows <= 1000 values: the defaults are the KS and chi-square p-values.
- large/ (6000 reference rows, 5000 current): `score` shifted by 0.05 sd and `channel`
  slightly re-weighted. Significant p-values, but distances under their thresholds: the
  default methods for large windows (Wasserstein / sd_ref, Jensen-Shannon) say no drift.

Missing values are the CLI's rules (empty, NA, NaN, null, ...); they and +-inf are
excluded here before every statistic, as the CLI does.
"""
import csv
import json
import math
import os

import numpy as np
from scipy import stats
from scipy.spatial.distance import jensenshannon

HERE = os.path.dirname(os.path.abspath(__file__))
EPS = 1e-4
MISSING = {"", "NA", "N/A", "n/a", "NaN", "nan", "null", "NULL", "None"}


def write_csv(path, columns, rows):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        w.writerows(rows)


def write_jsonl(path, columns, rows):
    """The same rows as JSON lines: numbers as numbers, missing cells as null, +-inf as text."""
    with open(path, "w") as f:
        for row in rows:
            obj = {}
            for c, v in zip(columns, row):
                if v in MISSING:
                    obj[c] = None
                else:
                    try:
                        x = float(v)
                        obj[c] = v if math.isinf(x) else (int(v) if v.lstrip("-").isdigit() else x)
                    except ValueError:
                        obj[c] = v
            f.write(json.dumps(obj) + "\n")


def fmt(x, digits):
    return repr(round(float(x), digits))


def small_fixtures(rng):
    n_ref, n_cur = 500, 400
    ref_age = rng.normal(40, 10, n_ref)
    cur_age = rng.normal(44, 10, n_cur)
    ref_income = rng.lognormal(10, 0.5, n_ref)
    cur_income = rng.lognormal(10, 0.5, n_cur)
    ref_plan = rng.choice(["basic", "pro", "enterprise"], n_ref, p=[0.5, 0.3, 0.2])
    cur_plan = rng.choice(["basic", "pro", "enterprise"], n_cur, p=[0.5, 0.3, 0.2])
    ref_device = rng.choice(["mobile", "desktop", "tablet"], n_ref, p=[0.6, 0.35, 0.05])
    cur_device = rng.choice(["mobile", "desktop", "tablet", "tv"], n_cur, p=[0.45, 0.35, 0.1, 0.1])
    ref_rows = []
    for i in range(n_ref):
        income = "" if i % 50 == 7 else fmt(ref_income[i], 2)
        plan = "null" if i % 100 == 3 else ref_plan[i]
        ref_rows.append([fmt(ref_age[i], 1), income, plan, ref_device[i], str(i % 7)])
    cur_rows = []
    for i in range(n_cur):
        income = "NA" if i % 50 == 11 else ("inf" if i in (5, 205) else fmt(cur_income[i], 2))
        plan = "" if i % 80 == 9 else cur_plan[i]
        cur_rows.append([fmt(cur_age[i], 1), income, plan, cur_device[i], str(i % 5)])
    ref_cols = ["age", "income", "plan", "device", "only_ref"]
    cur_cols = ["age", "income", "plan", "device", "only_cur"]
    base = os.path.join(HERE, "fixtures", "small")
    write_csv(os.path.join(base, "reference.csv"), ref_cols, ref_rows)
    write_csv(os.path.join(base, "current.csv"), cur_cols, cur_rows)
    write_jsonl(os.path.join(base, "current.jsonl"), cur_cols, cur_rows)
    return {"age": "numeric", "income": "numeric", "plan": "categorical", "device": "categorical"}


def large_fixtures(rng):
    n_ref, n_cur = 6000, 5000
    ref_score = rng.normal(0, 1, n_ref)
    cur_score = rng.normal(0.05, 1, n_cur)
    ref_channel = rng.choice(["search", "social", "email"], n_ref, p=[0.5, 0.3, 0.2])
    cur_channel = rng.choice(["search", "social", "email"], n_cur, p=[0.47, 0.31, 0.22])
    cols = ["score", "channel"]
    base = os.path.join(HERE, "fixtures", "large")
    write_csv(os.path.join(base, "reference.csv"), cols,
              [[fmt(ref_score[i], 4), ref_channel[i]] for i in range(n_ref)])
    write_csv(os.path.join(base, "current.csv"), cols,
              [[fmt(cur_score[i], 4), cur_channel[i]] for i in range(n_cur)])
    return {"score": "numeric", "channel": "categorical"}


def read_column(path, name):
    with open(path, newline="") as f:
        return [row[name].strip() for row in csv.DictReader(f)]


def numeric_values(cells):
    present = [float(c) for c in cells if c not in MISSING]
    return np.array([x for x in present if math.isfinite(x)]), sum(1 for x in present if not math.isfinite(x))


def psi(ref_counts, cur_counts):
    r = np.maximum(np.asarray(ref_counts, float) / np.sum(ref_counts), EPS)
    c = np.maximum(np.asarray(cur_counts, float) / np.sum(cur_counts), EPS)
    return float(np.sum((c - r) * np.log(c / r)))


def numeric_expected(ref, cur):
    ks = stats.ks_2samp(ref, cur)  # method 'auto', two-sided
    w1 = stats.wasserstein_distance(ref, cur)
    sd = np.std(ref, ddof=1)
    edges = []
    for q in np.quantile(ref, np.arange(1, 10) / 10):
        if not edges or q > edges[-1]:
            edges.append(float(q))
    ref_counts = np.bincount(np.digitize(ref, edges), minlength=len(edges) + 1)
    cur_counts = np.bincount(np.digitize(cur, edges), minlength=len(edges) + 1)
    return {
        "ks": {"statistic": float(ks.statistic), "p_value": float(ks.pvalue)},
        "wasserstein_normed": {"value": float(w1 / sd), "distance": float(w1), "reference_std": float(sd)},
        "psi": {"value": psi(ref_counts, cur_counts)},
        "bins": {"edges": edges, "reference_counts": ref_counts.tolist(), "current_counts": cur_counts.tolist()},
    }


def categorical_expected(ref_cells, cur_cells):
    ref = [c for c in ref_cells if c not in MISSING]
    cur = [c for c in cur_cells if c not in MISSING]
    labels = list(dict.fromkeys(ref))
    ref_counts = [ref.count(l) for l in labels]
    cur_counts = [cur.count(l) for l in labels]
    unseen = len(cur) - sum(cur_counts)
    if unseen > 0:  # one pooled bucket for categories the reference never saw
        ref_counts.append(0)
        cur_counts.append(unseen)
    floored = np.maximum(np.asarray(ref_counts, float) / len(ref), EPS)
    expected = floored / floored.sum() * len(cur)
    chi = stats.chisquare(cur_counts, expected)
    return {
        "chi_square": {"statistic": float(chi.statistic), "p_value": float(chi.pvalue)},
        "jensen_shannon": {"value": float(jensenshannon(ref_counts, cur_counts, base=2))},
        "psi": {"value": psi(ref_counts, cur_counts)},
        "unseen_rate": {"value": unseen / len(cur)},
    }


def expected_for(pair, types):
    base = os.path.join(HERE, "fixtures", pair)
    out = {}
    for name, kind in types.items():
        ref_cells = read_column(os.path.join(base, "reference.csv"), name)
        cur_cells = read_column(os.path.join(base, "current.csv"), name)
        missing = {"reference": sum(c in MISSING for c in ref_cells), "current": sum(c in MISSING for c in cur_cells)}
        if kind == "numeric":
            ref, ref_inf = numeric_values(ref_cells)
            cur, cur_inf = numeric_values(cur_cells)
            methods = numeric_expected(ref, cur)
            non_finite = {"reference": ref_inf, "current": cur_inf}
        else:
            methods = categorical_expected(ref_cells, cur_cells)
            non_finite = {"reference": 0, "current": 0}
        out[name] = {"type": kind, "missing": missing, "non_finite": non_finite, **methods}
    return out


def main():
    rng = np.random.default_rng(20240611)
    small = small_fixtures(rng)
    large = large_fixtures(rng)
    result = {
        "generator": f"make_compare_reference.py with scipy {__import__('scipy').__version__}, numpy {np.__version__}",
        "epsilon": EPS,
        "small": expected_for("small", small),
        "large": expected_for("large", large),
    }
    with open(os.path.join(HERE, "compare-reference.json"), "w") as f:
        json.dump(result, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
