"""Learning-rate schedules.

A schedule is a small picklable object called with k, the number of parameter
updates made so far, that returns the learning rate of update k. The same
schedules serve every optimizer. ``Adaptive`` (scikit-learn's rule) also
listens once per epoch: it divides the rate by 5 when the monitored quantity
stopped improving.
"""

import math
import numbers

import numpy as np


class Constant:
    """eta_k = eta."""

    def __init__(self, eta):
        self.eta = eta

    def __call__(self, k):
        return self.eta


class InvScaling:
    """eta_k = eta / (1 + k) ** power_t."""

    def __init__(self, eta, power_t):
        self.eta, self.power_t = eta, power_t

    def __call__(self, k):
        return self.eta / (1.0 + k) ** self.power_t


class Exponential:
    """eta_k = eta * decay_rate ** (k / decay_steps)."""

    def __init__(self, eta, decay_rate, decay_steps):
        self.eta, self.decay_rate, self.decay_steps = eta, decay_rate, decay_steps

    def __call__(self, k):
        return self.eta * self.decay_rate ** (k / self.decay_steps)


class Step:
    """eta_k = eta * decay_rate ** floor(k / decay_steps)."""

    def __init__(self, eta, decay_rate, decay_steps):
        self.eta, self.decay_rate, self.decay_steps = eta, decay_rate, decay_steps

    def __call__(self, k):
        return self.eta * self.decay_rate ** (k // self.decay_steps)


class Cosine:
    """eta_k = eta / 2 * (1 + cos(pi * (k - k0) / K)) for k - k0 < K, then 0.

    K (``total_steps``) is the number of updates in ``max_iter`` epochs and
    k0 (``start``) the update count when the schedule was set: 0 for a fresh
    fit, so that a ``warm_start`` fit begins a new cosine cycle.
    """

    def __init__(self, eta, total_steps, start=0):
        self.eta, self.total_steps, self.start = eta, max(int(total_steps), 1), start

    def __call__(self, k):
        progress = min(k - self.start, self.total_steps) / self.total_steps
        return 0.5 * self.eta * (1.0 + math.cos(math.pi * progress))


class Adaptive:
    """Constant eta, divided by 5 each time ``plateau`` is called.

    ``plateau`` returns False, meaning "stop training", when the rate is
    already at or below 1e-6 (scikit-learn's rule).
    """

    def __init__(self, eta):
        self.eta = eta

    def __call__(self, k):
        return self.eta

    def plateau(self):
        if self.eta <= 1e-6:
            return False
        self.eta /= 5.0
        return True


class UserSchedule:
    """A user's callable k -> eta_k, checked on every call."""

    def __init__(self, func):
        self.func = func

    def __call__(self, k):
        eta = self.func(k)
        if not isinstance(eta, numbers.Real) or isinstance(eta, bool) or not np.isfinite(eta) or eta <= 0:
            raise ValueError(
                f"The learning_rate callable returned {eta!r} for update {k}; "
                "it must return a finite positive number."
            )
        return float(eta)


#: Named schedules; each entry builds the schedule from the estimator's settings.
SCHEDULES = {
    "constant": lambda eta, cfg: Constant(eta),
    "invscaling": lambda eta, cfg: InvScaling(eta, cfg["power_t"]),
    "exponential": lambda eta, cfg: Exponential(eta, cfg["decay_rate"], cfg["decay_steps"]),
    "step": lambda eta, cfg: Step(eta, cfg["decay_rate"], cfg["decay_steps"]),
    "cosine": lambda eta, cfg: Cosine(eta, cfg["total_steps"], cfg.get("start", 0)),
    "adaptive": lambda eta, cfg: Adaptive(eta),
}


def make_schedule(learning_rate, eta, **settings):
    """Build the schedule named ``learning_rate`` (or wrap a callable)."""
    if callable(learning_rate):
        return UserSchedule(learning_rate)
    return SCHEDULES[learning_rate](eta, settings)
