r"""
=======================
Backpropagation by hand
=======================

A network small enough to follow every number: two inputs, three hidden
``tanh`` units and two outputs (a 2-3-2 network), on four rows.
:func:`sklearn_nn.inspection.trace` runs one forward and one backward pass
of the fitted model and keeps every intermediate quantity; this example
prints it, then recomputes each number with a line of NumPy, in the order of
the chain rule, and checks that both agree. Run it, change a row or a
weight, and check your own pencil-and-paper computation against it.

Which 2-3-2 network? A binary classifier of this package has *one*
sigmoid output unit, not two, so two classes would give a 2-3-1 network.
Two outputs come either from a regressor with two targets or from a
classifier with two *labels* (a multilabel target: each row has two yes/no
answers, and each output is a sigmoid unit with its own log loss). The
multilabel classifier is the one chosen here because its chain rule reads
best: the output has a link function, the sigmoid, and the log loss's
derivative cancels the sigmoid's, so that each output unit's delta is its
own prediction error. A regressor would show the same backward pass with
the identity as output link, and a factor :math:`1/m` from the mean over
its :math:`m` outputs.
"""

# %%
# Four rows, two labels
# ---------------------
# The rows are :math:`a_0 = X` (4 x 2) and the targets :math:`T` (4 x 2),
# one 0/1 column per label. One call of ``partial_fit`` with plain SGD on
# the whole batch makes one update from the random initial weights; the
# model after it is the one we trace. ``alpha`` adds an L2 penalty, so that
# its term appears in the weight gradients.
import matplotlib.pyplot as plt
import numpy as np

from sklearn_nn import MLPClassifierScratch
from sklearn_nn.inspection import Trace, trace

X = np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.5, -1.0]])
T = np.array([[1, 0], [0, 1], [1, 1], [0, 0]])
alpha = 0.1

model = MLPClassifierScratch(
    hidden_layer_sizes=(3,),
    activation="tanh",
    alpha=alpha,
    solver="sgd",
    momentum=0.0,
    batch_size=4,
    learning_rate_init=0.5,
    random_state=0,
)
model.partial_fit(X, T, classes=[0, 1])
W1, W2 = model.coefs_
b1, b2 = model.intercepts_
print(f"W1 {W1.shape}, b1 {b1.shape}, W2 {W2.shape}, b2 {b2.shape}; output link: {model.out_activation_}")

# %%
# The trace
# ---------
# ``print(trace(...))`` shows the forward pass (:math:`z_l = a_{l-1} W_l +
# b_l` and :math:`a_l = f(z_l)`) and the backward pass (the deltas
# :math:`\delta_l = \partial J / \partial z_l` and the gradients), layer by
# layer, with their shapes. The :class:`~sklearn_nn.inspection.Trace` keeps
# them as lists of arrays, layer :math:`l` at index :math:`l - 1`.
t = trace(model, X, T)
assert isinstance(t, Trace)
print(t)

# %%
# The forward pass
# ----------------
# Each row goes through an affine map and the activation:
#
# .. math::
#
#     z_1 = X W_1 + b_1, \qquad a_1 = \tanh(z_1), \qquad
#     z_2 = a_1 W_2 + b_2, \qquad a_2 = \sigma(z_2) = \frac{1}{1 + e^{-z_2}}.
#
# :math:`a_2` holds the predicted probability of each label: it is
# ``predict_proba``.
z1 = X @ W1 + b1
a1 = np.tanh(z1)
z2 = a1 @ W2 + b2
a2 = 1 / (1 + np.exp(-z2))


def agree(name, ours, traced):
    assert np.allclose(ours, traced, rtol=1e-10, atol=1e-14), name
    print(f"{name:8s} agrees with the trace: largest difference {np.abs(ours - traced).max():.1e}")


agree("z1", z1, t.pre_activations[0])
agree("a1", a1, t.activations[0])
agree("z2", z2, t.pre_activations[1])
agree("a2", a2, t.activations[1])
agree("proba", a2, model.predict_proba(X))  # the prediction itself

# %%
# The objective
# -------------
# With :math:`n = 4` rows (no sample weights), the log loss of every label
# of every row, averaged over the rows, plus the penalty:
#
# .. math::
#
#     J = \frac1n \sum_{i} \sum_{k} \bigl[-t_{ik} \log a_{2,ik}
#         - (1 - t_{ik}) \log(1 - a_{2,ik})\bigr]
#         + \frac{\alpha}{2n} \bigl(\lVert W_1 \rVert^2 + \lVert W_2 \rVert^2\bigr).
n = X.shape[0]
log_loss = -(T * np.log(a2) + (1 - T) * np.log(1 - a2)).sum(axis=1)
J = log_loss.mean() + alpha / (2 * n) * ((W1**2).sum() + (W2**2).sum())
agree("J", J, t.loss)

# %%
# The output delta
# ----------------
# The backward pass starts at the output. For one row and one label, the
# chain rule through the sigmoid gives
#
# .. math::
#
#     \frac{\partial \ell}{\partial z} = \frac{\partial \ell}{\partial a}\,
#     \frac{\partial a}{\partial z}
#     = \frac{a - t}{a (1 - a)} \cdot a (1 - a) = a - t,
#
# and the mean over the rows divides it by :math:`n`:
# :math:`\delta_2 = (a_2 - T) / n`. The penalty does not depend on
# :math:`z_2`, so it adds nothing here.
delta2 = (a2 - T) / n
agree("delta2", delta2, t.deltas[1])

# %%
# The output layer's gradients
# ----------------------------
# :math:`z_2 = a_1 W_2 + b_2`: the entry :math:`(j, k)` of :math:`W_2`
# multiplies :math:`a_{1,ij}` in :math:`z_{2,ik}` for every row :math:`i`,
# so :math:`\partial J / \partial W_{2,jk} = \sum_i a_{1,ij}\,
# \delta_{2,ik}`, that is :math:`a_1^\top \delta_2`, plus the penalty's
# derivative :math:`(\alpha/n) W_2`. Each bias is added to every row: its
# gradient is the sum of the deltas over the rows.
dW2 = a1.T @ delta2 + alpha / n * W2
db2 = delta2.sum(axis=0)
agree("dJ/dW2", dW2, t.coef_grads[1])
agree("dJ/db2", db2, t.intercept_grads[1])
print("of which the penalty's part (alpha/n) W2:")
print(np.round(alpha / n * W2, 4))

# %%
# The hidden delta
# ----------------
# The hidden unit :math:`j` feeds both outputs through :math:`W_2`, so its
# activation receives :math:`\partial J / \partial a_{1,ij} = \sum_k
# \delta_{2,ik} W_{2,jk}`, that is :math:`\delta_2 W_2^\top`; the activation
# then multiplies by its derivative, :math:`\tanh'(z) = 1 - \tanh^2(z)`,
# elementwise:
#
# .. math::
#
#     \delta_1 = (\delta_2 W_2^\top) \odot (1 - a_1^2).
delta1 = (delta2 @ W2.T) * (1 - a1**2)
agree("delta1", delta1, t.deltas[0])

# %%
# The hidden layer's gradients
# ----------------------------
# The same rule as for the output layer, one layer down: the layer's input
# (here :math:`a_0 = X`) transposed, times its delta, plus the penalty.
dW1 = X.T @ delta1 + alpha / n * W1
db1 = delta1.sum(axis=0)
agree("dJ/dW1", dW1, t.coef_grads[0])
agree("dJ/db1", db1, t.intercept_grads[0])

# %%
# Every number of the trace has been recomputed. ``to_frame`` gives the same
# numbers as a table, one row per number (it needs pandas), handy to filter
# or to export; here the deltas:
frame = t.to_frame()
frame[frame["quantity"] == "delta"]

# %%
# The network, forward and backward
# ---------------------------------
# The left panel draws each weight as an edge (width: its size; color: red
# for positive, blue for negative), with the mean over the rows of each
# unit's activation; the right panel draws the gradient of each weight, with
# the mean over the rows of each unit's delta. Gradient descent moves every
# weight against its gradient, by :math:`-\eta\, \partial J / \partial W`:
# the thick blue edges of the right panel are the weights that the next
# step will raise the most.
layers = [X.shape[1], W1.shape[1], W2.shape[1]]
position = {(l, j): (l, (size - 1) / 2 - j) for l, size in enumerate(layers) for j in range(size)}
unit_names = [["x1", "x2"], ["h1", "h2", "h3"], ["o1", "o2"]]


def draw(ax, edges, units, title):
    """Edges labelled with ``edges`` (red > 0, blue < 0) and units with ``units`` (None: the name only)."""
    largest = max(np.abs(E).max() for E in edges)
    for l, E in enumerate(edges):
        for j, k in np.ndindex(E.shape):
            (x0, y0), (x1, y1) = position[l, j], position[l + 1, k]
            color = "tab:red" if E[j, k] > 0 else "tab:blue"
            ax.plot([x0, x1], [y0, y1], color=color, linewidth=0.5 + 5 * abs(E[j, k]) / largest, zorder=1)
            at = 0.2 + 0.2 * k / (E.shape[1] - 1)  # where along the edge its label sits
            label = dict(fontsize=7, ha="center", va="center", bbox=dict(fc="white", ec="none", pad=0.5))
            ax.text(x0 + at * (x1 - x0), y0 + at * (y1 - y0), f"{E[j, k]:.2f}", **label)
    for (l, j), (x, y) in position.items():
        ax.scatter([x], [y], s=900, color="0.92", edgecolor="0.3", zorder=2)
        text = unit_names[l][j] if units[l] is None else f"{unit_names[l][j]}\n{units[l][j]:.2f}"
        ax.text(x, y, text, ha="center", va="center", fontsize=8, zorder=3)
    ax.set_title(title)
    ax.set_xlim(-0.4, 2.4)
    ax.axis("off")


fig, (ax_forward, ax_backward) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
draw(ax_forward, [W1, W2], [X.mean(0), a1.mean(0), a2.mean(0)], "weights W, units' mean activation a")
draw(ax_backward, [dW1, dW2], [None, delta1.mean(0), delta2.mean(0)], "gradients dJ/dW, units' mean delta")
plt.show()
