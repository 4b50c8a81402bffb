r"""
=====================================
Vanishing gradients in a deep network
=====================================

Backpropagation sends the error of the output back through the layers, and
each layer multiplies it by its weights and by the derivative of its
activation. When that product is smaller than one per layer, the deltas,
and with them the gradients, shrink geometrically towards the input: the
first layers barely learn. This example trains a six-layer network (five
hidden layers of 32 units) on the digits with ``monitor_gradients=True``,
which records each layer's gradient norm and update ratio per epoch in
``history_``, and compares logistic units with ReLU units, each with two
of the initialisations that ``weight_init`` offers.
"""

# %%
# The data and the networks
# -------------------------
# The 8 x 8 digits, 1797 rows, standardised. Plain SGD with momentum,
# mini-batches of 200 rows, 30 epochs, one ``partial_fit`` call each (and
# ``n_iter_no_change=np.inf``, so that no run stops early). After the first epoch, while the
# weights are still close to their initial values, ``trace`` keeps the
# forward and backward pass of the whole training set: its deltas show the
# shrinking directly.
import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import MLPClassifierScratch
from sklearn_nn.inspection import trace
from sklearn_nn.plot import LossCurveDisplay

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
classes = np.unique(y)
EPOCHS = 30
RUNS = [
    ("logistic", "glorot_uniform"),
    ("logistic", "he_normal"),
    ("relu", "glorot_uniform"),
    ("relu", "he_normal"),
]


def train(activation, weight_init):
    model = MLPClassifierScratch(
        hidden_layer_sizes=(32,) * 5,
        activation=activation,
        weight_init=weight_init,
        solver="sgd",
        learning_rate_init=0.05,
        momentum=0.9,
        monitor_gradients=True,
        n_iter_no_change=np.inf,  # no patience rule: every run gets its 30 epochs
        random_state=0,
    )
    model.partial_fit(X, y, classes=classes)
    first_epoch = trace(model, X, y)
    for _ in range(EPOCHS - 1):
        model.partial_fit(X, y)
    return model, first_epoch


fits = {run: train(*run) for run in RUNS}
for (activation, weight_init), (model, _) in fits.items():
    print(
        f"{activation:8s} {weight_init:14s}: training accuracy after {EPOCHS} epochs {model.score(X, y):.3f}"
    )

# %%
# The logistic networks learn nothing in 30 epochs: their accuracy is that
# of guessing. The ReLU networks fit the training set.
#
# Why the deltas shrink
# ---------------------
# The backward pass computes the delta of hidden layer :math:`l` from the
# layer above,
#
# .. math::
#
#     \delta_l = (\delta_{l+1} W_{l+1}^\top) \odot f'(z_l).
#
# With random weights of variance :math:`\operatorname{Var}(W)`, each of
# the :math:`n_l` entries of :math:`\delta_{l+1} W_{l+1}^\top` sums many
# products of a delta and a weight, so that its size is about
# :math:`\sqrt{\operatorname{Var}(W)}\, \lVert \delta_{l+1} \rVert` and
#
# .. math::
#
#     \frac{\lVert \delta_l \rVert}{\lVert \delta_{l+1} \rVert} \approx
#     \sqrt{n_l \operatorname{Var}(W_{l+1})} \cdot \operatorname{rms} f'(z_l).
#
# The logistic function's derivative :math:`\sigma'(z) = \sigma(z)(1 -
# \sigma(z))` is at most :math:`1/4`, at :math:`z = 0`. The default
# ``weight_init='glorot_uniform'`` draws a logistic network's weights from
# :math:`U(-b, b)` with :math:`b = \sqrt{2 / (\text{fan\_in} +
# \text{fan\_out})}` (scikit-learn's factor 2; 6 for the other
# activations), so :math:`\operatorname{Var}(W) = b^2 / 3 = 1/96` between
# two layers of 32 units, :math:`\sqrt{32 / 96} = 0.58`, and every layer
# multiplies the delta by at most :math:`0.58 / 4 = 0.14`: five layers by
# :math:`0.14^5 \approx 6 \times 10^{-5}`.
#
# ReLU's derivative is 1 for the active units and 0 for the others, about
# half of them: :math:`\operatorname{rms} f' \approx \sqrt{1/2}`.
# ``'he_normal'`` draws :math:`N(0, 2 / \text{fan\_in})`, whose variance
# :math:`2 / 32` makes the factor :math:`\sqrt{32 \cdot 2/32 \cdot 1/2} = 1`:
# the deltas keep their size through any number of layers. Glorot's
# :math:`\operatorname{Var}(W) = 2 / (32 + 32)` gives :math:`\sqrt{1/2} =
# 0.71` per layer instead.
#
# The trace of the first epoch gives both sides of the approximation: the
# measured ratio of the delta norms of consecutive layers, and the right-hand
# side computed from the weights and the pre-activations.


def derivative(activation, z, a):
    return a * (1 - a) if activation == "logistic" else (z > 0).astype(float)


def rms(values):
    return float(np.sqrt(np.mean(values**2)))


for (activation, weight_init), (model, t) in fits.items():
    norms = [np.linalg.norm(delta) for delta in t.deltas]
    measured = [norms[l] / norms[l + 1] for l in range(5)]
    predicted = [
        np.sqrt(t.activations[l].shape[1] * np.mean(model.coefs_[l + 1] ** 2))
        * rms(derivative(activation, t.pre_activations[l], t.activations[l]))
        for l in range(5)
    ]
    print(f"{activation} units, {weight_init}: ||delta_l|| / ||delta_(l+1)||, hidden layers 1 to 5")
    print("  measured:             ", "  ".join(f"{v:.3f}" for v in measured))
    print("  sqrt(n Var W) rms f':", "  ".join(f"{v:.3f}" for v in predicted))
    print(f"  ||delta_1|| / ||delta_6|| = {norms[0] / norms[-1]:.1e}")

# %%
# The factors agree with the estimate, about 0.14 per layer for logistic
# units with the default initialisation: the first hidden layer receives a
# delta some ten thousand times smaller than the output's. ``'he_normal'``
# doubles the logistic factor, still far from 1: to pass the delta on
# unchanged, the weights would have to be four times larger than He's, and
# then :math:`z` spreads out, the units saturate and :math:`\sigma'` falls
# further below :math:`1/4`. ReLU with He's initialisation keeps the
# factor near 1.
#
# The recorded gradient norms
# ---------------------------
# ``history_['grad_norm']`` holds, per epoch, the mean over its updates of
# :math:`\lVert \partial J / \partial W_l \rVert` for each layer, the input
# layer first, and ``history_['update_ratio']`` the mean size of the
# updates of :math:`W_l` relative to :math:`\lVert W_l \rVert`. Here they are
# for the first epoch:
for (activation, weight_init), (model, _) in fits.items():
    grad_norm = np.array(model.history_["grad_norm"][0])
    update_ratio = np.array(model.history_["update_ratio"][0])
    print(f"{activation} units, {weight_init}: first epoch, layers 1 (input) to 6 (output)")
    print("  grad_norm:   ", "  ".join(f"{v:.1e}" for v in grad_norm))
    print("  update_ratio:", "  ".join(f"{v:.1e}" for v in update_ratio))
    print(f"  grad_norm input / output layer: {grad_norm[0] / grad_norm[-1]:.1e}")

# %%
# The gradient of :math:`W_l` is :math:`a_{l-1}^\top \delta_l`: the delta of
# its layer times the activations that feed it. Logistic activations stay
# near 1/2 at every depth, so the weight gradients shrink as the deltas do,
# by a factor of some 3000 from the output to the input layer. Their update
# ratios, around :math:`10^{-5}` in the first layers, are far below the
# rule of thumb of about :math:`10^{-3}` for a layer that learns at a
# healthy pace.
#
# The ReLU network with Glorot's weights is subtler: its deltas shrink by
# 0.7 per layer towards the input, but its activations shrink by about the
# same factor towards the output (the forward pass has the same gain), so
# the two effects cancel in :math:`a_{l-1}^\top \delta_l` and the weight
# gradients look balanced, only smaller than with He's weights. Both ReLU
# networks learn; the one with He's weights gets larger gradients and
# larger steps at the start (update ratios near :math:`10^{-2}`, on the
# large side: a smaller learning rate would do as well).
print("root mean square of the activations a_0 (= X) to a_5, ReLU units, first epoch:")
for weight_init in ("glorot_uniform", "he_normal"):
    t = fits["relu", weight_init][1]
    print(f"  {weight_init:14s}", "  ".join(f"{rms(a):.2f}" for a in [t.X, *t.activations[:-1]]))

# %%
# Gradient norm against depth
# ---------------------------
# The first epoch's gradient norm of each layer, on a log scale: the
# logistic networks' gradients fall by three orders of magnitude (with the
# default initialisation) from the output layer to the input layer; the
# ReLU networks' stay level.
fig, ax = plt.subplots(figsize=(7, 4.5), layout="constrained")
layers = np.arange(1, 7)
for (activation, weight_init), (model, _) in fits.items():
    ax.semilogy(layers, model.history_["grad_norm"][0], "o-", label=f"{activation}, {weight_init}")
ax.set(xlabel="layer (1 = input, 6 = output)", ylabel="gradient norm ||dJ/dW_l||, first epoch")
_ = ax.legend()

# %%
# Over the epochs
# ---------------
# :class:`~sklearn_nn.plot.LossCurveDisplay` draws the records of a model
# fitted with ``monitor_gradients=True`` in a gradient panel next to its
# loss: each layer's gradient norm (solid) and update ratio (dashed, right
# axis) per epoch. For the logistic network with the default
# initialisation, the layers stay apart by orders of magnitude, the loss
# stays at :math:`\log 10 \approx 2.3` (a uniform guess over ten classes)
# and the update ratios of the first layers never approach
# :math:`10^{-3}`. For ReLU with He's initialisation, all layers move
# together, the loss falls, and the gradients shrink as the network fits
# the data.
fig, axes = plt.subplots(2, 2, figsize=(12, 8.5), layout="constrained")
for row, run in zip(axes, [("logistic", "glorot_uniform"), ("relu", "he_normal")]):
    display = LossCurveDisplay.from_estimator(fits[run][0], ax=row, name=f"{run[0]} units, {run[1]}")
plt.show()
