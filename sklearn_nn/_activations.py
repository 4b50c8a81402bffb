"""Hidden-layer activation functions and their derivatives.

Each activation is a small object with two methods that work in place:

* ``forward(z)`` overwrites the pre-activation ``z`` with ``a = f(z)`` and
  returns the array it needs later to compute the derivative (``a`` itself for
  most activations, a copy of ``z`` for GELU, whose derivative is not a
  function of its output);
* ``backward(saved, delta)`` multiplies ``delta`` in place by ``f'(z)``.

This keeps one buffer per layer on the forward pass and no temporary arrays on
the backward pass, while each derivative still sits next to its function.
"""

import numpy as np
from scipy.special import erf, expit

_SQRT_HALF = np.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / np.sqrt(2.0 * np.pi)


class Identity:
    """f(z) = z, f'(z) = 1."""

    name = "identity"

    def forward(self, z):
        return z

    def backward(self, saved, delta):
        return delta


class Logistic:
    """f(z) = 1 / (1 + exp(-z)), f'(z) = f(z) (1 - f(z))."""

    name = "logistic"

    def forward(self, z):
        return expit(z, out=z)

    def backward(self, a, delta):
        delta *= a
        delta *= 1.0 - a
        return delta


class Tanh:
    """f(z) = tanh(z), f'(z) = 1 - f(z)^2."""

    name = "tanh"

    def forward(self, z):
        return np.tanh(z, out=z)

    def backward(self, a, delta):
        delta *= 1.0 - a * a
        return delta


class LeakyReLU:
    """f(z) = max(z, slope z), f'(z) = 1 if z > 0 else slope (slope 0 is ReLU)."""

    def __init__(self, name, slope):
        self.name = name
        self.slope = slope

    def forward(self, z):
        if self.slope == 0.0:
            return np.maximum(z, 0.0, out=z)
        # For 0 < slope < 1, max(z, slope * z) is z for z > 0 and slope * z otherwise.
        return np.maximum(z, self.slope * z, out=z)

    def backward(self, a, delta):
        # The sign of the output is the sign of the input, so the output suffices.
        if self.slope == 0.0:
            return np.multiply(delta, a > 0, out=delta)
        return np.multiply(delta, np.where(a > 0, 1.0, self.slope), out=delta)


class GELU:
    """Exact GELU: f(z) = z Phi(z), f'(z) = Phi(z) + z phi(z).

    Phi and phi are the standard normal CDF and density.
    """

    name = "gelu"

    def forward(self, z):
        saved = z.copy()
        cdf = erf(z * _SQRT_HALF)
        cdf += 1.0
        cdf *= 0.5
        z *= cdf
        return saved

    def backward(self, z, delta):
        cdf = erf(z * _SQRT_HALF)
        cdf += 1.0
        cdf *= 0.5
        pdf = np.exp(-0.5 * z * z)
        pdf *= _INV_SQRT_2PI
        pdf *= z
        pdf += cdf
        delta *= pdf
        return delta


#: Registry of hidden-layer activations, name -> object.
ACTIVATIONS = {
    "identity": Identity(),
    "logistic": Logistic(),
    "sigmoid": Logistic(),
    "tanh": Tanh(),
    "relu": LeakyReLU("relu", 0.0),
    "leaky_relu": LeakyReLU("leaky_relu", 0.01),
    "gelu": GELU(),
}
