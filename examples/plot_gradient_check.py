r"""
=============================================================
Gradient checking: backpropagation against finite differences
=============================================================

Backpropagation computes the gradient of the training objective :math:`J`
with the chain rule, one layer at a time from the output back to the input.
A gradient computed that way is easy to get subtly wrong, and the classic
way to test it is to compare it with a numerical estimate: nudge one
parameter :math:`\theta_j` by a small :math:`h` in both directions and
measure the slope,

.. math::

    \frac{\partial J}{\partial \theta_j} \approx
    \frac{J(\theta + h e_j) - J(\theta - h e_j)}{2h},

whose error shrinks like :math:`h^2`.

:func:`sklearn_nn.inspection.gradients` returns the gradient that the
estimators train with, computed by their own forward and backward passes.
This example writes :math:`J` from its definition, using nothing but the
model's public predictions, checks ``gradients`` against its finite
differences, sweeps :math:`h` to show the two sources of error of a finite
difference, calls :func:`~sklearn_nn.inspection.check_gradients`, which does
all of this in one line, and shows that one plain SGD step of
:class:`~sklearn_nn.MLPClassifierScratch` moves its weights by exactly
:math:`-\eta` times ``gradients``.
"""

# %%
# A tiny model and its gradient
# -----------------------------
# Thirty rows, four features, three classes and random sample weights; a
# hidden layer of five ``tanh`` units and an L2 penalty, so that every term
# of the objective is exercised. The model uses plain SGD (no momentum) on
# the whole data at once: each call of ``partial_fit`` then makes exactly one
# update :math:`\theta \leftarrow \theta - \eta\, \nabla J(\theta)`. One
# call from the random initial weights gives a fitted model; its parameters
# after that call are the point where we check.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import make_classification

from sklearn_nn import MLPClassifierScratch
from sklearn_nn.inspection import check_gradients, gradients, trace

X, y = make_classification(
    n_samples=30, n_features=4, n_informative=3, n_redundant=0, n_classes=3, random_state=0
)
sample_weight = np.random.RandomState(0).uniform(0.5, 2.0, size=len(y))
classes = np.unique(y)
alpha, eta = 0.5, 0.1

model = MLPClassifierScratch(
    hidden_layer_sizes=(5,),
    activation="tanh",
    solver="sgd",
    momentum=0.0,
    batch_size=len(y),
    learning_rate_init=eta,
    alpha=alpha,
    random_state=0,
)
model.partial_fit(X, y, sample_weight=sample_weight, classes=classes)

coef_grads, intercept_grads = gradients(model, X, y, sample_weight=sample_weight)
# The model's own arrays and their gradients, layer by layer.
names = ["W1", "b1", "W2", "b2"]
params = [model.coefs_[0], model.intercepts_[0], model.coefs_[1], model.intercepts_[1]]
grads = [coef_grads[0], intercept_grads[0], coef_grads[1], intercept_grads[1]]
backprop = np.concatenate([g.ravel() for g in grads])
for name, p, g in zip(names, params, grads):
    print(f"{name}: parameter shape {p.shape}, gradient shape {g.shape}")

# %%
# The objective, from its definition
# ----------------------------------
# For rows with weights :math:`s_i`, :math:`n = \sum_i s_i`, and the
# predicted probability :math:`p_{i, y_i}` of each row's class,
#
# .. math::
#
#     J = \frac{\sum_i s_i\, (-\log p_{i, y_i})}{\sum_i s_i}
#         + \frac{\alpha}{2n} \left(\lVert W_1 \rVert^2 + \lVert W_2 \rVert^2\right).
#
# The biases are not penalised. Everything here comes from the public
# API: ``predict_proba`` for the loss and ``coefs_`` for the penalty.
n = sample_weight.sum()
column = np.searchsorted(model.classes_, y)


def objective():
    p = model.predict_proba(X)[np.arange(len(y)), column]
    penalty = alpha / (2 * n) * sum((W**2).sum() for W in model.coefs_)
    return np.dot(sample_weight, -np.log(p)) / n + penalty


print(f"J from the definition: {objective():.12f}")


# %%
# Central differences, one parameter at a time
# --------------------------------------------
# ``coefs_`` and ``intercepts_`` are the model's parameters themselves, so
# moving an entry in place moves the model. Each entry is nudged by
# :math:`\pm h` (and by :math:`\pm 2h` for the five-point formula of the
# next section) and put back.
def central_differences(h):
    """The two-point and the five-point central differences of J, entry by entry."""
    two_point, five_point = [], []
    for p in params:
        for j in np.ndindex(p.shape):
            theta = p[j]
            values = []
            for step in (h, -h, 2 * h, -2 * h):
                p[j] = theta + step
                values.append(objective())
            p[j] = theta
            two_point.append((values[0] - values[1]) / (2 * h))
            five_point.append((8 * (values[0] - values[1]) - (values[2] - values[3])) / (12 * h))
    return np.array(two_point), np.array(five_point)


def relative_difference(a, b):
    """|a - b| relative to the larger of the two (and to a thousandth of the largest entry)."""
    floor = 1e-3 * np.abs(a).max()
    return np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)


numeric, _ = central_differences(1e-6)
print(f"{backprop.size} parameters")
difference = relative_difference(backprop, numeric).max()
print(f"largest relative difference, gradients() vs central differences: {difference:.1e}")

# %%
# What a bug looks like
# ---------------------
# A backward pass that forgets the activation's derivative :math:`\tanh'(z_1)
# = 1 - a_1^2` still gives the right gradients of the output layer, and
# wrong ones for the hidden layer that the missing factor feeds. The
# intermediate quantities of the pass (:func:`~sklearn_nn.inspection.trace`)
# make the buggy version a two-liner: pass the output delta back through
# :math:`W_2^\top` and stop there.
t = trace(model, X, y, sample_weight=sample_weight)
buggy_delta_1 = t.deltas[1] @ model.coefs_[1].T  # missing: * (1 - t.activations[0] ** 2)
buggy_W1 = X.T @ buggy_delta_1 + alpha / n * model.coefs_[0]
buggy_b1 = buggy_delta_1.sum(axis=0)
buggy = np.concatenate([buggy_W1.ravel(), buggy_b1, coef_grads[1].ravel(), intercept_grads[1]])
difference = relative_difference(buggy, numeric).max()
print(f"largest relative difference without tanh'(z_1) (a bug): {difference:.1e}")

# %%
# The relative differences, parameter by parameter. The package's gradient
# agrees with the numerical one to many digits; what is left comes from
# rounding in :math:`J(\theta \pm h e_j)` and from the :math:`h^2` term of
# the central difference. The bug shows up as differences of order 0.1 to
# 1, and only in :math:`W_1` and :math:`b_1`: a gradient check tells not
# only *that* a gradient is wrong but *where*.
sizes = [p.size for p in params]
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
index = np.arange(backprop.size)
ax.semilogy(index, np.maximum(relative_difference(backprop, numeric), 1e-14), "o", label="gradients()")
ax.semilogy(index, relative_difference(buggy, numeric), "x", label="backprop without tanh'(z_1)")
for boundary in np.cumsum(sizes)[:-1]:
    ax.axvline(boundary - 0.5, color="0.7", linewidth=0.8)
for start, size, name in zip(np.cumsum([0, *sizes[:-1]]), sizes, names):
    ax.text(start + size / 2 - 0.5, 8.0, name, ha="center")
ax.set(xlabel="parameter index", ylabel="relative difference", ylim=(1e-14, 50))
_ = ax.legend(loc="lower right")

# %%
# How small should h be?
# ----------------------
# A finite difference makes two errors. Taylor's formula gives the
# *truncation* error: the two-point difference equals the derivative plus
# :math:`h^2 J'''/6 + O(h^4)`, and the five-point difference
#
# .. math::
#
#     \frac{8\,[J(\theta + h e_j) - J(\theta - h e_j)] - [J(\theta + 2h e_j) - J(\theta - 2h e_j)]}{12h}
#
# cancels the :math:`h^2` term too, leaving :math:`O(h^4)`. But each value
# of :math:`J` is rounded, with an error of about
# :math:`\varepsilon_\text{machine} |J|` (:math:`\varepsilon_\text{machine}
# \approx 2.2 \times 10^{-16}` in float64), and the difference divides it by
# :math:`h`: a *rounding* error of order :math:`\varepsilon_\text{machine} /
# h`, which grows as :math:`h` shrinks. The sum is smallest near
# :math:`h \approx \varepsilon^{1/3} \approx 10^{-5}` for the two-point
# difference and :math:`h \approx \varepsilon^{1/5} \approx 10^{-3}` for the
# five-point one, which is why ``check_gradients`` takes the five-point
# formula with a relative step of ``eps=1e-4``.
steps = np.logspace(-1, -11, 21)
differences = [central_differences(h) for h in steps]
errors = {
    "two-point": [relative_difference(backprop, two).max() for two, _ in differences],
    "five-point": [relative_difference(backprop, five).max() for _, five in differences],
}
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
for label, values in errors.items():
    ax.loglog(steps, values, "o-", label=label)
ax.loglog(steps[:6], 3 * errors["two-point"][0] * (steps[:6] / steps[0]) ** 2, "k:", label="slope 2")
ax.loglog(steps[:5], 3 * errors["five-point"][0] * (steps[:5] / steps[0]) ** 4, "k--", label="slope 4")
ax.loglog(steps[-8:], 0.3 * errors["two-point"][-1] * steps[-1] / steps[-8:], "k-.", label="slope -1")
ax.set(xlabel="step h", ylabel="largest relative difference", title="Truncation against rounding")
ax.invert_xaxis()
_ = ax.legend()
for label, values in errors.items():
    best = int(np.argmin(values))
    print(f"{label:10s}: smallest difference {values[best]:.1e} at h = {steps[best]:.0e}")

# %%
# From right to left the plot reads: large steps, where the truncation
# error falls with slope 2 (two-point) or 4 (five-point) as :math:`h`
# shrinks; a floor; and small steps, where the rounding error grows like
# :math:`1/h`. Below :math:`h \approx 10^{-10}` the differences of
# :math:`J` are a few units of its last place, and the estimate is noise.
#
# The whole check in one call
# ---------------------------
# ``check_gradients`` moves every parameter by :math:`\pm h` and
# :math:`\pm 2h`, :math:`h` = ``eps`` :math:`\max(1, |\theta_j|)`, takes the
# five-point difference of the estimator's own :math:`J` in float64, and
# returns the largest relative difference, measured as above.
print(f"check_gradients: {check_gradients(model, X, y, sample_weight=sample_weight):.1e}")

# %%
# The package takes the same gradient step
# ----------------------------------------
# One more ``partial_fit`` makes one update from the parameters checked
# above, with the gradient there: every parameter must move by
# :math:`-\eta` times ``gradients``, and ``loss_`` must be the :math:`J` of
# the parameters it started from.
J_before = objective()
before = [p.copy() for p in params]
model.partial_fit(X, y, sample_weight=sample_weight)
print(f"J from the definition: {J_before:.12f}")
print(f"model.loss_:           {model.loss_:.12f}")
after = [model.coefs_[0], model.intercepts_[0], model.coefs_[1], model.intercepts_[1]]
for name, p0, p1, g in zip(names, before, after, grads):
    gap = np.abs(p1 - (p0 - eta * g)).max()
    print(f"{name}: largest difference between the update and -eta * gradients(): {gap:.1e}")

# %%
# The two agree to rounding error: ``gradients`` is the gradient the
# training loop steps along.
plt.show()
