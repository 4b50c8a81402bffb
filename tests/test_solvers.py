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


@pytest.mark.parametrize("solver", sorted(SOLVERS))
def test_each_solver_reaches_the_optimum(solver):
    """Every registered solver minimises the same J (strongly convex: one optimum)."""
    X, y = load_iris(return_X_y=True)
    X = (X - X.mean(0)) / X.std(0)
    ref = SoftmaxRegressionGD(solver="lbfgs", tol=1e-10, max_iter=1000).fit(X, y)
    settings = {"lbfgs": {}, "sgd": {}, "adam": dict(learning_rate_init=0.05)}
    est = SoftmaxRegressionGD(solver=solver, max_iter=5000, tol=1e-10, **settings.get(solver, {})).fit(X, y)
    assert (est.loss_ - ref.loss_) / ref.loss_ < 1e-4
    np.testing.assert_allclose(est.predict_proba(X), ref.predict_proba(X), atol=1e-2)
