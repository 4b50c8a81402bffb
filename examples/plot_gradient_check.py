r"""
=============================================================
Gradient checking: backpropagation against finite differences
=============================================================

Backpropagation computes the gradient of the training objective with the
chain rule, one layer at a time from the output back to the input. A
gradient computed that way is easy to get subtly wrong, and the classic way
to test it is to compare it with a numerical estimate: nudge one parameter
:math:`\theta_j` by a small :math:`h` in both directions and measure the
slope,

.. math::

    \frac{\partial J}{\partial \theta_j} \approx
    \frac{J(\theta + h e_j) - J(\theta - h e_j)}{2h},

whose error shrinks like :math:`h^2`.

The estimators do not expose their gradient, so this example writes the
forward and backward passes of a network with one hidden layer in a few
lines of NumPy, checks them against central differences, and then shows that
one plain gradient step of :class:`~sklearn_nn.MLPClassifierScratch` moves
its weights by exactly minus the learning rate times that gradient: the
package computes the same derivatives.
"""

# %%
# A tiny model and its parameters
# -------------------------------
# Thirty rows, four features, three classes and random sample weights; a
# hidden layer of five ``tanh`` units and an L2 penalty, so that every term
# of the objective is exercised. The model uses plain SGD (no momentum) on
# the whole data at once: each call of ``partial_fit`` then makes exactly one
# update :math:`\theta \leftarrow \theta - \eta\, \nabla J(\theta)`.
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import log_softmax, softmax
from sklearn.datasets import make_classification

from sklearn_nn import MLPClassifierScratch

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
# One update from the random initial weights, just to get a model with
# parameters; its weights after this call are the point where we check.
model.partial_fit(X, y, sample_weight=sample_weight, classes=classes)
W1, W2 = (W.copy() for W in model.coefs_)
b1, b2 = (b.copy() for b in model.intercepts_)
print("weight shapes:", W1.shape, W2.shape, " bias shapes:", b1.shape, b2.shape)

# %%
# The objective, from its definition
# ----------------------------------
# For rows with weights :math:`s_i`, :math:`n = \sum_i s_i`, logits
# :math:`z_i` and the cross-entropy :math:`\ell` of a softmax output,
#
# .. math::
#
#     J = \frac{\sum_i s_i\, \ell(y_i, z_i)}{\sum_i s_i}
#         + \frac{\alpha}{2n} \left(\lVert W_1 \rVert^2 + \lVert W_2 \rVert^2\right).
#
# The biases are not penalised. ``coefs_[l]`` has shape
# (fan_in, fan_out), so a layer computes ``inputs @ W + b``.
onehot = (y[:, None] == classes).astype(float)
n = sample_weight.sum()


def objective(W1, b1, W2, b2):
    hidden = np.tanh(X @ W1 + b1)
    logits = hidden @ W2 + b2
    losses = -(log_softmax(logits, axis=1) * onehot).sum(axis=1)
    penalty = alpha / (2 * n) * ((W1**2).sum() + (W2**2).sum())
    return np.dot(sample_weight, losses) / n + penalty


# %%
# The backward pass: the chain rule, layer by layer
# -------------------------------------------------
# Going forward, the computation is a chain
# :math:`X \to u = X W_1 + b_1 \to a = \tanh(u) \to z = a W_2 + b_2 \to J`.
# Going backward, each step multiplies the incoming derivative by the local
# derivative of one link:
#
# * at the output, the derivative of the weighted mean cross-entropy with
#   respect to the logits is :math:`(\mathrm{softmax}(z_i) - \mathrm{onehot}(y_i))\, s_i / n`;
# * :math:`z = a W_2 + b_2` passes it to :math:`W_2` (as :math:`a^\top \delta`),
#   to :math:`b_2` (summed over rows) and to :math:`a` (as :math:`\delta W_2^\top`);
# * :math:`a = \tanh(u)` multiplies it elementwise by :math:`1 - a^2`;
# * :math:`u = X W_1 + b_1` passes it to :math:`W_1` and :math:`b_1`;
# * the penalty adds :math:`(\alpha / n)\, W` to each weight gradient.
def backprop(W1, b1, W2, b2, tanh_derivative=True):
    hidden = np.tanh(X @ W1 + b1)  # forward, keeping what the backward pass needs
    logits = hidden @ W2 + b2
    delta_out = (softmax(logits, axis=1) - onehot) * (sample_weight / n)[:, None]  # dJ/dz
    grad_W2 = hidden.T @ delta_out + alpha / n * W2
    grad_b2 = delta_out.sum(axis=0)
    delta_hidden = delta_out @ W2.T  # dJ/da
    if tanh_derivative:
        delta_hidden *= 1 - hidden**2  # dJ/du = dJ/da * tanh'(u)
    grad_W1 = X.T @ delta_hidden + alpha / n * W1
    grad_b1 = delta_hidden.sum(axis=0)
    return grad_W1, grad_b1, grad_W2, grad_b2


# %%
# Central differences, one parameter at a time
# --------------------------------------------
# All parameters go into one flat vector (the same order as the tuple above),
# and each is nudged by :math:`h = 10^{-6}` in both directions.
params = [W1, b1, W2, b2]
names = ["W1", "b1", "W2", "b2"]
sizes = [p.size for p in params]


def unflatten(theta):
    pieces = np.split(theta, np.cumsum(sizes)[:-1])
    return [piece.reshape(p.shape) for piece, p in zip(pieces, params)]


def numerical_gradient(theta, h=1e-6):
    grad = np.empty_like(theta)
    for j in range(theta.size):
        step = np.zeros_like(theta)
        step[j] = h
        grad[j] = (objective(*unflatten(theta + step)) - objective(*unflatten(theta - step))) / (2 * h)
    return grad


theta = np.concatenate([p.ravel() for p in params])
numerical = numerical_gradient(theta)
analytic = np.concatenate([g.ravel() for g in backprop(*params)])
wrong = np.concatenate([g.ravel() for g in backprop(*params, tanh_derivative=False)])


def relative_error(a, b):
    return np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)


print(f"{theta.size} parameters")
print(f"largest relative error, backprop:               {relative_error(analytic, numerical).max():.1e}")
print(f"largest relative error, without tanh'(u) (bug): {relative_error(wrong, numerical).max():.1e}")

# %%
# The relative errors, parameter by parameter. The correct gradient agrees
# with the numerical one to many digits: every relative error is below
# :math:`10^{-6}`, most are near :math:`10^{-9}`, and what is left comes from
# rounding in :math:`J(\theta \pm h e_j)` and from the :math:`h^2` term of
# the central difference. A bug shows up as far larger errors, most of them
# between 0.1 and 1. The deliberately broken backward pass forgets the factor
# :math:`\tanh'(u)`: the gradients of the output layer stay right, those of
# the hidden layer, which the missing factor feeds, go wrong. That is how a
# gradient check tells not only *that* a gradient is wrong but *where*.
fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
index = np.arange(theta.size)
ax.semilogy(index, relative_error(analytic, numerical), "o", label="backprop")
ax.semilogy(index, relative_error(wrong, numerical), "x", label="backprop without tanh'(u)")
for boundary in np.cumsum(sizes)[:-1]:
    ax.axvline(boundary - 0.5, color="0.7", linewidth=0.8)
for start, size, name in zip(np.cumsum([0, *sizes[:-1]]), sizes, names):
    ax.text(start + size / 2 - 0.5, 2.0, name, ha="center")
ax.set(xlabel="parameter index", ylabel="relative error", ylim=(1e-13, 10))
ax.legend(loc="center right")

# %%
# The package takes the same gradient step
# ----------------------------------------
# ``partial_fit`` reports in ``loss_`` the objective of the parameters it
# started from, and then makes one update with the gradient at those
# parameters. So one more call, from the parameters checked above, must give
# ``loss_`` equal to our :math:`J` and move every parameter by
# :math:`-\eta` times our backprop gradient.
before = dict(zip(names, params))
gradient = dict(zip(names, backprop(*params)))
model.partial_fit(X, y, sample_weight=sample_weight)
after = {"W1": model.coefs_[0], "b1": model.intercepts_[0], "W2": model.coefs_[1], "b2": model.intercepts_[1]}

print(f"J from the definition: {objective(*params):.12f}")
print(f"model.loss_:           {model.loss_:.12f}")
for name in names:
    gap = np.abs(after[name] - (before[name] - eta * gradient[name])).max()
    print(f"{name}: largest difference between the package's update and -eta * our gradient: {gap:.1e}")

# %%
# The two agree to rounding error: the package's backward pass, which works
# on one flat parameter buffer and reuses its work arrays, computes the same
# derivatives as these few explicit lines.
plt.show()
