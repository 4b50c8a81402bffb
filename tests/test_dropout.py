"""Inverted dropout: exact gradients under a fixed mask, the random_state stream, and its refusals."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss

from sklearn_nn import MLPClassifierScratch, MLPRegressorScratch
from sklearn_nn._dropout import Dropout
from sklearn_nn._losses import SOFTMAX_LOSSES
from sklearn_nn._network import Network

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

X_DIG, Y_DIG = load_digits(return_X_y=True)
X_DIG = X_DIG / 16.0


@pytest.mark.parametrize("activation", ["tanh", "logistic", "gelu", "identity"])
def test_the_gradient_with_a_fixed_mask_matches_central_differences(activation):
    rng = np.random.RandomState(0)
    X, T = rng.normal(size=(9, 4)), np.eye(3)[rng.randint(3, size=9)]
    net = Network([4, 6, 5, 3], activation, np.float64)
    net.init_glorot(np.random.RandomState(1))
    loss = SOFTMAX_LOSSES["log_loss"]()

    def J(grad=None):  # the same masks at every evaluation: a fresh generator of one seed
        return net.data_term(X, T, None, loss, grad, dropout=Dropout((0.4, 0.3), np.random.RandomState(7)))

    grad = np.empty_like(net.params)
    J(grad)
    theta, eps = net.params.copy(), 1e-6
    numeric = np.empty_like(theta)
    for j in range(theta.size):
        net.params[j] = theta[j] + eps
        up = J()
        net.params[j] = theta[j] - eps
        down = J()
        net.params[j] = theta[j]
        numeric[j] = (up - down) / (2 * eps)
    assert np.linalg.norm(grad - numeric) / np.linalg.norm(numeric) < 1e-6
    # The masks matter: without them the gradient is another one.
    plain = np.empty_like(theta)
    net.data_term(X, T, None, loss, plain)
    assert np.linalg.norm(plain - grad) > 1e-3 * np.linalg.norm(grad)


def test_a_dropped_unit_is_zero_and_a_kept_one_is_scaled():
    a = np.ones((2000, 10))
    drop = Dropout((0.25,), np.random.RandomState(0))
    out = drop.apply(0, a)
    assert set(np.unique(out)) == {0.0, 1.0 / 0.75}
    assert abs((out == 0).mean() - 0.25) < 0.01 and abs(out.mean() - 1.0) < 0.02
    assert np.all(a == 1.0)  # the activation itself is kept for its derivative


def test_dropout_zero_gives_the_bits_of_a_fit_without_it():
    kw = dict(hidden_layer_sizes=(32,), max_iter=3, random_state=0)
    a = MLPClassifierScratch(**kw).fit(X_DIG, Y_DIG)
    b = MLPClassifierScratch(dropout=0.0, **kw).fit(X_DIG, Y_DIG)
    c = MLPClassifierScratch(dropout=[0.0], **kw).fit(X_DIG, Y_DIG)
    for u, v, w in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_, c.coefs_ + c.intercepts_):
        np.testing.assert_array_equal(u, v)
        np.testing.assert_array_equal(u, w)


def test_the_masks_follow_random_state():
    kw = dict(hidden_layer_sizes=(32, 16), dropout=[0.3, 0.1], max_iter=3)
    a = MLPClassifierScratch(random_state=0, **kw).fit(X_DIG, Y_DIG)
    b = MLPClassifierScratch(random_state=0, **kw).fit(X_DIG, Y_DIG)
    c = MLPClassifierScratch(random_state=1, **kw).fit(X_DIG, Y_DIG)
    for u, v in zip(a.coefs_, b.coefs_):
        np.testing.assert_array_equal(u, v)
    assert not np.array_equal(a.coefs_[0], c.coefs_[0])
    # Predictions use the whole network, deterministically.
    np.testing.assert_array_equal(a.predict_proba(X_DIG[:50]), a.predict_proba(X_DIG[:50]))


def test_validation_uses_the_network_without_dropout():
    est = MLPClassifierScratch(
        hidden_layer_sizes=(32,), dropout=0.5, max_iter=5, random_state=0, early_stopping=True,
        n_iter_no_change=100, restore_best_weights=False,
    )  # fmt: skip
    X_val, y_val = X_DIG[:300], Y_DIG[:300]
    est.fit(X_DIG[300:], Y_DIG[300:], X_val=X_val, y_val=y_val)
    penalty = 0.5 * est.alpha / (len(Y_DIG) - 300) * sum(float((W * W).sum()) for W in est.coefs_)
    expected = log_loss(y_val, est.predict_proba(X_val), labels=est.classes_) + penalty
    assert est.validation_loss_curve_[-1] == pytest.approx(expected, rel=1e-9)
    assert est.validation_scores_[-1] == pytest.approx(est.score(X_val, y_val))


def test_dropout_keeps_a_large_network_from_fitting_a_small_training_set():
    X, y = X_DIG[:150], Y_DIG[:150]
    kw = dict(hidden_layer_sizes=(256, 256), alpha=0.0, max_iter=200, random_state=0, tol=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        plain = MLPClassifierScratch(**kw).fit(X, y)
        dropped = MLPClassifierScratch(dropout=0.5, **kw).fit(X, y)
    # The training loss of the whole network (no masks), fitted with and without dropout.
    plain_loss = log_loss(y, plain.predict_proba(X), labels=plain.classes_)
    dropped_loss = log_loss(y, dropped.predict_proba(X), labels=dropped.classes_)
    assert dropped_loss > 5 * plain_loss
    assert min(dropped.loss_curve_[-20:]) > 5 * min(plain.loss_curve_[-20:])


@pytest.mark.parametrize(
    "params, what",
    [({"solver": "lbfgs"}, "solver='lbfgs'"), ({"solver": "sgd", "batch_size": "full",
      "learning_rate": "backtracking"}, "step rule")],
)  # fmt: skip
def test_dropout_is_refused_where_j_must_be_exact(params, what):
    est = MLPRegressorScratch(dropout=0.2, **params)
    with pytest.raises(ValueError, match=rf"dropout=0.2 makes every evaluation of J random, and .*{what}"):
        est.fit(X_DIG[:50], Y_DIG[:50].astype(float))
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize(
    "dropout, message",
    [
        ([0.1, 0.2], "dropout has 2 rates but the network has 1 hidden layers"),
        (1.0, "'dropout' parameter"),
        ([0.5, -0.1], "dropout rates must be numbers in \\[0, 1\\)"),
    ],
)
def test_bad_dropout_is_rejected(dropout, message):
    hidden = (8,) if isinstance(dropout, list) and len(dropout) == 2 and dropout[1] == 0.2 else (8, 4)
    with pytest.raises(ValueError, match=message):
        MLPClassifierScratch(hidden_layer_sizes=hidden, dropout=dropout).fit(X_DIG[:50], Y_DIG[:50])
