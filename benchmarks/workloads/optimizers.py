"""Workload of section ``optimizers``: the W1 fit with every first-order update rule.

Data and network
----------------
Those of W1 (``workloads/w1.py``): the first rows of its
``make_classification`` training set (100 features, 10 classes), an MLP
(256, 128) ReLU with 10 softmax outputs, ``alpha=1e-4``, fixed epochs
(``tol=0``, ``n_iter_no_change=10**9``, ConvergenceWarning silenced), float64
and float32.

Update rules
------------
Every entry of ``sklearn_nn._optimizers.OPTIMIZERS`` (the values of
``solver``), in the registry's order, all with ``learning_rate_init=1e-3`` and
every other parameter at the estimator's default: 'sgd' with
``momentum=0.9`` and Nesterov's correction, 'adam' / 'adamw' with betas
(0.9, 0.999), 'rmsprop' with ``rho=0.9``, eps 1e-8 for all but 'sgd'.

Updates
-------
A fit of E epochs on R rows with batch b makes ``n_iter_ * ceil(R / b)``
updates (the last batch of an epoch may be short); a fit that diverges (the
package raises ``ValueError``) is reported as such instead of timed.
"""

import math

from harness import quiet, timed

from sklearn_nn import MLPClassifierScratch
from sklearn_nn._optimizers import OPTIMIZERS
from workloads.w1 import mlp_params

#: The update rules under test, in the registry's order (the order they alternate).
SOLVERS = tuple(OPTIMIZERS)
#: The batch sizes of the timed fits.
BATCHES = (1, 32, 200)
#: The common learning rate.
LEARNING_RATE = 1e-3


def optimizer_params(solver, batch_size, epochs):
    """Constructor parameters of ``MLPClassifierScratch`` for one timed fit: W1's, one rate for all.

    Adam's W1 parameters (its beta_1, beta_2 and epsilon are the defaults), with ``solver`` and
    the shared ``LEARNING_RATE``; 'sgd' keeps its default momentum.
    """
    return {**mlp_params("adam", batch_size, epochs), "solver": solver, "learning_rate_init": LEARNING_RATE}


def fit_updates(params, X, y, seed=0):
    """(fit seconds, updates made, error) of one fit; error is None or the divergence message."""
    est = MLPClassifierScratch(**{**params, "random_state": seed})
    with quiet():
        try:
            seconds, _ = timed(est.fit, X, y)
        except ValueError as exc:  # divergence: the package stops and says so
            return math.nan, 0, str(exc).splitlines()[0]
    return seconds, est.n_iter_ * math.ceil(X.shape[0] / params["batch_size"]), None
