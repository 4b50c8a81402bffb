"""Gradient-based update rules on the flat parameter buffer.

An optimizer is stateless apart from its hyperparameters: ``init(params)``
returns its state (a dict of arrays aligned with the flat buffer) and
``step(params, grad, state, lr, penalty, n)`` updates ``params`` in place
with a few whole-buffer operations. The learning rate is always an argument:
schedules live in ``_schedules`` and never inside an optimizer.

``grad`` is the gradient of the data term of J on the batch; the step adds the
penalty of J through the penalty object (``_penalties``) with n, the training
weight, so every optimizer minimises the same J. ``step`` may overwrite
``grad``: the gradient is spent once the update is made, and reusing its
buffer as scratch space keeps every update free of temporary arrays. Only
NumPy's in-place operations are used (no BLAS calls), so an update costs the
same whatever the BLAS thread settings.

One optimization lives in one class: plain SGD's step is lr times the
gradient, and the backward pass applies that factor for free to the output
deltas, so ``SGD.gradient_scale(lr)`` asks for the gradient ready-scaled
(``Network.data_term(grad_scale=...)``), which saves a pass over the buffer
per update. Every other optimizer takes the gradient as it is (scale 1).

Adding an optimizer means one class here (with ``from_estimator``) and one
entry in ``OPTIMIZERS``; the solver registry (``_solvers``) makes it a
``solver``.
"""

import math
from numbers import Real

import numpy as np
from sklearn.utils._param_validation import Interval


def clip_norm(grad, max_norm):
    """Rescale ``grad`` in place so that its L2 norm is at most ``max_norm``; returns the norm it had.

    As ``torch.nn.utils.clip_grad_norm_``: one norm over every weight and
    bias, g <- g min(1, max_norm / ||g||).
    """
    norm = float(np.sqrt(np.dot(grad, grad)))
    if norm > max_norm:
        grad *= max_norm / norm
    return norm


class Optimizer:
    """Base of the update rules: the gradient comes unscaled and there is no state.

    ``line_search`` is True for the full-batch step rules of ``_step_rules``,
    which evaluate J themselves instead of taking one step per batch.
    ``takes_step_rules`` says whether a step rule (``learning_rate`` such as
    ``'barzilai_borwein'``) may replace this rule's steps; one that scales
    its own steps (Adam) takes the rule's name as a constant rate.
    """

    line_search = False
    takes_step_rules = False
    #: Whether ``step`` leaves in ``grad`` exactly the change it subtracted from the parameters
    #: (theta_new = theta - grad), which ``monitor_gradients`` then measures without a copy.
    step_in_grad = False
    #: Whether ``step`` first adds the penalty's gradient to ``grad`` (and then only reads ``grad``):
    #: the caller may add it instead, and pass no penalty, with the same bits.
    penalty_first = False
    #: Whether the rule applies a proximal penalty (L1) after its steps; only plain steps can.
    takes_proximal = False

    @classmethod
    def from_estimator(cls, estimator):
        """The update rule of an estimator's parameters (``solver`` names it)."""
        raise NotImplementedError  # pragma: no cover - interface

    def init(self, params):
        """The optimizer's state for ``params``: a dict of arrays like the buffer."""
        return {}

    def gradient_scale(self, lr):
        """The factor the step wants the data term's gradient multiplied by (1: none)."""
        return 1.0

    def step(self, params, grad, state, lr, penalty=None, n=1.0):  # pragma: no cover - interface
        """Update ``params`` in place from ``grad`` (which it may overwrite)."""
        raise NotImplementedError


class SGD(Optimizer):
    """Gradient descent with optional (Nesterov) momentum.

    Without momentum: theta <- theta - lr * g.
    With momentum mu: v <- mu * v - lr * g, then theta <- theta + v, or with
    Nesterov's correction theta <- theta + mu * v - lr * g.
    """

    takes_step_rules = True
    takes_proximal = True

    def __init__(self, momentum=0.0, nesterov=False):
        self.momentum = momentum
        self.nesterov = nesterov

    @classmethod
    def from_estimator(cls, estimator):
        return cls(estimator.momentum, estimator.nesterovs_momentum)

    def init(self, params):
        if self.momentum == 0.0:
            return {}
        return {"velocity": np.zeros_like(params)}

    def gradient_scale(self, lr):
        """SGD takes its step lr * g ready-made."""
        return lr

    def step(self, params, grad, state, lr, penalty=None, n=1.0):
        step = grad  # lr * g (see gradient_scale)
        if self.momentum == 0.0:
            if penalty is not None:  # theta - lr (g + grad P) = (penalty's step) - lr g
                penalty.step(params, lr, n)
            params -= step
        else:
            if penalty is not None:
                penalty.add_gradient(step, params, n, lr)
            v = state["velocity"]
            v *= self.momentum
            v -= step
            if self.nesterov:
                params -= step
                params += np.multiply(v, self.momentum, out=grad)
            else:
                params += v
        if penalty is not None and penalty.proximal:  # the L1 part: soft thresholding at rate lr
            penalty.prox(params, lr, n)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015) with bias correction folded into the step size.

    ``step_in_grad``: the step ends with theta <- theta - update, the update
    written over the gradient.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  t <- t + 1;
    theta <- theta - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps).

    The state holds the moments without their constant factors,
    ``m_sum = m / (1 - b1)`` and ``v_sum = v / (1 - b2)``, so that each is
    updated in two passes over the buffer (``m_sum <- b1 m_sum + g``); the
    factors are put back in the step size and in eps:

    m / (sqrt(v) + eps) = (1 - b1) / sqrt(1 - b2) * m_sum / (sqrt(v_sum) + eps / sqrt(1 - b2)).
    """

    step_in_grad = penalty_first = True

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    @classmethod
    def from_estimator(cls, estimator):
        return cls(estimator.beta_1, estimator.beta_2, estimator.epsilon)

    def init(self, params):
        return {"t": 0, "m_sum": np.zeros_like(params), "v_sum": np.zeros_like(params)}

    def moments(self, state):
        """The textbook first and second moments (m, v) of the state."""
        return (1.0 - self.beta_1) * state["m_sum"], (1.0 - self.beta_2) * state["v_sum"]

    def step(self, params, grad, state, lr, penalty=None, n=1.0):
        if penalty is not None:
            penalty.add_gradient(grad, params, n)
        b1, b2 = self.beta_1, self.beta_2
        m_sum, v_sum = state["m_sum"], state["v_sum"]
        state["t"] += 1
        t = state["t"]
        m_sum *= b1
        m_sum += grad
        grad *= grad
        v_sum *= b2
        v_sum += grad
        # Python floats, not NumPy float64 scalars: with NumPy 2 a float64 scalar would run the
        # float32 buffers' passes below in float64 (twice as slow).
        root = math.sqrt(1.0 - b2)
        step_size = float(lr * math.sqrt(1.0 - b2**t) / (1.0 - b1**t) * (1.0 - b1) / root)
        update = np.sqrt(v_sum, out=grad)
        update += self.epsilon / root
        np.divide(m_sum, update, out=update)
        update *= step_size
        params -= update


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter, 2019), as ``torch.optim.AdamW``.

    The weights first decay with the schedule's rate, theta_W <- (1 - lr alpha / n) theta_W
    (the L2 penalty's own step, biases untouched), then Adam steps on the
    data term's gradient alone. J is unchanged, so ``loss_`` still reports
    it; with ``alpha=0`` the step is Adam's, bit for bit. The decay is not
    scaled by Adam's denominator, so AdamW settles where it balances Adam's
    step, not at the minimum of J (that is the point of decoupling).
    """

    step_in_grad = penalty_first = False  # the decay is applied apart from the update

    def step(self, params, grad, state, lr, penalty=None, n=1.0):
        if penalty is not None:
            penalty.step(params, lr, n)
        super().step(params, grad, state, lr, None, n)


class _ScaledByRoot(Optimizer):
    """theta <- theta - lr * g / (sqrt(v) + eps) for a running sum of squares v (``accumulate``).

    The work array for sqrt(v) + eps is kept by the optimizer, made once per
    parameter size and left out of its pickle. The step ends with
    theta <- theta - lr g / (sqrt(v) + eps) written over the gradient
    (``step_in_grad``).
    """

    step_in_grad = penalty_first = True

    def __init__(self, epsilon=1e-8):
        self.epsilon = epsilon
        self._work = None

    def __getstate__(self):
        return {**self.__dict__, "_work": None}

    def init(self, params):
        return {"sum_squares": np.zeros_like(params)}

    def accumulate(self, v, squares):  # pragma: no cover - interface
        """Update the running sum v in place from the squared gradient."""
        raise NotImplementedError

    def step(self, params, grad, state, lr, penalty=None, n=1.0):
        if penalty is not None:
            penalty.add_gradient(grad, params, n)
        work = self._work
        if work is None or work.shape != grad.shape or work.dtype != grad.dtype:
            work = self._work = np.empty_like(grad)
        v = state["sum_squares"]
        self.accumulate(v, np.multiply(grad, grad, out=work))
        denominator = np.sqrt(v, out=work)
        denominator += self.epsilon
        grad /= denominator
        grad *= lr
        params -= grad


class RMSProp(_ScaledByRoot):
    """RMSProp (Tieleman & Hinton, 2012): v <- rho v + (1 - rho) g^2; theta <- theta - lr g / (sqrt(v) + eps).

    As ``torch.optim.RMSprop`` (its ``alpha`` is ``rho`` here), eps added after the root.
    """

    def __init__(self, rho=0.9, epsilon=1e-8):
        super().__init__(epsilon)
        self.rho = rho

    @classmethod
    def from_estimator(cls, estimator):
        return cls(estimator.rho, estimator.epsilon)

    def accumulate(self, v, squares):
        v *= self.rho
        squares *= 1.0 - self.rho
        v += squares


class AdaGrad(_ScaledByRoot):
    """AdaGrad (Duchi, Hazan & Singer, 2011): G <- G + g^2; theta <- theta - lr g / (sqrt(G) + eps)."""

    @classmethod
    def from_estimator(cls, estimator):
        return cls(estimator.epsilon)

    def accumulate(self, v, squares):
        v += squares


#: The estimator parameters the update rules read, with their constraints
#: (scikit-learn's parameter validation); a new rule adds its own here.
OPTIMIZER_PARAMETERS = {
    "momentum": [Interval(Real, 0, 1, closed="both")],
    "nesterovs_momentum": ["boolean"],
    "beta_1": [Interval(Real, 0, 1, closed="left")],
    "beta_2": [Interval(Real, 0, 1, closed="left")],
    "epsilon": [Interval(Real, 0, None, closed="neither")],
    "rho": [Interval(Real, 0, 1, closed="left")],
    "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
}

#: Registry of the first-order optimizers, solver name -> class. Each one is a
#: stochastic solver of ``_solvers.SOLVERS`` under its name.
OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSProp, "adagrad": AdaGrad}
