"""scikit-learn's estimator checks over every public estimator, with no expected failures."""

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
]


@parametrize_with_checks(ESTIMATORS)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
