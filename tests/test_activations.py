"""Activation values against their formulas and derivatives against finite differences."""

import numpy as np
import pytest
from scipy.stats import norm

from sklearn_nn._activations import ACTIVATIONS

Z = np.linspace(-4, 4, 41) + 0.013  # avoid the kink of the ReLUs at exactly 0

FORMULAS = {
    "identity": lambda z: z,
    "logistic": lambda z: 1 / (1 + np.exp(-z)),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "relu": lambda z: np.maximum(z, 0),
    "leaky_relu": lambda z: np.where(z > 0, z, 0.01 * z),
    "gelu": lambda z: z * norm.cdf(z),
}


def test_registry_is_complete():
    assert set(ACTIVATIONS) == set(FORMULAS)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_forward_matches_formula(name):
    z = Z.copy()
    ACTIVATIONS[name].forward(z)
    np.testing.assert_allclose(z, FORMULAS[name](Z), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_backward_matches_central_differences(name):
    act = ACTIVATIONS[name]
    z = Z.copy()
    saved = act.forward(z)
    delta = np.ones_like(Z)
    act.backward(saved, delta)
    eps = 1e-6
    numeric = (FORMULAS[name](Z + eps) - FORMULAS[name](Z - eps)) / (2 * eps)
    np.testing.assert_allclose(delta, numeric, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_float32_stays_float32(name):
    z = Z.astype(np.float32)
    saved = ACTIVATIONS[name].forward(z)
    delta = np.ones_like(z)
    ACTIVATIONS[name].backward(saved, delta)
    assert z.dtype == np.float32 and delta.dtype == np.float32
