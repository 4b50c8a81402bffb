r"""
============================================
Step rules, fixed steps, momentum and L-BFGS
============================================

Gradient descent with a fixed step :math:`\eta` needs to know how curved
the objective is: the safe step is :math:`1/L`, with :math:`L` a bound on
the curvature of :math:`J`. The full-batch step rules of ``solver='sgd'``
find the step themselves from values of :math:`J`:

* ``learning_rate='backtracking'`` halves a trial step until Armijo's
  sufficient-decrease condition :math:`J(\theta - a g) \le J(\theta) -
  \tfrac12 a \lVert g \rVert^2` holds, and tries a doubled step after a
  step accepted at once; with ``momentum > 0`` it takes accelerated
  (Nesterov, FISTA) steps with restarts;
* ``learning_rate='barzilai_borwein'`` (the default of the linear models)
  takes Barzilai-Borwein steps, secant estimates of the inverse curvature,
  under a nonmonotone version of the same test.

This example fits one strongly convex problem, the L2-penalised logistic
regression of the digits, with six methods and draws the gap
:math:`J - J^*` to the optimum against iterations and seconds. The
derivations are in the user guide, :ref:`step_rules`.
"""

# %%
# The problem and its optimum
# ---------------------------
# ``LogisticRegressionGD(alpha=1.0)`` on the standardised digits: ten
# one-vs-rest logistic units on 64 features, 650 parameters, 1797 rows.
# Each unit's Hessian is at most :math:`\tilde X^\top \tilde X / (4n)`
# (the sigmoid's slope is at most 1/4; :math:`\tilde X` is :math:`X` with a
# column of ones for the intercept) plus :math:`(\alpha/n) I` from the
# penalty, which bounds :math:`L`. The penalty adds :math:`\alpha / n` to
# the curvature along every weight; the smallest curvature :math:`\mu` is of
# that order (smaller, because the intercepts are not penalised), so the
# condition number :math:`L / \mu` is in the thousands.
#
# :math:`J^*` comes from a very tight L-BFGS fit. L-BFGS also stops when an
# iteration lowers :math:`J` by less than 64 machine epsilons (SciPy's
# ``ftol``, relative to :math:`\max(|J|, 1)`), which ends this fit before
# its gradient reaches ``tol=1e-12``, and some runs below get about
# :math:`10^{-13}` lower; :math:`J^*` is therefore the lowest :math:`J` that
# any run reaches.
import warnings

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

from sklearn_nn import LogisticRegressionGD

threadpool_limits(1)  # small matrices: one BLAS thread is the fastest
# The fixed-step runs stop after max_iter on purpose; no need to be warned.
warnings.filterwarnings("ignore", category=ConvergenceWarning)

X, y = load_digits(return_X_y=True)
X = StandardScaler().fit_transform(X)
n = X.shape[0]

X1 = np.hstack([X, np.ones((n, 1))])
L = np.linalg.eigvalsh(X1.T @ X1).max() / (4 * n) + 1.0 / n
print(f"L <= {L:.3f}, so the safe fixed step is 1/L = {1 / L:.3f}")
print(f"the penalty adds alpha / n = {1.0 / n:.2e} along every weight")

reference = LogisticRegressionGD(
    alpha=1.0,
    solver="lbfgs",
    tol=1e-12,
    max_iter=10000,
).fit(X, y)

# %%
# Six methods
# -----------
# The fixed-step runs use the step :math:`1/L` and make 1000 updates
# (``tol=0`` and an infinite patience: they never stop early). The step
# rules start from the default first trial step 0.1 and stop when
# :math:`\max_j |\partial J / \partial \theta_j| \le` ``tol``; with
# ``tol=1e-8`` they end far below a gap of :math:`10^{-10}`. L-BFGS gets
# the same gradient tolerance.
fixed = dict(
    learning_rate="constant",
    learning_rate_init=1 / L,
    max_iter=1000,
    tol=0.0,
    n_iter_no_change=np.inf,
)
methods = {
    "fixed step 1/L": dict(fixed, momentum=0.0),
    "Nesterov momentum 0.9, step 1/L": dict(fixed, momentum=0.9),
    "backtracking": dict(learning_rate="backtracking", momentum=0.0),
    "backtracking, momentum 0.9": dict(
        learning_rate="backtracking",
        momentum=0.9,
    ),
    "barzilai_borwein": dict(learning_rate="barzilai_borwein"),
    "L-BFGS": dict(solver="lbfgs"),
}
models = {}
for name, params in methods.items():
    settings = {"tol": 1e-8, "max_iter": 5000, **params}
    models[name] = LogisticRegressionGD(alpha=1.0, **settings).fit(X, y)


def trace(model):
    """Iterations done, seconds and J along a fit, from ``history_``.

    With a learning-rate schedule the full-batch ``loss`` of an epoch is
    J at the start of its update; the step rules and L-BFGS record J after
    each iteration. ``time`` is taken at the end of each epoch.
    """
    J = np.asarray(model.history_["loss"])
    seconds = np.asarray(model.history_["time"])
    done = np.arange(1, len(J) + 1)
    if model.solver == "sgd" and model.learning_rate == "constant":
        done, seconds = done - 1, np.r_[0.0, seconds[:-1]]
    return done, seconds, J


traces = {name: trace(model) for name, model in models.items()}
J_star = min(
    reference.loss_,
    min(J.min() for _, _, J in traces.values()),
)
above = reference.loss_ - J_star
print(f"J* = {J_star:.15f} (the L-BFGS reference is {above:.1e} above)")
print()
header = ("method", "iterations", "n_fun_evals_", "final gap", "seconds")
print("{:34s} {:>10s} {:>12s} {:>10s} {:>8s}".format(*header))
for name, model in models.items():
    print(
        f"{name:34s} {model.n_iter_:10d} {model.n_fun_evals_:12d}"
        f" {model.loss_ - J_star:10.1e} {model.history_['time'][-1]:8.2f}"
    )

# %%
# The gap per iteration and per second
# ------------------------------------
# Values of :math:`J - J^*` below :math:`10^{-15}` are rounding errors of
# :math:`J` (about 0.25 here) and are drawn at the bottom of the axes.
FLOOR = 1e-15
fig, (ax_iter, ax_time) = plt.subplots(
    1,
    2,
    figsize=(12, 4.6),
    layout="constrained",
)
for name, (done, seconds, J) in traces.items():
    gap = np.maximum(J - J_star, FLOOR)
    ax_iter.plot(done, gap, label=name)
    ax_time.plot(seconds, gap, label=name)
ax_iter.set(xscale="log", xlabel="iterations", title="Per iteration")
ax_time.set(xscale="log", xlabel="training time (s)", title="Per second")
for ax in (ax_iter, ax_time):
    ax.set(yscale="log", ylim=(FLOOR / 2, 10), ylabel="J - J*")
_ = ax_iter.legend(fontsize=8)

# %%
# Reading the curves
# ------------------
# * **The fixed step** :math:`1/L` is safe, and :math:`J` falls at every
#   update, but slowly: :math:`L` bounds the curvature everywhere, and near
#   the optimum most rows are classified confidently, the sigmoid is flat
#   for them, and the curvature is much smaller than the bound. After 1000
#   updates the gap is still above :math:`10^{-2}`.
# * **Nesterov momentum** with the same step gets orders of magnitude
#   further in the same 1000 updates, but it is still far from
#   :math:`10^{-10}`: its step is held at :math:`1/L` too.
# * **Backtracking** adapts the step to the local curvature: its accepted
#   steps (below) are ten to a hundred times :math:`1/L`. It never
#   increases :math:`J` and costs fewer than two evaluations per iteration
#   (most first trials pass, and the accepted trial's value and gradient
#   are those of the next iteration). Yet it is plain gradient descent, and
#   the problem is ill-conditioned. On a quadratic, a step :math:`a`
#   multiplies the error along a direction of curvature :math:`\lambda` by
#   :math:`1 - a\lambda`; the steepest directions keep :math:`a` below
#   about :math:`2/\lambda_{\max}`, and along the flattest ones, with
#   :math:`\lambda` near :math:`\mu`, the factor is close to 1. It needs a
#   couple of thousand iterations.
# * **Backtracking with momentum** (FISTA with restarts) is several times
#   faster; each iteration also evaluates :math:`J` at the extrapolated
#   point, hence between two and three evaluations per iteration.
# * **Barzilai-Borwein** converges in a few hundred iterations with little
#   more than one evaluation each, and per second it is close to L-BFGS.
#   Its step :math:`s^\top s / s^\top y` is the inverse of the curvature of
#   :math:`J` along the last step, and it varies: a long step
#   :math:`a \approx 1/\lambda` for a small :math:`\lambda` removes most of
#   the error along the flat directions at once (while the steep ones grow
#   for an iteration), and the short steps that follow bring the steep ones
#   down again. No single step is held back by the steepest direction.
# * **L-BFGS** builds a model of the curvature from its last ten pairs of
#   steps and gradient changes, and takes the fewest iterations.
#
# The step lengths
# ----------------
# ``history_["learning_rate"]`` holds the accepted step of every iteration
# of a step rule. The dashed line is the fixed step :math:`1/L`.
fig, ax = plt.subplots(figsize=(8, 4.2), layout="constrained")
for name in ("backtracking", "backtracking, momentum 0.9", "barzilai_borwein"):
    steps = models[name].history_["learning_rate"]
    ax.plot(np.arange(1, len(steps) + 1), steps, label=name, lw=0.8)
ax.axhline(1 / L, color="k", ls="--", lw=1, label="1/L")
ax.set(xscale="log", yscale="log", xlabel="iteration", ylabel="accepted step")
_ = ax.legend(fontsize=8)

for name in ("backtracking", "barzilai_borwein"):
    J = np.asarray(models[name].history_["loss"])
    steps = np.asarray(models[name].history_["learning_rate"])
    print(
        f"{name}: steps from {steps.min():.2g} to {steps.max():.3g} "
        f"(median {np.median(steps):.3g}); J increased at "
        f"{np.count_nonzero(np.diff(J) > 0)} of {len(J) - 1} iterations"
    )

# %%
# Backtracking's steps form a saw-tooth: a step accepted at the first trial
# doubles the next trial, which grows until the test fails, is halved, and
# grows again. Barzilai-Borwein's steps jump by orders of magnitude, up to
# thousands of times :math:`1/L`. Such a long step makes :math:`J` go up for
# an iteration; the nonmonotone test accepts it as long as :math:`J` stays
# below the largest of the last 10 values, and the next steps more than make
# up for it. A monotone Armijo test would cut exactly these steps.
#
# With every step rule, the cost of an iteration is ``n_fun_evals_`` divided
# by ``n_iter_`` passes over the data, so the table's evaluation counts, not
# its iterations, are what to compare with a fixed-step method, which makes
# one evaluation per iteration.
plt.show()
