#!/usr/bin/python3
"""Trains Ballast's demo models and writes them as artifact-store versions.

Run from the repository root with Debian's interpreter (it has the packages):

    apt-get install -y python3-sklearn python3-onnx python3-numpy python3-scipy
    /usr/bin/python3 infra/demo-models/make_models.py           # (re)write the models
    /usr/bin/python3 infra/demo-models/make_models.py --check   # only compare with disk

It trains, on data sets that ship inside scikit-learn (no download), with seed 42:

    breast-cancer/1  logistic regression, binary        (load_breast_cancer, 30 features)
    breast-cancer/2  MLP 30-16-2 (relu), binary          (same data, same split as v1)
    wine/1           multinomial logistic regression    (load_wine, 13 features, 3 classes)
    diabetes/1       ridge regression                   (load_diabetes unscaled, 10 features)

and writes, for each, a folder `infra/demo-models/<name>/<version>/` with:

    model.onnx     opset 13, IR 7; input `input` FP32 [batch, n_features] in manifest
                   feature order; classifiers output `probabilities` FP32 [batch, classes]
                   and `label` INT64 [batch], regression outputs `prediction` FP32 [batch, 1].
                   The standardisation is in the graph (Sub, Div), so it takes raw features.
    manifest.json  what libs/model-store's parseManifest reads (sha256 of model.onnx, tensors,
                   features, classes, training provenance and held-out metrics).
    profile.json   the reference profile of the training rows for drift analysis (what
                   parseProfile reads): per feature and per scored output, count, mean, std,
                   quantiles, decile bins with open tails and a sample of up to 500 values;
                   per outcome metric (`label`: the class index, or the regression target),
                   the same for the training labels.
    expected.json  5 test rows with the outputs the graph gives for them, for the
                   onnxruntime-node cross-check `node infra/demo-models/check_onnxruntime.mjs`.
    demo-traffic.json  (version 1 only) the training rows, 6 significant digits, in manifest
                   feature order: traffic drawn from them matches profile.json (end-to-end
                   drift tests).

The graphs are built by hand with onnx.helper from the fitted weights (skl2onnx is not
packaged for Debian). Before anything is written, each graph passes onnx.checker and a
small numpy evaluator of the graph (float32, like onnxruntime) is compared with sklearn's
predict_proba / predict on the whole test split. Reruns are byte-identical on the same
package versions: fixed seed, fixed `trainedAt`, single-threaded BLAS, and JSON written
already in the repository's Prettier style (`prettier --check` runs in CI).
"""

import os

# One BLAS thread: multi-threaded reductions can change the last bits of the weights.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import re  # noqa: E402
import sys  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import onnx  # noqa: E402
import sklearn  # noqa: E402
from onnx import TensorProto, helper, numpy_helper  # noqa: E402
from sklearn import datasets  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LogisticRegression, Ridge  # noqa: E402
from sklearn.metrics import (  # noqa: E402
    accuracy_score,
    log_loss,
    mean_absolute_error,
    mean_squared_error,
    r2_score,
    roc_auc_score,
)
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

SEED = 42
TEST_SIZE = 0.25
# Fixed so that reruns are byte-identical; it is when this script's models were defined.
TRAINED_AT = "2026-11-28T00:00:00Z"
SCRIPT = "infra/demo-models/make_models.py"
OPSET = 13
IR_VERSION = 7  # the IR version that goes with opset 13; onnxruntime 1.2x reads it
QUANTILE_PROBS = [0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99]
DECILES = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]
SAMPLE_SIZE = 500
SAMPLE_DIGITS = 6  # significant digits of profile samples
STAT_DIGITS = 10  # significant digits of profile statistics, edges and quantiles
METRIC_DIGITS = 6
EXPECTED_ROWS = 5
# numpy evaluator vs sklearn on the test split. FP32 carries ~7 significant digits, so a
# regression output in the hundreds is compared relatively (its FP32 spacing is ~3e-5).
PROBABILITY_ATOL = 1e-5
REGRESSION_RTOL = 5e-6
HERE = Path(__file__).resolve().parent


# --------------------------------------------------------------------------- data sets


def snake(name):
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


# load_diabetes calls the blood serum measurements s1..s6; its DESCR says what they are.
DIABETES_FEATURES = {
    "age": "age",
    "sex": "sex",
    "bmi": "bmi",
    "bp": "bp",
    "s1": "s1_tc",
    "s2": "s2_ldl",
    "s3": "s3_hdl",
    "s4": "s4_tch",
    "s5": "s5_ltg",
    "s6": "s6_glu",
}


def load(dataset):
    """(X, y, feature names, class names or None, stratify?) of a bundled data set."""
    if dataset == "breast_cancer":
        d = datasets.load_breast_cancer()
        return d.data, d.target, [snake(n) for n in d.feature_names], list(d.target_names), True
    if dataset == "wine":
        d = datasets.load_wine()
        return d.data, d.target, [snake(n) for n in d.feature_names], list(d.target_names), True
    if dataset == "diabetes":
        d = datasets.load_diabetes(scaled=False)
        return d.data, d.target, [DIABETES_FEATURES[n] for n in d.feature_names], None, False
    raise ValueError(dataset)


def split(dataset):
    X, y, features, classes, stratify = load(dataset)
    rows = np.arange(len(y))
    train, test = train_test_split(
        rows, test_size=TEST_SIZE, random_state=SEED, stratify=y if stratify else None
    )
    return {
        "X_train": X[train],
        "y_train": y[train],
        "X_test": X[test],
        "y_test": y[test],
        "test_rows": test,
        "features": features,
        "classes": classes,
    }


# --------------------------------------------------------------------------- the models

BREAST_CANCER = {
    "dataset": "Breast Cancer Wisconsin (Diagnostic)",
    "source": "sklearn.datasets.load_breast_cancer",
    "loader": "breast_cancer",
}

MODELS = [
    {
        **BREAST_CANCER,
        "name": "breast-cancer",
        "version": "1",
        "task": "binary-classification",
        "description": (
            "Breast tumour diagnosis from 30 cell-nucleus measurements of a fine needle "
            "aspirate. Baseline: standardised features, L2 logistic regression with strong "
            "regularisation (C=0.1). probabilities[:, 1] is P(benign)."
        ),
        "algorithm": "StandardScaler + LogisticRegression (L2, lbfgs)",
        "hyperparameters": {"C": 0.1, "penalty": "l2", "solver": "lbfgs", "max_iter": 1000},
        "estimator": lambda: LogisticRegression(C=0.1, solver="lbfgs", max_iter=1000),
    },
    {
        **BREAST_CANCER,
        "name": "breast-cancer",
        "version": "2",
        "task": "binary-classification",
        "description": (
            "Breast tumour diagnosis from 30 cell-nucleus measurements of a fine needle "
            "aspirate. Challenger to version 1, same inputs and outputs and the same "
            "train/test split: standardised features, MLP 30-16-2 (relu). "
            "probabilities[:, 1] is P(benign)."
        ),
        "compareWith": "1",
        "algorithm": "StandardScaler + MLPClassifier (one hidden relu layer, lbfgs)",
        "hyperparameters": {
            "hidden_layer_sizes": [16],
            "activation": "relu",
            "solver": "lbfgs",
            "alpha": 5.0,
            "max_iter": 5000,
            "random_state": SEED,
        },
        "estimator": lambda: MLPClassifier(
            hidden_layer_sizes=(16,),
            activation="relu",
            solver="lbfgs",
            alpha=5.0,
            max_iter=5000,
            random_state=SEED,
        ),
    },
    {
        "name": "wine",
        "version": "1",
        "task": "multiclass-classification",
        "dataset": "Wine recognition (UCI)",
        "source": "sklearn.datasets.load_wine",
        "loader": "wine",
        "description": (
            "Which of three cultivars an Italian wine comes from, given 13 results of its "
            "chemical analysis. Standardised features, multinomial (softmax) logistic regression."
        ),
        "algorithm": "StandardScaler + LogisticRegression (multinomial, L2, lbfgs)",
        "hyperparameters": {
            "C": 1.0,
            "penalty": "l2",
            "solver": "lbfgs",
            "multi_class": "multinomial",
            "max_iter": 1000,
        },
        "estimator": lambda: LogisticRegression(
            C=1.0, solver="lbfgs", multi_class="multinomial", max_iter=1000
        ),
    },
    {
        "name": "diabetes",
        "version": "1",
        "task": "regression",
        "dataset": "Diabetes (Efron et al., 2004), unscaled",
        "source": "sklearn.datasets.load_diabetes(scaled=False)",
        "loader": "diabetes",
        "description": (
            "Disease progression one year after baseline, from age, sex, body mass index, "
            "average blood pressure and six blood serum measurements (s1_tc total cholesterol, "
            "s2_ldl, s3_hdl, s4_tch total/HDL cholesterol, s5_ltg log triglycerides, s6_glu "
            "blood sugar). Raw units; sex is 1 or 2. Standardised features, ridge regression."
        ),
        "algorithm": "StandardScaler + Ridge",
        "hyperparameters": {"alpha": 1.0},
        "estimator": lambda: Ridge(alpha=1.0),
    },
]


def train(spec, data):
    pipeline = Pipeline([("scaler", StandardScaler()), ("model", spec["estimator"]())])
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # an unconverged model is a bug here
        pipeline.fit(data["X_train"], data["y_train"])
    return pipeline


# --------------------------------------------------------------------------- ONNX graphs


def f32(array):
    return np.ascontiguousarray(array, dtype=np.float32)


def build_graph(spec, pipeline, n_features, n_classes):
    """The fitted pipeline as an ONNX model: Sub/Div standardisation, then the model."""
    scaler, model = pipeline.named_steps["scaler"], pipeline.named_steps["model"]
    inits = [
        numpy_helper.from_array(f32(scaler.mean_), "scaler_mean"),
        numpy_helper.from_array(f32(scaler.scale_), "scaler_scale"),
    ]
    nodes = [
        helper.make_node("Sub", ["input", "scaler_mean"], ["centered"], name="center"),
        helper.make_node("Div", ["centered", "scaler_scale"], ["standardized"], name="scale"),
    ]

    def dense(x, weights, bias, out, name):
        inits.append(numpy_helper.from_array(f32(weights), f"{name}_weights"))
        inits.append(numpy_helper.from_array(f32(bias), f"{name}_bias"))
        nodes.append(
            helper.make_node("Gemm", [x, f"{name}_weights", f"{name}_bias"], [out], name=name)
        )

    def binary_logits(weights, bias):
        # One logit z for class 1 becomes the pair [0, z]: softmax([0, z]) = [1 - s(z), s(z)],
        # which is what sklearn's binary predict_proba returns.
        weights = np.asarray(weights).reshape(-1, 1)
        return (
            np.hstack([np.zeros_like(weights), weights]),
            np.array([0.0, float(np.ravel(bias)[0])]),
        )

    if isinstance(model, LogisticRegression):
        if n_classes == 2:
            dense(
                "standardized", *binary_logits(model.coef_[0], model.intercept_), "logits", "linear"
            )
        else:
            dense("standardized", model.coef_.T, model.intercept_, "logits", "linear")
    elif isinstance(model, MLPClassifier):
        assert model.activation == "relu" and model.out_activation_ == "logistic"
        x = "standardized"
        last = len(model.coefs_) - 1
        for i, (w, b) in enumerate(zip(model.coefs_, model.intercepts_)):
            if i < last:
                dense(x, w, b, f"hidden{i}_linear", f"hidden{i}")
                nodes.append(
                    helper.make_node(
                        "Relu", [f"hidden{i}_linear"], [f"hidden{i}_relu"], name=f"hidden{i}_act"
                    )
                )
                x = f"hidden{i}_relu"
            else:
                dense(x, *binary_logits(w[:, 0], b), "logits", "output")
    elif isinstance(model, Ridge):
        dense(
            "standardized",
            np.asarray(model.coef_).reshape(-1, 1),
            np.atleast_1d(model.intercept_),
            "prediction",
            "linear",
        )
    else:
        raise TypeError(type(model))

    inputs = [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["batch", n_features])]
    if n_classes:
        nodes.append(
            helper.make_node("Softmax", ["logits"], ["probabilities"], name="softmax", axis=1)
        )
        # The label comes from the logits, as sklearn's predict does (no ties from rounding).
        nodes.append(
            helper.make_node("ArgMax", ["logits"], ["label"], name="argmax", axis=1, keepdims=0)
        )
        outputs = [
            helper.make_tensor_value_info("probabilities", TensorProto.FLOAT, ["batch", n_classes]),
            helper.make_tensor_value_info("label", TensorProto.INT64, ["batch"]),
        ]
    else:
        outputs = [helper.make_tensor_value_info("prediction", TensorProto.FLOAT, ["batch", 1])]

    graph = helper.make_graph(
        nodes, f"{spec['name']}_v{spec['version']}".replace("-", "_"), inputs, outputs, inits
    )
    onnx_model = helper.make_model(
        graph,
        opset_imports=[helper.make_opsetid("", OPSET)],
        producer_name="ballast-make_models",
        producer_version="1",
        model_version=int(spec["version"]),
        doc_string=spec["description"],
    )
    onnx_model.ir_version = IR_VERSION
    helper.set_model_props(
        onnx_model, {"ballast.name": spec["name"], "ballast.version": spec["version"]}
    )
    onnx.checker.check_model(onnx_model, full_check=True)
    return onnx_model


def run_graph(onnx_model, x):
    """Evaluates the graph with numpy in float32: the ops this script emits, nothing more."""
    values = {i.name: numpy_helper.to_array(i) for i in onnx_model.graph.initializer}
    values["input"] = f32(x)
    for node in onnx_model.graph.node:
        attrs = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        args = [values[name] for name in node.input]
        if node.op_type == "Sub":
            out = args[0] - args[1]
        elif node.op_type == "Div":
            out = args[0] / args[1]
        elif node.op_type == "Gemm":
            assert not attrs.get("transA") and not attrs.get("transB")
            out = attrs.get("alpha", 1.0) * (args[0] @ args[1]) + attrs.get("beta", 1.0) * args[2]
        elif node.op_type == "Relu":
            out = np.maximum(args[0], np.float32(0))
        elif node.op_type == "Softmax":
            shifted = np.exp(args[0] - args[0].max(axis=attrs["axis"], keepdims=True))
            out = shifted / shifted.sum(axis=attrs["axis"], keepdims=True)
        elif node.op_type == "ArgMax":
            out = np.argmax(args[0], axis=attrs["axis"]).astype(np.int64)
            if attrs.get("keepdims", 1):
                out = np.expand_dims(out, attrs["axis"])
        else:
            raise NotImplementedError(node.op_type)
        values[node.output[0]] = out.astype(np.int64 if node.op_type == "ArgMax" else np.float32)
    return {o.name: values[o.name] for o in onnx_model.graph.output}


def verify(onnx_model, pipeline, data, n_classes):
    """The graph, evaluated in float32, against sklearn on every test row."""
    got = run_graph(onnx_model, data["X_test"])
    if n_classes:
        want = pipeline.predict_proba(data["X_test"])
        diff = float(np.max(np.abs(got["probabilities"].astype(np.float64) - want)))
        if diff >= PROBABILITY_ATOL:
            raise AssertionError(f"probabilities differ from sklearn by {diff}")
        labels = pipeline.predict(data["X_test"])
        if not np.array_equal(got["label"], labels):
            raise AssertionError("labels differ from sklearn's predict")
        return {"maxAbsDiffProbabilities": diff, "labelsEqual": True}
    want = pipeline.predict(data["X_test"])
    pred = got["prediction"][:, 0].astype(np.float64)
    abs_diff = float(np.max(np.abs(pred - want)))
    rel_diff = float(np.max(np.abs(pred - want) / np.maximum(np.abs(want), 1.0)))
    if rel_diff >= REGRESSION_RTOL:
        raise AssertionError(f"predictions differ from sklearn by {rel_diff} (relative)")
    return {"maxAbsDiffPrediction": abs_diff, "maxRelDiffPrediction": rel_diff}


# --------------------------------------------------------------------------- metrics


def sig(x, digits):
    """x rounded to `digits` significant digits."""
    x = float(x)
    if not math.isfinite(x):
        raise ValueError(f"not finite: {x}")
    return float(f"{x:.{digits}g}")


def metrics(pipeline, X, y, n_classes):
    if n_classes:
        p = pipeline.predict_proba(X)
        auc = (
            roc_auc_score(y, p[:, 1]) if n_classes == 2 else roc_auc_score(y, p, multi_class="ovr")
        )
        values = {
            "accuracy": accuracy_score(y, p.argmax(axis=1)),
            "rocAuc": auc,
            "logLoss": log_loss(y, p),
        }
    else:
        pred = pipeline.predict(X)
        values = {
            "r2": r2_score(y, pred),
            "rmse": math.sqrt(mean_squared_error(y, pred)),
            "mae": mean_absolute_error(y, pred),
        }
    return {k: sig(v, METRIC_DIGITS) for k, v in values.items()}


# --------------------------------------------------------------------------- profiles


def numeric_profile(values, sample_rows):
    values = np.asarray(values, dtype=np.float64)
    present = values[~np.isnan(values)]
    if len(present) < 2:
        raise ValueError("a numeric profile needs at least 2 values")
    # Deciles as bin edges; tied deciles (few distinct values, e.g. sex) collapse to one edge.
    edges = sorted({sig(e, STAT_DIGITS) for e in np.quantile(present, DECILES)})
    # counts[0] < edges[0] <= counts[1] < edges[1] ... <= counts[-1]: open tails.
    counts = np.bincount(np.searchsorted(edges, present, side="right"), minlength=len(edges) + 1)
    sample = values[sample_rows]
    sample = np.sort(sample[~np.isnan(sample)])
    return {
        "type": "numeric",
        "count": int(len(present)),
        "missing": int(len(values) - len(present)),
        "mean": sig(present.mean(), STAT_DIGITS),
        "std": sig(present.std(ddof=1), STAT_DIGITS),
        "min": sig(present.min(), STAT_DIGITS),
        "max": sig(present.max(), STAT_DIGITS),
        "quantiles": {
            "probs": QUANTILE_PROBS,
            "values": [sig(q, STAT_DIGITS) for q in np.quantile(present, QUANTILE_PROBS)],
        },
        "bins": {"edges": edges, "counts": [int(c) for c in counts]},
        "sample": [sig(v, SAMPLE_DIGITS) for v in sample],
    }


def prediction_score(outputs, n_classes):
    """The one number per row that drift analysis watches for the model's output."""
    if n_classes == 2:
        return "probabilities", outputs["probabilities"][:, 1]  # P(class 1)
    if n_classes:
        return "probabilities", outputs["probabilities"].max(axis=1)  # confidence
    return "prediction", outputs["prediction"][:, 0]


def reference_profile(data, onnx_model, n_classes):
    X = data["X_train"]
    rows = len(X)
    # The same seeded rows for every feature, so the samples keep the rows together.
    sample_rows = np.sort(
        np.random.default_rng(SEED).choice(rows, size=min(rows, SAMPLE_SIZE), replace=False)
    )
    output, score = prediction_score(run_graph(onnx_model, X), n_classes)
    return {
        "rows": rows,
        "features": {
            name: numeric_profile(X[:, j], sample_rows) for j, name in enumerate(data["features"])
        },
        "predictions": {output: numeric_profile(score, sample_rows)},
        # Target drift: the true values as outcome events report them (metric `label`).
        "targets": {"label": numeric_profile(data["y_train"], sample_rows)},
    }


def demo_traffic(data):
    """The training rows (what profile.json summarises), for demo traffic drawn from them."""
    return {
        "features": data["features"],
        "rows": [[sig(v, SAMPLE_DIGITS) for v in row] for row in data["X_train"]],
    }


# --------------------------------------------------------------------------- expected outputs


def expected_rows(data, n_classes):
    """5 test rows; for classifiers the first test row of each class is among them."""
    y, n = data["y_test"], EXPECTED_ROWS
    picked = [int(np.flatnonzero(y == c)[0]) for c in range(n_classes or 0)]
    picked += [i for i in range(len(y)) if i not in picked][: n - len(picked)]
    return sorted(picked)


def expected(spec, data, pipeline, onnx_model, n_classes):
    rows = expected_rows(data, n_classes)
    x = f32(data["X_test"][rows])
    out = run_graph(onnx_model, x)
    raw = data["X_test"][rows]  # float64, as sklearn saw them
    if n_classes:
        reference = {
            "probabilities": pipeline.predict_proba(raw).tolist(),
            "label": [int(v) for v in pipeline.predict(raw)],
        }
    else:
        reference = {"prediction": pipeline.predict(raw).reshape(-1, 1).tolist()}

    def tensor(array, datatype):
        return {"datatype": datatype, "shape": list(array.shape), "data": array.tolist()}

    outputs = {
        name: tensor(value, "INT64" if value.dtype == np.int64 else "FP32")
        for name, value in out.items()
    }
    return {
        "name": spec["name"],
        "version": spec["version"],
        "note": (
            "Rows of the test split (datasetRows: row numbers in the sklearn data set). outputs: "
            "the graph evaluated in float32 by make_models.py; sklearn: the fitted sklearn "
            "pipeline in float64. onnxruntime must agree with both within the tolerance "
            "(|a - b| <= absolute + relative * |b|), labels exactly."
        ),
        "datasetRows": [int(data["test_rows"][i]) for i in rows],
        "tolerance": {"absolute": PROBABILITY_ATOL, "relative": 1e-6},
        "inputs": {"input": tensor(x, "FP32")},
        "outputs": outputs,
        "sklearn": reference,
    }


# --------------------------------------------------------------------------- manifest


def manifest(spec, data, onnx_bytes, n_classes, test_metrics, split_info):
    n_features = len(data["features"])
    if n_classes:
        outputs = [
            {"name": "probabilities", "datatype": "FP32", "shape": [-1, n_classes]},
            {"name": "label", "datatype": "INT64", "shape": [-1]},
        ]
    else:
        outputs = [{"name": "prediction", "datatype": "FP32", "shape": [-1, 1]}]
    doc = {
        "name": spec["name"],
        "version": spec["version"],
        "description": spec["description"],
        "task": spec["task"],
        "file": "model.onnx",
        "sha256": hashlib.sha256(onnx_bytes).hexdigest(),
        "inputs": [{"name": "input", "datatype": "FP32", "shape": [-1, n_features]}],
        "outputs": outputs,
        "features": [{"name": f, "type": "numeric"} for f in data["features"]],
    }
    if n_classes:
        doc["classes"] = [str(c) for c in data["classes"]]
    doc["allowNonFinite"] = False
    doc["training"] = {
        "dataset": spec["dataset"],
        "source": spec["source"],
        "algorithm": spec["algorithm"],
        "hyperparameters": spec["hyperparameters"],
        "seed": SEED,
        "trainRows": int(len(data["y_train"])),
        "testRows": int(len(data["y_test"])),
        "metrics": test_metrics,
        "trainedAt": TRAINED_AT,
        "script": SCRIPT,
        "sklearnVersion": sklearn.__version__,
        "split": split_info,
    }
    return doc


# --------------------------------------------------------------------------- JSON in Prettier style

WIDTH = 100  # .prettierrc.json printWidth


def json_scalar(value):
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("JSON has no NaN or Infinity")
        # Prettier prints 1e-05 as 1e-5 and 1e+16 as 1e16.
        return re.sub(
            r"e([+-])0*(\d)", lambda m: "e" + m.group(1).replace("+", "") + m.group(2), repr(value)
        )
    if isinstance(value, str):
        return json.dumps(value)
    raise TypeError(type(value))


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def flat(value):
    """One-line form, or None when Prettier would never print it on one line."""
    if isinstance(value, dict):
        return "{}" if not value else None  # objects are written expanded, and Prettier keeps that
    if isinstance(value, list):
        parts = [flat(v) for v in value]
        return None if None in parts else "[" + ", ".join(parts) + "]"
    return json_scalar(value)


def to_json(value, indent=0, column=0, trailing=0):
    """Prettier's JSON layout: 2-space indents, expanded objects, arrays on one line when they
    fit in 100 columns, numbers otherwise filled line by line, anything else one per line."""
    pad, inner = " " * indent, " " * (indent + 2)
    if isinstance(value, dict):
        if not value:
            return "{}"
        lines = []
        for i, (key, v) in enumerate(value.items()):
            last = i == len(value) - 1
            head = f"{inner}{json.dumps(key)}: "
            lines.append(
                head + to_json(v, indent + 2, len(head), 0 if last else 1) + ("" if last else ",")
            )
        return "{\n" + "\n".join(lines) + "\n" + pad + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        # Prettier always breaks an array of several objects or arrays with several entries each.
        matrix = len(value) > 1 and all(
            isinstance(v, (dict, list)) and len(v) > 1 and type(v) is type(value[0]) for v in value
        )
        one_line = None if matrix else flat(value)
        if one_line is not None and column + len(one_line) + trailing <= WIDTH:
            return one_line
        if not matrix and len(value) > 1 and all(is_number(v) for v in value):
            lines, line = [], None
            for i, v in enumerate(value):
                piece = json_scalar(v) + ("," if i < len(value) - 1 else "")
                if line is not None and len(line) + 1 + len(piece) <= WIDTH:
                    line += " " + piece
                else:
                    if line is not None:
                        lines.append(line)
                    line = inner + piece
            lines.append(line)
            return "[\n" + "\n".join(lines) + "\n" + pad + "]"
        items = [
            inner + to_json(v, indent + 2, indent + 2, 0 if i == len(value) - 1 else 1)
            for i, v in enumerate(value)
        ]
        return "[\n" + ",\n".join(items) + "\n" + pad + "]"
    return json_scalar(value)


def json_bytes(value):
    return (to_json(value) + "\n").encode("utf-8")


# --------------------------------------------------------------------------- main


def compared(spec, test_metrics, earlier):
    """The description, with the held-out metrics set against the version it challenges."""
    if "compareWith" not in spec:
        return spec
    base = earlier[(spec["name"], spec["compareWith"])]
    names = {"accuracy": "accuracy", "rocAuc": "ROC AUC", "logLoss": "log loss"}
    parts = [
        f"{names[k]} {test_metrics[k]:.4g} (v{spec['compareWith']}: {base[k]:.4g})" for k in names
    ]
    return {**spec, "description": spec["description"] + " Test split: " + ", ".join(parts) + "."}


def build(spec, earlier):
    data = split(spec["loader"])
    n_classes = len(data["classes"]) if data["classes"] else 0
    pipeline = train(spec, data)
    test_metrics = metrics(pipeline, data["X_test"], data["y_test"], n_classes)
    spec = compared(spec, test_metrics, earlier)
    onnx_model = build_graph(spec, pipeline, len(data["features"]), n_classes)
    onnx_bytes = onnx_model.SerializeToString()
    check = verify(onnx.load_from_string(onnx_bytes), pipeline, data, n_classes)
    split_info = {
        "testSize": TEST_SIZE,
        "stratified": bool(n_classes),
        "randomState": SEED,
        "function": "sklearn.model_selection.train_test_split",
    }
    files = {
        "model.onnx": onnx_bytes,
        "manifest.json": json_bytes(
            manifest(spec, data, onnx_bytes, n_classes, test_metrics, split_info)
        ),
        "profile.json": json_bytes(reference_profile(data, onnx_model, n_classes)),
        "expected.json": json_bytes(expected(spec, data, pipeline, onnx_model, n_classes)),
    }
    if spec["version"] == "1":
        files["demo-traffic.json"] = json_bytes(demo_traffic(data))
    return files, test_metrics, check


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="root folder (default: beside this script)"
    )
    parser.add_argument(
        "--check", action="store_true", help="write nothing; fail if a file on disk differs"
    )
    args = parser.parse_args()

    stale, earlier = [], {}
    for spec in MODELS:
        files, test_metrics, check = build(spec, earlier)
        earlier[(spec["name"], spec["version"])] = test_metrics
        folder = args.out / spec["name"] / spec["version"]
        for name, content in files.items():
            path = folder / name
            if args.check:
                if not path.exists() or path.read_bytes() != content:
                    stale.append(str(path))
            else:
                folder.mkdir(parents=True, exist_ok=True)
                if not path.exists() or path.read_bytes() != content:
                    path.write_bytes(content)
        shown = ", ".join(f"{k}={v}" for k, v in test_metrics.items())
        checked = ", ".join(
            f"{k}={v:.3g}" if isinstance(v, float) else f"{k}={v}" for k, v in check.items()
        )
        print(f"{spec['name']}/{spec['version']}: test {shown}; graph vs sklearn: {checked}")
    if stale:
        print("differs from a fresh build:\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
