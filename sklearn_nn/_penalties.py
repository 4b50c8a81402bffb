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

from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval


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

    #: Whether the penalty has a non-smooth part that ``prox`` applies (L1).
    proximal = False
    #: Whether the penalty is a sum of terms of single parameters (it then splits by output unit).
    separable = True

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

    def add_subgradient(self, grad, params, n):
        """grad += a subgradient of the whole penalty: the gradient for L2 (see ``ElasticNetPenalty``)."""
        self.add_gradient(grad, params, n)

    def step(self, params, lr, n):
        """A gradient step of rate ``lr`` on the penalty alone, in place.

        For L2 it is the shrink W <- (1 - lr alpha / n) W: one pass over the
        weights, where adding the gradient and stepping would take two. A
        proximal penalty (L1) takes its proximal step here instead.
        """
        if self.active:
            params[: self.n_weights] *= 1.0 - lr * self.coefficient(n)

    def prox(self, params, lr, n):
        """The proximal step of the non-smooth part with step ``lr``: none for L2."""

    def stationarity(self, params, grad, n, out):
        """max |g| over the minimum-norm subgradient of J, g = ``grad`` (the smooth part's gradient).

        For a smooth penalty that is max |grad|; ``out`` is work space like grad.
        """
        return float(np.abs(grad, out=out).max(initial=0.0))


class ElasticNetPenalty(L2Penalty):
    """alpha / n * [(1 - rho) / 2 ||W||^2 + rho ||W||_1], rho = ``l1_ratio``.

    The smooth L2 part is ``L2Penalty`` with alpha (1 - rho); the L1 part,
    lam = alpha rho / n, is applied by its proximal step, the soft
    thresholding W <- sign(W) max(|W| - lr lam, 0), after each gradient step:
    proximal gradient descent, whose iterates reach exact zeros.
    ``add_gradient`` and ``step`` cover the smooth part only; ``value`` is
    the whole penalty. With ``alpha = 1 / C`` the optimum is that of
    scikit-learn's ``LogisticRegression(C=C, l1_ratio=rho)``.

    Examples
    --------
    >>> import numpy as np
    >>> penalty = ElasticNetPenalty(alpha=2.0, l1_ratio=1.0, n_weights=2)
    >>> params = np.array([0.3, -2.0, 5.0])  # two weights, one bias
    >>> penalty.value(params, n=4.0)  # 2 / 4 * (0.3 + 2)
    1.15
    >>> penalty.prox(params, lr=1.0, n=4.0)  # threshold 1 * 2 / 4 = 0.5
    >>> params
    array([ 0. , -1.5,  5. ])
    """

    proximal = True

    def __init__(self, alpha, l1_ratio, n_weights):
        super().__init__(float(alpha) * (1.0 - float(l1_ratio)), n_weights)
        self.l1 = float(alpha) * float(l1_ratio)

    @property
    def active(self):
        return self.alpha != 0.0 or self.l1 != 0.0

    def value(self, params, n):
        W = params[: self.n_weights]
        return super().value(params, n) + self.l1 / n * float(np.abs(W).sum())

    def add_subgradient(self, grad, params, n):
        """grad += the smooth part's gradient + l1 / n * sign(W): the gradient where no weight is 0.

        A zero weight gets sign 0, the subgradient of |w| at 0 nearest to 0.
        """
        self.add_gradient(grad, params, n)
        k = self.n_weights
        grad[:k] += (self.l1 / n) * np.sign(params[:k])

    def prox(self, params, lr, n):
        """Soft thresholding of the weights by lr * l1 / n, in place (biases untouched).

        ``lr`` is a float or an array like ``params`` (one step per parameter).
        """
        W = params[: self.n_weights]
        shrunk = np.abs(W)
        step = lr if np.ndim(lr) == 0 else lr[: self.n_weights]
        shrunk -= step * self.l1 / n
        np.maximum(shrunk, 0.0, out=shrunk)
        np.copysign(shrunk, W, out=W)

    def stationarity(self, params, grad, n, out):
        """max |g + lam sign(w)| (nonzero weights), max(|g| - lam, 0) (zero weights), |g| (biases)."""
        k, lam = self.n_weights, self.l1 / n
        W, gW = params[:k], grad[:k]
        work = out[:k]
        np.abs(gW, out=work)
        work -= lam
        np.maximum(work, 0.0, out=work)  # the zero weights' measure
        moving = W != 0.0
        work[moving] = np.abs(gW[moving] + lam * np.sign(W[moving]))
        biases = float(np.abs(grad[k:]).max(initial=0.0))
        return max(float(work.max(initial=0.0)), biases)


#: The estimator parameters of the penalties, with their constraints.
PENALTY_PARAMETERS = {
    "alpha": [Interval(Real, 0, None, closed="left")],
    "l1_ratio": [Interval(Real, 0, 1, closed="both")],
}

#: Registry of the penalties, name -> class.
PENALTIES = {"l2": L2Penalty, "elasticnet": ElasticNetPenalty}


def make_penalty(estimator, n_weights):
    """The penalty of an estimator's parameters (``alpha``, ``l1_ratio``) on ``n_weights`` weights."""
    l1_ratio = getattr(estimator, "l1_ratio", 0.0)
    if l1_ratio == 0.0:
        return PENALTIES["l2"](estimator.alpha, n_weights)
    return PENALTIES["elasticnet"](estimator.alpha, l1_ratio, n_weights)
