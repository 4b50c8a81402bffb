"""scikit-learn's estimator checks over every public estimator, with no expected failures."""

import pytest
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_nn import (
    LogisticRegressionGD,
    MLPClassifierScratch,
    MLPRegressorScratch,
    SoftmaxRegressionGD,
)

ESTIMATORS = [
    LogisticRegressionGD(),
    SoftmaxRegressionGD(),
    MLPClassifierScratch(random_state=0),
    MLPRegressorScratch(random_state=0),
    # Every solver beyond the defaults, in turn.
    MLPClassifierScratch(solver="adamw", random_state=0),
    MLPRegressorScratch(solver="rmsprop", random_state=0),
    SoftmaxRegressionGD(solver="adagrad", learning_rate="constant"),
    MLPClassifierScratch(weight_init="he_normal", random_state=0),
    MLPRegressorScratch(clip_grad_norm=1.0, random_state=0),
]


# The checks fit with the default max_iter on data of their own: stopping there is not under test.
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
