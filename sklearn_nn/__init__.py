"""sklearn_nn: scikit-learn estimators trained by gradient descent, from scratch.

Logistic and softmax regression and multi-layer perceptrons written in NumPy
and SciPy on one network core, one loss interface and one training loop.
"""

from ._linear import LogisticRegressionGD, SoftmaxRegressionGD
from ._mlp import MLPClassifierScratch, MLPRegressorScratch

__version__ = "0.1.0"

__all__ = [
    "LogisticRegressionGD",
    "MLPClassifierScratch",
    "MLPRegressorScratch",
    "SoftmaxRegressionGD",
    "__version__",
]
