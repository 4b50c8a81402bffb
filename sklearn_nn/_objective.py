"""The objective J, defined once: data term plus penalty.

For parameters theta = (W, b), rows with sample weights s_i and n the sum of
the training weights,

    J(theta) = sum_i s_i loss(y_i, z_i) / sum_i s_i  +  penalty(W; n).

The network and the loss give the data term and its gradient
(``Network.data_term``); the penalty object gives the rest (``_penalties``).
``Objective`` puts them together for every use of J: L-BFGS and the gradient
checks and the full-batch step rules (``value``), and the validation loss
(``on_rows``). The first-order training loop asks for the data term of each
batch and lets the optimizer apply the penalty (see ``_training``), which is
the same J.
"""

from ._network import weighted_sum


class Objective:
    """J for one network, loss and penalty.

    Parameters
    ----------
    net : Network
    loss : loss object from ``_losses``
    penalty : penalty object from ``_penalties``

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nn._losses import REGRESSION_LOSSES
    >>> from sklearn_nn._network import Network
    >>> from sklearn_nn._penalties import L2Penalty
    >>> net = Network([1, 1], "identity", np.float64)
    >>> net.params[:] = [2.0, 0.0]  # z = 2 x
    >>> J = Objective(net, REGRESSION_LOSSES["squared_error"](), L2Penalty(1.0, net.n_weights))
    >>> X, T = np.array([[1.0]]), np.array([[1.0]])
    >>> J.value(X, T, None, n=1.0)  # 1/2 (2 - 1)^2 + 1/2 * 2^2
    2.5
    """

    def __init__(self, net, loss, penalty):
        self.net, self.loss, self.penalty = net, loss, penalty

    @property
    def units(self):
        """The number of independent parts J splits into: one per output unit, or 1.

        Without a hidden layer, with a loss that is a sum of per-unit terms
        (sigmoid units: one-vs-rest and multilabel; regression outputs) and a
        penalty that is a sum of per-parameter terms, J is the sum of K
        objectives of disjoint parameters, unit k's weights ``coef[:, k]``
        and bias ``intercept[k]``. In the flat buffer (the weights row by
        row, then the biases) parameter i belongs to unit ``i % K``, so
        ``params.reshape(-1, K)[:, k]`` holds unit k's. A step rule may then
        take one step length per unit (``_step_rules.BarzilaiBorwein``).
        """
        net = self.net
        if net.n_layers == 1 and self.loss.separable and self.penalty.separable:
            return net.layer_sizes[-1]
        return 1

    @property
    def smooth_convex(self):
        """Whether J's smooth part is convex with a Lipschitz gradient: no hidden layer, such a loss.

        The penalties are convex (an L1 part is handled by its prox); a
        hidden layer makes J nonconvex, a hinge puts kinks in it.
        """
        return self.net.n_layers == 1 and self.loss.smooth_convex

    def value(self, X, T, sample_weight, n, grad=None, workspace=None):
        """J on the rows (X, T), and its whole gradient into ``grad`` if given.

        ``workspace`` (``Network.workspace``) holds the passes' work arrays
        for repeated evaluations on the same rows.
        """
        params = self.net.params
        J = self.net.data_term(X, T, sample_weight, self.loss, grad, workspace)
        J += self.penalty.value(params, n)
        if grad is not None:
            self.penalty.add_gradient(grad, params, n)
        return J

    def on_rows(self, rows, n):
        """J on ``Rows`` (a validation set), evaluated in chunks to bound memory."""
        total, chunk_size = 0.0, self.net.chunk_rows
        for start in range(0, rows.n_rows, chunk_size):
            X, T, sw = rows.take(slice(start, start + chunk_size))
            total += weighted_sum(self.loss.value(T, self.net.forward(X)[0]), sw)
        return total / rows.weight + self.penalty.value(self.net.params, n)
