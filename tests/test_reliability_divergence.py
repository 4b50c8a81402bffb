"""Reliability: divergence stops training at once and keeps the last finite parameters.

A fit that diverges (a non-finite objective or parameters, parameters too large
to square, an objective grown far beyond its first epoch) raises a ValueError
that says so and how to fix it, and leaves the parameters of the last whole
epoch (iteration); a diverging ``partial_fit`` leaves the model as it was.
"""

import re
import warnings

import numpy as np
import pytest
from _reliability_helpers import assert_same, fitted_state
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPRegressorScratch

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

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
    constant = dict(alpha=0.0, learning_rate="constant", tol=1e-8)  # a constant rate: it diverges
    with pytest.raises(ValueError, match="objective grew to"):
        LogisticRegressionGD(**constant).fit(X * 1e10, y)
    # Scaled, the same data trains to a good model.
    assert (
        make_pipeline(StandardScaler(), LogisticRegressionGD(**constant)).fit(X * 1e10, y).score(X * 1e10, y)
        > 0.98
    )
    # The default step rule's line search never lets J grow: the unscaled data trains to finite parameters.
    est = LogisticRegressionGD(alpha=0.0).fit(X * 1e10, y)
    assert np.isfinite(est.coef_).all() and est.stop_reason_ in {"tol", "max_iter"}


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
