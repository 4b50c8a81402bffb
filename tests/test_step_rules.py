"""The full-batch step rules: Armijo backtracking and Barzilai-Borwein steps.

The rules are checked against what is mathematically fixed: Armijo's
condition at every accepted trial, J never increasing (backtracking) or
staying under the nonmonotone bound (BB), closed-form iterates on quadratics
of known curvature, and the optimum of the strongly convex linear objective.
"""

import os
import signal
import warnings

import numpy as np
import pytest
from _linear_data import DATASETS
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning

from sklearn_nn import (
    LogisticRegressionGD,
    MLPClassifierScratch,
    MLPRegressorScratch,
    SoftmaxRegressionGD,
)
from sklearn_nn._step_rules import ROUNDING, STEP_RULES, Backtracking, BarzilaiBorwein
from sklearn_nn.stream import fit_stream

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

RULES = ["backtracking", "barzilai_borwein"]
# (learning_rate, momentum): plain and accelerated backtracking, BB.
VARIANTS = [("backtracking", 0.0), ("backtracking", 0.9), ("barzilai_borwein", 0.0)]


DATA = DATASETS


def optimum(est, X, y):
    """J* of the estimator's objective from a very tight L-BFGS fit."""
    params = {**est.get_params(), "solver": "lbfgs", "tol": 1e-14, "max_iter": 20000, "max_fun": 100000}
    return type(est)(**params).fit(X, y).loss_


def abb_min(bb1, bb2, short):
    """The next BB length on a smooth convex J: BB1, or the smallest of the last 3 BB2 (``short``,
    appended to) when BB2 / BB1 < 1/2 (ABBmin)."""
    short.append(bb2)
    return min(short[-3:]) if bb2 < 0.5 * bb1 else bb1


# ----------------------------------------------------------------------
# The rules on their own: every accepted trial passes its condition
# ----------------------------------------------------------------------
class Recorder:
    """J and grad J of a logistic-regression objective in NumPy, recording every evaluation.

    It offers what a rule asks of ``_step_rules.FullBatch``: a smooth J (no prox) and
    max |grad J| as the stationarity measure.
    """

    proximal = False
    units = 1
    smooth_convex = True

    def stationarity(self, params, grad, out):
        return float(np.abs(grad).max())

    def __init__(self, X, y, alpha, params):
        self.X, self.y, self.alpha, self.params = X, y, alpha, params
        self.calls = []  # (params copy, J, grad copy or None)

    def __call__(self, grad):
        X, y, n = self.X, self.y, len(self.y)
        w, b = self.params[:-1], self.params[-1]
        z = X @ w + b
        J = np.mean(np.logaddexp(0.0, z) - y * z) + self.alpha / (2 * n) * w @ w
        if grad is not None:
            r = (1.0 / (1.0 + np.exp(-z)) - y) / n
            grad[:-1] = X.T @ r + self.alpha / n * w
            grad[-1] = r.sum()
        self.calls.append((self.params.copy(), J, None if grad is None else grad.copy()))
        return J


def run_rule(rule, n_iter, data="breast_cancer"):
    X, y = DATA[data]
    y = (y == y[0]).astype(float)
    params = np.zeros(X.shape[1] + 1)
    f = Recorder(X, y, 1.0, params)
    state, work = rule.init(params), rule.start(params)
    steps = []
    for _ in range(n_iter):
        before = len(f.calls)
        origin = params.copy()
        step = rule.iterate(f, params, state, work)
        steps.append((origin, step, f.calls[before:]))
    return f, steps


def test_every_accepted_backtracking_step_passes_armijo():
    rule = Backtracking(eta0=10.0)  # a first step far too long: the early iterations backtrack
    f, steps = run_rule(rule, 40)
    previous_J = f.calls[0][1]
    n_backtracked = 0
    for origin, step, calls in steps:
        # The gradient at the origin is the last gradient evaluated there.
        g = next(c[2] for c in reversed(f.calls) if c[2] is not None and np.array_equal(c[0], origin))
        calls = [c for c in calls if not np.array_equal(c[0], origin)]  # the trials
        accepted = calls[-1]
        assert np.array_equal(accepted[0], origin - step.step * g)
        assert accepted[1] == step.J <= previous_J - 0.5 * step.step * g @ g
        for trial in calls[:-1]:  # every rejected trial failed the condition, with a step twice as long
            rejected_step = np.linalg.norm(trial[0] - origin) / np.linalg.norm(g)
            assert not trial[1] <= previous_J - 0.5 * rejected_step * g @ g
        n_backtracked += len(calls) > 1
        previous_J = step.J
    assert n_backtracked >= 1


def test_every_accepted_bb_step_passes_the_nonmonotone_armijo_condition():
    rule = BarzilaiBorwein(eta0=0.1)
    f, steps = run_rule(rule, 60)
    history = [f.calls[0][1]]
    for origin, step, calls in steps:
        g = next(c[2] for c in reversed(f.calls) if c[2] is not None and np.array_equal(c[0], origin))
        bound = max(history[-rule.memory :])
        slack = ROUNDING * abs(bound)  # BB accepts a miss by the rounding of J
        assert calls[-1][1] == step.J <= bound - rule.armijo * step.step * g @ g + slack
        assert np.array_equal(calls[-1][0], origin - step.step * g)
        history.append(step.J)
    # BB is not monotone: some accepted J is above its predecessor, yet the bound held.
    assert any(b > a for a, b in zip(history, history[1:]))
    # Accepted first trials cost one evaluation per iteration.
    assert len(f.calls) <= 1.3 * len(steps)


class OneVsRestRecorder(Recorder):
    """J of K independent sigmoid units (one-vs-rest) in NumPy: a J that splits by output unit.

    The parameters are laid out as the package's: the weights (p, K) row by row, then the K biases,
    so that ``params.reshape(-1, K)[:, k]`` is unit k's.
    """

    def __init__(self, X, Y, alpha, params):
        super().__init__(X, Y, alpha, params)
        self.units = Y.shape[1]

    def __call__(self, grad):
        X, Y, n = self.X, self.y, len(self.y)
        P = self.params.reshape(-1, self.units)
        W, b = P[:-1], P[-1]
        Z = X @ W + b
        J = np.sum(np.logaddexp(0.0, Z) - Y * Z) / n + self.alpha / (2 * n) * np.sum(W * W)
        if grad is not None:
            R = (1.0 / (1.0 + np.exp(-Z)) - Y) / n
            G = grad.reshape(-1, self.units)
            G[:-1], G[-1] = X.T @ R + self.alpha / n * W, R.sum(axis=0)
        self.calls.append((self.params.copy(), J, None if grad is None else grad.copy()))
        return J


def test_bb_takes_one_length_per_unit_when_J_splits_by_unit():
    # One-vs-rest J is a sum of K objectives of disjoint parameters: each unit gets its own BB
    # length from its own s and y, under one nonmonotone Armijo test with the diagonal step D:
    # J(x - D g) <= max(recent J) - c g.D g.
    X, y = DATA["wine"]
    Y = (y[:, None] == np.unique(y)).astype(float)
    K = Y.shape[1]
    params = np.zeros((X.shape[1] + 1) * K)
    f, rule = OneVsRestRecorder(X, Y, 1.0, params), BarzilaiBorwein(eta0=0.1)
    state, work = rule.init(params), rule.start(params)
    history, differ, short = [], 0, [[] for _ in range(K)]
    for _ in range(40):
        origin, before = params.copy(), len(f.calls)
        lengths = np.broadcast_to(state["step"], (K,)).copy()
        step = rule.iterate(f, params, state, work)
        g = next(c[2] for c in reversed(f.calls) if c[2] is not None and np.array_equal(c[0], origin))
        history = history or [f.calls[0][1]]
        trials = [c for c in f.calls[before:] if not np.array_equal(c[0], origin)]
        halvings = len(trials) - 1
        D = np.tile(lengths * 0.5**halvings, X.shape[1] + 1)  # parameter i belongs to unit i % K
        np.testing.assert_array_equal(trials[-1][0], origin - D * g)
        bound = max(history[-rule.memory :])
        assert step.J == trials[-1][1] <= bound - rule.armijo * g @ (D * g) + ROUNDING * abs(bound)
        history.append(step.J)
        # The next lengths: BB1 or BB2 of each unit's own s = x_new - x and y = g_new - g.
        S, Yg = (params - origin).reshape(-1, K), (trials[-1][2] - g).reshape(-1, K)
        ss, sy, yy = (S * S).sum(0), (S * Yg).sum(0), (Yg * Yg).sum(0)
        expected = [abb_min(ss[u] / sy[u], sy[u] / yy[u], short[u]) for u in range(K)]
        np.testing.assert_allclose(state["step"], expected, rtol=1e-10)
        differ += state["step"].max() > 1.5 * state["step"].min()
    assert differ >= 10  # the units' curvatures differ: one shared length could not fit them all


# ----------------------------------------------------------------------
# Closed forms on quadratics of known curvature
# ----------------------------------------------------------------------
def quadratic(curvature):
    """Rows whose squared-error J is 1/2 [h (w - 1)^2 + b^2]: curvature h for the weight, 1 for the bias."""
    a = np.sqrt(curvature)
    return np.array([[a], [-a]]), np.array([a, -a])


def regressor(**kw):
    params = dict(
        hidden_layer_sizes=(),
        activation="identity",
        solver="sgd",
        batch_size="full",
        alpha=0.0,
        momentum=0.0,
        tol=0.0,
        random_state=0,
    )
    return MLPRegressorScratch(**{**params, **kw})


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_backtracking_on_a_quadratic_accepts_the_first_halving_below_one_over_the_curvature():
    # On J = h/2 x^2, J(x - a g) <= J(x) - a/2 g^2 exactly when a <= 1/h: from 4, the trials
    # are 4, 2, 1 and the accepted step 1 = 1/h lands on the minimum (w, b) = (1, 0).
    X, y = quadratic(1.0)
    est = regressor(learning_rate="backtracking", learning_rate_init=4.0, max_iter=1).fit(X, y)
    assert est.n_fun_evals_ == 4  # J at the start and three trials
    assert est.history_["learning_rate"] == [1.0]
    np.testing.assert_allclose([est.coefs_[0][0, 0], est.intercepts_[0][0]], [1.0, 0.0], atol=1e-15)
    assert est.loss_ == pytest.approx(0.0, abs=1e-30)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_bb_iterates_follow_the_closed_form_of_a_diagonal_quadratic():
    # J = 1/2 [h (w - 1)^2 + b^2]: H = diag(h, 1), g = H (x - x*). After a step s along -g,
    # y = H s, so BB1 = g.g / g.Hg and BB2 = g.Hg / g.HHg (Rayleigh quotients of the last g).
    h = 4.0
    X, y = quadratic(h)
    H, x_star = np.array([h, 1.0]), np.array([1.0, 0.0])
    x0 = regressor(learning_rate="constant", learning_rate_init=1e-300, max_iter=1).fit(X, y)
    x = np.array([x0.coefs_[0][0, 0], x0.intercepts_[0][0]])  # the initial weights (a null step)
    step, expected, short = 0.05, [], []
    for _ in range(6):
        g = H * (x - x_star)
        x = x - step * g
        expected.append(x)
        step = abb_min(g @ g / (g @ (H * g)), g @ (H * g) / (g @ (H * H * g)), short)
    for k, x_k in enumerate(expected, start=1):
        est = regressor(learning_rate="barzilai_borwein", learning_rate_init=0.05, max_iter=k)
        est.fit(X, y)
        got = [est.coefs_[0][0, 0], est.intercepts_[0][0]]
        np.testing.assert_allclose(got, x_k, rtol=1e-12, atol=1e-14)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_per_unit_bb_iterates_follow_each_units_closed_form():
    # Two outputs of a linear network: unit k's J_k = 1/4 [h (w_k - c_k)^2 + b_k^2] (the squared
    # error is averaged over the 2 outputs), with minima c = (1, -3) and the same H = diag(h, 1) / 2.
    # Each unit follows the closed form of the diagonal quadratic with its own gradient and BB length;
    # one length shared by both units (BB on the whole J) would follow another path.
    h, c = 4.0, np.array([1.0, -3.0])
    X, y = quadratic(h)
    Y = y[:, None] * c
    H = np.array([h, 1.0]) / 2
    x0 = regressor(learning_rate="constant", learning_rate_init=1e-300, max_iter=1).fit(X, Y)
    x = [np.array([x0.coefs_[0][0, k], x0.intercepts_[0][k]]) for k in range(2)]  # per unit (w, b)
    x_star = [np.array([c_k, 0.0]) for c_k in c]
    steps, expected, short = [0.05, 0.05], [], [[], []]
    for _ in range(6):
        for k in range(2):
            g = H * (x[k] - x_star[k])
            x[k] = x[k] - steps[k] * g
            steps[k] = abb_min(g @ g / (g @ (H * g)), g @ (H * g) / (g @ (H * H * g)), short[k])
        expected.append(np.array(x))
    for k, x_k in enumerate(expected, start=1):
        est = regressor(learning_rate="barzilai_borwein", learning_rate_init=0.05, max_iter=k).fit(X, Y)
        got = np.vstack([est.coefs_[0][0], est.intercepts_[0]]).T  # rows: units, columns: (w, b)
        np.testing.assert_allclose(got, x_k, rtol=1e-12, atol=1e-14)


# ----------------------------------------------------------------------
# Through the estimators
# ----------------------------------------------------------------------
@pytest.mark.parametrize("rule, momentum", [v for v in VARIANTS if v[0] == "backtracking"])
@pytest.mark.parametrize("data", list(DATA))
@pytest.mark.parametrize("Est", [LogisticRegressionGD, SoftmaxRegressionGD])
def test_backtracking_never_increases_J(Est, data, rule, momentum):
    X, y = DATA[data]
    est = Est(learning_rate=rule, momentum=momentum, learning_rate_init=50.0, max_iter=200).fit(X, y)
    J = np.array(est.loss_curve_)
    assert np.all(np.diff(J) <= 0.0)
    assert J[0] < np.log(2) * (1 if Est is SoftmaxRegressionGD else len(est.coef_))  # J at zero weights


@pytest.mark.parametrize("data", list(DATA))
@pytest.mark.parametrize("Est", [LogisticRegressionGD, SoftmaxRegressionGD])
def test_bb_stays_under_the_nonmonotone_bound(Est, data):
    X, y = DATA[data]
    est = Est(learning_rate="barzilai_borwein", learning_rate_init=10.0, tol=0.0, max_iter=60).fit(X, y)
    zero = Est(learning_rate="constant", learning_rate_init=1e-300, max_iter=1, tol=0.0)
    J0 = zero.fit(X, y).loss_curve_[0]  # J at the zero start, to within a null step
    J = [J0, *est.loss_curve_]
    for k in range(1, len(J)):
        bound = max(J[max(0, k - BarzilaiBorwein.memory) : k])
        assert J[k] <= bound + ROUNDING * bound


@pytest.mark.parametrize("data", list(DATA))
@pytest.mark.parametrize("Est", [LogisticRegressionGD, SoftmaxRegressionGD])
def test_default_linear_fit_reaches_the_optimum(Est, data):
    X, y = DATA[data]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = Est().fit(X, y)
    J_star = optimum(est, X, y)
    assert est.stop_reason_ == "tol"
    assert (est.loss_ - J_star) / J_star <= 1e-6
    assert est.n_fun_evals_ >= est.n_iter_


@pytest.mark.parametrize("rule, momentum", VARIANTS)
def test_each_rule_reaches_the_optimum_and_stops_on_the_gradient(rule, momentum):
    X, y = DATA["breast_cancer"]
    est = LogisticRegressionGD(learning_rate=rule, momentum=momentum, tol=1e-7, max_iter=5000).fit(X, y)
    assert est.stop_reason_ == "tol"
    assert (est.loss_ - optimum(est, X, y)) / est.loss_ <= 1e-8
    assert est.n_fun_evals_ > est.n_iter_ == len(est.loss_curve_)


@pytest.mark.parametrize("rule, momentum", VARIANTS)
@pytest.mark.parametrize("Est", [SoftmaxRegressionGD, LogisticRegressionGD])  # one-vs-rest: per-unit BB
def test_warm_start_continues_to_the_optimum(Est, rule, momentum):
    X, y = DATA["wine"]
    kw = dict(learning_rate=rule, momentum=momentum, tol=1e-7)
    est = Est(max_iter=5, warm_start=True, **kw)
    with pytest.warns(
        ConvergenceWarning, match=r"^Maximum iterations \(5\) .* \(max \|grad J\| = .* > tol\)"
    ):
        est.fit(X, y)
    J5 = est.loss_
    est.set_params(max_iter=5000).fit(X, y)
    assert est.loss_ < J5
    assert len(est.loss_curve_) == 5 + est.n_iter_
    assert (est.loss_ - optimum(est, X, y)) / est.loss_ <= 1e-8


@pytest.mark.parametrize("rule", RULES)
def test_partial_fit_takes_one_step_per_call(rule):
    X, y = DATA["iris"]
    est = SoftmaxRegressionGD(learning_rate=rule, momentum=0.0)
    for _ in range(3):
        est.partial_fit(X, y, classes=np.unique(y))
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 3
    assert est.loss_curve_[2] < est.loss_curve_[0]


@pytest.mark.parametrize("rule, momentum", VARIANTS)
def test_early_stopping_restores_the_best_validation_epoch(rule, momentum):
    X, y = make_classification(400, 20, n_informative=5, flip_y=0.2, random_state=0)
    est = LogisticRegressionGD(
        learning_rate=rule, momentum=momentum, alpha=1e-6, early_stopping=True, n_iter_no_change=5,
        tol=0.0, max_iter=500, random_state=0, scoring="neg_log_loss",
    )  # fmt: skip
    est.fit(X, y)
    assert est.stop_reason_ == "early_stopping"
    best = int(np.nanargmax(est.validation_scores_))
    assert est.best_epoch_ == best + 1 <= len(est.loss_curve_) - 5
    assert est.best_validation_score_ == est.validation_scores_[best]


@pytest.mark.parametrize("rule", RULES)
def test_a_non_finite_start_is_divergence_and_keeps_finite_parameters(rule):
    X, y = DATA["wine"]
    est = MLPRegressorScratch(
        hidden_layer_sizes=(5,), solver="sgd", batch_size="full", learning_rate=rule, random_state=0
    )
    with pytest.raises(ValueError, match="non-finite.*diverged"):
        est.fit(X, y * 1e160)  # the squared error overflows at the start
    assert all(np.isfinite(c).all() for c in est.coefs_ + est.intercepts_)


@pytest.mark.parametrize("rule", RULES)
def test_no_acceptable_step_stops_the_line_search_with_the_start_kept(rule):
    # With rows of 1e200 every trial step from zero overflows: nothing is accepted.
    X, y = DATA["iris"]
    est = LogisticRegressionGD(learning_rate=rule)
    with pytest.warns(ConvergenceWarning, match="line search"):
        est.fit(X * 1e200, y)
    assert est.stop_reason_ == "line_search" and est.n_iter_ == 0
    assert np.all(est.coef_ == 0.0) and np.all(est.intercept_ == 0.0)
    assert est.loss_ == pytest.approx(np.log(2) * len(est.coef_))  # J at the zero weights kept


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("Est", [MLPClassifierScratch, MLPRegressorScratch])
def test_a_full_batch_mlp_trains_with_each_rule(Est, rule):
    X, y = DATA["wine"]
    if Est is MLPRegressorScratch:
        y = np.sin(X[:, 0]) + X[:, 1] * X[:, 2]
    kw = dict(hidden_layer_sizes=(16,), solver="sgd", batch_size="full", random_state=0)
    est = Est(learning_rate=rule, max_iter=300, learning_rate_init=0.1, **kw).fit(X, y)
    assert est.loss_ < 0.05 * est.loss_curve_[0]
    assert est.score(X, y) > 0.9
    if rule == "backtracking":
        assert np.all(np.diff(est.loss_curve_) <= 0.0)


def test_step_rules_refuse_what_they_cannot_do():
    X, y = DATA["iris"]
    with pytest.raises(ValueError, match="got batch_size=32. Use batch_size='full'"):
        SoftmaxRegressionGD(batch_size=32).fit(X, y)
    # Adam scales its own steps: it takes a step rule's name as the constant rate.
    adam = SoftmaxRegressionGD(solver="adam", max_iter=20).fit(X, y)
    constant = SoftmaxRegressionGD(solver="adam", learning_rate="constant", max_iter=20).fit(X, y)
    np.testing.assert_array_equal(adam.coef_, constant.coef_)
    est = SoftmaxRegressionGD()
    with pytest.raises(ValueError, match="fit_stream.*one chunk"):
        fit_stream(est, [(X, y)], classes=np.unique(y))
    assert not hasattr(est, "coef_")
    # A batch as large as the data is the full batch.
    SoftmaxRegressionGD(batch_size=len(y)).fit(X, y)


def test_the_registry_names_the_learning_rate_values():
    for name, rule in STEP_RULES.items():
        est = LogisticRegressionGD(learning_rate=name)
        assert isinstance(rule.from_estimator(est), rule)
    with pytest.raises(ValueError, match="learning_rate"):
        LogisticRegressionGD(learning_rate="armijo").fit(*DATA["iris"])


@pytest.mark.usefixtures("default_sigint_handler")
@pytest.mark.parametrize("how", ["raise", "signal"])
@pytest.mark.parametrize("rule, momentum", VARIANTS)
def test_ctrl_c_keeps_the_whole_iterations(rule, momentum, how):
    X, y = DATA["wine"]
    calls = []

    def scorer(est, X_val, y_val):  # interrupts training at its 4th call (the 4th iteration)
        calls.append(1)
        if len(calls) == 4:
            if how == "raise":
                raise KeyboardInterrupt
            os.kill(os.getpid(), signal.SIGINT)
        return est.score(X_val, y_val)

    kw = dict(learning_rate=rule, momentum=momentum, tol=0.0)
    est = SoftmaxRegressionGD(scoring=scorer, max_iter=50, **kw)
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        est.fit(X, y, X_val=X[:30], y_val=y[:30])
    assert est.stop_reason_ == "interrupted"
    assert est.n_iter_ == len(est.loss_curve_) == (4 if how == "signal" else 3)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    four = SoftmaxRegressionGD(max_iter=4, **kw).fit(X, y)  # the same four whole iterations
    np.testing.assert_array_equal(est.coef_, four.coef_)
    np.testing.assert_array_equal(est.intercept_, four.intercept_)


@pytest.mark.parametrize("rule, momentum", VARIANTS)
def test_a_tol_below_the_precision_of_J_ends_the_line_search_instead_of_spinning(rule, momentum):
    X, y = DATA["breast_cancer"]
    est = LogisticRegressionGD(learning_rate=rule, momentum=momentum, tol=0.0, max_iter=5000)
    est.fit(X, y)
    assert (est.loss_ - optimum(est, X, y)) / est.loss_ <= 1e-12
    if rule == "backtracking":  # J cannot show a further decrease: the search stops
        assert est.stop_reason_ == "line_search" and est.n_iter_ < 5000
    else:  # accepted within rounding: one evaluation per iteration, no endless halving
        assert est.n_fun_evals_ < 1.2 * est.n_iter_
