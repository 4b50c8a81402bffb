"""scikit-learn's estimator checks over every public estimator and every option, in turn.

No check is expected to fail, except the two sample-weight equivalence checks
with dropout, which cannot hold by construction (see ``_dropout_failures``),
and the same two checks on the default linear models, whose stopping rule does
not resolve them (see ``_stopping_rule_failures``): they run at a tight tol.
"""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nn import (
    LogisticRegressionGD,
    MLPClassifierScratch,
    MLPRegressorScratch,
    SoftmaxRegressionGD,
)

ESTIMATORS = [
    # The linear models at a tol that resolves the sample-weight checks (see _stopping_rule_failures).
    LogisticRegressionGD(tol=1e-12),
    SoftmaxRegressionGD(tol=1e-12),
    MLPClassifierScratch(random_state=0),
    MLPRegressorScratch(random_state=0),
    # Every solver beyond the defaults, in turn.
    MLPClassifierScratch(solver="adamw", random_state=0),
    MLPRegressorScratch(solver="rmsprop", random_state=0),
    SoftmaxRegressionGD(solver="adagrad", learning_rate="constant"),
    MLPClassifierScratch(weight_init="he_normal", random_state=0),
    MLPRegressorScratch(clip_grad_norm=1.0, random_state=0),
    MLPClassifierScratch(monitor_gradients=True, random_state=0),
    SoftmaxRegressionGD(monitor_gradients=True),
    # The sample-weight equivalence checks compare probabilities to 1e-7: with an L1 part the
    # stopping rule's tol must be tighter than the default for the two fits to agree that far.
    # Rebuilt for 30 seeds of the check's data, the one-vs-rest fit (one BB length per unit)
    # fails 8 at tol=1e-9, 1 at 1e-10 and none at 1e-11.
    LogisticRegressionGD(l1_ratio=0.5, tol=1e-11),
    SoftmaxRegressionGD(l1_ratio=1.0, tol=1e-9),
]


# The checks fit with the default max_iter on data of their own: stopping there is not under test.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def _dropout_failures(estimator):
    """What dropout cannot do, by construction: a mask is drawn per row, so a row repeated k times
    gets k masks where a row of weight k gets one, and the two fits differ."""
    reason = "dropout draws one mask per row: repeating a row is not weighting it"
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    [MLPClassifierScratch(dropout=0.2, random_state=0), MLPRegressorScratch(dropout=0.2, random_state=0)],
    expected_failed_checks=_dropout_failures,
)
def test_sklearn_compatible_with_dropout(estimator, check):
    check(estimator)


def _stopping_rule_failures(estimator):
    """What the default tol cannot resolve: the sample-weight checks compare two fits to rtol 1e-7.

    Both fits stop at max |grad J| <= tol, so they agree only to about ||grad J|| / mu, and on the
    checks' 15 rows x 30 features the curvature mu is about alpha / n in most directions. Rebuilt
    for 60 seeds of the checks' data, the default fits (tol=1e-7) disagree beyond the checks'
    tolerance on 7 (LogisticRegressionGD; 11 under OpenBLAS's Haswell kernel) and 40 (43)
    (SoftmaxRegressionGD) of them, and pass on the checks' own seed by chance; at tol=1e-12 they
    pass on all 60 under both kernels, which the instances of ``ESTIMATORS`` check.
    """
    reason = "two fits stopped at max |grad J| <= tol=1e-7 agree to ~||grad J|| / mu, not to 1e-7"
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


# The default linear models: every check, the two sample-weight checks as expected failures.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(
    [LogisticRegressionGD(), SoftmaxRegressionGD()], expected_failed_checks=_stopping_rule_failures
)
def test_sklearn_compatible_default_linear_models(estimator, check):
    check(estimator)
