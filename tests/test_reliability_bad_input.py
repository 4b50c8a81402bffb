"""Reliability: bad input is rejected and leaves the model as it was.

The bad-input matrix runs every case on every estimator it applies to: the call
fails with a ValueError (or TypeError) whose message names the parameter or
the problem, and the fitted estimator it was called on is left exactly as it
was: the same fitted attributes, the same predictions, and one more
``partial_fit`` gives the same parameters as on an untouched copy.
"""

import copy
import os
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest
import scipy.sparse as sp
from _reliability_helpers import (
    CLASSIFIERS,
    ESTIMATORS,
    LINEAR,
    MLPS,
    REGRESSOR,
    X_DET,
    Y_DET,
    Y_REG,
    X,
    assert_same,
    fitted_state,
    predictions,
    targets,
)
from sklearn.exceptions import ConvergenceWarning

from sklearn_nn import LogisticRegressionGD, MLPRegressorScratch
from sklearn_nn.stream import fit_stream

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def fitted(name, **params):
    return ESTIMATORS[name]().set_params(**params).fit(X, targets(name))


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
    # A linear model's settings for the fit before the call (partial_fit keeps the optimizer of that fit).
    linear: dict = field(default_factory=dict)


def _fit_with_params(**params):
    return lambda e, X, y: e.set_params(**params).fit(X, y)


NAN, INF = np.nan, np.inf
_NOT_A_CHECKPOINT = os.path.join(tempfile.mkdtemp(), "not_a_checkpoint.npz")
np.savez(_NOT_A_CHECKPOINT, coef=np.zeros(3))
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
        "param-weight_init-unknown",
        _fit_with_params(weight_init="orthogonal"),
        r"'weight_init' parameter",
        MLPS,
    ),
    Case("param-dropout-1", _fit_with_params(dropout=1.0), r"'dropout' parameter", MLPS),
    Case("param-dropout-per-layer", _fit_with_params(dropout=[0.1, 0.2, 0.3]), "dropout has 3 rates", MLPS),
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
    Case("param-l1_ratio-above-1", _fit_with_params(l1_ratio=1.5), r"'l1_ratio' parameter"),
    Case(
        "param-l1_ratio-lbfgs",
        _fit_with_params(solver="lbfgs", l1_ratio=0.5),
        r"solver='lbfgs' minimises a smooth J and l1_ratio=0.5",
    ),
    Case("param-momentum-above-1", _fit_with_params(momentum=1.5), r"'momentum' parameter"),
    Case(
        "param-rho-1",
        _fit_with_params(solver="rmsprop", rho=1.0),
        r"'rho' parameter of \w+ must be a float in the range \[0.0, 1.0\)",
    ),
    Case("param-rho-negative", _fit_with_params(solver="rmsprop", rho=-0.5), r"'rho' parameter"),
    Case("param-clip_grad_norm-0", _fit_with_params(clip_grad_norm=0.0), r"'clip_grad_norm' parameter"),
    Case(
        "param-clip_grad_norm-lbfgs",
        _fit_with_params(solver="lbfgs", clip_grad_norm=1.0),
        r"clip_grad_norm=1.0 rescales the steps .* solver='lbfgs'",
    ),
    Case(
        "param-monitor_gradients-string",
        _fit_with_params(monitor_gradients="yes"),
        r"'monitor_gradients' parameter",
    ),
    Case("param-epsilon-0-adagrad", _fit_with_params(solver="adagrad", epsilon=0.0), r"'epsilon' parameter"),
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
        # The constant rate diverges; a linear model's default step rule never lets J grow.
        linear=dict(learning_rate="constant", tol=1e-8),
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
    # --- fit_stream's checkpoint: refused before anything is read or changed ---
    Case(
        "fit_stream-checkpoint-not-a-checkpoint",
        lambda e, X, y: fit_stream(
            e, (X, y), classes=getattr(e, "classes_", None), checkpoint=_NOT_A_CHECKPOINT
        ),
        "is not a checkpoint of fit_stream",
        linear=dict(learning_rate="constant", tol=1e-8),
    ),
    Case(
        "fit_stream-checkpoint_every-0",
        lambda e, X, y: fit_stream(
            e, (X, y), classes=getattr(e, "classes_", None), checkpoint="x", checkpoint_every=0
        ),
        "checkpoint_every must be an integer >= 1",
        linear=dict(learning_rate="constant", tol=1e-8),
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
    est = fitted(name, **(case.linear if name in LINEAR else {}))
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
    kw = dict(alpha=0.0, batch_size=1, shuffle=False, max_iter=3, learning_rate="constant", tol=1e-8)
    X, y = X_DET[:12], Y_DET[:12] % 2
    sw = np.linspace(1.0, 2.0, 12)
    sw[[3, 7]] = 0.0
    weighted = LogisticRegressionGD(**kw).fit(X, y, sample_weight=sw)
    kept = sw > 0
    without = LogisticRegressionGD(**kw).fit(X[kept], y[kept], sample_weight=sw[kept])
    assert_same(weighted.coefs_ + weighted.intercepts_, without.coefs_ + without.intercepts_)
