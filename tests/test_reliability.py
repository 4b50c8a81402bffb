"""Reliability: bad input, divergence, interruption, numerical extremes, determinism, threads.

The bad-input matrix runs every case on every estimator it applies to: the call
fails with a ValueError (or TypeError) whose message names the parameter or
the problem, and the fitted estimator it was called on is left exactly as it
was: the same fitted attributes, the same predictions, and one more
``partial_fit`` gives the same parameters as on an untouched copy.
"""

import copy
import os
import pickle
import re
import signal
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import joblib
import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RNG = np.random.RandomState(0)
X = RNG.randn(40, 3)
Y_CLASS = np.argmax(X @ RNG.randn(3, 3), axis=1)
Y_REG = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * RNG.randn(40)

ESTIMATORS = {
    "LogisticRegressionGD": lambda: LogisticRegressionGD(max_iter=30),
    "SoftmaxRegressionGD": lambda: SoftmaxRegressionGD(max_iter=30),
    "MLPClassifierScratch": lambda: MLPClassifierScratch(
        hidden_layer_sizes=(5,), batch_size=16, learning_rate_init=0.01, max_iter=30, random_state=0
    ),
    "MLPRegressorScratch": lambda: MLPRegressorScratch(
        hidden_layer_sizes=(5,), batch_size=16, learning_rate_init=0.01, max_iter=30, random_state=0
    ),
}
CLASSIFIERS = ("LogisticRegressionGD", "SoftmaxRegressionGD", "MLPClassifierScratch")
LINEAR = ("LogisticRegressionGD", "SoftmaxRegressionGD")
MLPS = ("MLPClassifierScratch", "MLPRegressorScratch")
REGRESSOR = ("MLPRegressorScratch",)


def targets(name):
    return Y_REG if name in REGRESSOR else Y_CLASS


def fitted(name):
    return ESTIMATORS[name]().fit(X, targets(name))


def with_value(a, value, index=0):
    a = np.array(a, dtype=float)
    a.flat[index] = value
    return a


def schedule_failing_after(n_updates, value):
    """A learning-rate callable that returns ``value`` from its (n_updates + 1)-th call on."""
    calls = []

    def schedule(k):
        calls.append(k)
        return 0.01 if len(calls) <= n_updates else value

    return schedule


# ----------------------------------------------------------------------------
# Comparing estimator states
# ----------------------------------------------------------------------------
def fitted_state(est):
    """Every public fitted attribute (name ending in '_'), copied; the wall-clock times aside."""
    state = {k: copy.deepcopy(v) for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}
    if "history_" in state:
        del state["history_"]["time"]
    return state


def assert_same(a, b, path="state"):
    """Exact equality of nested dicts, lists, arrays and scalars (NaN equals NaN)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            assert_same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, list | tuple) and any(isinstance(v, np.ndarray) for v in a):
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b)):
            assert_same(u, v, f"{path}[{i}]")
    elif a is None or b is None:
        assert a is b, path
    else:
        np.testing.assert_array_equal(a, b, err_msg=path, strict=isinstance(a, np.ndarray))


def predictions(est, X):
    out = {"predict": est.predict(X)}
    for method in ("predict_proba", "predict_log_proba", "decision_function"):
        if hasattr(est, method):
            out[method] = getattr(est, method)(X)
    return out


def assert_untouched(est, twin, X, y):
    """``est`` after a failed call equals ``twin``, a copy from before it, and trains on identically."""
    assert_same(fitted_state(est), fitted_state(twin))
    assert_same(predictions(est, X), predictions(twin, X))
    est.set_params(**twin.get_params())
    est.partial_fit(X, y)
    twin.partial_fit(X, y)
    assert_same(fitted_state(est), fitted_state(twin))


# ----------------------------------------------------------------------------
# The bad-input matrix
# ----------------------------------------------------------------------------
@dataclass
class Case:
    id: str
    call: Callable  # (estimator, X, y) -> None; expected to raise
    match: str
    only: tuple = ()  # the estimators it applies to; all when empty
    exc: type = ValueError


def _fit_with_params(**params):
    return lambda e, X, y: e.set_params(**params).fit(X, y)


NAN, INF = np.nan, np.inf
CASES = [
    # --- data given to fit ---
    Case("fit-nan-X", lambda e, X, y: e.fit(with_value(X, NAN), y), "Input X contains NaN"),
    Case("fit-inf-X", lambda e, X, y: e.fit(with_value(X, INF), y), "Input X contains infinity"),
    Case(
        "fit-nan-X-sparse",
        lambda e, X, y: e.fit(sp.csr_matrix(with_value(X, NAN)), y),
        "Input X contains NaN",
    ),
    Case("fit-nan-y", lambda e, X, y: e.fit(X, with_value(y, NAN)), "Input y contains NaN"),
    Case("fit-inf-y", lambda e, X, y: e.fit(X, with_value(y, INF)), "Input y contains infinity"),
    Case(
        "fit-nan-sample_weight",
        lambda e, X, y: e.fit(X, y, sample_weight=with_value(np.ones(len(y)), NAN)),
        "Input sample_weight contains NaN",
    ),
    Case(
        "fit-inf-sample_weight",
        lambda e, X, y: e.fit(X, y, sample_weight=with_value(np.ones(len(y)), INF)),
        "Input sample_weight contains infinity",
    ),
    Case(
        "fit-negative-sample_weight",
        lambda e, X, y: e.fit(X, y, sample_weight=with_value(np.ones(len(y)), -1.0, 3)),
        "Negative values in data passed to `sample_weight`",
    ),
    Case(
        "fit-all-zero-sample_weight",
        lambda e, X, y: e.fit(X, y, sample_weight=np.zeros(len(y))),
        "Sample weights must contain at least one non-zero number",
    ),
    Case(
        "fit-sample_weight-length",
        lambda e, X, y: e.fit(X, y, sample_weight=np.ones(len(y) - 1)),
        r"sample_weight.shape == \(39,\), expected \(40,\)",
    ),
    Case(
        "fit-sample_weight-complex",
        lambda e, X, y: e.fit(X, y, sample_weight=np.ones(len(y)) * 1j),
        "Complex data not supported",
    ),
    Case(
        "fit-all-zero-sample_weight_val",
        lambda e, X, y: e.fit(X, y, X_val=X, y_val=y, sample_weight_val=np.zeros(len(y))),
        "Sample weights must contain at least one non-zero number",
    ),
    Case(
        "fit-early-stopping-split-without-weight",
        lambda e, X, y: e.set_params(early_stopping=True, validation_fraction=0.5).fit(
            X, y, sample_weight=with_value(np.zeros(len(y)), 1.0)
        ),
        r"All sample weights of the (training|validation) set split off with validation_fraction=0.5",
        REGRESSOR,
    ),
    Case("fit-X-1d", lambda e, X, y: e.fit(X[:, 0], y), "Expected 2D array, got 1D array"),
    Case("fit-X-3d", lambda e, X, y: e.fit(X[:, :, None], y), "Found array with dim 3"),
    Case("fit-X-empty", lambda e, X, y: e.fit(X[:0], y[:0]), r"Found array with 0 sample\(s\)"),
    Case("fit-X-no-features", lambda e, X, y: e.fit(X[:, :0], y), r"Found array with 0 feature\(s\)"),
    Case(
        "fit-X-strings", lambda e, X, y: e.fit(np.full(X.shape, "a"), y), "could not convert string to float"
    ),
    Case("fit-X-complex", lambda e, X, y: e.fit(X + 1j, y), "Complex data not supported"),
    Case("fit-y-complex", lambda e, X, y: e.fit(X, y + 1j), "Complex data not supported"),
    Case("fit-y-3d", lambda e, X, y: e.fit(X, y[:, None, None]), "Found array with dim 3"),
    Case(
        "fit-length-mismatch",
        lambda e, X, y: e.fit(X, y[:-1]),
        "inconsistent numbers of samples: \\[40, 39\\]",
    ),
    Case(
        "fit-X_val-without-y_val",
        lambda e, X, y: e.fit(X, y, X_val=X),
        "X_val and y_val must be given together",
    ),
    Case(
        "fit-X_val-features",
        lambda e, X, y: e.fit(X, y, X_val=X[:, :2], y_val=y),
        r"X has 2 features, but \w+ is expecting 3 features as input",
    ),
    Case(
        "fit-early-stopping-too-few-rows",
        lambda e, X, y: e.set_params(early_stopping=True).fit(X[:6], y[:6]),
        "validation_fraction",
    ),
    # --- classification targets ---
    Case("fit-one-sample", lambda e, X, y: e.fit(X[:1], y[:1]), "only one class is present", CLASSIFIERS),
    Case(
        "fit-one-class", lambda e, X, y: e.fit(X, np.zeros_like(y)), "only one class is present", CLASSIFIERS
    ),
    Case(
        "fit-one-class-with-weight",
        lambda e, X, y: e.fit(X, y, sample_weight=(y == 0).astype(float)),
        "Only one class has a positive sample weight",
        CLASSIFIERS,
    ),
    Case("fit-continuous-y", lambda e, X, y: e.fit(X, Y_REG), "Unknown label type", CLASSIFIERS),
    Case(
        "fit-class_weight-unknown-class",
        _fit_with_params(class_weight={7: 2.0}),
        r"class_weight names classes not in the data: \[7\]",
        CLASSIFIERS,
    ),
    Case(
        "fit-y_val-unseen-class",
        lambda e, X, y: e.fit(X, y, X_val=X, y_val=y + 10),
        "y_val has classes not seen in y",
        CLASSIFIERS,
    ),
    Case(
        "fit-multilabel",
        lambda e, X, y: e.fit(X, np.stack([y == 0, y == 1], axis=1).astype(int)),
        "does not support multilabel targets",
        LINEAR,
    ),
    Case(
        "fit-multilabel-class_weight",
        lambda e, X, y: e.set_params(class_weight={0: 2.0}).fit(
            X, np.stack([y == 0, y == 1], axis=1).astype(int)
        ),
        "class_weight is not supported for multilabel targets",
        ("MLPClassifierScratch",),
    ),
    Case(
        "fit-warm_start-new-classes",
        lambda e, X, y: e.set_params(warm_start=True).fit(X, y + 10),
        "warm_start can only be used where `y` has the same classes",
        CLASSIFIERS,
    ),
    # --- regression targets ---
    Case(
        "fit-poisson-negative-y",
        lambda e, X, y: e.set_params(loss="poisson").fit(X, y - 100),
        "loss='poisson' requires non-negative targets y",
        REGRESSOR,
    ),
    Case(
        "fit-warm_start-outputs",
        lambda e, X, y: e.set_params(warm_start=True).fit(X, np.stack([y, y], axis=1)),
        "y has 2 outputs, but this model was fitted with 1",
        REGRESSOR,
    ),
    # --- hyperparameters ---
    Case(
        "param-learning_rate_init-negative",
        _fit_with_params(learning_rate_init=-0.1),
        r"'learning_rate_init' parameter of \w+ must be a float in the range \(0.0, inf\)",
    ),
    Case("param-batch_size-0", _fit_with_params(batch_size=0), r"'batch_size' parameter of \w+ must be"),
    Case(
        "param-loss-unknown", _fit_with_params(loss="cubic"), r"'loss' parameter of \w+ must be a str among"
    ),
    Case("param-activation-unknown", _fit_with_params(activation="swish"), r"'activation' parameter", MLPS),
    Case(
        "param-learning_rate-unknown", _fit_with_params(learning_rate="linear"), r"'learning_rate' parameter"
    ),
    Case("param-solver-unknown", _fit_with_params(solver="newton"), r"'solver' parameter"),
    Case(
        "param-validation_fraction-1",
        _fit_with_params(validation_fraction=1.0),
        r"'validation_fraction' parameter of \w+ must be a float in the range \[0.0, 1.0\)",
    ),
    Case(
        "param-validation_fraction-negative",
        _fit_with_params(validation_fraction=-0.1),
        r"'validation_fraction' parameter",
    ),
    Case(
        "param-validation_fraction-0-early-stopping",
        _fit_with_params(validation_fraction=0.0, early_stopping=True),
        "Could not split off a validation set with validation_fraction=0.0",
    ),
    Case("param-alpha-negative", _fit_with_params(alpha=-1.0), r"'alpha' parameter"),
    Case("param-momentum-above-1", _fit_with_params(momentum=1.5), r"'momentum' parameter"),
    Case("param-max_iter-0", _fit_with_params(max_iter=0), r"'max_iter' parameter"),
    Case(
        "param-hidden_layer_sizes-0",
        _fit_with_params(hidden_layer_sizes=(0,)),
        "hidden_layer_sizes must be > 0",
        MLPS,
    ),
    Case(
        "param-hidden_layer_sizes-float",
        _fit_with_params(hidden_layer_sizes=(2.5,)),
        "hidden_layer_sizes must hold integers",
        MLPS,
    ),
    Case("param-huber_delta-0", _fit_with_params(huber_delta=0.0), r"'huber_delta' parameter", REGRESSOR),
    Case(
        "param-class_weight-list",
        _fit_with_params(class_weight=[1, 2]),
        r"'class_weight' parameter",
        CLASSIFIERS,
    ),
    Case(
        "param-scoring-unknown",
        _fit_with_params(early_stopping=True, scoring="no_such_score"),
        "'no_such_score' is not a valid scoring value",
    ),
    # --- learning-rate callables (checked at every update) ---
    Case(
        "schedule-negative",
        _fit_with_params(learning_rate=lambda k: -1.0),
        r"The learning_rate callable returned -1.0 for update 0; it must return a finite positive number",
    ),
    Case(
        "schedule-zero", _fit_with_params(learning_rate=lambda k: 0), "learning_rate callable returned 0 for"
    ),
    Case("schedule-string", _fit_with_params(learning_rate=lambda k: "fast"), "callable returned 'fast' for"),
    Case(
        "schedule-nan-during-fit",
        lambda e, X, y: e.set_params(learning_rate=schedule_failing_after(3, NAN)).fit(X, y),
        r"learning_rate callable returned nan for update 3;",
    ),
    Case(
        "schedule-inf-during-warm-start",
        lambda e, X, y: e.set_params(learning_rate=schedule_failing_after(3, INF), warm_start=True).fit(X, y),
        r"learning_rate callable returned inf for update \d+;",
    ),
    # --- partial_fit ---
    Case("partial_fit-nan-X", lambda e, X, y: e.partial_fit(with_value(X, NAN), y), "Input X contains NaN"),
    Case(
        "partial_fit-inf-y", lambda e, X, y: e.partial_fit(X, with_value(y, INF)), "Input y contains infinity"
    ),
    Case(
        "partial_fit-features",
        lambda e, X, y: e.partial_fit(X[:, :2], y),
        r"X has 2 features, but \w+ is expecting 3 features as input",
    ),
    Case(
        "partial_fit-negative-sample_weight",
        lambda e, X, y: e.partial_fit(X, y, sample_weight=-np.ones(len(y))),
        "Negative values in data passed to `sample_weight`",
    ),
    Case("partial_fit-empty", lambda e, X, y: e.partial_fit(X[:0], y[:0]), r"Found array with 0 sample\(s\)"),
    Case(
        "partial_fit-length-mismatch",
        lambda e, X, y: e.partial_fit(X, y[:-1]),
        "inconsistent numbers of samples",
    ),
    Case(
        "partial_fit-diverges",
        lambda e, X, y: e.partial_fit(X * 1e200, y),
        "the optimization diverged. Training stopped. "
        "The model was left as it was before this call to partial_fit",
    ),
    Case(
        "partial_fit-early_stopping",
        lambda e, X, y: e.set_params(early_stopping=True).partial_fit(X, y),
        "partial_fit does not support early_stopping=True",
    ),
    Case(
        "partial_fit-unseen-labels",
        lambda e, X, y: e.partial_fit(X, y + 10),
        "`y` has classes not in `self.classes_`",
        CLASSIFIERS,
    ),
    Case(
        "partial_fit-other-classes",
        lambda e, X, y: e.partial_fit(X, y, classes=[0, 1, 2, 3]),
        r"`classes=\[0, 1, 2, 3\]` is not the same as on last call to partial_fit",
        CLASSIFIERS,
    ),
    Case(
        "partial_fit-class_weight-balanced",
        lambda e, X, y: e.set_params(class_weight="balanced").partial_fit(X, y),
        "class_weight 'balanced' is not supported for partial_fit",
        CLASSIFIERS,
    ),
    Case(
        "partial_fit-outputs",
        lambda e, X, y: e.partial_fit(X, np.stack([y, y], axis=1)),
        "y has 2 outputs, but this model was fitted with 1",
        REGRESSOR,
    ),
    # --- predictions and score ---
    Case(
        "predict-features",
        lambda e, X, y: e.predict(X[:, :2]),
        r"X has 2 features, but \w+ is expecting 3 features as input",
    ),
    Case("predict-nan", lambda e, X, y: e.predict(with_value(X, NAN)), "Input X contains NaN"),
    Case("predict-inf", lambda e, X, y: e.predict(with_value(X, -INF)), "Input X contains infinity"),
    Case("predict-empty", lambda e, X, y: e.predict(X[:0]), r"Found array with 0 sample\(s\)"),
    Case("predict-1d", lambda e, X, y: e.predict(X[0]), "Expected 2D array, got 1D array"),
    Case("predict-complex", lambda e, X, y: e.predict(X + 1j), "Complex data not supported"),
    Case(
        "predict-strings",
        lambda e, X, y: e.predict(np.full(X.shape, "a")),
        "could not convert string to float",
    ),
    Case(
        "predict_proba-features",
        lambda e, X, y: e.predict_proba(np.hstack([X, X])),
        r"X has 6 features, but \w+ is expecting 3 features as input",
        CLASSIFIERS,
    ),
    Case(
        "predict_log_proba-nan",
        lambda e, X, y: e.predict_log_proba(with_value(X, NAN)),
        "contains NaN",
        CLASSIFIERS,
    ),
    Case(
        "decision_function-features",
        lambda e, X, y: e.decision_function(X[:, :1]),
        r"X has 1 features, but \w+ is expecting 3 features as input",
        CLASSIFIERS,
    ),
    Case("score-nan-y", lambda e, X, y: e.score(X, with_value(y, NAN)), "contains NaN"),
    Case("score-length-mismatch", lambda e, X, y: e.score(X, y[:-1]), "inconsistent numbers of samples"),
    Case("score-features", lambda e, X, y: e.score(X[:, :2], y), r"X has 2 features, but \w+ is expecting 3"),
]
MATRIX = [(name, case) for case in CASES for name in ESTIMATORS if not case.only or name in case.only]


# scikit-learn's accuracy casts a y_true holding NaN to int before it rejects it
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast:RuntimeWarning:sklearn")
@pytest.mark.parametrize(("name", "case"), MATRIX, ids=[f"{n}-{c.id}" for n, c in MATRIX])
def test_bad_input_is_rejected_and_the_model_is_left_as_it_was(name, case):
    y = targets(name)
    est = fitted(name)
    twin = copy.deepcopy(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        with pytest.raises(case.exc, match=case.match):
            case.call(est, X, y)
    assert_untouched(est, twin, X, y)


def test_the_matrix_covers_every_method_and_estimator():
    covered = {(name, case.id.split("-")[0]) for name, case in MATRIX}
    for name in ESTIMATORS:
        for method in ("fit", "param", "schedule", "partial_fit", "predict", "score"):
            assert (name, method) in covered
    assert len(MATRIX) >= 250


def test_a_regressor_fits_a_single_sample():
    est = MLPRegressorScratch(hidden_layer_sizes=(3,), max_iter=5, random_state=0).fit(X[:1], Y_REG[:1])
    assert est.predict(X[:1]).shape == (1,) and np.isfinite(est.loss_)


def test_an_unfitted_estimator_stays_unfitted_after_a_failed_call():
    for name in ESTIMATORS:
        est = ESTIMATORS[name]()
        with pytest.raises(ValueError, match="learning_rate callable returned nan"):
            est.set_params(learning_rate=schedule_failing_after(3, NAN)).fit(X, targets(name))
        assert not any(k.endswith("_") and not k.startswith("__") for k in vars(est))


def test_a_batch_of_zero_weight_rows_makes_no_update():
    kw = dict(alpha=0.0, batch_size=1, shuffle=False, max_iter=3)
    X, y = X_DET[:12], Y_DET[:12] % 2
    sw = np.linspace(1.0, 2.0, 12)
    sw[[3, 7]] = 0.0
    weighted = LogisticRegressionGD(**kw).fit(X, y, sample_weight=sw)
    kept = sw > 0
    without = LogisticRegressionGD(**kw).fit(X[kept], y[kept], sample_weight=sw[kept])
    assert_same(weighted.coefs_ + weighted.intercepts_, without.coefs_ + without.intercepts_)


# ----------------------------------------------------------------------------
# Divergence
# ----------------------------------------------------------------------------
X_DIV, Y_DIV = make_regression(200, 5, noise=1.0, random_state=0)
X_DIV, Y_DIV = X_DIV * 1e3, np.abs(Y_DIV)
DIVERGING = dict(
    hidden_layer_sizes=(8,), learning_rate_init=10.0, momentum=0.0, tol=0.0, n_iter_no_change=1000
)


def initial_weights(est):
    """The weights ``est`` starts from: one epoch of negligible steps on small data."""
    start = clone(est).set_params(solver="sgd", batch_size="full", learning_rate=lambda k: 1e-300, max_iter=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start.fit(X_DIV[:20] / 1e3, Y_DIV[:20] / 1e3)
    return start.coefs_ + start.intercepts_


@pytest.mark.parametrize("batch_size", [1, 32, "full"])
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_divergence_stops_at_once_and_keeps_the_last_finite_parameters(solver, batch_size):
    # Adam's steps are bounded by the rate: it needs an absurd one to diverge.
    rate = 1e100 if solver == "adam" else 10.0
    est = MLPRegressorScratch(solver=solver, batch_size=batch_size, random_state=0, **DIVERGING)
    est.set_params(learning_rate_init=rate)
    with pytest.raises(
        ValueError,
        match=rf"optimization diverged.*learning_rate_init \(now {re.escape(repr(rate))}\).*StandardScaler",
    ):
        est.fit(X_DIV, Y_DIV)
    assert all(np.isfinite(W).all() for W in est.coefs_ + est.intercepts_)
    assert est.n_iter_ == len(est.loss_curve_) and np.isfinite(est.loss_curve_).all()
    # The parameters are those of the start of the diverging epoch: the end of the last recorded one.
    if est.n_iter_ == 0:
        expected = initial_weights(est)
    else:
        ref = clone(est).set_params(max_iter=est.n_iter_).fit(X_DIV, Y_DIV)
        expected = ref.coefs_ + ref.intercepts_
    assert_same(est.coefs_ + est.intercepts_, expected)


def test_lbfgs_divergence_keeps_the_last_accepted_iterate():
    # exp(z) of the Poisson loss overflows at the initial weights of unscaled data.
    est = MLPRegressorScratch(loss="poisson", solver="lbfgs", hidden_layer_sizes=(8,), random_state=0)
    with pytest.raises(
        ValueError, match=r"became non-finite \(inf or NaN\) at iteration 1: the optimization"
    ):
        est.fit(X_DIV, Y_DIV)
    assert est.n_iter_ == 0 and est.loss_curve_ == []
    assert_same(est.coefs_ + est.intercepts_, initial_weights(est))


def test_a_huge_finite_loss_is_divergence():
    """Gradient descent with too large a step on a quadratic: the error grows about tenfold
    every epoch and stayed finite long enough for the patience rule to end the fit quietly."""
    X, y = make_regression(100, 3, noise=0.1, random_state=0)
    X = StandardScaler().fit_transform(X)
    kw = dict(hidden_layer_sizes=(), solver="sgd", batch_size="full", momentum=0.0, random_state=0)
    est = MLPRegressorScratch(activation="identity", learning_rate_init=10.0, **kw)
    with pytest.raises(
        ValueError, match=r"objective grew to .* more than 1e\+10 times max\(1, its first-epoch"
    ):
        est.fit(X, y / y.std())
    losses = np.asarray(est.loss_curve_)
    assert np.all(np.diff(losses[1:]) > 0) and losses[-1] <= 1e10 * max(1.0, losses[0])
    # The same settings with a stable rate fit the data.
    assert (
        MLPRegressorScratch(activation="identity", learning_rate_init=0.1, **kw).fit(X, y).score(X, y) > 0.99
    )


def test_unscaled_features_that_made_a_useless_fit_now_raise():
    X, y = load_breast_cancer(return_X_y=True)
    with pytest.raises(ValueError, match="objective grew to"):
        LogisticRegressionGD(alpha=0.0).fit(X * 1e10, y)
    # Scaled, the same data trains to a good model.
    assert (
        make_pipeline(StandardScaler(), LogisticRegressionGD(alpha=0.0)).fit(X * 1e10, y).score(X * 1e10, y)
        > 0.98
    )


def test_parameters_too_large_to_square_are_divergence():
    X, y = make_classification(60, 4, random_state=0)
    est = LogisticRegressionGD(alpha=0.0, max_iter=3, learning_rate=lambda k: 1e160, momentum=0.0)
    with pytest.raises(ValueError, match="too large to square in float64 at epoch 1"):
        est.fit(X, y)
    assert_same(est.coef_, np.zeros((1, 4)))  # the zero start: nothing finite came after it


def test_diverging_partial_fit_with_shuffling_resumes_as_if_it_never_happened():
    kw = dict(hidden_layer_sizes=(8,), batch_size=50, learning_rate_init=0.01, random_state=0)
    X, y = make_regression(200, 5, noise=1.0, random_state=0)
    y = y / y.std()
    a, b = MLPRegressorScratch(**kw), MLPRegressorScratch(**kw)
    for est in (a, b):
        est.partial_fit(X, y)
    with pytest.raises(ValueError, match="left as it was before this call"):
        a.partial_fit(np.vstack([X[:150], X[150:] * 1e200]), y)
    assert_same(fitted_state(a), fitted_state(b))
    a.partial_fit(X, y)
    b.partial_fit(X, y)  # the same shuffling order: the generator was put back too
    assert_same(fitted_state(a), fitted_state(b))


# ----------------------------------------------------------------------------
# Interruption
# ----------------------------------------------------------------------------
X_INT, Y_INT = make_classification(300, 8, n_informative=5, n_classes=3, random_state=0)
X_INT = StandardScaler().fit_transform(X_INT)


def interrupting_scorer(at, how):
    """A validation scorer that interrupts training at its ``at``-th call."""
    calls = []

    def scorer(est, X, y):
        calls.append(1)
        if len(calls) == at:
            if how == "raise":
                raise KeyboardInterrupt
            os.kill(os.getpid(), signal.SIGINT)  # a real SIGINT to this (the main) thread
        return est.score(X, y)

    return scorer


@pytest.mark.parametrize("how", ["raise", "signal"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_interrupt_in_every_solver_keeps_the_completed_updates(solver, how):
    kw = dict(
        hidden_layer_sizes=(10,), solver=solver, batch_size=100, tol=0.0, n_iter_no_change=100, random_state=0
    )
    est = MLPClassifierScratch(scoring=interrupting_scorer(4, how), max_iter=50, **kw)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        assert est.fit(X_INT, Y_INT, X_val=X_INT[:50], y_val=Y_INT[:50]) is est
    # A SIGINT is deferred, so the 4th epoch is recorded; a raised KeyboardInterrupt ends its record.
    assert est.n_iter_ == len(est.loss_curve_) == (4 if how == "signal" else 3)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    # The parameters are those of four whole epochs (iterations), as without the interruption.
    four = MLPClassifierScratch(max_iter=4, **kw).fit(X_INT, Y_INT)
    assert_same(est.coefs_ + est.intercepts_, four.coefs_ + four.intercepts_)
    if solver == "lbfgs":
        assert est.loss_ == four.loss_  # J at the parameters kept


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_interrupt_with_early_stopping_keeps_the_best_epoch(how):
    est = MLPClassifierScratch(
        hidden_layer_sizes=(10,),
        learning_rate_init=0.05,
        early_stopping=True,
        scoring=interrupting_scorer(12, how),
        n_iter_no_change=100,
        random_state=0,
    )
    with pytest.warns(UserWarning, match="interrupted"):
        est.fit(X_INT, Y_INT, X_val=X_INT[:100], y_val=Y_INT[:100])
    assert est.best_epoch_ <= est.n_iter_ < 12 + (how == "signal")
    assert est.score(X_INT[:100], Y_INT[:100]) == est.best_validation_score_


@pytest.mark.parametrize("how", ["raise", "signal"])
def test_interrupted_partial_fit_keeps_its_whole_updates(how):
    def schedule(k):
        if k == 5:  # the third update of the second call
            if how == "raise":
                raise KeyboardInterrupt
            signal.raise_signal(signal.SIGINT)
        return 0.01

    kw = dict(hidden_layer_sizes=(10,), alpha=0.0, batch_size=100, shuffle=False, random_state=0)
    est = MLPClassifierScratch(learning_rate=schedule, **kw).partial_fit(X_INT, Y_INT, classes=[0, 1, 2])
    with pytest.warns(UserWarning, match="interrupted"):
        est.partial_fit(X_INT, Y_INT)
    assert len(est.loss_curve_) == 1 and est.t_ == 300  # the unfinished epoch is not recorded
    # Two whole updates (three with a deferred SIGINT) of the second call were made.
    n_rows = 200 if how == "raise" else 300
    ref = MLPClassifierScratch(learning_rate_init=0.01, **kw).partial_fit(X_INT, Y_INT, classes=[0, 1, 2])
    ref.partial_fit(X_INT[:n_rows], Y_INT[:n_rows])
    assert_same(est.coefs_ + est.intercepts_, ref.coefs_ + ref.intercepts_)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


# ----------------------------------------------------------------------------
# Numerical extremes
# ----------------------------------------------------------------------------
@pytest.fixture
def strict_numerics():
    """Any RuntimeWarning (overflow, underflow, invalid value, division) and any warning from
    this package but a ConvergenceWarning is an error."""
    with warnings.catch_warnings():
        warnings.filterwarnings("error", module="sklearn_nn")
        warnings.filterwarnings("error", category=RuntimeWarning)
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        yield


def assert_valid_proba(est, X):
    """Probabilities in [0, 1] summing to 1 (per label for multilabel), computed without any
    floating-point overflow, invalid operation or division by zero."""
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        proba = est.predict_proba(X)
        log_proba = est.predict_log_proba(X)
    assert np.isfinite(proba).all() and proba.min() >= 0.0 and proba.max() <= 1.0
    if est.predict(X[:1]).ndim == 1:  # not multilabel
        np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=10 * np.finfo(proba.dtype).eps)
    assert not np.isnan(log_proba).any() and (log_proba <= 0).all()


EXTREME_CLASSIFIERS = {
    "logistic-binary": (LogisticRegressionGD, 2),
    "logistic-ovr": (LogisticRegressionGD, 3),
    "softmax-binary": (SoftmaxRegressionGD, 2),
    "softmax-multiclass": (SoftmaxRegressionGD, 3),
    "mlp-binary": (MLPClassifierScratch, 2),
    "mlp-multiclass": (MLPClassifierScratch, 3),
    "mlp-multilabel": (MLPClassifierScratch, -2),
}


def _classification(n_classes, dtype=np.float64):
    X, y = make_classification(
        120, 4, n_informative=3, n_redundant=0, n_classes=abs(n_classes), random_state=0
    )
    if n_classes < 0:
        y = np.stack([y == 0, y == 1], axis=1).astype(int)
    return StandardScaler().fit_transform(X).astype(dtype), y


@pytest.mark.parametrize("loss", ["log_loss", "squared_error", "hinge"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind", list(EXTREME_CLASSIFIERS))
def test_logits_of_1e4_train_and_predict_cleanly(kind, dtype, loss, strict_numerics):
    cls, n_classes = EXTREME_CLASSIFIERS[kind]
    X, y = _classification(n_classes, dtype)
    kw = {"hidden_layer_sizes": (5,), "random_state": 0} if cls is MLPClassifierScratch else {}
    est = cls(loss=loss, max_iter=5, warm_start=True, **kw).fit(X, y)
    for W in est.coefs_:
        W *= 1e4 / np.abs(est.decision_function(X)).max() ** (1 / len(est.coefs_))
    assert np.abs(est.decision_function(X)).max() > 1e3
    assert_valid_proba(est, X)
    est.set_params(max_iter=1).fit(X, y)  # an epoch from there: losses and gradients at logits of 1e4
    assert np.isfinite(est.loss_curve_).all() and all(np.isfinite(W).all() for W in est.coefs_)
    assert_valid_proba(est, X)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("cls", [LogisticRegressionGD, SoftmaxRegressionGD, MLPClassifierScratch])
def test_features_of_1e10(cls, solver, strict_numerics):
    X, y = make_classification(200, 5, n_informative=3, random_state=0)
    kw = {"hidden_layer_sizes": (8,), "random_state": 0} if cls is MLPClassifierScratch else {}
    scaled = make_pipeline(StandardScaler(), cls(solver=solver, max_iter=100, **kw)).fit(X * 1e10, y)
    assert np.isfinite(scaled[-1].loss_curve_).all()
    assert_valid_proba(scaled, X * 1e10)
    # Scaled, features of 1e10 train as features of 1.
    plain = make_pipeline(StandardScaler(), cls(solver=solver, max_iter=100, **kw)).fit(X, y)
    np.testing.assert_allclose(scaled.predict_proba(X * 1e10), plain.predict_proba(X), rtol=0, atol=1e-4)
    # Unscaled, a fit either ends with finite numbers or says it diverged; nothing else.
    est = cls(solver=solver, max_iter=100, **kw)
    try:
        est.fit(X * 1e10, y)
    except ValueError as exc:
        assert "the optimization diverged" in str(exc) and solver != "lbfgs"
    assert np.isfinite(est.loss_curve_).all()
    assert_valid_proba(est, X * 1e10)


@pytest.mark.parametrize("scale", [1e-30, 1e17])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_float32_near_its_limits(name, scale, strict_numerics):
    X32 = (X * scale).astype(np.float32)
    y = targets(name).astype(np.float32) if name in REGRESSOR else targets(name)
    est = ESTIMATORS[name]()
    try:
        est.fit(X32, y)
    except ValueError as exc:  # 1e17 squared is beyond float32
        assert "the optimization diverged" in str(exc) and scale > 1
    assert all(W.dtype == np.float32 and np.isfinite(W).all() for W in est.coefs_)
    assert np.isfinite(est.loss_curve_).all()
    if name in CLASSIFIERS:
        assert_valid_proba(est, X32)
    else:
        assert np.isfinite(est.predict(X32)).all()


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@pytest.mark.parametrize("kind", list(EXTREME_CLASSIFIERS))
def test_separable_data_without_penalty(kind, solver, strict_numerics):
    cls, n_classes = EXTREME_CLASSIFIERS[kind]
    X, y = _classification(n_classes)
    labels = y if y.ndim == 2 else np.eye(abs(n_classes))[y]
    X = np.hstack([X, 10.0 * labels])  # columns that separate the classes perfectly
    kw = {"hidden_layer_sizes": (5,), "random_state": 0} if cls is MLPClassifierScratch else {}
    rate = 0.05 if cls is MLPClassifierScratch else 0.5
    est = cls(alpha=0.0, solver=solver, learning_rate_init=rate, max_iter=300, **kw).fit(X, y)
    assert est.score(X, y) == 1.0
    assert np.isfinite(est.loss_curve_).all() and est.loss_ < 0.01
    assert_valid_proba(est, X)


# ----------------------------------------------------------------------------
# Determinism and persistence
# ----------------------------------------------------------------------------
X_DET, Y_DET = make_classification(250, 6, n_informative=4, n_classes=3, random_state=1)
X_DET = StandardScaler().fit_transform(X_DET)
Y_DET_REG = X_DET @ np.arange(6.0)


def det_estimator(name, **params):
    return ESTIMATORS[name]().set_params(random_state=3, shuffle=True, **params)


def det_targets(name):
    return Y_DET_REG if name in REGRESSOR else Y_DET


@pytest.mark.parametrize(
    "settings",
    [dict(solver="sgd"), dict(solver="adam"), dict(solver="lbfgs"), dict(solver="adam", early_stopping=True)],
    ids=["sgd", "adam", "lbfgs", "es"],
)
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_same_random_state_same_bits(name, settings):
    if name in MLPS:
        settings = dict(settings, batch_size=32)
    a = det_estimator(name, **settings).fit(X_DET, det_targets(name))
    b = det_estimator(name, **settings).fit(X_DET, det_targets(name))
    assert_same(fitted_state(a), fitted_state(b), "fitted")


@pytest.mark.parametrize(
    ("spelling", "same_as"),
    [("auto", 200), ("full", 250), (10_000, "full")],
    ids=["auto=200", "full=n", "big=full"],
)
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_batch_size_spellings_give_the_same_bits(name, spelling, same_as):
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Got `batch_size`", category=UserWarning)
        a = det_estimator(name, solver="adam", batch_size=spelling).fit(X_DET, det_targets(name))
        b = det_estimator(name, solver="adam", batch_size=same_as).fit(X_DET, det_targets(name))
    assert len(a.loss_curve_) > 1
    assert_same(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_)
    assert_same(a.loss_curve_, b.loss_curve_)


def test_batch_larger_than_the_data_warns_that_it_is_clipped():
    with pytest.warns(UserWarning, match="Got `batch_size` less than 1 or larger than sample size"):
        MLPClassifierScratch(hidden_layer_sizes=(3,), batch_size=1000, max_iter=2).fit(X_DET, Y_DET)


def round_trip(est, how, tmp_path):
    """A copy of ``est`` through pickle in memory or through a joblib file."""
    if how == "pickle":
        return pickle.loads(pickle.dumps(est))
    path = tmp_path / "model.joblib"
    joblib.dump(est, path)
    return joblib.load(path)


@pytest.mark.parametrize("how", ["pickle", "joblib"])
@pytest.mark.parametrize("stage", ["fitted", "mid-partial_fit"])
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_round_trip_predicts_and_trains_on_identically(name, stage, how, tmp_path):
    y = det_targets(name)
    est = det_estimator(name, solver="adam", batch_size=64)
    if stage == "fitted":
        est.fit(X_DET, y)
    else:
        kwargs = {"classes": np.unique(y)} if name in CLASSIFIERS else {}
        est.partial_fit(X_DET[:120], y[:120], **kwargs)
    copy_ = round_trip(est, how, tmp_path)
    assert_same(predictions(copy_, X_DET), predictions(est, X_DET))
    assert_same(fitted_state(copy_), fitted_state(est))
    est.partial_fit(X_DET, y)
    copy_.partial_fit(X_DET, y)
    assert_same(fitted_state(copy_), fitted_state(est))
    assert_same(predictions(copy_, X_DET), predictions(est, X_DET))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_lbfgs_round_trip_resumes_identically(name, tmp_path):
    y = det_targets(name)
    est = det_estimator(name, solver="lbfgs", warm_start=True, max_iter=5).fit(X_DET, y)
    copy_ = round_trip(est, "joblib", tmp_path)
    est.fit(X_DET, y)
    copy_.fit(X_DET, y)
    assert_same(fitted_state(copy_), fitted_state(est))


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_clone_is_unfitted_with_the_same_params(name):
    est = det_estimator(name, alpha=0.3).fit(X_DET, det_targets(name))
    twin = clone(est)
    assert twin.get_params() == est.get_params()
    assert not [k for k in vars(twin) if k.endswith("_")]
    assert_same(fitted_state(twin.fit(X_DET, det_targets(name))), fitted_state(est))


# ----------------------------------------------------------------------------
# Concurrency
# ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_predictions_from_many_threads_equal_serial_ones(name):
    est = det_estimator(name).fit(X_DET, det_targets(name))
    chunks = [X_DET[i % 5 :: 5] for i in range(20)]
    serial = [predictions(est, chunk) for chunk in chunks]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(8):
            threaded = list(pool.map(lambda chunk: predictions(est, chunk), chunks))
            for a, b in zip(threaded, serial):
                assert_same(a, b)


@pytest.mark.slow
def test_grid_search_in_parallel_equals_serial():
    grid = {"alpha": [1e-4, 1.0], "hidden_layer_sizes": [(4,), (8,)]}
    est = MLPClassifierScratch(max_iter=30, learning_rate_init=0.01, random_state=0)
    serial = GridSearchCV(est, grid, cv=3).fit(X_DET, Y_DET)
    parallel = GridSearchCV(est, grid, cv=3, n_jobs=2).fit(X_DET, Y_DET)
    assert parallel.best_params_ == serial.best_params_
    for key in ("mean_test_score", "std_test_score", "split0_test_score", "rank_test_score"):
        np.testing.assert_array_equal(parallel.cv_results_[key], serial.cv_results_[key])
