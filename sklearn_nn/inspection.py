"""A look inside a fitted estimator: its gradient, a gradient check and a traced pass.

The estimators compute J and its gradient with the network's forward and
backward passes (``_network``). These functions call the same code and show
its numbers in the notation of the user guide: for layer l (1 to L) with
weights W_l and biases b_l,

    z_l = a_{l-1} W_l + b_l,      a_l = f(z_l),       a_0 = X,
    delta_L = dJ/dz_L,            delta_l = (delta_{l+1} W_{l+1}^T) * f'(z_l),
    dJ/dW_l = a_{l-1}^T delta_l + (alpha / n) W_l,    dJ/db_l = sum over rows of delta_l.

``gradients`` returns dJ/dW and dJ/db at the fitted parameters,
``check_gradients`` compares them with central differences of J, and
``trace`` keeps every intermediate of one forward and backward pass.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._data import check_rows
from ._network import Network
from ._objective import Objective

__all__ = ["Trace", "check_gradients", "gradients", "trace"]


def _rows(estimator, X, y, sample_weight):
    """(X, T, sample weights, n) as the estimator's fit would see these rows, in its dtype."""
    check_is_fitted(estimator)
    dtype = estimator._trainer.net.dtype
    X, y, sample_weight = check_rows(estimator, X, y, sample_weight, reset=False, dtype=dtype)
    T = estimator._encode_validation_targets(y, dtype)
    if is_classifier(estimator):
        sample_weight = estimator._apply_class_weight(y, sample_weight, estimator._encoding, False, dtype)
    n = X.shape[0] if sample_weight is None else float(sample_weight.sum(dtype=np.float64))
    return X, T, sample_weight, n


def _gradient(objective, X, T, sample_weight, n, trace=None):
    """(J, flat gradient) of J on the rows: the data term's gradient plus the penalty's (sub)gradient."""
    net, penalty = objective.net, objective.penalty
    grad = np.zeros_like(net.params)
    J = net.data_term(X, T, sample_weight, objective.loss, grad, trace=trace) + penalty.value(net.params, n)
    penalty.add_subgradient(grad, net.params, n)
    return J, grad


def gradients(estimator, X, y, sample_weight=None):
    """The gradient of the objective J at the fitted parameters, layer by layer.

    J is the estimator's training objective on the rows given: the weighted
    mean loss over them plus the penalty with n = the sum of their weights
    (class weights included, as in ``fit``),

    J = sum_i s_i loss(y_i, z_i) / sum_i s_i + alpha / (2 n) sum_l ||W_l||^2.

    It is computed in the model's dtype by the same forward and backward
    passes as training.

    Parameters
    ----------
    estimator : fitted estimator of this package
        A fitted ``LogisticRegressionGD``, ``SoftmaxRegressionGD``,
        ``MLPClassifierScratch`` or ``MLPRegressorScratch``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The rows.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Their targets, as ``fit`` takes them.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows; None gives every row weight 1.

    Returns
    -------
    coef_grads : list of ndarray
        The gradient dJ/dW of each layer, shaped like ``coefs_``.
    intercept_grads : list of ndarray
        The gradient dJ/db of each layer, shaped like ``intercepts_``.

    Notes
    -----
    With ``l1_ratio > 0`` the L1 part rho alpha / n ||W||_1 is not
    differentiable where a weight is 0. The gradient returned adds
    rho alpha / n sign(W): the gradient wherever no weight is 0, and at a zero
    weight the subgradient whose L1 part is 0. (The full-batch step rules stop
    on the minimum-norm subgradient instead, see the user guide.)

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_nn import SoftmaxRegressionGD
    >>> from sklearn_nn.inspection import gradients
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = SoftmaxRegressionGD().fit(X, y)
    >>> coef_grads, intercept_grads = gradients(clf, X, y)
    >>> coef_grads[0].shape, intercept_grads[0].shape
    ((4, 3), (3,))
    >>> clf.stop_reason_, bool(max(abs(g).max() for g in coef_grads + intercept_grads) <= clf.tol)
    ('tol', True)
    """
    X, T, sw, n = _rows(estimator, X, y, sample_weight)
    objective = estimator._trainer.objective
    _, grad = _gradient(objective, X, T, sw, n)
    coefs, intercepts = objective.net.unflatten(grad)
    return [W.copy() for W in coefs], [b.copy() for b in intercepts]


def check_gradients(estimator, X, y, sample_weight=None, eps=1e-4):
    """The largest relative difference between ``gradients`` and central differences of J.

    The classic gradient check in one call: every parameter theta_j is moved
    by +-h and +-2h, h = ``eps`` * max(1, abs(theta_j)), and the five-point
    central difference (8 [J(+h) - J(-h)] - [J(+2h) - J(-2h)]) / (12 h),
    whose error shrinks like h^4, is compared with the backpropagated
    gradient. Both are computed in float64 (on a float64 copy of a float32
    model), so the check tests the formulas, not the rounding of float32.
    It costs four evaluations of J per parameter: use a few rows and a small
    network.

    Parameters
    ----------
    estimator : fitted estimator of this package
        A fitted ``LogisticRegressionGD``, ``SoftmaxRegressionGD``,
        ``MLPClassifierScratch`` or ``MLPRegressorScratch``.
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        The rows.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Their targets, as ``fit`` takes them.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows; None gives every row weight 1.
    eps : float, default=1e-4
        The relative step h.

    Returns
    -------
    difference : float
        The largest difference, measured as
        ``max_j |g_j - d_j| / max(|g_j|, |d_j|, 1e-3 max_k |g_k|)``: relative for
        every entry but those a thousand times smaller than the largest,
        which are compared with that thousandth (a difference of rounding
        size there says nothing about the formulas). Below about 1e-6 the
        gradient is right; at a kink (ReLU at 0, the hinge or absolute error
        at 0, an L1 weight at 0) the differences are not a derivative.

    Examples
    --------
    >>> from sklearn.datasets import make_classification
    >>> from sklearn_nn import MLPClassifierScratch
    >>> from sklearn_nn.inspection import check_gradients
    >>> X, y = make_classification(n_samples=20, n_features=4, n_classes=3, n_informative=3,
    ...                            n_redundant=0, random_state=0)
    >>> clf = MLPClassifierScratch(hidden_layer_sizes=(5,), activation="tanh", alpha=0.1, random_state=0)
    >>> clf = clf.partial_fit(X, y, classes=[0, 1, 2])
    >>> check_gradients(clf, X, y) < 1e-8
    True
    """
    if not eps > 0:
        raise ValueError(f"eps must be a positive number, got {eps!r}.")
    X, T, sw, n = _rows(estimator, X, y, sample_weight)
    trained = estimator._trainer.objective
    net = Network(trained.net.layer_sizes, trained.net.activation, np.float64, trained.net.fit_intercept)
    net.params[:] = trained.net.params
    objective = Objective(net, trained.loss, trained.penalty)
    X = X.astype(np.float64)
    T = np.asarray(T, dtype=np.float64)
    sw = None if sw is None else sw.astype(np.float64)
    _, grad = _gradient(objective, X, T, sw, n)
    numeric, params = np.empty_like(grad), net.params
    for j in range(params.shape[0]):
        theta, h = params[j], eps * max(1.0, abs(params[j]))
        values = []
        for step in (h, -h, 2 * h, -2 * h):
            params[j] = theta + step
            values.append(objective.value(X, T, sw, n))
        params[j] = theta
        numeric[j] = (8.0 * (values[0] - values[1]) - (values[2] - values[3])) / (12.0 * h)
    floor = 1e-3 * max(float(np.abs(grad).max(initial=0.0)), np.finfo(np.float64).tiny)
    scale = np.maximum(np.maximum(np.abs(grad), np.abs(numeric)), floor)
    return float((np.abs(grad - numeric) / scale).max(initial=0.0))


class Trace:
    """Every intermediate of one forward and backward pass, in the user guide's notation.

    Made by ``trace``. Layer l = 1 ... L is stored at index l - 1.

    Parameters
    ----------
    **fields
        The attributes below, by name.

    Attributes
    ----------
    X : ndarray of shape (n_rows, n_features)
        The rows (a_0).
    y : ndarray
        Their targets, as given.
    pre_activations : list of ndarray
        z_l = a_{l-1} W_l + b_l, shape (n_rows, units of layer l).
    activations : list of ndarray
        a_l = f(z_l) for the hidden layers; the last entry is the output of
        the output link: what ``predict_proba`` returns (classifiers) or
        ``predict`` returns (regressors).
    deltas : list of ndarray
        delta_l = dJ/dz_l: the output delta from the loss (its gradient with
        respect to the raw output, times s_i / sum s), and the hidden deltas
        (delta_{l+1} W_{l+1}^T) * f'(z_l).
    coef_grads, intercept_grads : list of ndarray
        dJ/dW_l = a_{l-1}^T delta_l + (alpha / n) W_l and
        dJ/db_l = sum over rows of delta_l: equal to ``gradients`` on these rows.
    loss : float
        J on these rows.
    activation, out_activation : str
        Names of the hidden activation f and the output link.
    """

    def __init__(self, **fields):
        vars(self).update(fields)

    def __str__(self):
        np_print = dict(precision=4, suppress=True, threshold=40, edgeitems=3, linewidth=100)
        lines = [
            f"Forward and backward pass of {self.estimator} on {self.X.shape[0]} rows (hidden activation "
            f"f = {self.activation}, output link = {self.out_activation}), J = {self.loss:.6g}",
            "",
            "Forward: z_l = a_(l-1) W_l + b_l, a_l = f(z_l)",
        ]
        with np.printoptions(**np_print):
            lines.append(f"  a_0 = X {self.X.shape}:\n{_indent(self.X)}")
            L = len(self.pre_activations)
            for l, (z, a) in enumerate(zip(self.pre_activations, self.activations), start=1):
                what = (
                    f"a_{l} = f(z_{l})" if l < L else f"a_{l} = {self.out_activation}(z_{l}) (the prediction)"
                )
                lines.append(f"  z_{l} {z.shape}:\n{_indent(z)}\n  {what} {a.shape}:\n{_indent(a)}")
            lines += ["", "Backward: delta_L = dJ/dz_L, delta_l = (delta_(l+1) W_(l+1)^T) * f'(z_l)"]
            for l in range(L, 0, -1):
                delta, gW, gb = self.deltas[l - 1], self.coef_grads[l - 1], self.intercept_grads[l - 1]
                lines.append(f"  delta_{l} {delta.shape}:\n{_indent(delta)}")
                lines.append(
                    f"  dJ/dW_{l} = a_{l - 1}^T delta_{l} + (alpha/n) W_{l} {gW.shape}:\n{_indent(gW)}"
                )
                lines.append(f"  dJ/db_{l} = sum of delta_{l} over rows {gb.shape}:\n{_indent(gb)}")
        return "\n".join(lines)

    def _repr_pretty_(self, printer, cycle):  # IPython shows the text form
        printer.text(str(self))

    def to_frame(self):
        """The trace as a long pandas DataFrame: one row per number.

        Columns ``layer`` (1 ... L), ``quantity`` (``z``, ``a``, ``delta``,
        ``dJ/dW``, ``dJ/db``), ``row`` (the row of X; for ``dJ/dW`` the input
        unit), ``unit`` and ``value``. Needs pandas.

        Returns
        -------
        frame : pandas.DataFrame
            One row per number of the trace.
        """
        try:
            import pandas as pd
        except ImportError as exc:  # pragma: no cover - pandas is installed with the cli extra
            raise ImportError('Trace.to_frame requires pandas: pip install "sklearn_nn[cli]"') from exc
        frames = []
        for l in range(1, len(self.pre_activations) + 1):
            for quantity, values in (
                ("z", self.pre_activations[l - 1]), ("a", self.activations[l - 1]),
                ("delta", self.deltas[l - 1]), ("dJ/dW", self.coef_grads[l - 1]),
                ("dJ/db", self.intercept_grads[l - 1][None, :]),
            ):  # fmt: skip
                rows, units = np.indices(values.shape)
                frames.append(
                    pd.DataFrame(
                        {"layer": l, "quantity": quantity, "row": rows.ravel(), "unit": units.ravel(),
                         "value": values.ravel()}
                    )
                )  # fmt: skip
        return pd.concat(frames, ignore_index=True)


def _indent(array, prefix="    "):
    return "\n".join(prefix + line for line in str(np.asarray(array)).splitlines())


def trace(estimator, X, y, sample_weight=None):
    """One forward and backward pass on a few rows, every intermediate kept.

    Parameters
    ----------
    estimator : fitted estimator of this package
        A fitted ``LogisticRegressionGD``, ``SoftmaxRegressionGD``,
        ``MLPClassifierScratch`` or ``MLPRegressorScratch``.
    X : {array-like, sparse matrix} of shape (n_rows, n_features)
        A few rows: everything is kept (and printed) for each of them.
    y : array-like of shape (n_rows,) or (n_rows, n_outputs)
        Their targets, as ``fit`` takes them.
    sample_weight : array-like of shape (n_rows,), default=None
        Weights of the rows; None gives every row weight 1.

    Returns
    -------
    Trace
        ``print(trace(...))`` shows the chain rule layer by layer with the
        shapes and values; ``to_frame()`` tabulates it. Its gradients are
        those of ``gradients`` on the same rows, and its last activation is
        ``predict_proba`` (or ``predict``) of the rows.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nn import MLPClassifierScratch
    >>> from sklearn_nn.inspection import trace
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]])
    >>> y = np.array([0, 1, 1, 0])
    >>> clf = MLPClassifierScratch(hidden_layer_sizes=(3,), activation="tanh", random_state=0)
    >>> clf = clf.partial_fit(X, y, classes=[0, 1])
    >>> t = trace(clf, X, y)
    >>> [z.shape for z in t.pre_activations], [d.shape for d in t.deltas]
    ([(4, 3), (4, 1)], [(4, 3), (4, 1)])
    >>> bool(np.allclose(t.activations[-1], clf.predict_proba(X)))
    True
    >>> print(str(t).splitlines()[2])
    Forward: z_l = a_(l-1) W_l + b_l, a_l = f(z_l)
    """
    X, T, sw, n = _rows(estimator, X, y, sample_weight)
    if hasattr(X, "toarray"):
        X = X.toarray()
    objective = estimator._trainer.objective
    record = {"z": [], "delta": []}
    J, grad = _gradient(objective, X, T, sw, n, trace=record)
    net, loss = objective.net, objective.loss
    raw = record["z"][-1]
    if is_classifier(estimator):
        output = loss.proba(raw, normalize=not estimator._encoding.multilabel)
    else:
        output = loss.inverse_link(raw)
    coefs, intercepts = net.unflatten(grad)
    return Trace(
        estimator=type(estimator).__name__, X=X, y=np.asarray(y), loss=J,
        pre_activations=record["z"], activations=[*record["inputs"][1:], output], deltas=record["delta"],
        coef_grads=[W.copy() for W in coefs], intercept_grads=[b.copy() for b in intercepts],
        activation=net.activation if net.n_layers > 1 else "none", out_activation=loss.out_activation,
    )  # fmt: skip
