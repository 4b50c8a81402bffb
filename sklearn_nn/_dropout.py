"""Inverted dropout on the hidden activations of the MLPs, in training passes only.

In a training pass each hidden unit of each row is kept with probability
1 - p (p the layer's rate) and dropped otherwise, and the kept activations
are divided by 1 - p, so that a layer's expected input is the same as
without dropout: predictions, validation losses and scores use the whole
network unchanged. With a mask m (entries 0 or 1 / (1 - p)) the next layer
sees a * m, and backpropagation multiplies the delta arriving at a by the
same m before the activation's derivative.

The masks are drawn from the training generator of the estimator (the one
that shuffles the rows, seeded by ``random_state``), so the same seed gives
the same bits; a rate of 0 draws nothing, so ``dropout=0`` leaves every
other draw, and every bit, as without dropout.
"""

import numpy as np


class Dropout:
    """The masks of one training pass: ``apply`` on the way forward, ``backward`` on the way back.

    Parameters
    ----------
    rates : sequence of float
        The rate p of each hidden layer, in [0, 1).
    rng : numpy.random.RandomState
        Source of the masks.
    """

    def __init__(self, rates, rng):
        self.rates, self.rng = tuple(rates), rng
        self.masks = [None] * len(self.rates)

    def apply(self, layer, a):
        """The activation ``a`` of hidden layer ``layer`` with its units dropped (a new array; a is kept)."""
        p = self.rates[layer]
        if p == 0.0:
            self.masks[layer] = None
            return a
        mask = np.greater_equal(self.rng.random_sample(a.shape), p).astype(a.dtype)
        mask *= 1.0 / (1.0 - p)
        self.masks[layer] = mask
        return a * mask

    def backward(self, layer, delta):
        """delta (of the dropped activation of ``layer``) times the layer's mask, in place."""
        mask = self.masks[layer]
        if mask is not None:
            delta *= mask
        return delta


def dropout_rates(dropout, n_hidden):
    """The rate of each of ``n_hidden`` hidden layers from ``dropout`` (a float or one per layer).

    Raises a ValueError for a rate outside [0, 1) or a list of the wrong length.
    """
    rates = [dropout] * n_hidden if np.ndim(dropout) == 0 else list(dropout)
    if len(rates) != n_hidden:
        raise ValueError(
            f"dropout has {len(rates)} rates but the network has {n_hidden} hidden layers: give one "
            "float for all of them, or one rate per hidden layer."
        )
    for rate in rates:
        if isinstance(rate, bool) or not np.isreal(rate) or not 0.0 <= float(rate) < 1.0:
            raise ValueError(f"dropout rates must be numbers in [0, 1), got {dropout!r}.")
    return tuple(float(r) for r in rates)
