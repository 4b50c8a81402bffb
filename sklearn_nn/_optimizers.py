"""Gradient-based update rules on the flat parameter buffer.

An optimizer is stateless apart from its hyperparameters: ``init(params)``
returns its state (a dict of arrays aligned with the flat buffer) and
``step(params, grad, state, lr)`` updates ``params`` in place with a few
whole-buffer operations. The learning rate is always an argument: schedules
live in ``_schedules`` and never inside an optimizer.

``grad`` is the gradient multiplied by ``gradient_scale(lr)``. SGD's step is
lr times the gradient, and the backward pass can apply that factor for free
to the output deltas (``Network.objective(grad_scale=...)``), which saves the
step a pass over the buffer; Adam, whose step does not scale with the
gradient, takes it as it is (scale 1).

``step`` may overwrite ``grad``: the gradient is spent once the update is
made, and reusing its buffer as scratch space keeps every update free of
temporary arrays. Only NumPy's in-place operations are used (no BLAS calls),
so an update costs the same whatever the BLAS thread settings.

The training loop hands the L2 penalty to ``step`` as ``penalty=(c, n)``: the
gradient it passes is that of the data term only, and the step adds the
penalty's gradient ``c * params[:n]``, scaled like the gradient
(``add_penalty``). Plain SGD instead shrinks the weights by ``1 - lr * c``
before its step, which is the same update in one pass over the weights
instead of two.
"""

import numpy as np


def add_penalty(grad, params, penalty, scale=1.0):
    """grad[:n] += scale * c * params[:n] for ``penalty = (c, n)``; nothing for None."""
    if penalty is not None:
        c, n = penalty
        grad[:n] += (scale * c) * params[:n]


class SGD:
    """Gradient descent with optional (Nesterov) momentum.

    Without momentum: theta <- theta - lr * g.
    With momentum mu: v <- mu * v - lr * g, then theta <- theta + v, or with
    Nesterov's correction theta <- theta + mu * v - lr * g.
    """

    def __init__(self, momentum=0.0, nesterov=False):
        self.momentum = momentum
        self.nesterov = nesterov

    def init(self, params):
        if self.momentum == 0.0:
            return {}
        return {"velocity": np.zeros_like(params)}

    def gradient_scale(self, lr):
        """SGD takes its step lr * g ready-made."""
        return lr

    def step(self, params, grad, state, lr, penalty=None):
        step = grad  # lr * g (see gradient_scale)
        if self.momentum == 0.0:
            if penalty is not None:  # theta - lr (g + c W) = (1 - lr c) theta_W - lr g
                c, n = penalty
                params[:n] *= 1.0 - lr * c
            params -= step
            return
        add_penalty(step, params, penalty, lr)
        v = state["velocity"]
        v *= self.momentum
        v -= step
        if self.nesterov:
            params -= step
            params += np.multiply(v, self.momentum, out=grad)
        else:
            params += v


class Adam:
    """Adam (Kingma & Ba, 2015) with bias correction folded into the step size.

    m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  t <- t + 1;
    theta <- theta - lr * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + eps).

    The state holds the moments without their constant factors,
    ``m_sum = m / (1 - b1)`` and ``v_sum = v / (1 - b2)``, so that each is
    updated in two passes over the buffer (``m_sum <- b1 m_sum + g``); the
    factors are put back in the step size and in eps:

    m / (sqrt(v) + eps) = (1 - b1) / sqrt(1 - b2) * m_sum / (sqrt(v_sum) + eps / sqrt(1 - b2)).
    """

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init(self, params):
        return {"t": 0, "m_sum": np.zeros_like(params), "v_sum": np.zeros_like(params)}

    def gradient_scale(self, lr):
        """Adam takes the gradient itself."""
        return 1.0

    def moments(self, state):
        """The textbook first and second moments (m, v) of the state."""
        return (1.0 - self.beta_1) * state["m_sum"], (1.0 - self.beta_2) * state["v_sum"]

    def step(self, params, grad, state, lr, penalty=None):
        add_penalty(grad, params, penalty)
        b1, b2 = self.beta_1, self.beta_2
        m_sum, v_sum = state["m_sum"], state["v_sum"]
        state["t"] += 1
        t = state["t"]
        m_sum *= b1
        m_sum += grad
        grad *= grad
        v_sum *= b2
        v_sum += grad
        root = np.sqrt(1.0 - b2)
        step_size = lr * np.sqrt(1.0 - b2**t) / (1.0 - b1**t) * (1.0 - b1) / root
        update = np.sqrt(v_sum, out=grad)
        update += self.epsilon / root
        np.divide(m_sum, update, out=update)
        update *= step_size
        params -= update


#: Registry of the first-order optimizers, solver name -> class.
OPTIMIZERS = {"sgd": SGD, "adam": Adam}
