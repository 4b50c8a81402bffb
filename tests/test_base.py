"""Shared estimator behaviour: predictions from logits, target handling, losses per model."""

import warnings

import numpy as np
import pytest
from scipy.special import expit, log_softmax
from sklearn.datasets import load_iris, make_classification
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
X_IRIS = StandardScaler().fit_transform(X_IRIS)
Y_NAMES = np.array(["setosa", "versicolor", "virginica"])[Y_IRIS]

CLASSIFIERS = [
    LogisticRegressionGD(),
    SoftmaxRegressionGD(),
    MLPClassifierScratch(hidden_layer_sizes=(8,), learning_rate_init=0.01, max_iter=300, random_state=0),
]


@pytest.mark.parametrize("est", CLASSIFIERS, ids=lambda e: type(e).__name__)
@pytest.mark.parametrize("binary", [True, False])
def test_prediction_methods_agree(est, binary):
    y = np.where(Y_NAMES == "setosa", "setosa", "other") if binary else Y_NAMES
    est = est.fit(X_IRIS, y)
    raw = est.decision_function(X_IRIS)
    proba = est.predict_proba(X_IRIS)
    assert raw.shape == ((150,) if binary else (150, 3))
    assert proba.shape == (150, 2 if binary else 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    np.testing.assert_allclose(np.exp(est.predict_log_proba(X_IRIS)), proba, rtol=1e-12)
    np.testing.assert_array_equal(est.predict(X_IRIS), est.classes_[np.argmax(proba, axis=1)])
    assert est.score(X_IRIS, y) > 0.9
    if binary:
        assert est.coef_.shape[0] == 1 if hasattr(est, "coef_") else est.n_outputs_ == 1
        np.testing.assert_allclose(proba[:, 1], expit(raw))


@pytest.mark.parametrize("est", CLASSIFIERS, ids=lambda e: type(e).__name__)
def test_extreme_logits_give_valid_probabilities_without_warnings(est):
    est = est.fit(X_IRIS, Y_IRIS)
    for W in est.coefs_:
        W *= 1e4  # logits of order +-1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="raise", invalid="raise", divide="raise"):
            proba = est.predict_proba(X_IRIS)
            log_proba = est.predict_log_proba(X_IRIS)
    assert np.isfinite(proba).all() and np.isfinite(log_proba).all()
    np.testing.assert_allclose(proba.sum(axis=1), 1.0)
    if est.out_activation_ == "softmax":
        np.testing.assert_allclose(log_proba, log_softmax(est.decision_function(X_IRIS), axis=1))


@pytest.mark.parametrize("cls", [LogisticRegressionGD, SoftmaxRegressionGD])
@pytest.mark.parametrize("loss", ["log_loss", "squared_error", "hinge"])
def test_linear_models_learn_with_every_loss(cls, loss):
    X, y = make_classification(400, 6, n_informative=4, n_classes=3, random_state=0)
    est = cls(loss=loss).fit(X, y)
    assert est.score(X, y) > 0.7
    assert est.out_activation_ == ("logistic" if cls is LogisticRegressionGD else "softmax")


def test_hinge_binary_mlp_separates_classes():
    X, y = make_classification(300, 5, random_state=0)
    est = MLPClassifierScratch(
        loss="hinge", hidden_layer_sizes=(10,), learning_rate_init=0.01, random_state=0
    )
    assert est.fit(X, y).score(X, y) > 0.9
    assert est.out_activation_ == "logistic" and est.n_outputs_ == 1


def test_softmax_regression_binary_is_logistic():
    """Two classes: the softmax of (0, z) is the sigmoid of z, one logit."""
    y = (Y_IRIS == 1).astype(int)
    soft = SoftmaxRegressionGD(solver="lbfgs", tol=1e-12, max_iter=5000).fit(X_IRIS, y)
    logi = LogisticRegressionGD(solver="lbfgs", tol=1e-12, max_iter=5000).fit(X_IRIS, y)
    assert soft.coef_.shape == (1, 4)
    np.testing.assert_allclose(soft.coef_, logi.coef_, rtol=1e-6)


def test_mlp_sample_weights_equal_repeated_rows_in_full_batch():
    rng = np.random.RandomState(0)
    w = rng.randint(0, 3, size=150)
    kw = dict(hidden_layer_sizes=(6,), batch_size=10_000, max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        a = MLPClassifierScratch(**kw).fit(X_IRIS, Y_IRIS, sample_weight=w)
        b = MLPClassifierScratch(**kw).fit(np.repeat(X_IRIS, w, axis=0), np.repeat(Y_IRIS, w))
    for u, v in zip(a.coefs_, b.coefs_):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)


def test_string_labels_and_classes_order():
    est = SoftmaxRegressionGD().fit(X_IRIS, Y_NAMES)
    np.testing.assert_array_equal(est.classes_, ["setosa", "versicolor", "virginica"])
    assert est.predict(X_IRIS[:1])[0] == "setosa"


def test_regression_targets_are_rejected_by_classifiers():
    with pytest.raises(ValueError, match="Unknown label type"):
        LogisticRegressionGD().fit(X_IRIS, np.linspace(0, 1, 150))


def test_multilabel_only_for_the_mlp():
    Y = np.stack([Y_IRIS == 0, Y_IRIS == 1], axis=1).astype(int)
    with pytest.raises(ValueError, match="does not support multilabel"):
        SoftmaxRegressionGD().fit(X_IRIS, Y)


def test_regressor_single_and_multi_output_shapes():
    y = X_IRIS @ [1.0, -2.0, 0.5, 0.0]
    est = MLPRegressorScratch(hidden_layer_sizes=(5,), max_iter=5).fit(X_IRIS, y)
    assert est.predict(X_IRIS).shape == (150,)
    with pytest.warns(Warning, match="column-vector y"):
        est.fit(X_IRIS, y[:, None])
    est.fit(X_IRIS, np.stack([y, -y], axis=1))
    assert est.predict(X_IRIS).shape == (150, 2) and est.n_outputs_ == 2
