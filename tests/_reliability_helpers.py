"""Data, estimators and state comparisons shared by the ``test_reliability_*.py`` files.

A plain module, not a conftest: the test files import it by name, which works
because pytest (in its default ``prepend`` import mode) puts this ``tests``
directory, which has no ``__init__.py``, on ``sys.path``.
"""

import copy

import numpy as np
from sklearn.datasets import make_classification
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD

RNG = np.random.RandomState(0)
X = RNG.randn(40, 3)
Y_CLASS = np.argmax(X @ RNG.randn(3, 3), axis=1)
Y_REG = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * RNG.randn(40)

ESTIMATORS = {
    "LogisticRegressionGD": lambda: LogisticRegressionGD(max_iter=30),
    "SoftmaxRegressionGD": lambda: SoftmaxRegressionGD(max_iter=30),
    "MLPClassifierScratch": lambda: MLPClassifierScratch(
        hidden_layer_sizes=(5,), batch_size=16, learning_rate_init=0.01, max_iter=30, random_state=0
    ),
    "MLPRegressorScratch": lambda: MLPRegressorScratch(
        hidden_layer_sizes=(5,), batch_size=16, learning_rate_init=0.01, max_iter=30, random_state=0
    ),
}
CLASSIFIERS = ("LogisticRegressionGD", "SoftmaxRegressionGD", "MLPClassifierScratch")
LINEAR = ("LogisticRegressionGD", "SoftmaxRegressionGD")
MLPS = ("MLPClassifierScratch", "MLPRegressorScratch")
REGRESSOR = ("MLPRegressorScratch",)


def targets(name):
    return Y_REG if name in REGRESSOR else Y_CLASS


# ----------------------------------------------------------------------------
# A larger problem for determinism, persistence and concurrency
# ----------------------------------------------------------------------------
X_DET, Y_DET = make_classification(250, 6, n_informative=4, n_classes=3, random_state=1)
X_DET = StandardScaler().fit_transform(X_DET)
Y_DET_REG = X_DET @ np.arange(6.0)


def det_estimator(name, **params):
    return ESTIMATORS[name]().set_params(random_state=3, shuffle=True, **params)


def det_targets(name):
    return Y_DET_REG if name in REGRESSOR else Y_DET


# ----------------------------------------------------------------------------
# Comparing estimator states
# ----------------------------------------------------------------------------
def fitted_state(est):
    """Every public fitted attribute (name ending in '_'), copied; the wall-clock times aside."""
    state = {k: copy.deepcopy(v) for k, v in vars(est).items() if k.endswith("_") and not k.startswith("_")}
    if "history_" in state:
        del state["history_"]["time"]
    return state


def assert_same(a, b, path="state"):
    """Exact equality of nested dicts, lists, arrays and scalars (NaN equals NaN)."""
    if isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            assert_same(a[key], b[key], f"{path}[{key!r}]")
    elif isinstance(a, list | tuple) and any(isinstance(v, np.ndarray) for v in a):
        assert len(a) == len(b), path
        for i, (u, v) in enumerate(zip(a, b)):
            assert_same(u, v, f"{path}[{i}]")
    elif a is None or b is None:
        assert a is b, path
    else:
        np.testing.assert_array_equal(a, b, err_msg=path, strict=isinstance(a, np.ndarray))


def predictions(est, X):
    out = {"predict": est.predict(X)}
    for method in ("predict_proba", "predict_log_proba", "decision_function"):
        if hasattr(est, method):
            out[method] = getattr(est, method)(X)
    return out
