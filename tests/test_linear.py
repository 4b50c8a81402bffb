"""Linear models against scikit-learn's LogisticRegression and the optimum of J."""

import warnings

import numpy as np
import pytest
from _linear_data import DATASETS
from scipy.special import log_expit, logsumexp
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier

from sklearn_nn import LogisticRegressionGD, SoftmaxRegressionGD


def objective(est, X, y, alpha, sample_weight=None):
    """J written from its definition, from the public coef_ and intercept_."""
    Z = X @ est.coef_.T + est.intercept_
    sw = np.ones(len(y)) if sample_weight is None else sample_weight
    if Z.shape[1] == 1 or isinstance(est, LogisticRegressionGD):
        T = (y[:, None] == est.classes_[None, :]).astype(float)
        if Z.shape[1] == 1:
            T = T[:, 1:]
        per_sample = -(T * log_expit(Z) + (1 - T) * log_expit(-Z)).sum(axis=1)
    else:
        idx = np.searchsorted(est.classes_, y)
        per_sample = logsumexp(Z, axis=1) - Z[np.arange(len(y)), idx]
    return np.average(per_sample, weights=sw) + alpha / (2 * sw.sum()) * (est.coef_**2).sum()


def reference_logistic(X, y, alpha, multiclass):
    kw = dict(C=1.0 / alpha, tol=1e-12, max_iter=10000)
    if len(np.unique(y)) == 2 or multiclass == "multinomial":
        ref = LogisticRegression(**kw).fit(X, y)
        return ref.coef_, ref.intercept_
    ovr = OneVsRestClassifier(LogisticRegression(**kw)).fit(X, y)
    return np.vstack([e.coef_ for e in ovr.estimators_]), np.hstack([e.intercept_ for e in ovr.estimators_])


def lbfgs(cls, X, y, alpha):
    return cls(alpha=alpha, solver="lbfgs", tol=1e-12, max_iter=20000, max_fun=100000).fit(X, y)


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("alpha", [0.1, 1.0, 10.0])
def test_logistic_lbfgs_matches_scikit_learn(name, alpha):
    X, y = DATASETS[name]
    ours = lbfgs(LogisticRegressionGD, X, y, alpha)
    coef, intercept = reference_logistic(X, y, alpha, "ovr")
    np.testing.assert_allclose(ours.coef_, coef, atol=1e-4)
    np.testing.assert_allclose(ours.intercept_, intercept, atol=1e-4)


@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("alpha", [0.1, 1.0, 10.0])
def test_softmax_lbfgs_matches_multinomial_scikit_learn(name, alpha):
    X, y = DATASETS[name]
    ours = lbfgs(SoftmaxRegressionGD, X, y, alpha)
    coef, intercept = reference_logistic(X, y, alpha, "multinomial")
    # The L2 penalty makes the weights unique; the unpenalised intercepts of a
    # softmax are defined up to a common shift, so compare them centred.
    np.testing.assert_allclose(ours.coef_, coef, atol=1e-4)
    np.testing.assert_allclose(
        ours.intercept_ - ours.intercept_.mean(), intercept - intercept.mean(), atol=1e-4
    )


def test_lbfgs_matches_scikit_learn_with_sample_weights():
    X, y = DATASETS["wine"]
    sw = np.random.RandomState(0).uniform(0.1, 3, size=len(y))
    ours = SoftmaxRegressionGD(alpha=1.0, solver="lbfgs", tol=1e-12, max_iter=20000).fit(
        X, y, sample_weight=sw
    )
    ref = LogisticRegression(C=1.0, tol=1e-12, max_iter=10000).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(ours.coef_, ref.coef_, atol=1e-4)


FIRST_ORDER = [
    dict(solver="sgd", batch_size="full", learning_rate_init=0.1),
    dict(solver="adam", batch_size=32, learning_rate_init=0.01, random_state=0),
]


@pytest.mark.parametrize("cls", [LogisticRegressionGD, SoftmaxRegressionGD])
@pytest.mark.parametrize("name", sorted(DATASETS))
@pytest.mark.parametrize("settings", FIRST_ORDER, ids=["full-batch-sgd", "minibatch-adam"])
def test_first_order_solvers_reach_the_optimum(cls, name, settings):
    X, y = DATASETS[name]
    alpha = 1.0
    J_opt = objective(lbfgs(cls, X, y, alpha), X, y, alpha)
    est = cls(alpha=alpha, max_iter=3000, tol=1e-9, n_iter_no_change=50, **settings).fit(X, y)
    J = objective(est, X, y, alpha)
    assert J >= J_opt * (1 - 1e-9)
    assert (J - J_opt) / J_opt < 1e-3


@pytest.mark.parametrize("cls", [LogisticRegressionGD, SoftmaxRegressionGD])
@pytest.mark.parametrize("name", sorted(DATASETS))
def test_defaults_converge_on_standardised_data(cls, name):
    X, y = DATASETS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no ConvergenceWarning either
        est = cls().fit(X, y)
    J_opt = objective(lbfgs(cls, X, y, est.alpha), X, y, est.alpha)
    assert (objective(est, X, y, est.alpha) - J_opt) / J_opt < 1e-3


def test_default_fit_is_deterministic():
    X, y = DATASETS["iris"]
    a, b = SoftmaxRegressionGD().fit(X, y), SoftmaxRegressionGD().fit(X, y)
    np.testing.assert_array_equal(a.coef_, b.coef_)


def test_loss_reports_the_objective():
    """Full batch, constant rate: loss_curve_[k] is J at the parameters before update k."""
    X, y = DATASETS["breast_cancer"]
    constant = dict(learning_rate="constant", tol=1e-8)  # the schedule and tol of the old defaults
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(1\) reached"):
        est = LogisticRegressionGD(max_iter=1, **constant).fit(X, y)
    assert est.loss_curve_[0] == pytest.approx(np.log(2))  # zero weights: p = 1/2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 40 and 39 epochs, on purpose
        longer = LogisticRegressionGD(alpha=0.5, max_iter=40, **constant).fit(X, y)
        previous = LogisticRegressionGD(alpha=0.5, max_iter=39, **constant).fit(X, y)
    assert longer.loss_curve_[-1] == pytest.approx(objective(previous, X, y, 0.5), rel=1e-12)
    # The default step rule records J after iteration k, at the point it accepted.
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(1\) reached"):
        stepped = LogisticRegressionGD(max_iter=1).fit(X, y)
    assert stepped.loss_curve_[0] == pytest.approx(objective(stepped, X, y, 1.0), rel=1e-12)
    assert stepped.loss_curve_[0] < np.log(2)


def test_shapes_of_coef_and_intercept():
    X, y = make_classification(200, 5, n_informative=3, n_classes=3, random_state=0)
    for cls in (LogisticRegressionGD, SoftmaxRegressionGD):
        multi = cls().fit(X, y)
        assert multi.coef_.shape == (3, 5) and multi.intercept_.shape == (3,)
        binary = cls().fit(X, y == 1)
        assert binary.coef_.shape == (1, 5) and binary.intercept_.shape == (1,)
        assert np.shares_memory(binary.coef_, binary.coefs_[0])


def test_fit_intercept_false_keeps_zero_intercept():
    X, y = DATASETS["breast_cancer"]
    ref = LogisticRegression(C=1.0, fit_intercept=False, tol=1e-12, max_iter=10000).fit(X, y)
    exact = LogisticRegressionGD(fit_intercept=False, solver="lbfgs", tol=1e-12, max_iter=10000).fit(X, y)
    np.testing.assert_allclose(exact.coef_, ref.coef_, atol=1e-4)
    est = LogisticRegressionGD(fit_intercept=False).fit(X, y)
    assert np.all(est.intercept_ == 0) and np.all(exact.intercept_ == 0)
    J_opt = objective(exact, X, y, 1.0)
    assert (objective(est, X, y, 1.0) - J_opt) / J_opt < 1e-3


def test_one_vs_rest_probabilities_are_normalised_sigmoids():
    X, y = DATASETS["iris"]
    est = LogisticRegressionGD().fit(X, y)
    sig = 1 / (1 + np.exp(-est.decision_function(X)))
    np.testing.assert_allclose(est.predict_proba(X), sig / sig.sum(axis=1, keepdims=True))
    np.testing.assert_allclose(np.exp(est.predict_log_proba(X)), est.predict_proba(X))
    np.testing.assert_array_equal(est.predict(X), est.classes_[np.argmax(sig, axis=1)])
