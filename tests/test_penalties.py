"""The penalty of J: value, gradient and step against their formulas."""

import numpy as np
import pytest

from sklearn_nn._penalties import PENALTIES, L2Penalty

rng = np.random.RandomState(0)
PARAMS = rng.normal(size=9)
N_WEIGHTS = 6


def test_value_is_alpha_over_2n_times_the_squared_weights():
    penalty = L2Penalty(0.7, N_WEIGHTS)
    expected = 0.7 / (2 * 13.0) * np.sum(PARAMS[:N_WEIGHTS] ** 2)
    assert penalty.value(PARAMS, 13.0) == pytest.approx(expected, rel=1e-14)
    assert L2Penalty(0.0, N_WEIGHTS).value(PARAMS, 13.0) == 0.0


def test_gradient_matches_central_differences_and_spares_the_biases():
    penalty, eps = L2Penalty(1.3, N_WEIGHTS), 1e-6
    grad = np.zeros_like(PARAMS)
    penalty.add_gradient(grad, PARAMS, 5.0, scale=0.5)
    numeric = np.empty_like(PARAMS)
    for j in range(PARAMS.size):
        up, down = PARAMS.copy(), PARAMS.copy()
        up[j] += eps
        down[j] -= eps
        numeric[j] = (penalty.value(up, 5.0) - penalty.value(down, 5.0)) / (2 * eps)
    np.testing.assert_allclose(grad, 0.5 * numeric, rtol=1e-7, atol=1e-12)
    assert not grad[N_WEIGHTS:].any()


def test_step_is_a_gradient_step_on_the_penalty_alone():
    penalty, lr, n = L2Penalty(2.0, N_WEIGHTS), 0.1, 4.0
    grad = np.zeros_like(PARAMS)
    penalty.add_gradient(grad, PARAMS, n)
    stepped = PARAMS.copy()
    penalty.step(stepped, lr, n)
    np.testing.assert_allclose(stepped, PARAMS - lr * grad, rtol=0, atol=1e-15)


def test_registry():
    assert PENALTIES["l2"] is L2Penalty
