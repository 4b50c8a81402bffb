"""scikit-learn's estimator checks over every public estimator and every option, in turn.

No check is expected to fail, except the two sample-weight equivalence checks
in two cases:

* with dropout, which cannot hold by construction (see ``_dropout_failures``);
* on the linear models at their default tol, which their stopping rule does not
  resolve (see ``_stopping_rule_failures``).
  ``test_sample_weights_are_repeated_rows_at_a_tight_tol`` runs the two checks
  on the same models at tol=1e-12.
"""

import pytest
from sklearn.utils.estimator_checks import (
    check_sample_weight_equivalence_on_dense_data,
    check_sample_weight_equivalence_on_sparse_data,
    parametrize_with_checks,
)

from sklearn_nn import (
    LogisticRegressionGD,
    MLPClassifierScratch,
    MLPRegressorScratch,
    SoftmaxRegressionGD,
)

ESTIMATORS = [
    MLPClassifierScratch(random_state=0),
    MLPRegressorScratch(random_state=0),
    # Every solver beyond the defaults, in turn.
    MLPClassifierScratch(solver="adamw", random_state=0),
    MLPRegressorScratch(solver="rmsprop", random_state=0),
    SoftmaxRegressionGD(solver="adagrad", learning_rate="constant"),
    MLPClassifierScratch(weight_init="he_normal", random_state=0),
    MLPRegressorScratch(clip_grad_norm=1.0, random_state=0),
    MLPClassifierScratch(monitor_gradients=True, random_state=0),
]

# The linear models fitted by Barzilai-Borwein steps to max |grad J| <= tol, with and without
# an L1 part; the same at tol=1e-12 (and room for the iterations an L1 part needs there).
LINEAR = [
    LogisticRegressionGD(),
    SoftmaxRegressionGD(),
    SoftmaxRegressionGD(monitor_gradients=True),
    LogisticRegressionGD(l1_ratio=0.5),
    SoftmaxRegressionGD(l1_ratio=1.0),
]
TIGHT = [
    LogisticRegressionGD(tol=1e-12),
    SoftmaxRegressionGD(tol=1e-12),
    LogisticRegressionGD(l1_ratio=0.5, tol=1e-12, max_iter=100000),
    SoftmaxRegressionGD(l1_ratio=1.0, tol=1e-12, max_iter=100000),
]


# The checks fit with the default max_iter on data of their own: stopping there is not under test.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)


def _sample_weight_failures(reason):
    return {
        "check_sample_weight_equivalence_on_dense_data": reason,
        "check_sample_weight_equivalence_on_sparse_data": reason,
    }


def _dropout_failures(estimator):
    """What dropout cannot do, by construction: a mask is drawn per row, so a row repeated k times
    gets k masks where a row of weight k gets one, and the two fits differ."""
    return _sample_weight_failures("dropout draws one mask per row: repeating a row is not weighting it")


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
    for 60 seeds of the checks' data, fits at tol=1e-7 disagreed beyond the checks' tolerance on
    17 (LogisticRegressionGD; 19 under OpenBLAS's Haswell kernel) and 20 (18)
    (SoftmaxRegressionGD) of them, and the default tol=1e-6 is looser still; with an L1 part,
    on 10 (8) of 30 at tol=1e-9 and on 15 (17) of 30 for SoftmaxRegressionGD(l1_ratio=1) even at
    1e-12, where its fits run out of the 2000 iterations. Whether they pass on the checks' own seed
    is chance. The ``TIGHT`` instances pass on all 60 seeds under both kernels.
    """
    return _sample_weight_failures(
        "two fits stopped at max |grad J| <= tol agree to about ||grad J|| / mu, not to 1e-7"
    )


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(LINEAR, expected_failed_checks=_stopping_rule_failures)
def test_sklearn_compatible_linear_models(estimator, check):
    check(estimator)


@pytest.mark.parametrize(
    "check", [check_sample_weight_equivalence_on_dense_data, check_sample_weight_equivalence_on_sparse_data]
)
@pytest.mark.parametrize("estimator", TIGHT, ids=repr)
def test_sample_weights_are_repeated_rows_at_a_tight_tol(estimator, check):
    check(type(estimator).__name__, estimator)
