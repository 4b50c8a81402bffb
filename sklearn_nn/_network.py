"""The feed-forward network: parameters, forward pass, backward pass, objective.

Logistic and softmax regression are networks without a hidden layer, so this
one module serves all four estimators. All parameters live in one flat buffer:
first every weight matrix, then every bias vector. ``coefs`` and
``intercepts`` are views into it, so an optimizer updates the whole model with
a few vectorised operations, and the L2 penalty touches ``params[:n_weights]``
only (biases are not penalised).

The network and the loss give the data term of the objective J and its
gradient (``Network.data_term``): for rows with sample weights s_i,
sum_i s_i loss(y_i, z_i) / sum_i s_i. The penalty of J lives in
``_penalties`` and the two are put together in ``_objective``.
"""

import numpy as np

from ._activations import ACTIVATIONS
from ._initializers import initialise


def matmul_into(A, B, out):
    """out = A @ B for a dense or sparse A; returns out.

    A product whose inner dimension is 1 (the weight gradient of a single
    row) is an outer product, which broadcasting computes faster than GEMM.
    A column-ordered ``out`` (see ``COLUMN_LAYOUT_BYTES``) is written as
    its transpose, out.T = B.T @ A.T, which is one GEMM with a C-ordered
    result.
    """
    if not isinstance(A, np.ndarray):
        out[...] = A @ B  # sparse
    elif A.shape[1] == 1:
        np.multiply(A, B, out=out)
    elif out.flags.f_contiguous and not out.flags.c_contiguous:
        np.dot(B.T, A.T, out=out.T)
    else:
        np.dot(A, B, out=out)
    return out


#: An output layer of several units whose input is at least this large (bytes)
#: keeps its outputs and deltas in column order (Fortran order). The products
#: with a large input and few units then have the long side as BLAS's leading
#: dimension: one evaluation of J and its gradient on a full batch of the
#: digits (1797 x 64, 10 classes) takes 15-24% less time, on 60000 x 784 x 10
#: 40-50% less (measured with one BLAS thread). Smaller inputs stay in cache
#: either way and keep row order, which is faster there.
COLUMN_LAYOUT_BYTES = 768 << 10


def weight_gradient_into(A, delta, out, scratch=None):
    """out = A.T @ delta, the gradient of a weight matrix (A the layer's input); returns out.

    With a column-ordered ``delta`` (a dense A) it is computed as
    delta.T @ A into ``scratch``, of shape ``out.T``, and copied into
    ``out``: the GEMM then has the long side of A as its leading dimension.
    """
    if scratch is None or not isinstance(A, np.ndarray):
        return matmul_into(A.T, delta, out)
    np.dot(delta.T, A, out=scratch)
    np.copyto(out, scratch.T)
    return out


def weighted_sum(values, sample_weight):
    """sum_i s_i values_i in float64 (plain sum without weights)."""
    if sample_weight is None:
        return float(np.add.reduce(values, dtype=np.float64))
    return float(np.dot(values, sample_weight))


def column_sums(values, out, ones=None):
    """out = the sums over rows of ``values`` (n, k); ``ones``: a vector of n ones, when at hand.

    With several columns the sums are one matrix-vector product with the ones
    (GEMV), several times faster than NumPy's reduction over the rows of a
    C-ordered array; a single column is a contiguous sum.
    """
    if values.shape[1] == 1:
        return np.add.reduce(values, axis=0, out=out)
    if ones is None:
        ones = np.ones(values.shape[0], dtype=values.dtype)
    return np.dot(ones, values, out=out)


class Workspace:
    """Work arrays for one batch size: each layer's output z and delta dJ/dz, and a gradient.

    The training loop keeps one per batch size, so the forward and backward
    passes allocate nothing. ``grad`` is a flat buffer laid out like the
    parameters, with its per-layer views made once.

    For a single row, the gradient of a layer's biases is its delta itself,
    so the deltas are stored directly in the bias part of ``grad``
    (``deltas_are_bias_gradients``) and the backward pass has no sums to do.
    """

    def __init__(self, net, n_rows):
        layer_sizes, dtype = net.layer_sizes, net.dtype
        units, fan_in = layer_sizes[-1], layer_sizes[-2]
        columns = units > 1 and n_rows > 1 and n_rows * fan_in * dtype.itemsize >= COLUMN_LAYOUT_BYTES
        orders = ["C"] * (net.n_layers - 1) + ["F" if columns else "C"]  # per layer, the output last
        self.z = [np.empty((n_rows, u), dtype=dtype, order=o) for u, o in zip(layer_sizes[1:], orders)]
        # The output layer's transposed weight gradient, when its outputs are in column order.
        self.scratch = [None] * (net.n_layers - 1) + [np.empty((units, fan_in), dtype) if columns else None]
        self.grad = np.empty(net.n_params, dtype=dtype)
        self.grad_views = net.unflatten(self.grad)
        self.ones = np.ones(n_rows, dtype=dtype)  # sums over rows as products (see ``column_sums``)
        self._unflatten, self._other_views, self._targets = net.unflatten, {}, None
        self.deltas_are_bias_gradients = n_rows == 1 and net.fit_intercept
        if self.deltas_are_bias_gradients:
            self.delta = [b.reshape(1, -1) for b in self.grad_views[1]]
        else:
            self.delta = [
                np.empty((n_rows, u), dtype=dtype, order=o) for u, o in zip(layer_sizes[1:], orders)
            ]

    def targets(self, T):
        """T in the layout of the output deltas: a column-ordered copy when they are, made once per array.

        The losses combine T with the outputs element by element, which is
        fastest when both have the same order; a full batch passes the same
        T every time, so its copy is kept.
        """
        if self.scratch[-1] is None or T.flags.f_contiguous:
            return T
        held = self._targets
        if held is None or held[0] is not T:
            held = self._targets = (T, np.asfortranarray(T))
        return held[1]

    def views(self, grad):
        """Per-layer views into ``grad``: made once for each buffer (a step rule alternates two)."""
        if grad is self.grad:
            return self.grad_views
        held = self._other_views.get(id(grad))
        if held is None or held[0] is not grad:
            if len(self._other_views) >= 4:
                self._other_views.clear()
            held = self._other_views[id(grad)] = (grad, self._unflatten(grad))
        return held[1]


class Network:
    """A fully connected network stored in one flat parameter buffer.

    Parameters
    ----------
    layer_sizes : sequence of int
        Units per layer, input first and output last.
    activation : str
        Name of the hidden-layer activation (key of ``ACTIVATIONS``).
    dtype : numpy dtype
        Floating dtype of the parameters (float32 or float64).
    fit_intercept : bool, default=True
        If False, the biases stay at zero: their gradient is always zero.
    """

    def __init__(self, layer_sizes, activation, dtype, fit_intercept=True):
        self.layer_sizes = [int(s) for s in layer_sizes]
        self.activation = activation
        self.fit_intercept = fit_intercept
        shapes = list(zip(self.layer_sizes[:-1], self.layer_sizes[1:]))
        self.n_weights = sum(a * b for a, b in shapes)
        self.n_params = self.n_weights + sum(self.layer_sizes[1:])
        self.params = np.zeros(self.n_params, dtype=dtype)
        self.coefs, self.intercepts = self.unflatten(self.params)

    @property
    def n_layers(self):
        """Number of weight layers (hidden layers + 1)."""
        return len(self.layer_sizes) - 1

    @property
    def dtype(self):
        return self.params.dtype

    def unflatten(self, flat):
        """Per-layer views (weights, biases) into a flat array laid out like params."""
        coefs, intercepts = [], []
        start = 0
        for fan_in, fan_out in zip(self.layer_sizes[:-1], self.layer_sizes[1:]):
            coefs.append(flat[start : start + fan_in * fan_out].reshape(fan_in, fan_out))
            start += fan_in * fan_out
        for fan_out in self.layer_sizes[1:]:
            intercepts.append(flat[start : start + fan_out])
            start += fan_out
        return coefs, intercepts

    def init_glorot(self, rng):
        """Glorot-uniform initialisation, scikit-learn's MLP scheme (see ``_initializers``)."""
        initialise(self, rng, "glorot_uniform")

    # ------------------------------------------------------------------
    # Forward and backward passes
    # ------------------------------------------------------------------
    def forward(self, X, workspace=None, dropout=None, trace=None):
        """Raw output z of the last layer, plus what the backward pass needs.

        Parameters
        ----------
        X : ndarray or sparse matrix of shape (n_samples, n_features)
        workspace : Workspace, optional
            Preallocated buffers for this number of rows; fresh arrays are
            allocated when omitted.
        dropout : Dropout, optional
            The masks of a training pass (``_dropout``); the next layer's
            input is then the dropped activation.
        trace : dict of lists, optional
            Receives a copy of every layer's pre-activation under ``"z"``
            (``sklearn_nn.inspection.trace``).

        Returns
        -------
        raw : ndarray of shape (n_samples, n_outputs)
        inputs : list of arrays, the input of every layer (``inputs[0] is X``)
        saved : list of arrays, what each hidden activation needs for its derivative
        """
        act = ACTIVATIONS[self.activation]
        inputs, saved = [X], []
        last = self.n_layers - 1
        a = X
        for layer, (W, b) in enumerate(zip(self.coefs, self.intercepts)):
            if workspace is None:
                z = np.asarray(a @ W)
            else:
                z = matmul_into(a, W, workspace.z[layer])
            z += b
            if trace is not None:
                trace["z"].append(z.copy())
            if layer < last:
                saved.append(act.forward(z))
                z = z if dropout is None else dropout.apply(layer, z)
                inputs.append(z)
            a = z
        return a, inputs, saved

    def backward(self, inputs, saved, delta, grad, workspace=None, dropout=None, trace=None):
        """Backpropagate ``delta = dJ/dz_out`` and write dJ/dtheta into ``grad``.

        ``grad`` is a flat array laid out like ``params``; the penalty term is
        not included here. The deltas of the hidden layers go into
        ``workspace.delta`` when a workspace is given; ``dropout`` holds the
        masks of the forward pass; ``trace["delta"]`` receives a copy of every
        layer's delta, the input layer's first.
        """
        act = ACTIVATIONS[self.activation]
        own_buffer = workspace is not None and grad is workspace.grad
        gcoefs, gintercepts = self.unflatten(grad) if workspace is None else workspace.views(grad)
        sum_deltas = self.fit_intercept and not (own_buffer and workspace.deltas_are_bias_gradients)
        for layer in range(self.n_layers - 1, -1, -1):
            if trace is not None:
                trace["delta"].insert(0, delta.copy())
            scratch = None if workspace is None else workspace.scratch[layer]
            weight_gradient_into(inputs[layer], delta, gcoefs[layer], scratch)
            if sum_deltas:
                column_sums(delta, gintercepts[layer], None if workspace is None else workspace.ones)
            elif not self.fit_intercept:
                gintercepts[layer][...] = 0.0
            if layer > 0:
                W_T = self.coefs[layer].T
                delta = (
                    delta @ W_T if workspace is None else matmul_into(delta, W_T, workspace.delta[layer - 1])
                )
                if dropout is not None:
                    dropout.backward(layer - 1, delta)
                act.backward(saved[layer - 1], delta)
        return grad

    # ------------------------------------------------------------------
    # The data term of J (the penalty lives in ``_penalties``)
    # ------------------------------------------------------------------
    def data_term(
        self, X, T, sample_weight, loss, grad=None, workspace=None, grad_scale=1.0, dropout=None, trace=None
    ):
        """The data term sum_i s_i loss_i / sum_i s_i on (X, T), and its gradient if ``grad`` is given.

        Parameters
        ----------
        X : array or sparse matrix of shape (n_rows, n_features)
        T : ndarray of shape (n_rows, n_outputs)
            Encoded targets (see ``_losses``).
        sample_weight : ndarray of shape (n_rows,) or None
        loss : loss object from ``_losses``
        grad : ndarray of shape (n_params,), optional
            Filled with the gradient of the data term when given.
        workspace : Workspace, optional
            Buffers for the forward and backward passes (see ``forward``).
        grad_scale : float, default=1.0
            ``grad`` receives ``grad_scale`` times the gradient. The factor
            multiplies the output deltas, so it costs nothing (plain SGD takes
            its step lr * g this way, see ``_optimizers.SGD``).
        dropout : Dropout, optional
            Masks of the hidden units for a training pass (``_dropout``).
        trace : dict of lists, optional
            Receives the pre-activations ``"z"`` and deltas ``"delta"`` of
            every layer (see ``forward`` and ``backward``).

        Returns
        -------
        value : float
        """
        raw, inputs, saved = self.forward(X, workspace, dropout, trace)
        delta = np.empty_like(raw) if workspace is None else workspace.delta[-1]
        T = T if workspace is None else workspace.targets(T)
        if sample_weight is None and trace is None:  # the sum is all it takes (``total_and_gradient``)
            total = loss.total_and_gradient(T, raw, delta)
        else:
            per_sample = loss.value_and_gradient(T, raw, delta)
            total = weighted_sum(per_sample, sample_weight)
        if sample_weight is None:
            weight = raw.shape[0]
            delta *= grad_scale / weight
        else:
            weight = float(sample_weight.sum(dtype=np.float64))
            delta *= (sample_weight * (grad_scale / weight))[:, None]
        if trace is not None:
            trace["inputs"], trace["per_sample"] = inputs, per_sample
        if grad is not None:
            self.backward(inputs, saved, delta, grad, workspace, dropout, trace)
        return total / weight

    def workspace(self, n_rows):
        """Work arrays for batches of ``n_rows`` rows."""
        return Workspace(self, n_rows)

    @property
    def chunk_rows(self):
        """Rows per chunk when evaluating many rows: layer outputs of about 4 MiB."""
        return max(64, (4 << 20) // (self.dtype.itemsize * sum(self.layer_sizes[1:])))

    def predict_raw(self, X, chunk_size=None):
        """Raw outputs for X, computed in chunks of rows to bound memory.

        ``chunk_size`` defaults to ``chunk_rows``.
        """
        n = X.shape[0]
        chunk_size = chunk_size or self.chunk_rows
        if n <= chunk_size:
            return self.forward(X)[0]
        out = np.empty((n, self.layer_sizes[-1]), dtype=self.dtype)
        for start in range(0, n, chunk_size):
            out[start : start + chunk_size] = self.forward(X[start : start + chunk_size])[0]
        return out

    # ------------------------------------------------------------------
    # Pickling: views must point into the flat buffer after a round trip.
    # ------------------------------------------------------------------
    def __getstate__(self):
        state = self.__dict__.copy()
        del state["coefs"], state["intercepts"]
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.coefs, self.intercepts = self.unflatten(self.params)
