"""The penalty of the objective J: its value, its gradient and its step.

J = data term + penalty. The data term comes from the network and the loss
(``Network.data_term``); the penalty lives here and only here. Every solver
uses the same object: the first-order optimizers add its gradient or take its
step, L-BFGS and the validation loss add its value (``_objective``).

The penalty acts on the weights only, ``params[:n_weights]`` of the flat
buffer (biases are not penalised), and is divided by n, the sum of the
training sample weights, so that the batch size never moves the optimum.

Adding a penalty means one class here with ``value``, ``add_gradient`` and
``step``, one entry in ``PENALTIES``, and the estimator's parameters that
select it in ``make_penalty``.
"""

import numpy as np


class L2Penalty:
    """alpha / (2 n) * ||W||^2 over the weights of every layer.

    Parameters
    ----------
    alpha : float
        Strength of the penalty (``alpha = 1 / C`` of scikit-learn's
        ``LogisticRegression``).
    n_weights : int
        Number of weights at the start of the flat parameter buffer.

    Examples
    --------
    >>> import numpy as np
    >>> penalty = L2Penalty(alpha=2.0, n_weights=2)
    >>> params = np.array([3.0, 4.0, 10.0])  # two weights, one bias
    >>> penalty.value(params, n=5.0)  # 2 / 10 * 25
    5.0
    >>> grad = np.zeros(3)
    >>> penalty.add_gradient(grad, params, n=5.0)
    >>> grad
    array([1.2, 1.6, 0. ])
    """

    def __init__(self, alpha, n_weights):
        self.alpha = float(alpha)
        self.n_weights = int(n_weights)

    @property
    def active(self):
        """Whether the penalty is not identically zero."""
        return self.alpha != 0.0

    def coefficient(self, n):
        """alpha / n: the factor of W in the gradient."""
        return self.alpha / n

    def value(self, params, n):
        """alpha / (2 n) * ||W||^2 as a float."""
        if not self.active:
            return 0.0
        W = params[: self.n_weights]
        return 0.5 * self.coefficient(n) * float(np.dot(W, W))

    def add_gradient(self, grad, params, n, scale=1.0):
        """grad[:n_weights] += scale * alpha / n * W (nothing when alpha is 0)."""
        if self.active:
            k = self.n_weights
            grad[:k] += (scale * self.coefficient(n)) * params[:k]

    def step(self, params, lr, n):
        """A gradient step of rate ``lr`` on the penalty alone, in place.

        For L2 it is the shrink W <- (1 - lr alpha / n) W: one pass over the
        weights, where adding the gradient and stepping would take two. A
        proximal penalty (L1) takes its proximal step here instead.
        """
        if self.active:
            params[: self.n_weights] *= 1.0 - lr * self.coefficient(n)


#: Registry of the penalties, name -> class.
PENALTIES = {"l2": L2Penalty}


def make_penalty(estimator, n_weights):
    """The penalty of an estimator's parameters (``alpha``) on ``n_weights`` weights."""
    return PENALTIES["l2"](estimator.alpha, n_weights)
