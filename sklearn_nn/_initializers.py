"""Weight initialisers: how the networks draw their weights before training.

An initialiser draws the weights of one layer from its fan-in and fan-out
(the units feeding it and fed by it) with the estimator's random generator;
the MLPs choose one with ``weight_init``. Every scheme draws the biases as
the default does, uniformly in (-b, b) with b the Glorot bound of the layer,
so only the weights differ between schemes. The linear models start from
zero weights and use none.

``'glorot_uniform'`` is scikit-learn's MLP scheme and the default: it keeps
scikit-learn's factor 2 (instead of 6) for logistic units. The other schemes
are those of ``torch.nn.init`` (plain, untruncated normals):

=================  ======================  ==========================================
scheme             distribution            scale
=================  ======================  ==========================================
``glorot_normal``  N(0, s^2)               s = sqrt(2 / (fan_in + fan_out))
``he_uniform``     U(-b, b)                b = sqrt(6 / fan_in)
``he_normal``      N(0, s^2)               s = sqrt(2 / fan_in)
``lecun_normal``   N(0, s^2)               s = sqrt(1 / fan_in)
=================  ======================  ==========================================

Adding a scheme means one function here and one entry in ``INITIALISERS``.
"""

import numpy as np


def glorot_bound(fan_in, fan_out, activation):
    """b = sqrt(factor / (fan_in + fan_out)), factor 2 for logistic units and 6 otherwise."""
    factor = 2.0 if activation in ("logistic", "sigmoid") else 6.0
    return np.sqrt(factor / (fan_in + fan_out))


def glorot_uniform(rng, fan_in, fan_out, activation):
    """U(-b, b) with the Glorot bound (scikit-learn's scheme)."""
    bound = glorot_bound(fan_in, fan_out, activation)
    return rng.uniform(-bound, bound, (fan_in, fan_out))


def glorot_normal(rng, fan_in, fan_out, activation):
    """N(0, 2 / (fan_in + fan_out))."""
    return rng.normal(0.0, np.sqrt(2.0 / (fan_in + fan_out)), (fan_in, fan_out))


def he_uniform(rng, fan_in, fan_out, activation):
    """U(-b, b) with b = sqrt(6 / fan_in), for ReLU units."""
    bound = np.sqrt(6.0 / fan_in)
    return rng.uniform(-bound, bound, (fan_in, fan_out))


def he_normal(rng, fan_in, fan_out, activation):
    """N(0, 2 / fan_in), for ReLU units."""
    return rng.normal(0.0, np.sqrt(2.0 / fan_in), (fan_in, fan_out))


def lecun_normal(rng, fan_in, fan_out, activation):
    """N(0, 1 / fan_in)."""
    return rng.normal(0.0, np.sqrt(1.0 / fan_in), (fan_in, fan_out))


#: Registry of the weight initialisers, ``weight_init`` name -> function.
INITIALISERS = {
    "glorot_uniform": glorot_uniform,
    "glorot_normal": glorot_normal,
    "he_uniform": he_uniform,
    "he_normal": he_normal,
    "lecun_normal": lecun_normal,
}


def initialise(net, rng, scheme="glorot_uniform"):
    """Draw every layer's weights with ``scheme`` and its biases as the default does, in place.

    Layer by layer, the weights first and then the biases, so the default
    draws the same numbers as scikit-learn's MLP from the same generator.
    """
    draw = INITIALISERS[scheme]
    for W, b in zip(net.coefs, net.intercepts):
        fan_in, fan_out = W.shape
        W[...] = draw(rng, fan_in, fan_out, net.activation)
        bound = glorot_bound(fan_in, fan_out, net.activation)
        b[...] = rng.uniform(-bound, bound, b.shape) if net.fit_intercept else 0.0
