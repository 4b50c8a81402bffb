"""The floors: for every timed workload, the least NumPy work it needs, with no training loop around it.

A floor is measured in the same alternated rounds as the fits it bounds; a
target that the floor alone misses is out of reach for NumPy code doing this
work, and fit / floor is what the package's training loop adds.

- ``GemmLoop`` (section ``gflops``): exactly the eight GEMMs of one W1 epoch
  (forward batch x 100 @ 100 x 256, @ 256 x 128, @ 128 x 10; the weight
  gradients of the three layers; the delta propagation of the two upper
  ones) with preallocated outputs: the GEMM peak at the W1 shapes.
- ``MinimalEpoch`` (section ``w1``, limits table): one W1 epoch with only the
  necessary NumPy calls: gathering the rows, the GEMMs, bias adds and ReLU,
  the softmax log-loss, the backward GEMMs and derivatives, and our
  optimizer's step with the L2 penalty.
- ``UpdateStep`` (section ``optimizers``, second table): one update rule's
  step with the L2 penalty on the W1 network's flat buffer, alone: the
  least work of the update part of an update.
- ``GaugeAlone`` (section ``inspection``, third table): what
  ``monitor_gradients=True`` adds to one W1 update, the three calls of
  ``GradientNorms`` alone on the W1 buffers; ``GaugeProfile`` times the same
  calls inside real fits.
- ``gemv_pairs`` (section ``linear``, part a): the two-GEMV bound of a
  full-batch logistic epoch, one ``X @ w`` and one ``X.T @ r``.
- ``least_epochs`` (section ``linear``, part a): the least full-batch logistic
  epoch: the two products, the log-loss's value and gradient, the sums and a
  gradient step.

Every call into the package's internals that the benchmarks make outside the
public estimators is in this module, for whoever adapts them to a new engine:
``Network`` (``init_glorot``, ``params``, ``coefs``, ``intercepts``,
``n_weights``, ``workspace`` and its ``z``, ``delta``, ``grad_views``,
``grad``, ``deltas_are_bias_gradients``), ``matmul_into``, ``SOFTMAX_LOSSES``
and ``SIGMOID_LOSSES`` (``value_and_gradient``), ``SGD`` / ``Adam``
(``init``, ``gradient_scale``, ``step(..., penalty, n)``), every class of
``OPTIMIZERS`` (``from_estimator``, ``init``, ``step(..., penalty, n)``; the
registry's names are also read by ``workloads/optimizers.py``),
``L2Penalty`` and ``GradientNorms`` (``start``, ``gradient(grad, scale,
penalty, n)``, ``moved``; ``GaugeProfile`` also wraps ``record`` and
relies on the training loop calling them through the class). The code
inside the
timed loops is kept call for call as measured for ``RESULTS.md``.
"""

import time

import numpy as np
from harness import timed
from workloads.w1 import ALPHA, LAYERS, N_CLASSES, N_FEATURES

from sklearn_nn import MLPClassifierScratch
from sklearn_nn._grad_norms import GradientNorms
from sklearn_nn._losses import SIGMOID_LOSSES, SOFTMAX_LOSSES
from sklearn_nn._network import Network, matmul_into
from sklearn_nn._optimizers import OPTIMIZERS, SGD, Adam
from sklearn_nn._penalties import L2Penalty


# ----------------------------------------------------------------------
# W1: the GEMM loop and the least epoch
# ----------------------------------------------------------------------
class GemmLoop:
    """One epoch's forward and backward GEMMs of the W1 network, outputs preallocated."""

    def __init__(self, dtype, batch, rows, seed=0):
        rng = np.random.default_rng(seed)
        sizes = [batch] * (rows // batch) + ([rows % batch] if rows % batch else [])
        self.steps = sizes
        self.W = [(0.1 * rng.standard_normal((a, b))).astype(dtype) for a, b in zip(LAYERS[:-1], LAYERS[1:])]
        self.G = [np.empty_like(W) for W in self.W]
        self.work = {}
        for b in set(sizes):
            X = rng.standard_normal((b, N_FEATURES)).astype(dtype)
            A = [np.empty((b, units), dtype) for units in LAYERS[1:]]  # layer outputs
            D = [np.empty((b, units), dtype) for units in LAYERS[1:-1]]  # propagated deltas
            D_out = rng.standard_normal((b, N_CLASSES)).astype(dtype)
            self.work[b] = (X, A, D, D_out)

    def run(self):
        """Seconds of one epoch of GEMMs."""
        W, G = self.W, self.G
        t0 = time.perf_counter()
        for b in self.steps:
            X, (A1, A2, A3), (D1, D2), D3 = self.work[b]
            matmul_into(X, W[0], A1)
            matmul_into(A1, W[1], A2)
            matmul_into(A2, W[2], A3)
            matmul_into(A2.T, D3, G[2])
            matmul_into(D3, W[2].T, D2)
            matmul_into(A1.T, D2, G[1])
            matmul_into(D2, W[1].T, D1)
            matmul_into(X.T, D1, G[0])
        return time.perf_counter() - t0


class MinimalEpoch:
    """The least NumPy work of one W1 epoch, with no training loop around it.

    One pass over the rows in a shuffled order, batch by batch, with every
    buffer preallocated and the engine's flat parameter and gradient buffers:

    - gather the batch's rows and label indicators by index;
    - forward: three GEMMs, the bias adds, ReLU on the two hidden layers;
    - softmax log-loss: its per-row value and its gradient softmax - onehot
      (the package's fused ``SoftmaxLogLoss``), divided by the batch size;
    - backward: three weight-gradient GEMMs (broadcast outer products for a
      single row) and two delta GEMMs, the bias sums and the ReLU derivatives;
    - our optimizer's step, with the L2 penalty (scikit-learn's ``alpha``).

    Any NumPy implementation of the W1 fit does at least this. ``run``
    returns the seconds of the three kinds of work: the eight GEMMs
    (products), everything else before the step (elementwise) and the step
    itself (update).
    """

    def __init__(self, solver, X, y, batch, seed=0):
        self.X = X
        self.T = np.eye(N_CLASSES, dtype=np.uint8)[np.asarray(y)]
        self.batch = batch
        self.order = np.random.default_rng(seed).permutation(X.shape[0])
        self.net = Network(LAYERS, "relu", X.dtype)
        self.net.init_glorot(np.random.RandomState(seed))
        self.workspaces = {}
        self.optimizer = Adam() if solver == "adam" else SGD(momentum=0.0)
        self.state = self.optimizer.init(self.net.params)
        self.rate = 1e-3 if solver == "adam" else 0.01
        self.loss = SOFTMAX_LOSSES["log_loss"]()  # fused: one exp and one log per row
        # scikit-learn's penalty per update: alpha / batch, our L2 penalty with n = batch
        self.penalty = L2Penalty(ALPHA, self.net.n_weights)

    def _workspace(self, rows):
        if rows not in self.workspaces:
            self.workspaces[rows] = self.net.workspace(rows)
        return self.workspaces[rows]

    def run(self):
        """(products, elementwise, update) seconds of one epoch."""
        clock = time.perf_counter
        (W1, W2, W3), (b1, b2, b3) = self.net.coefs, self.net.intercepts
        products = elementwise = update = 0.0
        for start in range(0, self.X.shape[0], self.batch):
            ws = self._workspace(min(self.batch, self.X.shape[0] - start))
            (Z1, Z2, Z3), (D1, D2, D3) = ws.z, ws.delta
            (G1, G2, G3), (g1, g2, g3) = ws.grad_views
            t0 = clock()
            idx = self.order[start : start + self.batch]
            Xb, Tb = self.X[idx], self.T[idx]
            t1 = clock()
            matmul_into(Xb, W1, Z1)
            t2 = clock()
            Z1 += b1
            np.maximum(Z1, 0.0, out=Z1)
            t3 = clock()
            matmul_into(Z1, W2, Z2)
            t4 = clock()
            Z2 += b2
            np.maximum(Z2, 0.0, out=Z2)
            t5 = clock()
            matmul_into(Z2, W3, Z3)
            t6 = clock()
            Z3 += b3
            values = self.loss.value_and_gradient(Tb, Z3, D3)
            D3 *= self.optimizer.gradient_scale(self.rate) / Xb.shape[0]
            float(np.add.reduce(values, dtype=np.float64))
            t7 = clock()
            matmul_into(Z2.T, D3, G3)
            matmul_into(D3, W3.T, D2)
            t8 = clock()
            np.multiply(D2, Z2 > 0, out=D2)
            t9 = clock()
            matmul_into(Z1.T, D2, G2)
            matmul_into(D2, W2.T, D1)
            t10 = clock()
            np.multiply(D1, Z1 > 0, out=D1)
            t11 = clock()
            matmul_into(Xb.T, D1, G1)
            t12 = clock()
            if not ws.deltas_are_bias_gradients:
                for D, g in ((D1, g1), (D2, g2), (D3, g3)):
                    np.add.reduce(D, axis=0, out=g)
            t13 = clock()
            self.optimizer.step(self.net.params, ws.grad, self.state, self.rate, self.penalty, self.batch)
            t14 = clock()
            products += (t2 - t1) + (t4 - t3) + (t6 - t5) + (t8 - t7) + (t10 - t9) + (t12 - t11)
            elementwise += (
                (t1 - t0) + (t3 - t2) + (t5 - t4) + (t7 - t6) + (t9 - t8) + (t11 - t10) + (t13 - t12)
            )
            update += t14 - t13
        return products, elementwise, update


class UpdateStep:
    """One update rule's step alone, with the L2 penalty, on the W1 network's flat buffer.

    The optimizer is the one a default ``MLPClassifierScratch(solver=solver)``
    makes (``from_estimator``); the gradient is a fixed random vector, copied
    into the gradient buffer before each step (untimed: a step may overwrite
    it), and the penalty's n is 200. What a step costs does not depend on
    the values, so this is the update part of one W1 update at any batch size.
    """

    def __init__(self, solver, dtype, seed=0):
        self.net = Network(LAYERS, "relu", dtype)
        self.net.init_glorot(np.random.RandomState(seed))
        rng = np.random.default_rng(seed)
        self.source = (1e-3 * rng.standard_normal(self.net.params.shape)).astype(dtype)
        self.grad = np.empty_like(self.source)
        self.optimizer = OPTIMIZERS[solver].from_estimator(MLPClassifierScratch(solver=solver))
        self.state = self.optimizer.init(self.net.params)
        self.penalty = L2Penalty(ALPHA, self.net.n_weights)

    def run(self, count):
        """Seconds of ``count`` steps, each timed on its own."""
        clock = time.perf_counter
        params, grad, source = self.net.params, self.grad, self.source
        step, state, penalty = self.optimizer.step, self.state, self.penalty
        total = 0.0
        for _ in range(count):
            np.copyto(grad, source)
            t0 = clock()
            step(params, grad, state, 1e-3, penalty, 200.0)
            total += clock() - t0
        return total


class GaugeAlone:
    """What ``monitor_gradients=True`` adds to one W1 update: the ``GradientNorms`` calls alone.

    The training loop's first-order pass, per update, calls
    ``gauge.measure(grad, scale, penalty, n, optimizer, clipped)`` before
    the optimizer's step and ``gauge.moved(params, step)`` after it. With
    Adam (W1's solver), which adds the L2 penalty's gradient first and
    leaves its step in the gradient's buffer, ``measure`` adds the penalty's
    gradient itself (work the step then skips, not extra work) and calls
    ``gauge.gradient(grad)``, one dot product per layer; ``moved`` gets the
    step buffer, one dot product per layer, and ``start`` (the copy of the
    weights that other rules need) is not called. Here ``gradient`` and
    ``moved`` run so on the W1 network's flat buffers (Glorot weights, a
    fixed random gradient, Adam's scale 1) with no training around them;
    the ``start`` column times the copy that plain SGD would add. What the
    calls cost does not depend on the values or the batch size.
    """

    def __init__(self, dtype, seed=0):
        self.net = Network(LAYERS, "relu", dtype)
        self.net.init_glorot(np.random.RandomState(seed))
        rng = np.random.default_rng(seed)
        self.grad = (1e-3 * rng.standard_normal(self.net.params.shape)).astype(dtype)
        self.delta = (1e-6 * rng.standard_normal(self.net.params.shape)).astype(dtype)
        self.gauge = GradientNorms(self.net)

    def run(self, count):
        """(start, gradient, moved) seconds of ``count`` updates, each call timed on its own."""
        clock = time.perf_counter
        gauge, params, grad, delta = self.gauge, self.net.params, self.grad, self.delta
        start = gradient = moved = 0.0
        for _ in range(count):
            t0 = clock()
            gauge.start(params)  # what a rule without its step in the buffer needs (not Adam)
            t1 = clock()
            gauge.gradient(grad, 1.0)
            t2 = clock()
            np.subtract(params, delta, out=params)  # the update (untimed)
            np.negative(delta, out=delta)
            t3 = clock()
            gauge.moved(params, delta)
            t4 = clock()
            start, gradient, moved = start + (t1 - t0), gradient + (t2 - t1), moved + (t4 - t3)
        return start, gradient, moved


class GaugeProfile:
    """The seconds spent in each ``GradientNorms`` method by the fits run inside this context.

    On entry the class's ``start``, ``gradient``, ``moved`` and ``record``
    are replaced by wrappers that time each call (two clock reads and a dict
    update around it, about a microsecond); on exit the originals are put
    back. The training loop calls them on its gauge, an instance of the
    class, so every fit with ``monitor_gradients=True`` inside the context is
    profiled, with its caches as training leaves them (unlike
    ``GaugeAlone``).
    """

    METHODS = ("start", "gradient", "moved", "record")

    def __init__(self):
        self.seconds = dict.fromkeys(self.METHODS, 0.0)
        self._saved = {}

    def _timed(self, name, method):
        seconds, clock = self.seconds, time.perf_counter

        def call(*args, **kwargs):
            t0 = clock()
            try:
                return method(*args, **kwargs)
            finally:
                seconds[name] += clock() - t0

        return call

    def __enter__(self):
        self._saved = {name: GradientNorms.__dict__[name] for name in self.METHODS}
        for name, method in self._saved.items():
            setattr(GradientNorms, name, self._timed(name, method))
        return self

    def __exit__(self, *exc_info):
        for name, method in self._saved.items():
            setattr(GradientNorms, name, method)

    def take(self):
        """{method: seconds} since the last ``take``, and start again from zero."""
        taken = dict(self.seconds)
        self.seconds.update(dict.fromkeys(self.METHODS, 0.0))
        return taken


# ----------------------------------------------------------------------
# Linear: the two-GEMV bound and the least full-batch epoch
# ----------------------------------------------------------------------
def gemv_pairs(X, count):
    """Seconds of ``count`` individually timed (X @ w, X.T @ r) pairs."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal(X.shape[1]).astype(X.dtype)
    r = rng.standard_normal(X.shape[0]).astype(X.dtype)
    z, g = np.empty(X.shape[0], X.dtype), np.empty(X.shape[1], X.dtype)
    times = []
    for _ in range(count):
        seconds, _ = timed(lambda: (np.matmul(X, w, out=z), np.matmul(X.T, r, out=g)))
        times.append(seconds)
    return times


def least_epochs(X, y, count):
    """Seconds of ``count`` individually timed epochs of the least full-batch work.

    One epoch: ``z = X @ w + b``; the log-loss's per-row value and gradient
    (``SigmoidLogLoss``: one exp and one log per row, fused); the gradient
    divided by n; the float64 sum of the losses; the bias gradient;
    ``X.T @ r``; a gradient step on (w, b). Buffers are preallocated. This is
    the epoch without the package's training loop around it; running it as
    one loop, rather than adding up its parts, keeps the effect of each part
    on the caches and the memory bus that the others see.
    """
    n, d = X.shape
    w, b = np.zeros((d, 1), X.dtype), np.zeros(1, X.dtype)
    z, r, g = np.empty((n, 1), X.dtype), np.empty((n, 1), X.dtype), np.empty((d, 1), X.dtype)
    T = np.asarray(y, dtype=np.uint8)[:, None]
    loss = SIGMOID_LOSSES["log_loss"]()

    def epoch():
        np.add(np.matmul(X, w, out=z), b, out=z)
        values = loss.value_and_gradient(T, z, r)
        np.multiply(r, 1.0 / n, out=r)
        float(np.add.reduce(values, dtype=np.float64))
        gb = np.add.reduce(r, axis=0)
        np.matmul(X.T, r, out=g)
        np.subtract(w, 0.1 * g, out=w)
        np.subtract(b, 0.1 * gb, out=b)

    return [timed(epoch)[0] for _ in range(count)]
