"""The MLP estimators: scikit-learn parity, target types, losses and activations."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_diabetes, load_digits, make_multilabel_classification, make_regression
from sklearn.model_selection import GridSearchCV
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import MLPClassifierScratch, MLPRegressorScratch

pytestmark = [
    pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning"),
    pytest.mark.filterwarnings("ignore:Got `batch_size`:UserWarning"),
]

X_DIG, Y_DIG = load_digits(return_X_y=True)
X_DIG = StandardScaler().fit_transform(X_DIG)[:500]
Y_DIG = Y_DIG[:500]
X_DIA, Y_DIA = load_diabetes(return_X_y=True)
X_DIA = StandardScaler().fit_transform(X_DIA)
Y_DIA = (Y_DIA - Y_DIA.mean()) / Y_DIA.std()


def assert_same_parameters(a, b, atol=1e-12):
    for u, v in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(u, v, rtol=0, atol=atol)


PARITY = [
    dict(),
    dict(solver="sgd"),
    dict(solver="sgd", nesterovs_momentum=False, batch_size=64),
    dict(solver="sgd", momentum=0.0, learning_rate_init=0.05),
    dict(batch_size=32, activation="tanh"),
    dict(activation="logistic", alpha=1e-3, batch_size=10_000),  # full batch: same penalty too
    dict(solver="lbfgs", max_iter=40),
    dict(learning_rate="adaptive", solver="sgd", tol=0.5, n_iter_no_change=2),
]


@pytest.mark.parametrize("settings", PARITY, ids=[str(p) for p in PARITY])
def test_classifier_reproduces_scikit_learn(settings):
    """Same seed, same settings: the same weights, step for step (alpha=0 or full batch)."""
    params = dict(hidden_layer_sizes=(20,), alpha=0.0, max_iter=25, random_state=0)
    params.update(settings)
    ours = MLPClassifierScratch(**params).fit(X_DIG, Y_DIG)
    ref = MLPClassifier(**params).fit(X_DIG, Y_DIG)
    lbfgs = params.get("solver") == "lbfgs"
    atol = 1e-6 if lbfgs else 1e-12
    assert_same_parameters(ours, ref, atol=atol)
    assert ours.n_iter_ == ref.n_iter_
    if not lbfgs:
        np.testing.assert_allclose(ours.loss_curve_, ref.loss_curve_, rtol=1e-12)


@pytest.mark.parametrize("settings", PARITY[:4], ids=[str(p) for p in PARITY[:4]])
def test_regressor_reproduces_scikit_learn(settings):
    params = dict(hidden_layer_sizes=(15, 7), alpha=0.0, max_iter=20, random_state=1)
    params.update(settings)
    ours = MLPRegressorScratch(**params).fit(X_DIA, Y_DIA)
    ref = MLPRegressor(**params).fit(X_DIA, Y_DIA)
    assert_same_parameters(ours, ref)
    np.testing.assert_allclose(ours.predict(X_DIA), ref.predict(X_DIA), rtol=1e-10)


def test_same_fitted_attributes_as_scikit_learn():
    ours = MLPClassifierScratch(hidden_layer_sizes=(8, 4), max_iter=3, random_state=0).fit(X_DIG, Y_DIG)
    ref = MLPClassifier(hidden_layer_sizes=(8, 4), max_iter=3, random_state=0).fit(X_DIG, Y_DIG)
    for name in ("n_layers_", "n_outputs_", "out_activation_", "n_iter_", "t_", "n_features_in_"):
        assert getattr(ours, name) == getattr(ref, name), name
    np.testing.assert_array_equal(ours.classes_, ref.classes_)
    assert [W.shape for W in ours.coefs_] == [W.shape for W in ref.coefs_]
    assert set(MLPClassifier().get_params()) <= set(ours.get_params())
    assert set(MLPRegressor().get_params()) <= set(MLPRegressorScratch().get_params())
    for name, value in MLPClassifier().get_params().items():
        assert ours.get_params()[name] == value or name in ("hidden_layer_sizes", "max_iter", "random_state")


def test_binary_uses_one_sigmoid_output():
    y = Y_DIG % 2
    est = MLPClassifierScratch(hidden_layer_sizes=(10,), max_iter=200, random_state=0).fit(X_DIG, y)
    assert est.out_activation_ == "logistic" and est.n_outputs_ == 1
    proba = est.predict_proba(X_DIG)
    assert proba.shape == (500, 2)
    np.testing.assert_allclose(proba[:, 1], 1 / (1 + np.exp(-est.decision_function(X_DIG))))
    np.testing.assert_allclose(proba.sum(1), 1.0)
    assert est.score(X_DIG, y) > 0.95


def test_multilabel_targets():
    X, Y = make_multilabel_classification(300, 10, n_classes=4, random_state=0)
    est = MLPClassifierScratch(
        hidden_layer_sizes=(30,), learning_rate_init=0.01, max_iter=300, random_state=0
    )
    est.fit(X, Y)
    assert est.out_activation_ == "logistic" and est.n_outputs_ == 4
    assert est.predict(X).shape == Y.shape and set(np.unique(est.predict(X))) <= {0, 1}
    proba = est.predict_proba(X)
    assert proba.shape == Y.shape and np.all((proba >= 0) & (proba <= 1))
    np.testing.assert_array_equal(est.predict(X), (proba > 0.5).astype(int))
    assert (est.predict(X) == Y).mean() > 0.85


def test_multioutput_regression():
    X, Y = make_regression(300, 8, n_targets=3, noise=0.1, random_state=0)
    Y = Y / Y.std(0)
    est = MLPRegressorScratch(hidden_layer_sizes=(30,), learning_rate_init=0.01, max_iter=300, random_state=0)
    est.fit(X, Y)
    assert est.predict(X).shape == (300, 3) and est.score(X, Y) > 0.95


@pytest.mark.parametrize("loss", ["log_loss", "squared_error", "hinge"])
@pytest.mark.parametrize(
    "activation", ["identity", "logistic", "sigmoid", "tanh", "relu", "leaky_relu", "gelu"]
)
def test_every_classifier_loss_and_activation_learns(loss, activation):
    est = MLPClassifierScratch(
        hidden_layer_sizes=(20,),
        activation=activation,
        loss=loss,
        learning_rate_init=0.01,
        max_iter=60,
        random_state=0,
    ).fit(X_DIG, Y_DIG)
    assert est.score(X_DIG, Y_DIG) > 0.9
    np.testing.assert_allclose(est.predict_proba(X_DIG).sum(1), 1.0)


@pytest.mark.parametrize("loss", ["squared_error", "absolute_error", "huber", "poisson"])
def test_every_regressor_loss_learns(loss):
    y = Y_DIA - Y_DIA.min() if loss == "poisson" else Y_DIA
    est = MLPRegressorScratch(
        loss=loss, hidden_layer_sizes=(20,), learning_rate_init=0.01, alpha=1.0, max_iter=200, random_state=0
    ).fit(X_DIA, y)
    assert est.out_activation_ == ("exp" if loss == "poisson" else "identity")
    assert est.score(X_DIA, y) > 0.35
    if loss == "poisson":
        assert np.all(est.predict(X_DIA) > 0)


def test_robust_losses_resist_outliers():
    rng = np.random.RandomState(0)
    X = rng.uniform(-1, 1, size=(300, 1))
    y = 2 * X[:, 0]
    y_dirty = y.copy()
    y_dirty[:30] += 50.0  # 10% gross outliers
    kw = dict(hidden_layer_sizes=(10,), learning_rate_init=0.01, max_iter=400, random_state=0)
    errors = {}
    for loss in ("squared_error", "huber", "absolute_error"):
        est = MLPRegressorScratch(loss=loss, **kw).fit(X, y_dirty)
        errors[loss] = np.abs(est.predict(X) - y).mean()
    assert errors["huber"] < errors["squared_error"] / 3
    assert errors["absolute_error"] < errors["squared_error"] / 3


def test_poisson_needs_non_negative_targets():
    with pytest.raises(ValueError, match="non-negative"):
        MLPRegressorScratch(loss="poisson").fit(X_DIA, Y_DIA)


@pytest.mark.parametrize("sizes", [(0,), (10, -1), (3.5,)])
def test_bad_hidden_layer_sizes(sizes):
    with pytest.raises((ValueError, TypeError), match="hidden_layer_sizes"):
        MLPClassifierScratch(hidden_layer_sizes=sizes).fit(X_DIG, Y_DIG)


def test_invalid_parameters_read_like_scikit_learn():
    with pytest.raises(
        ValueError, match="The 'learning_rate_init' parameter of MLPClassifierScratch must be"
    ):
        MLPClassifierScratch(learning_rate_init=-1.0).fit(X_DIG, Y_DIG)
    with pytest.raises(ValueError, match="'activation' parameter"):
        MLPClassifierScratch(activation="swish").fit(X_DIG, Y_DIG)
    with pytest.raises(ValueError, match="'loss' parameter"):
        MLPRegressorScratch(loss="hinge").fit(X_DIA, Y_DIA)


def test_pipeline_and_grid_search():
    pipe = make_pipeline(
        StandardScaler(), MLPClassifierScratch(learning_rate_init=0.01, max_iter=30, random_state=0)
    )
    grid = GridSearchCV(
        pipe,
        {
            "mlpclassifierscratch__hidden_layer_sizes": [(5,), (30,)],
            "mlpclassifierscratch__alpha": [1e-4, 1.0],
        },
        cv=3,
    ).fit(X_DIG, Y_DIG)
    assert grid.best_params_["mlpclassifierscratch__hidden_layer_sizes"] == (30,)
    assert grid.best_score_ > 0.9


def test_pandas_input_keeps_feature_names():
    df = pd.DataFrame(X_DIA, columns=[f"f{i}" for i in range(X_DIA.shape[1])])
    est = MLPRegressorScratch(hidden_layer_sizes=(5,), max_iter=5).fit(df, Y_DIA)
    np.testing.assert_array_equal(est.feature_names_in_, df.columns)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        est.predict(df)
