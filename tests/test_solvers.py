"""The solver registry: the one place that knows what each solver is."""

import numpy as np
import pytest
from sklearn.datasets import load_iris

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn._optimizers import OPTIMIZERS
from sklearn_nn._solvers import SOLVERS

ESTIMATORS = [LogisticRegressionGD, SoftmaxRegressionGD, MLPClassifierScratch, MLPRegressorScratch]


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_the_solver_constraint_is_the_registry(cls):
    (options,) = cls._parameter_constraints["solver"]
    assert options.options == set(SOLVERS)


def test_every_optimizer_is_a_stochastic_solver_and_lbfgs_is_not():
    for name, rule in OPTIMIZERS.items():
        assert SOLVERS[name].stochastic and SOLVERS[name].unit == "epoch" and SOLVERS[name].rule is rule
    assert not SOLVERS["lbfgs"].stochastic and SOLVERS["lbfgs"].unit == "iteration"


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_partial_fit_exists_exactly_for_stochastic_solvers(solver):
    assert hasattr(SoftmaxRegressionGD(solver=solver), "partial_fit") == SOLVERS[solver].stochastic


@pytest.mark.parametrize("batch_size, expected", [("full", None), ("auto", 150), (32, 32), (500, 150)])
def test_batch_rows_of_a_stochastic_solver(batch_size, expected):
    est = SoftmaxRegressionGD(batch_size=batch_size)
    assert SOLVERS["sgd"].batch(est, 150) == expected
    assert SOLVERS["lbfgs"].batch(est, 150) is None


#: Each solver at settings that converge; AdamW is left out: its decay is not J's penalty gradient.
OPTIMUM_SETTINGS = {
    "lbfgs": {},
    "sgd": {},
    "adam": dict(learning_rate_init=0.05),
    "rmsprop": dict(learning_rate_init=0.05, learning_rate="invscaling", power_t=0.5),
    "adagrad": dict(learning_rate_init=0.5),
}


def _iris():
    X, y = load_iris(return_X_y=True)
    return (X - X.mean(0)) / X.std(0), y


def test_the_optimum_test_covers_every_solver():
    assert set(OPTIMUM_SETTINGS) | {"adamw"} == set(SOLVERS)


@pytest.mark.parametrize("solver", sorted(OPTIMUM_SETTINGS))
def test_each_solver_reaches_the_optimum(solver):
    """Every solver that minimises J reaches its one optimum (J is strongly convex)."""
    X, y = _iris()
    ref = SoftmaxRegressionGD(solver="lbfgs", tol=1e-10, max_iter=1000).fit(X, y)
    est = SoftmaxRegressionGD(solver=solver, max_iter=5000, tol=1e-10, **OPTIMUM_SETTINGS[solver]).fit(X, y)
    assert (est.loss_ - ref.loss_) / ref.loss_ < 1e-4
    np.testing.assert_allclose(est.predict_proba(X), ref.predict_proba(X), atol=1e-2)


def test_adamw_settles_away_from_the_minimum_of_J():
    """Decoupled decay shrinks W by lr alpha / n per update, outside Adam's scaling: the point
    where it balances Adam's step is not where grad J = 0, so loss_ (which reports J) stays above J*."""
    X, y = _iris()
    ref = SoftmaxRegressionGD(solver="lbfgs", tol=1e-10, max_iter=1000).fit(X, y)
    adamw = SoftmaxRegressionGD(solver="adamw", max_iter=5000, tol=1e-10, learning_rate_init=0.05).fit(X, y)
    assert (adamw.loss_ - ref.loss_) / ref.loss_ > 1e-2
