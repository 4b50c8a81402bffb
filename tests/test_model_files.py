"""Estimators pickled by version 0.1.0 load, predict as they did, and train on.

``tests/data/v0_1_0/estimators.joblib`` holds seven estimators fitted by
version 0.1.0 (every estimator, every solver, multilabel, Huber and Poisson
outputs, early stopping) and ``expected.npz`` what they predicted then on the
first 20 rows of their data. The engine has been redesigned since: the
objects they hold are upgraded when they are unpickled.
"""

import warnings
from pathlib import Path

import joblib
import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris
from sklearn.preprocessing import StandardScaler

DATA = Path(__file__).resolve().parent / "data" / "v0_1_0"
MODELS = joblib.load(DATA / "estimators.joblib")
EXPECTED = np.load(DATA / "expected.npz")


def _rows(name):
    """The data each model was fitted on (as made by the script that wrote the files)."""
    if name.startswith("mlp_regressor"):
        X, y = load_diabetes(return_X_y=True)
        y = (y - y.mean()) / y.std()
        return StandardScaler().fit_transform(X)[:, :4], np.abs(y) if "poisson" in name else y
    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    if name == "logistic_binary_sgd":
        return X, (y == 2).astype(int)
    if name == "mlp_multilabel_sgd":
        return X, np.column_stack([y == 0, y == 2, X[:, 0] > 0]).astype(int)
    return X, y


@pytest.mark.parametrize("name", sorted(MODELS))
def test_predictions_are_those_of_version_0_1_0(name):
    est, (X, _) = MODELS[name], _rows(name)
    np.testing.assert_allclose(est.predict(X[:20]), EXPECTED[name + "__predict"], rtol=1e-10, atol=1e-12)
    if name + "__proba" in EXPECTED:
        np.testing.assert_allclose(est.predict_proba(X[:20]), EXPECTED[name + "__proba"], rtol=1e-10)
    assert est.loss_ == EXPECTED[name + "__loss"]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_a_loaded_model_trains_on(name):
    """warm_start continues from the loaded parameters and optimizer state with the same J."""
    est, (X, y) = joblib.load(DATA / "estimators.joblib")[name], _rows(name)
    before, old_loss = [W.copy() for W in est.coefs_], est.loss_
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.set_params(warm_start=True, max_iter=3).fit(X, y)
    assert all(np.isfinite(W).all() for W in est.coefs_)
    if est.solver == "lbfgs":  # it starts at its optimum and stays there
        assert est.loss_ <= old_loss * (1 + 1e-9)
    else:
        assert any(not np.array_equal(a, b) for a, b in zip(before, est.coefs_))
    assert est._trainer.penalty.alpha == est.alpha  # the penalty of J is the estimator's
