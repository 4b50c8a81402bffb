"""Loss values against their textbook formulas and gradients against finite differences."""

import math

import numpy as np
import pytest
from sklearn.metrics import log_loss as sk_log_loss

from sklearn_nn._losses import (
    REGRESSION_LOSSES,
    SIGMOID_LOSSES,
    SOFTMAX_LOSSES,
    Huber,
    softmax,
    sum_log1p_given,
    sum_of_products,
)

rng = np.random.RandomState(0)
N, K = 7, 4
Z = rng.normal(scale=2.0, size=(N, K))
LABELS = rng.randint(K, size=N)
ONEHOT = np.eye(K)[LABELS]
INDICATOR = (rng.uniform(size=(N, K)) > 0.5).astype(float)
Y_REG = rng.normal(size=(N, K)) * 2
Y_COUNTS = rng.poisson(2.0, size=(N, K)).astype(float)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def expected_value(family, name, T, Z):
    """The per-sample losses written directly from their definitions."""
    if family == "sigmoid":
        p = sigmoid(Z)
        return {
            "log_loss": -(T * np.log(p) + (1 - T) * np.log(1 - p)).sum(1),
            "squared_error": 0.5 * ((T - p) ** 2).sum(1),
            "hinge": np.maximum(0, 1 - (2 * T - 1) * Z).sum(1),
        }[name]
    if family == "softmax":
        p = softmax(Z)
        y = T.argmax(1)
        z_true = Z[np.arange(len(y)), y]
        margins = np.maximum(0, 1 - z_true[:, None] + Z)
        margins[np.arange(len(y)), y] = 0
        return {
            "log_loss": -np.log(p[np.arange(len(y)), y]),
            "squared_error": 0.5 * ((T - p) ** 2).sum(1),
            "hinge": margins.sum(1),
        }[name]
    r = T - Z
    return {
        "squared_error": 0.5 * (r**2).mean(1),
        "absolute_error": np.abs(r).mean(1),
        "huber": np.where(np.abs(r) <= 1.0, 0.5 * r**2, np.abs(r) - 0.5).mean(1),
        "poisson": (np.exp(Z) - T * Z).mean(1),
    }[name]


CASES = (
    [("sigmoid", name, cls, INDICATOR) for name, cls in SIGMOID_LOSSES.items()]
    + [("softmax", name, cls, ONEHOT) for name, cls in SOFTMAX_LOSSES.items()]
    + [
        ("regression", name, cls, Y_COUNTS if name == "poisson" else Y_REG)
        for name, cls in REGRESSION_LOSSES.items()
    ]
)
IDS = [f"{family}-{name}" for family, name, _, _ in CASES]


@pytest.mark.parametrize("family, name, cls, T", CASES, ids=IDS)
def test_value_matches_definition(family, name, cls, T):
    loss = cls()
    G = np.empty_like(Z)
    np.testing.assert_allclose(
        loss.value_and_gradient(T, Z, G), expected_value(family, name, T, Z), rtol=1e-12
    )
    np.testing.assert_allclose(loss.value(T, Z), expected_value(family, name, T, Z), rtol=1e-12)


@pytest.mark.parametrize("family, name, cls, T", CASES, ids=IDS)
def test_gradient_matches_central_differences(family, name, cls, T):
    loss = cls()
    G = np.empty_like(Z)
    loss.value_and_gradient(T, Z, G)
    eps = 1e-6
    numeric = np.empty_like(Z)
    for i in range(N):
        for k in range(K):
            Zp, Zm = Z.copy(), Z.copy()
            Zp[i, k] += eps
            Zm[i, k] -= eps
            numeric[i, k] = (loss.value(T, Zp)[i] - loss.value(T, Zm)[i]) / (2 * eps)
    np.testing.assert_allclose(G, numeric, rtol=1e-6, atol=1e-8)


def test_softmax_log_loss_matches_scikit_learn():
    loss = SOFTMAX_LOSSES["log_loss"]()
    assert loss.value(ONEHOT, Z).mean() == pytest.approx(
        sk_log_loss(LABELS, softmax(Z), labels=range(K)), rel=1e-10
    )


BOUNDED = [case for case in CASES if case[1] != "poisson"]  # exp(1e4) overflows by definition


@pytest.mark.parametrize("family, name, cls, T", BOUNDED, ids=[f"{c[0]}-{c[1]}" for c in BOUNDED])
def test_extreme_logits_stay_finite(family, name, cls, T):
    Z_big = np.where(rng.uniform(size=Z.shape) > 0.5, 1e4, -1e4)
    loss = cls()
    G = np.empty_like(Z_big)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        values = loss.value_and_gradient(T, Z_big, G)
        proba = loss.inverse_link(Z_big)
    assert np.isfinite(values).all() and np.isfinite(G).all() and np.isfinite(proba).all()


def test_huber_threshold():
    loss = Huber(delta=2.0)
    T = np.zeros((1, 3))
    Zh = np.array([[1.0, 2.0, 5.0]])
    np.testing.assert_allclose(loss.value(T, Zh), [np.mean([0.5, 2.0, 2.0 * (5.0 - 1.0)])])


def test_inverse_links():
    np.testing.assert_allclose(SIGMOID_LOSSES["log_loss"]().inverse_link(Z), sigmoid(Z))
    p = SOFTMAX_LOSSES["hinge"]().inverse_link(Z)
    np.testing.assert_allclose(p.sum(1), 1.0)
    np.testing.assert_allclose(REGRESSION_LOSSES["poisson"]().inverse_link(Z), np.exp(Z))
    np.testing.assert_array_equal(REGRESSION_LOSSES["huber"]().inverse_link(Z), Z)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-13), (np.float32, 1e-5)])
@pytest.mark.parametrize("offsets", [[0.0, 5.0, 25.0], [0.0, 40.0, -300.0], [700.0, 0.0, -1e4]])
def test_softmax_and_log_sum_exp_with_a_shared_or_a_per_row_shift(offsets, dtype, rtol):
    # Rows whose largest logits are within 30 nats share one shift; wider spans shift each row.
    from scipy.special import logsumexp
    from scipy.special import softmax as sp_softmax

    from sklearn_nn._losses import log_sum_exp

    logits = (rng.normal(size=(3, 5)) + np.array(offsets)[:, None]).astype(dtype)
    ref = logits.astype(np.float64)
    np.testing.assert_allclose(softmax(logits), sp_softmax(ref, axis=1), rtol=rtol, atol=1e-300)
    lse = logsumexp(ref, axis=1, keepdims=True)
    np.testing.assert_allclose(log_sum_exp(logits), lse, rtol=rtol * 30)
    T = np.eye(5)[[0, 3, 1]]
    G = np.empty_like(logits)
    values = SOFTMAX_LOSSES["log_loss"]().value_and_gradient(T, logits, G)
    np.testing.assert_allclose(values, lse[:, 0] - (T * ref).sum(1), rtol=rtol * 30, atol=rtol * 30)
    np.testing.assert_allclose(G, sp_softmax(ref, axis=1) - T, rtol=rtol, atol=rtol)
    # Predictions shift each row by its maximum: no log-probability above 0.
    assert (SOFTMAX_LOSSES["log_loss"]().log_proba(logits) <= 0).all()


@pytest.mark.parametrize("family, name, cls, T", CASES, ids=IDS)
@pytest.mark.parametrize("order", ["C", "F"])
def test_total_is_the_sum_of_the_per_sample_values(family, name, cls, T, order):
    """total_and_gradient: the same sum (to rounding) and the same gradient, with more rows than a block."""
    reps = 400  # 2800 rows x 4 units: several blocks of sum_log1p_given's products
    Z_big = np.asarray(np.tile(Z, (reps, 1)) * rng.uniform(0.1, 3.0, size=(N * reps, 1)), order=order)
    T_big = np.asarray(np.tile(T, (reps, 1)), order=order)
    loss = cls()
    G_values, G_total = np.empty_like(Z_big), np.empty_like(Z_big)
    expected = math.fsum(loss.value_and_gradient(T_big, Z_big, G_values))
    total = loss.total_and_gradient(T_big, Z_big, G_total)
    assert abs(total - expected) <= 1e-13 * max(1.0, abs(expected))
    np.testing.assert_array_equal(G_total, G_values)


@pytest.mark.parametrize("dtype, rtol", [(np.float64, 1e-14), (np.float32, 1e-6)])
@pytest.mark.parametrize("size", [1, 500, 1020, 1021, 5000, 50001])
def test_sum_log1p_given_is_a_sum_of_log1p(dtype, rtol, size):
    """The log of blocked products, corrected for the rounding of 1 + e, against an exact sum of log1p."""
    local = np.random.RandomState(size)
    e = (10.0 ** local.uniform(-20, 0, size=size)).astype(dtype)  # from below eps up to 1
    exact = math.fsum(np.log1p(e.astype(np.float64)))
    total = sum_log1p_given(e, e + dtype(1.0))
    # Each term's absolute error is about one ulp of 1 (the products, and the rounding of e + 1).
    assert abs(total - exact) <= rtol * exact + 4 * size * np.finfo(dtype).eps


def test_sum_log1p_given_keeps_terms_below_the_rounding_of_one():
    """Terms e < eps / 2 vanish in 1 + e; the correction r = (u - 1) - e brings them back exactly."""
    e = np.full(3000, 1e-20)
    assert sum_log1p_given(e, e + 1.0) == pytest.approx(3000 * 1e-20, rel=1e-12)


@pytest.mark.parametrize("orders", [("C", "C"), ("F", "F"), ("C", "F")])
def test_sum_of_products_in_any_layout(orders):
    A, B = np.asarray(Z, order=orders[0]), np.asarray(INDICATOR, order=orders[1])
    assert sum_of_products(A, B) == pytest.approx(float((Z * INDICATOR).sum()), rel=1e-14)
