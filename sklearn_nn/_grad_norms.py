"""Gradient norms and update ratios per layer: what ``monitor_gradients=True`` records.

For every update of an epoch, ``GradientNorms`` measures, layer by layer,
the L2 norm of the gradient of J with respect to the weights W_l (the data
term's gradient on the batch plus the L2 penalty's (alpha / n) W_l) and the
L2 norm of the update Delta W_l. At the end of the epoch it appends to the
history

* ``grad_norm``: the mean over the epoch's updates of ||dJ/dW_l||;
* ``update_ratio``: the mean over the epoch's updates of ||Delta W_l||,
  divided by ||W_l|| at the end of the epoch (about 1e-3 is the usual
  healthy size; much smaller, the layer barely learns; much larger, the
  steps are wild).

One list per epoch with one value per layer, the input layer first. The
measures are a few dot products of the weights per update, on the flat
parameter buffer's per-layer slices; without ``monitor_gradients`` the
training loop does none of this work.
"""

import math

import numpy as np


class GradientNorms:
    """The per-layer measures of one training call (see the module docstring).

    Per update: ``gradient`` before the step (with the parameters where the
    step starts), then either ``start`` before and ``moved`` after the step,
    or, when the update rule leaves its step in the gradient's buffer
    (``Optimizer.step_in_grad``), ``moved`` with that buffer alone: one
    dot product per layer instead of a copy and a difference of the weights.

    Parameters
    ----------
    net : Network
    """

    def __init__(self, net):
        self.net, self.params, self.views = net, net.params, {}
        self.weights = self._layers(net.params)  # the weights of each layer, as flat views
        self.before = np.empty_like(net.params)  # laid out like the parameters (``Network.unflatten``)
        self.before_layers = self._layers(self.before)
        self.grad_sums = np.zeros(net.n_layers)
        self.step_sums = np.zeros(net.n_layers)
        self.counts = np.zeros(2, dtype=int)  # gradients and updates measured this epoch

    def measure(self, grad, scale, penalty, n, optimizer, clipped):
        """Before a first-order step: the gradient's norms, and what ``moved`` needs; the step's penalty.

        When the rule adds the penalty's gradient first anyway (``Optimizer.penalty_first``) and
        nothing comes in between (no clipping), it is added here: the norms are then those of
        ``grad`` alone, and the step gets no penalty (the same bits).
        """
        if penalty is not None and optimizer.penalty_first and not clipped:
            penalty.add_gradient(grad, self.params, n)
            self.gradient(grad, scale)
            penalty = None
        else:
            self.gradient(grad, scale, penalty, n)
        if not optimizer.step_in_grad:
            self.start(self.params)
        return penalty

    def _layers(self, flat):
        """Flat views of each layer's weights in a buffer laid out like the parameters (made once)."""
        cached = self.views.get(id(flat))
        if cached is None or cached[0] is not flat:
            cached = self.views[id(flat)] = (flat, [W.reshape(-1) for W in self.net.unflatten(flat)[0]])
        return cached[1]

    def gradient(self, grad, scale=1.0, penalty=None, n=1.0):
        """Add the norms of the weight gradient ``grad / scale`` plus the L2 penalty's part (alpha / n) W.

        Called before the step: the parameters are those the step starts from.
        """
        c = 0.0 if penalty is None or not penalty.active else penalty.coefficient(n)
        sums = self.grad_sums
        for layer, (g, W) in enumerate(zip(self._layers(grad), self.weights)):
            squared = float(np.dot(g, g)) / (scale * scale) if scale != 1.0 else float(np.dot(g, g))
            if c:
                squared += 2.0 * c * float(np.dot(g, W)) / scale + c * c * float(np.dot(W, W))
            sums[layer] += math.sqrt(max(squared, 0.0))
        self.counts[0] += 1

    def start(self, params):
        """Before an update: remember the weights it starts from."""
        np.copyto(self.before, params)

    def moved(self, params, step=None):
        """After an update: add the norms of each layer's change (``step``: the change, when known)."""
        if step is None:
            np.subtract(params, self.before, out=self.before)
            layers = self.before_layers
        else:
            layers = self._layers(step)
        sums = self.step_sums
        for layer, d in enumerate(layers):
            sums[layer] += math.sqrt(float(np.dot(d, d)))
        self.counts[1] += 1

    def record(self, history, params):
        """Append the epoch's means to ``history`` (earlier epochs without them get NaN) and start anew."""
        n_layers = self.net.n_layers
        grad = self.grad_sums / max(self.counts[0], 1) if self.counts[0] else np.full(n_layers, np.nan)
        norms = np.array([math.sqrt(float(np.dot(W, W))) for W in self._layers(params)])
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (
                self.step_sums / max(self.counts[1], 1) / norms
                if self.counts[1]
                else np.full(n_layers, np.nan)
            )
        for key, values in (("grad_norm", grad), ("update_ratio", ratio)):
            records = history.setdefault(key, [])
            records.extend([[np.nan] * n_layers] * (len(history["loss"]) - 1 - len(records)))
            records.append([float(v) for v in values])
        self.grad_sums[:] = self.step_sums[:] = 0.0
        self.counts[:] = 0
