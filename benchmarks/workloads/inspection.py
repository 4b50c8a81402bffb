"""Workload of section ``inspection``: the W1 fit with and without ``monitor_gradients``.

Data and network
----------------
Those of W1 (``workloads/w1.py``): the first rows of its
``make_classification`` training set (100 features, 10 classes), an MLP
(256, 128) ReLU with 10 softmax outputs, ``alpha=1e-4``, Adam with
``learning_rate_init=1e-3`` (W1's ``mlp_params("adam", batch, epochs)``),
fixed epochs (``tol=0``, ``n_iter_no_change=10**9``, ConvergenceWarning
silenced), float64 and float32, at batch 200 (the target's) and 32.

Systems
-------
``MLPClassifierScratch`` with ``monitor_gradients=False`` ('off', the
default) and ``monitor_gradients=True`` ('on'), the same parameters and
seeds otherwise: both fits of a round make the same updates, and 'on' also
measures, per update, the per-layer gradient and update norms
(``sklearn_nn._grad_norms.GradientNorms``: ``start``, ``gradient`` and
``moved``) and, per epoch, records their means in ``history_``. Every 'on'
fit is checked to have recorded ``history_['grad_norm']`` (one list per
epoch) and every 'off' fit not to have, so the two really differ.

Updates
-------
A fit of E epochs on R rows with batch b makes ``n_iter_ * ceil(R / b)``
updates; s/update = wall time / updates and s/epoch = wall time / E x (W1
training rows / R), as in the W1 section.

The off path
------------
With ``monitor_gradients=False`` the first-order pass of
``sklearn_nn._training`` differs from a loop without the feature by two
``gauge is not None`` tests per update (one before the optimizer's step,
one after it; ``gauge`` is a local variable, None) and, once per call of
``fit``, a conditional that leaves ``gauge`` None. ``off_path_checks`` times
the two tests alone, on a local variable as in the training loop.
"""

import math
import timeit

from harness import quiet, timed

from sklearn_nn import MLPClassifierScratch
from workloads.w1 import mlp_params

#: The batch sizes of the timed fits: the target's first.
BATCHES = (200, 32)
#: The batch size of the target.
TARGET_BATCH = 200
#: The target: the relative cost of monitoring at ``TARGET_BATCH``, on / off - 1.
COST_LIMIT = 0.05
#: The systems, in the order they alternate: the value of ``monitor_gradients``.
SYSTEMS = {"off": False, "on": True}


def inspection_params(batch_size, epochs, monitor):
    """Constructor parameters of ``MLPClassifierScratch`` for one timed fit: W1's adam, ``monitor``."""
    return {**mlp_params("adam", batch_size, epochs), "monitor_gradients": monitor}


def fit_monitored(params, X, y, seed=0):
    """(fit seconds, updates made) of one fit, after checking what it recorded.

    Raises
    ------
    AssertionError
        If a fit with ``monitor_gradients`` did not record one ``grad_norm``
        list per epoch, or one without it recorded any.
    """
    est = MLPClassifierScratch(**{**params, "random_state": seed})
    with quiet():
        seconds, _ = timed(est.fit, X, y)
    records = est.history_.get("grad_norm")
    if params["monitor_gradients"]:
        assert records is not None and len(records) == est.n_iter_, "monitor_gradients recorded nothing"
    else:
        assert records is None, "monitor_gradients=False recorded gradient norms"
    return seconds, est.n_iter_ * math.ceil(X.shape[0] / params["batch_size"])


def off_path_checks(count, unroll=10):
    """Seconds of ``count`` updates' two ``gauge is not None`` tests, less the loop's own time.

    ``timeit`` runs ``unroll`` updates' tests (``2 * unroll`` of them, each of
    the training loop's form, on a local variable that is None) per pass of
    its loop, ``count`` passes, and then the empty loop; the difference,
    divided by ``unroll``, is returned (0 when the noise makes it negative).
    """
    tests = "\n".join(["if gauge is not None:\n    gauge.start(params)"] * 2 * unroll)
    setup = "gauge = params = None"
    with_tests = timeit.Timer(tests, setup).timeit(count)
    empty = timeit.Timer("pass", setup).timeit(count)
    return max(with_tests - empty, 0.0) / unroll
