"""Reliability: numerical extremes train and predict without overflow, NaN or division by zero.

Logits of 1e4, features of 1e10, float32 data near its limits and separable
data without a penalty: a fit either ends with finite numbers and valid
probabilities or says that it diverged; nothing else.
"""

import warnings

import numpy as np
import pytest
from _reliability_helpers import CLASSIFIERS, ESTIMATORS, REGRESSOR, X, targets
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, SoftmaxRegressionGD

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


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
    # Scaled, features of 1e10 train as features of 1: the scaler gives both the same
    # standardized features, to rounding, and from there the fits agree.
    np.testing.assert_allclose(
        scaled[0].transform(X * 1e10), StandardScaler().fit_transform(X), rtol=0, atol=1e-12
    )
    if cls is MLPClassifierScratch and solver == "lbfgs":
        # 100 L-BFGS iterations of a ReLU network stop at a point of a chaotic path: its line
        # searches and curvature pairs amplify the rounding differences of the two inputs (and
        # those between BLAS kernels) to 1e-4 in the probabilities, and the ReLU's kinks keep it
        # from converging to a point. Compare the minimum both fits converge to instead: a smooth
        # activation and a penalty that makes it strict. There J is flat to first order, so the
        # two losses agree to about L-BFGS's ftol (64 eps) and the parameters and probabilities
        # to about its square root (measured: 5e-13 relative and 7e-7 on five kernels).
        params = dict(solver=solver, activation="tanh", alpha=1.0, tol=1e-8, max_iter=1000, **kw)
        scaled = make_pipeline(StandardScaler(), cls(**params)).fit(X * 1e10, y)
        plain = make_pipeline(StandardScaler(), cls(**params)).fit(X, y)
        assert max(scaled[-1].n_iter_, plain[-1].n_iter_) < params["max_iter"]  # both converged
        assert scaled[-1].loss_ == pytest.approx(plain[-1].loss_, rel=1e-9)
    else:  # a strictly convex J (the linear models), or small first-order steps (the MLP)
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
