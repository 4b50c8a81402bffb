"""Loss functions on the raw network output (logits).

A loss owns the output link and knows its own gradient with respect to the raw
output ``z``. The network never assumes a shortcut such as "output minus
target": whatever loss is plugged in, backpropagation starts from the gradient
the loss returns.

Every loss object provides

* ``out_activation``: the name of the inverse link (scikit-learn's
  ``out_activation_``);
* ``value_and_gradient(T, Z, G)``: the per-sample losses, shape ``(n,)``, with
  the per-sample gradient ``d loss_i / d z_i`` written into ``G``
  (shape of ``Z``);
* ``value(T, Z)``: the per-sample losses only;
* ``from_estimator(estimator)`` and ``check_targets(y)``: the loss with the
  estimator's settings, and a check of the targets' domain;
* ``inverse_link(Z)``: probabilities (classification) or predictions
  (regression) from raw outputs;
* for classification, the output link of ``predict_proba`` and
  ``predict_log_proba``: ``log_proba(Z, normalize)`` and ``proba(Z, normalize)``
  (the estimators' predictions come from here, nowhere else).

``T`` holds the targets encoded as floats: 0/1 indicators, one column per
sigmoid unit or per softmax class, or the regression targets. All formulas
work from logits with stable expressions (``logaddexp``, log-sum-exp).
"""

import math

import numpy as np
from scipy.special import expit, log_expit


def row_sums(values):
    """Per-row sums of per-unit values; a single column is returned as a view.

    Several columns of 16 rows or more are summed by a product with a vector
    of ones (GEMV): NumPy's reductions along a short last axis are several
    times slower there.
    """
    if values.shape[1] == 1:
        return values[:, 0]
    if values.shape[0] < 16:  # a small batch: one reduction is as fast
        return np.add.reduce(values, axis=1)
    return values @ _ones(values.shape[1], values.dtype)


_ONES = {}


def _ones(k, dtype):
    """A read-only vector of k ones, made once per (k, dtype)."""
    ones = _ONES.get((k, dtype))
    if ones is None:
        ones = np.ones(k, dtype=dtype)
        ones.flags.writeable = False
        _ONES[k, dtype] = ones
    return ones


#: A row whose largest logit is within this many nats of the largest of all
#: shares its shift (see ``shifted_exp``).
SHARED_SHIFT_SPAN = 30.0


def shifted_exp(Z, out=None, shared=False):
    """E = exp(Z - m) for a shift m: returns (E, m, row sums of E), the sums as (n, 1).

    The one home of the stable softmax: softmax(Z) = E / sum(E) and
    log-sum-exp(Z) = m + log(sum(E)), for any m. With m each row's maximum
    (of shape (n, 1)) the largest term of every row is exactly 1, so
    log-sum-exp is at least the row's maximum and a log-probability never
    exceeds 0: predictions take this shift.

    NumPy's maximum along a short last axis is slow, though (half the cost
    of a 10-class softmax), so training (``shared=True``) shifts all rows by
    the largest logit whenever every row's maximum is within
    ``SHARED_SHIFT_SPAN`` of it: every row sum is then at least
    exp(-SHARED_SHIFT_SPAN), nothing overflows, and log-sum-exp loses at
    most that many units of its last place to cancellation. Otherwise each
    row takes its own maximum.
    """
    if shared and Z.size:
        m = Z.max()
        out = np.subtract(Z, m, out=out)
        np.exp(out, out=out)
        total = row_sums(out)[:, None]
        if total.min() >= _SHARED_SHIFT_FLOOR or np.isnan(total).any():
            return out, m, total
    m = Z.max(axis=1, keepdims=True)
    out = np.subtract(Z, m, out=out)
    np.exp(out, out=out)
    return out, m, row_sums(out)[:, None]


_SHARED_SHIFT_FLOOR = float(np.exp(-SHARED_SHIFT_SPAN))


def softmax(Z, out=None):
    """Row-wise softmax, computed stably (see ``shifted_exp``)."""
    E, _, total = shifted_exp(Z, out)
    E /= total
    return E


def log_sum_exp(Z):
    """Row-wise log(sum(exp(Z))), computed stably (see ``shifted_exp``); shape (n, 1)."""
    _, m, total = shifted_exp(Z)
    return m + np.log(total)


def log1p_given(e, u):
    """log(1 + e) for e >= 0, given u = 1 + e rounded to the dtype.

    float64 uses ``np.log1p``. NumPy's float32 ``log1p`` is scalar code, about
    3 times slower than its vectorised ``log``, so float32 takes log(u) and
    corrects it for the rounding error r = (u - 1) - e of u, which is exact:
    log(1 + e) = log(u - r) ~ log(u) - r / u (relative error about 2 ulp,
    and exactly e when e is below the rounding of 1 + e).
    """
    if e.dtype != np.float32:
        return np.log1p(e)
    values = np.log(u)
    r = u - 1.0
    r -= e
    r /= u
    values -= r
    return values


#: Terms per block of ``sum_log1p_given``'s products: a product of this many
#: factors in [1, 2] stays below 2**1020 in float64 (2**120 in float32).
LOG_PRODUCT_BLOCK = {np.dtype(np.float64): 1020, np.dtype(np.float32): 120}


def sum_log1p_given(e, u):
    """sum(log(1 + e)) over all elements, for e in [0, 1] and u = 1 + e rounded: a float.

    A sum of logarithms is the logarithm of a product, so the sum takes one
    log per block of ``LOG_PRODUCT_BLOCK`` terms instead of one per term
    (NumPy's float64 ``log1p`` and ``log`` are scalar code without AVX-512,
    the most expensive pass of the sigmoid log loss). As in ``log1p_given``,
    log(1 + e) = log(u) - r / u with r = (u - 1) - e, the exact rounding
    error of u, to within (r / u)^2 / 2 < 2^-107. Each product of factors in
    [1, 2] rounds by about one ulp per factor, so the sum's absolute error
    stays of the order of eps per term: the error the per-element values
    have already when they are added to the logits (see ``SigmoidLogLoss``).
    """
    u, e = u.ravel(order="K"), e.ravel(order="K")  # views in memory order (u has the layout of e)
    block = LOG_PRODUCT_BLOCK[u.dtype]
    if u.size < block:  # below one block the per-term logs take fewer passes
        return float(np.add.reduce(log1p_given(e, u), dtype=np.float64))
    r = u - 1.0
    r -= e
    r /= u
    full = u.size - u.size % block
    # Reduce across rows of a (block, m) view: m independent products, a vectorised loop.
    products = np.multiply.reduce(u[:full].reshape(block, -1), axis=0)
    total = float(np.add.reduce(np.log(products), dtype=np.float64)) if full else 0.0
    total += math.log(float(np.multiply.reduce(u[full:], dtype=np.float64)))
    return total - float(np.add.reduce(r, dtype=np.float64))


def sum_of_products(A, B):
    """sum(A * B) over all elements, in one product (A and B of the same shape, any layout)."""
    if A.flags.c_contiguous and B.flags.c_contiguous or A.flags.f_contiguous and B.flags.f_contiguous:
        return float(np.dot(A.ravel(order="K"), B.ravel(order="K")))
    return float(np.einsum("ij,ij->", A, B))


class _Loss:
    """Shared parts of all losses; subclasses implement ``value_and_gradient``."""

    name = None
    out_activation = None
    #: Whether a row's loss is a sum (or mean) of independent terms, one per output unit.
    separable = False
    #: Whether the loss is convex in the raw outputs z with a Lipschitz gradient (no kink, no
    #: squashing): a linear model's J then admits ABBmin's short steps (``_step_rules``).
    smooth_convex = False

    @classmethod
    def from_estimator(cls, estimator):
        """The loss with the estimator's settings (a loss with a setting reads it here)."""
        return cls()

    @classmethod
    def check_targets(cls, y):
        """Raise a ValueError for targets outside the loss's domain (none by default)."""

    def value(self, T, Z):
        return self.value_and_gradient(T, Z, np.empty_like(Z))

    def total_and_gradient(self, T, Z, G):
        """The sum of the per-sample losses (a float, summed in float64), with G as in ``value_and_gradient``.

        The data term without sample weights needs only this sum; a loss may
        compute it faster than its per-sample values (``SigmoidLogLoss``).
        """
        return float(np.add.reduce(self.value_and_gradient(T, Z, G), dtype=np.float64))


# --------------------------------------------------------------------------
# Independent sigmoid units: binary, one-vs-rest and multilabel classification
# --------------------------------------------------------------------------
class _SigmoidLoss(_Loss):
    out_activation = "logistic"
    separable = True

    def inverse_link(self, Z):
        return expit(Z)

    def log_proba(self, Z, normalize=True):
        """Log class probabilities from the logits of independent sigmoid units.

        One unit (binary) gives [log(1 - p), log p]. Several units are
        normalised across classes (one-vs-rest) when ``normalize``, else
        returned per unit (multilabel).
        """
        log_p = log_expit(Z)
        if Z.shape[1] == 1:
            return np.hstack([log_expit(-Z), log_p])
        return log_p - log_sum_exp(log_p) if normalize else log_p

    def proba(self, Z, normalize=True):
        """exp of ``log_proba``."""
        return np.exp(self.log_proba(Z, normalize))


class SigmoidLogLoss(_SigmoidLoss):
    """-[t log s(z) + (1 - t) log(1 - s(z))] summed over units.

    Written as log(1 + e^z) - t z; the gradient is s(z) - t.
    """

    name = "log_loss"
    smooth_convex = True

    def value(self, T, Z):
        return row_sums(np.logaddexp(0.0, Z) - T * Z)

    def value_and_gradient(self, T, Z, G):
        u, margins = self._exponential_and_margins(T, Z, G)
        values = log1p_given(G, u)
        values += margins
        self._gradient(T, Z, G, u, margins)
        return row_sums(values)

    def total_and_gradient(self, T, Z, G):
        u, margins = self._exponential_and_margins(T, Z, G)
        total = sum_log1p_given(G, u) + float(np.add.reduce(margins, axis=None, dtype=np.float64))
        self._gradient(T, Z, G, u, margins)
        return total

    # One exponential gives both: with e = exp(-|z|) in (0, 1] and u = 1 + e,
    # log(1 + e^z) = log1p(e) + max(z, 0), and s(z) is 1 / u for z >= 0 and
    # e / u otherwise, that is max(e, [z >= 0]) / u.
    @staticmethod
    def _exponential_and_margins(T, Z, G):
        """G = e = exp(-|z|); returns u = 1 + e and the loss less its log1p(e) part, max(z, 0) - t z."""
        np.abs(Z, out=G)
        np.negative(G, out=G)
        np.exp(G, out=G)
        margins = np.maximum(Z, 0.0)
        margins -= T * Z
        return G + 1.0, margins

    @staticmethod
    def _gradient(T, Z, G, u, work):
        """G = s(z) - t from G = e and u, using ``work`` (like Z) as scratch."""
        np.maximum(G, np.greater_equal(Z, 0.0, out=work), out=G)
        G /= u
        G -= T


class SigmoidSquaredError(_SigmoidLoss):
    """1/2 (t - s(z))^2 summed over units; gradient (s - t) s (1 - s)."""

    name = "squared_error"

    def value_and_gradient(self, T, Z, G):
        P = expit(Z)
        np.subtract(P, T, out=G)
        values = 0.5 * row_sums(G * G)
        G *= P
        G *= 1.0 - P
        return values


class SigmoidHinge(_SigmoidLoss):
    """max(0, 1 - u z) summed over units, u = 2t - 1 in {-1, +1}.

    The (sub)gradient is -u where the margin is violated and 0 elsewhere.
    ``inverse_link`` still uses the sigmoid, so ``predict_proba`` is a
    monotone score in [0, 1], not a calibrated probability.
    """

    name = "hinge"

    def value_and_gradient(self, T, Z, G):
        U = 2.0 * T - 1.0
        margin = 1.0 - U * Z
        active = margin > 0
        np.multiply(-U, active, out=G)
        return row_sums(np.where(active, margin, 0.0))


# --------------------------------------------------------------------------
# Softmax over classes: multinomial classification
# --------------------------------------------------------------------------
class _SoftmaxLoss(_Loss):
    out_activation = "softmax"

    def inverse_link(self, Z):
        return softmax(Z)

    def log_proba(self, Z, normalize=True):
        """Log softmax of the logits, by log-sum-exp."""
        return Z - log_sum_exp(Z)

    def proba(self, Z, normalize=True):
        """The softmax of the logits."""
        return softmax(Z)


class SoftmaxLogLoss(_SoftmaxLoss):
    """Cross-entropy -log softmax(z)_y; the gradient is softmax(z) - onehot(y)."""

    name = "log_loss"
    smooth_convex = True

    def value(self, T, Z):
        return log_sum_exp(Z)[:, 0] - row_sums(T * Z)

    def value_and_gradient(self, T, Z, G):
        return self._log_sum_exp_and_gradient(Z, G, T)[:, 0] - row_sums(T * Z)

    def total_and_gradient(self, T, Z, G):
        lse = self._log_sum_exp_and_gradient(Z, G, T)
        return float(np.add.reduce(lse, axis=None, dtype=np.float64)) - sum_of_products(T, Z)

    @staticmethod
    def _log_sum_exp_and_gradient(Z, G, T):
        """Row-wise log-sum-exp of Z, shape (n, 1), and G = softmax(Z) - T.

        One pass gives both: with m the row maximum and E = exp(z - m),
        softmax = E / sum(E) and log-sum-exp = m + log(sum(E)).
        """
        _, m, total = shifted_exp(Z, G, shared=True)
        G /= total
        G -= T
        lse = np.log(total, out=total)
        lse += m
        return lse


class SoftmaxSquaredError(_SoftmaxLoss):
    """1/2 ||onehot(y) - softmax(z)||^2.

    With p = softmax(z) and g = p - t, the chain rule through the softmax
    Jacobian diag(p) - p p^T gives p * (g - <p, g>).
    """

    name = "squared_error"

    def value_and_gradient(self, T, Z, G):
        P = softmax(Z)
        np.subtract(P, T, out=G)
        values = 0.5 * row_sums(G * G)
        inner = row_sums(P * G)[:, None]
        G -= inner
        G *= P
        return values


class SoftmaxHinge(_SoftmaxLoss):
    """Multiclass hinge sum_{k != y} max(0, 1 - z_y + z_k) (Weston-Watkins).

    The gradient is +1 for each violating class k and minus the number of
    violators for the true class y.
    """

    name = "hinge"

    def value_and_gradient(self, T, Z, G):
        z_true = row_sums(T * Z)[:, None]
        margin = 1.0 - z_true + Z
        margin[T.astype(bool)] = 0.0
        active = margin > 0
        np.copyto(G, active)
        G -= T * row_sums(active.astype(G.dtype))[:, None]
        return row_sums(np.where(active, margin, 0.0))


# --------------------------------------------------------------------------
# Regression losses: averaged over outputs
# --------------------------------------------------------------------------
class _RegressionLoss(_Loss):
    out_activation = "identity"
    separable = True

    def inverse_link(self, Z):
        return Z


class SquaredError(_RegressionLoss):
    """1/2 mean over outputs of (y - z)^2; gradient (z - y) / n_outputs."""

    name = "squared_error"
    smooth_convex = True

    def value_and_gradient(self, T, Z, G):
        np.subtract(Z, T, out=G)
        values = 0.5 * (G * G).mean(axis=1)
        G /= Z.shape[1]
        return values


class AbsoluteError(_RegressionLoss):
    """mean over outputs of |y - z|; subgradient sign(z - y) / n_outputs."""

    name = "absolute_error"

    def value_and_gradient(self, T, Z, G):
        np.subtract(Z, T, out=G)
        values = np.abs(G).mean(axis=1)
        np.sign(G, out=G)
        G /= Z.shape[1]
        return values


class Huber(_RegressionLoss):
    """Huber loss with threshold delta, averaged over outputs.

    For r = z - y: r^2 / 2 where |r| <= delta, delta (|r| - delta / 2) beyond;
    the gradient is r clipped to [-delta, delta].
    """

    name = "huber"
    smooth_convex = True

    def __init__(self, delta=1.0):
        self.delta = delta

    @classmethod
    def from_estimator(cls, estimator):
        return cls(estimator.huber_delta)

    def value_and_gradient(self, T, Z, G):
        d = self.delta
        np.subtract(Z, T, out=G)
        abs_r = np.abs(G)
        values = np.where(abs_r <= d, 0.5 * G * G, d * (abs_r - 0.5 * d)).mean(axis=1)
        np.clip(G, -d, d, out=G)
        G /= Z.shape[1]
        return values


class Poisson(_RegressionLoss):
    """Poisson negative log-likelihood exp(z) - y z (up to a constant) with a log link.

    The prediction is exp(z); the gradient is (exp(z) - y) / n_outputs.
    """

    name = "poisson"
    smooth_convex = True
    out_activation = "exp"

    @classmethod
    def check_targets(cls, y):
        if np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative targets y.")

    def inverse_link(self, Z):
        return np.exp(Z)

    def value_and_gradient(self, T, Z, G):
        np.exp(Z, out=G)
        values = (G - T * Z).mean(axis=1)
        G -= T
        G /= Z.shape[1]
        return values


#: Losses for independent sigmoid units (binary, one-vs-rest, multilabel).
SIGMOID_LOSSES = {
    "log_loss": SigmoidLogLoss,
    "squared_error": SigmoidSquaredError,
    "hinge": SigmoidHinge,
}
#: Losses for a softmax over classes (multinomial).
SOFTMAX_LOSSES = {
    "log_loss": SoftmaxLogLoss,
    "squared_error": SoftmaxSquaredError,
    "hinge": SoftmaxHinge,
}
#: Regression losses.
REGRESSION_LOSSES = {
    "squared_error": SquaredError,
    "absolute_error": AbsoluteError,
    "huber": Huber,
    "poisson": Poisson,
}
