"""Property-based tests: any valid input trains or fails cleanly; gradients match finite differences.

Hypothesis draws small problems (shapes, dtypes, sparse or dense X, labels,
sample weights) and hyperparameters from the valid space. A fit either
succeeds with finite parameters and valid predictions, or raises a ValueError
with one of the package's documented messages, and at most a small share of
the draws diverges. The examples are derandomized, so every run (and CI)
checks the same ones.
"""

import warnings
from collections import Counter

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn._losses import (
    AbsoluteError,
    Huber,
    Poisson,
    SigmoidHinge,
    SigmoidLogLoss,
    SigmoidSquaredError,
    SoftmaxHinge,
    SoftmaxLogLoss,
    SoftmaxSquaredError,
    SquaredError,
)
from sklearn_nn._network import Network
from sklearn_nn._objective import Objective
from sklearn_nn._penalties import L2Penalty

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PROPERTY_SETTINGS = settings(
    max_examples=1000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

# The messages of the ValueErrors a valid-looking problem may legitimately end with.
DOCUMENTED_ERRORS = (
    "the optimization diverged",  # training diverged
    "only one class is present",  # the labels drawn hold a single class
    "Only one class has a positive sample weight",
    "Sample weights must contain at least one non-zero number",
    "Could not split off a validation set",  # early stopping on very few rows
    "The validation set is too small",
    "All sample weights of the",  # the early-stopping split left one side without weight
)


@st.composite
def problems(draw):
    """An estimator with valid hyperparameters and data (X, y, sample_weight) it accepts."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.RandomState(seed)
    n = draw(st.integers(1, 40))
    d = draw(st.integers(1, 6))
    scale = draw(st.sampled_from([1e-3, 1.0, 1e3]))
    X = rng.randn(n, d) * scale
    kind = draw(st.sampled_from(["logistic", "softmax", "mlp-classifier", "mlp-regressor"]))
    if kind == "mlp-regressor":
        loss = draw(st.sampled_from(["squared_error", "absolute_error", "huber", "poisson"]))
        y = X @ rng.randn(d) + rng.randn(n)
        if loss == "poisson":
            y = rng.poisson(np.exp(np.clip(y / max(scale, 1.0), -2, 2))).astype(float)
    else:
        loss = draw(st.sampled_from(["log_loss", "squared_error", "hinge"]))
        n_classes = draw(st.integers(2, 4))
        y = rng.randint(n_classes, size=n)
        if draw(st.booleans()):
            y = np.array(["ant", "bee", "cat", "dog"])[y]
    weights = draw(st.sampled_from(["none", "positive", "some-zero"]))
    sample_weight = None
    if weights != "none":
        sample_weight = rng.uniform(0.1, 3.0, size=n)
        if weights == "some-zero":
            sample_weight[rng.rand(n) < 0.3] = 0.0
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    X = X.astype(dtype)
    if draw(st.booleans()):
        X[rng.rand(n, d) < 0.4] = 0.0
        X = sp.csr_matrix(X)

    solver = draw(st.sampled_from(["sgd", "adam", "lbfgs"]))
    params = dict(
        loss=loss,
        solver=solver,
        alpha=draw(st.sampled_from([0.0, 1e-4, 1.0])),
        batch_size=draw(st.one_of(st.sampled_from(["auto", "full"]), st.integers(1, 50))),
        learning_rate=draw(
            st.sampled_from(["constant", "invscaling", "exponential", "step", "cosine", "adaptive"])
        ),
        learning_rate_init=draw(st.sampled_from([1e-3, 1e-2, 0.1, 1.0])),
        max_iter=draw(st.integers(1, 5)),
        early_stopping=draw(st.booleans()),
        validation_fraction=0.2,
        random_state=draw(st.integers(0, 3)),
    )
    if kind.startswith("mlp"):
        params["hidden_layer_sizes"] = draw(st.sampled_from([(3,), (4, 2)]))
        params["activation"] = draw(
            st.sampled_from(["identity", "logistic", "tanh", "relu", "leaky_relu", "gelu"])
        )
    cls = {
        "logistic": LogisticRegressionGD,
        "softmax": SoftmaxRegressionGD,
        "mlp-classifier": MLPClassifierScratch,
        "mlp-regressor": MLPRegressorScratch,
    }[kind]
    return cls(**params), X, y, sample_weight


def fit_outcome(problem):
    """Fit a drawn problem and check the property: ``"fitted"`` (with finite parameters and
    valid predictions) or the documented message of the ValueError it raised."""
    est, X, y, sample_weight = problem
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=RuntimeWarning)
        warnings.filterwarnings("error", module="sklearn_nn")
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Got `batch_size`", category=UserWarning)
        try:
            est.fit(X, y, sample_weight=sample_weight)
        except ValueError as exc:
            assert any(message in str(exc) for message in DOCUMENTED_ERRORS), str(exc)
            return next(message for message in DOCUMENTED_ERRORS if message in str(exc))
        params = est.coefs_ + est.intercepts_
        assert all(p.dtype == X.dtype and np.isfinite(p).all() for p in params)
        assert np.isfinite(est.loss_curve_).all()
        pred = est.predict(X)
        assert pred.shape == (X.shape[0],)
        if hasattr(est, "classes_"):
            assert set(pred) <= set(est.classes_)
            proba = est.predict_proba(X)
            assert proba.shape == (X.shape[0], len(est.classes_)) and proba.dtype == X.dtype
            assert np.isfinite(proba).all() and proba.min() >= 0 and proba.max() <= 1
            np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5 if X.dtype == np.float32 else 1e-12)
        else:
            assert np.isfinite(pred).all()
    return "fitted"


@pytest.fixture(scope="module")
def property_outcomes():
    """Run the property over its derandomized draws, once for the module: the count of each outcome.

    Both tests below read these counts, whichever of them runs first or alone
    (``-k``). A draw that breaks the property raises here, after hypothesis has
    shrunk it; pytest keeps that error and reports it for both tests.
    """
    outcomes = Counter()

    @PROPERTY_SETTINGS
    @given(problems())
    def fit_succeeds_with_valid_outputs_or_fails_with_a_documented_error(problem):
        outcomes[fit_outcome(problem)] += 1

    fit_succeeds_with_valid_outputs_or_fails_with_a_documented_error()
    return outcomes


@pytest.mark.slow
def test_fit_succeeds_with_valid_outputs_or_fails_with_a_documented_error(property_outcomes):
    # Every draw held (the fixture raises otherwise), and hypothesis ran about as many as asked.
    assert property_outcomes.total() >= 0.9 * PROPERTY_SETTINGS.max_examples, property_outcomes


# "the optimization diverged" is a documented end for any draw, so a change that made every fit
# diverge would still pass the property; it may end this share of the draws at most. Measured:
# 4 of the 1000 draws (0.4%; the same with the SkylakeX, Haswell and Sandybridge BLAS kernels),
# and 3 of 1000 on another set of draws. Derandomized, the draws are the same on every run; they
# change with the source of the function hypothesis runs (it seeds from it) and its version.
MAX_DIVERGED_SHARE = 0.02


@pytest.mark.slow
def test_few_draws_diverge(property_outcomes):
    share = property_outcomes["the optimization diverged"] / property_outcomes.total()
    assert share <= MAX_DIVERGED_SHARE, property_outcomes


# ----------------------------------------------------------------------------
# Gradients against central differences
# ----------------------------------------------------------------------------
SMOOTH_ACTIVATIONS = ["identity", "logistic", "tanh", "gelu"]
KINKED_ACTIVATIONS = ["relu", "leaky_relu"]
# loss class -> the kind of targets it takes
LOSSES = {
    SigmoidLogLoss: "sigmoid",
    SigmoidSquaredError: "sigmoid",
    SigmoidHinge: "sigmoid",
    SoftmaxLogLoss: "softmax",
    SoftmaxSquaredError: "softmax",
    SoftmaxHinge: "softmax",
    SquaredError: "regression",
    Huber: "regression",
    AbsoluteError: "regression",
    Poisson: "regression",
}
STEP = 1e-6
KINK_MARGIN = 1e-3  # points this close to a kink are skipped: a step of STEP cannot cross it


def _kink_distance(net, loss, X, T):
    """Distance of the forward pass to the nearest kink of the activation or the loss (inf if none)."""
    distances = [np.inf]
    raw, inputs, saved = net.forward(X)
    if net.activation in KINKED_ACTIVATIONS:
        distances += [np.abs(z).min() for z in inputs[1:]]  # a hidden layer's output keeps the sign of z
    if isinstance(loss, SigmoidHinge):
        distances.append(np.abs(1.0 - (2.0 * T - 1.0) * raw).min())
    elif isinstance(loss, SoftmaxHinge):
        margin = 1.0 - (T * raw).sum(axis=1, keepdims=True) + raw
        distances.append(np.abs(margin[T == 0]).min())
    elif isinstance(loss, AbsoluteError):
        distances.append(np.abs(raw - T).min())
    elif isinstance(loss, Huber):
        distances.append(np.abs(np.abs(raw - T) - loss.delta).min())
    return min(distances)


@st.composite
def networks(draw):
    """A small network, a loss, rows with targets and weights, and the penalty settings."""
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.RandomState(seed)
    loss_cls = draw(st.sampled_from(list(LOSSES)))
    family = LOSSES[loss_cls]
    activation = draw(st.sampled_from(SMOOTH_ACTIVATIONS + KINKED_ACTIVATIONS))
    n = draw(st.integers(1, 8))
    d = draw(st.integers(1, 4))
    hidden = draw(st.lists(st.integers(1, 4), min_size=0, max_size=2))
    k = draw(st.integers(2 if family == "softmax" else 1, 3))
    X = rng.randn(n, d)
    if family == "regression":
        T = rng.randn(n, k) if loss_cls is not Poisson else rng.poisson(2.0, size=(n, k)).astype(float)
    elif family == "sigmoid":
        T = (rng.rand(n, k) < 0.5).astype(np.uint8)
    else:
        T = np.eye(k, dtype=np.uint8)[rng.randint(k, size=n)]
    sample_weight = draw(st.sampled_from([None, "weights"]))
    if sample_weight is not None:
        sample_weight = rng.uniform(0.0, 2.0, size=n)
        sample_weight[0] += 0.5  # a positive total
    net = Network([d, *hidden, k], activation, np.float64, fit_intercept=draw(st.booleans()))
    net.init_glorot(rng)
    loss = loss_cls(delta=draw(st.sampled_from([0.5, 1.0]))) if loss_cls is Huber else loss_cls()
    alpha = draw(st.sampled_from([0.0, 0.1, 3.0]))
    n_total = draw(st.sampled_from([float(n), 100.0]))
    return net, loss, X, T, sample_weight, alpha, n_total


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(networks())
def test_gradient_matches_central_differences(case):
    net, loss, X, T, sample_weight, alpha, n_total = case
    assume(_kink_distance(net, loss, X, T) > KINK_MARGIN)

    def J(theta):
        net.params[...] = theta
        return Objective(net, loss, L2Penalty(alpha, net.n_weights)).value(X, T, sample_weight, n_total)

    theta = net.params.copy()
    grad = np.empty_like(theta)
    J0 = Objective(net, loss, L2Penalty(alpha, net.n_weights)).value(X, T, sample_weight, n_total, grad)
    assert J0 == J(theta)  # the value does not depend on whether the gradient is asked for
    numeric = np.empty_like(theta)
    for i in range(theta.shape[0]):
        step = np.zeros_like(theta)
        step[i] = STEP
        numeric[i] = (J(theta + step) - J(theta - step)) / (2 * STEP)
    net.params[...] = theta
    if not net.fit_intercept:  # biases stay at zero: their gradient is zero, not dJ/db
        start = net.n_weights
        numeric[start:] = 0.0
    np.testing.assert_allclose(grad, numeric, rtol=1e-5, atol=1e-7)
