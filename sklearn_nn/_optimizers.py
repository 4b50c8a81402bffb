"""Gradient-based update rules on the flat parameter buffer.

An optimizer is stateless apart from its hyperparameters: ``init(params)``
returns its state (a dict of arrays aligned with the flat buffer) and
``step(params, grad, state, lr)`` updates ``params`` in place with a few
whole-buffer operations. The learning rate is always an argument: schedules
live in ``_schedules`` and never inside an optimizer.

``step`` may overwrite ``grad``: the gradient is spent once the update is
made, and reusing its buffer as scratch space keeps every update free of
temporary arrays. Only NumPy's in-place operations are used (no BLAS calls),
so an update costs the same whatever the BLAS thread settings.
"""

import numpy as np


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

    def step(self, params, grad, state, lr):
        step = np.multiply(grad, lr, out=grad)  # lr * g
        if self.momentum == 0.0:
            params -= step
            return
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
    """

    def __init__(self, beta_1=0.9, beta_2=0.999, epsilon=1e-8):
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon

    def init(self, params):
        return {"t": 0, "m": np.zeros_like(params), "v": np.zeros_like(params)}

    def step(self, params, grad, state, lr):
        b1, b2 = self.beta_1, self.beta_2
        m, v = state["m"], state["v"]
        state["t"] += 1
        t = state["t"]
        # m <- b1 (m - g) + g equals b1 m + (1 - b1) g and leaves g intact.
        m -= grad
        m *= b1
        m += grad
        # v <- b2 v + (1 - b2) g^2, in that order: written like m, the
        # difference v - g^2 would cancel and lose digits when b2 is near 1.
        grad *= grad
        grad *= 1.0 - b2
        v *= b2
        v += grad
        step_size = lr * np.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        update = np.sqrt(v, out=grad)
        update += self.epsilon
        np.divide(m, update, out=update)
        update *= step_size
        params -= update


#: Registry of the first-order optimizers, solver name -> class.
OPTIMIZERS = {"sgd": SGD, "adam": Adam}
