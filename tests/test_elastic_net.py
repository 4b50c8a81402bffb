"""The elastic-net penalty: its proximal step, and the optimum of scikit-learn's saga."""

import warnings

import numpy as np
import pytest
from _linear_data import DATASETS
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, SoftmaxRegressionGD
from sklearn_nn._penalties import ElasticNetPenalty, make_penalty


def test_value_prox_and_stationarity_follow_their_formulas():
    alpha, rho, n = 3.0, 0.25, 6.0  # lam = alpha rho / n = 0.125
    pen = ElasticNetPenalty(alpha, rho, n_weights=3)
    params = np.array([0.5, -0.1, 0.0, 9.0])  # three weights, one bias
    W = params[:3]
    expected = alpha / n * ((1 - rho) / 2 * W @ W + rho * np.abs(W).sum())
    assert pen.value(params, n) == pytest.approx(expected, rel=1e-15)
    grad = np.zeros(4)
    pen.add_gradient(grad, params, n)  # the smooth part only
    np.testing.assert_allclose(grad, [alpha * (1 - rho) / n * w for w in W] + [0.0], rtol=1e-15)
    moved = params.copy()
    pen.prox(moved, 2.0, n)  # sign(w) max(|w| - 2 lam, 0) = sign(w) max(|w| - 0.25, 0)
    np.testing.assert_allclose(moved, [0.25, 0.0, 0.0, 9.0], rtol=1e-15)
    g = np.array([0.05, 0.3, -0.2, 0.01])
    # nonzero weights: |g + lam sign(w)|; zero weight: max(|g| - lam, 0); bias: |g|
    measures = [abs(0.05 + 0.125), abs(0.3 - 0.125), max(0.2 - 0.125, 0.0), 0.01]
    assert pen.stationarity(params, g, n, np.empty(4)) == pytest.approx(max(measures), rel=1e-15)
    est = LogisticRegressionGD(alpha=alpha, l1_ratio=0.0)
    assert type(make_penalty(est, 3)).__name__ == "L2Penalty"  # l1_ratio=0 keeps the L2 penalty's bits


def _saga_reference(Est, X, y, rho):
    """scikit-learn's saga optimum of the same J: one-vs-rest fits for our one-vs-rest model."""
    saga = LogisticRegression(C=1.0, l1_ratio=rho, solver="saga", tol=1e-12, max_iter=200000)
    one_vs_rest = Est is LogisticRegressionGD and len(np.unique(y)) > 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)  # saga on breast_cancer at rho=1, tol=1e-12
        fitted = (OneVsRestClassifier(saga) if one_vs_rest else saga).fit(X, y)
    if one_vs_rest:
        units = fitted.estimators_
        return np.vstack([e.coef_ for e in units]), np.hstack([e.intercept_ for e in units])
    return fitted.coef_, fitted.intercept_


def _J_at(est, coef, intercept, X, y):
    """Our J at given coefficients (the fitted model's objective, parameters put back)."""
    saved = est._trainer.net.params.copy()
    est.coefs_[0][...], est.intercepts_[0][...] = coef.T, intercept
    J = est._trainer.objective.value(X, est._encoding.encode(y).astype(float), None, float(len(y)))
    est._trainer.net.params[...] = saved
    return J


ROWS = [("breast_cancer", LogisticRegressionGD)] + [
    (name, Est) for name in ("wine", "iris") for Est in (SoftmaxRegressionGD, LogisticRegressionGD)
]


@pytest.mark.slow
@pytest.mark.parametrize("rho", [0.5, 1.0])
@pytest.mark.parametrize("data, Est", ROWS, ids=[f"{d}-{e.__name__}" for d, e in ROWS])
def test_the_default_fit_reaches_sagas_optimum_with_its_zeros(data, Est, rho):
    X, y = DATASETS[data]
    coef, intercept = _saga_reference(Est, X, y, rho)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # breast_cancer at rho=1 runs to max_iter
        est = Est(l1_ratio=rho).fit(X, y)
    J_star = _J_at(est, coef, intercept, X, y)
    assert (est.loss_ - J_star) / J_star <= 1e-6  # at most: saga itself may stop above J*
    np.testing.assert_array_equal(est.coef_ == 0.0, coef == 0.0)
    assert (est.coef_ == 0.0).any()


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_ista_and_fista_reach_the_same_optimum(momentum):
    X, y = DATASETS["wine"]
    bb = SoftmaxRegressionGD(l1_ratio=0.5, tol=1e-9).fit(X, y)
    est = SoftmaxRegressionGD(l1_ratio=0.5, learning_rate="backtracking", momentum=momentum, tol=1e-7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # plain ISTA may end at J's precision
        est.set_params(max_iter=20000).fit(X, y)
    assert abs(est.loss_ - bb.loss_) / bb.loss_ <= 1e-8
    np.testing.assert_array_equal(est.coef_ == 0.0, bb.coef_ == 0.0)
    if momentum == 0.0:
        assert np.all(np.diff(est.loss_curve_) <= 0.0)  # proximal backtracking never increases J


def test_proximal_sgd_full_batch_is_ista_and_mini_batches_approach_the_optimum():
    X, y = DATASETS["wine"]
    kw = dict(l1_ratio=0.5, learning_rate="constant", momentum=0.0, tol=0.0)
    best = SoftmaxRegressionGD(l1_ratio=0.5, tol=1e-9).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ista = SoftmaxRegressionGD(learning_rate_init=1.0, max_iter=3000, **kw).fit(X, y)
        mini = SoftmaxRegressionGD(learning_rate_init=0.05, batch_size=16, max_iter=100, random_state=0, **kw)
        mini.fit(X, y)
    # A fixed full-batch step is ISTA: the optimum and its exact zeros.
    assert (ista.loss_ - best.loss_) / best.loss_ < 1e-8
    np.testing.assert_array_equal(ista.coef_ == 0.0, best.coef_ == 0.0)
    # Noisy mini-batch steps seldom land exactly on zero, but approach the optimum's J.
    assert (mini.loss_ - best.loss_) / best.loss_ < 0.1


def test_an_mlp_with_l1_has_exact_zeros():
    X, y = DATASETS["wine"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = MLPClassifierScratch(
            hidden_layer_sizes=(16,), solver="sgd", alpha=5.0, l1_ratio=1.0, learning_rate_init=0.05,
            max_iter=300, random_state=0,
        ).fit(X, y)  # fmt: skip
    zeros = sum(int((W == 0.0).sum()) for W in est.coefs_)
    assert zeros > 0.2 * sum(W.size for W in est.coefs_)
    assert est.score(X, y) > 0.9


@pytest.mark.parametrize(
    "solver, message",
    [
        ("lbfgs", r"solver='lbfgs' minimises a smooth J and l1_ratio=0.5"),
        ("adam", r"l1_ratio=0.5 .*solver='adam'"),
    ],
)
def test_solvers_without_a_proximal_step_refuse_l1(solver, message):
    est = SoftmaxRegressionGD(solver=solver, l1_ratio=0.5)
    with pytest.raises(ValueError, match=message):
        est.fit(*DATASETS["iris"])
    assert not hasattr(est, "coef_")
