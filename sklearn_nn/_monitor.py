"""Tracking the best value of a monitored quantity across epochs.

``Monitor`` answers two questions after each epoch: did the value improve, and
has it failed to improve by ``tol`` for more than ``patience`` epochs in a
row (scikit-learn's rule)? It can keep a copy of the parameters of the best
epoch so that they can be restored. It never stops a loop by itself.
"""

import numpy as np


class Monitor:
    """Best-so-far tracking of a quantity where higher is better.

    Parameters
    ----------
    tol : float
        An epoch counts as "no improvement" unless its value exceeds the best
        value so far by at least ``tol``.
    patience : int or inf
        ``exhausted`` becomes True after more than ``patience`` such epochs
        in a row.
    keep_best : bool
        Whether to copy the parameters of the best epoch.
    """

    def __init__(self, tol, patience, keep_best=False):
        self.tol = tol
        self.patience = patience
        self.keep_best = keep_best
        self.best = -np.inf
        self.best_epoch = None
        self.best_params = None
        self.count = 0

    def update(self, value, params=None, epoch=None):
        """Record one epoch's value; returns True if it is a new best."""
        if not value >= self.best + self.tol:  # also counts NaN as no improvement
            self.count += 1
        else:
            self.count = 0
        improved = value > self.best
        if improved:
            self.best = value
            self.best_epoch = epoch
            if self.keep_best and params is not None:
                if self.best_params is None:
                    self.best_params = params.copy()
                else:
                    np.copyto(self.best_params, params)
        return improved

    @property
    def exhausted(self):
        return self.count > self.patience

    def reset_count(self):
        self.count = 0
