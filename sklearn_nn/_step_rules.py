"""Full-batch step rules: gradient descent that finds its own step from J.

A step rule is the update rule of ``solver='sgd'`` when ``learning_rate``
names one of ``STEP_RULES``. Instead of a schedule it evaluates the exact
objective J at trial points and accepts a step only when J decreased enough,
so it needs J itself: every update sees the whole training set
(``batch_size='full'``). One iteration is one epoch of ``history_``; every
evaluation of J (the first one of a call, the trials, the extrapolated points
of momentum) is counted in the estimator's ``n_fun_evals_``.

With x the parameters, g = grad J(x) and a step length a > 0 the trial point
is x - a g. Both rules test it with Armijo's sufficient-decrease condition

    J(x - a g) <= J_ref - c a ||g||^2,

where J_ref is J(x) for ``Backtracking`` (J never increases) and the largest
of the last ``memory`` accepted values for ``BarzilaiBorwein`` (the
nonmonotone condition of Grippo, Lampariello and Lucidi, 1986). A rejected
trial halves a. The step length ``a`` of the last accepted step persists in
the optimizer state, so ``warm_start`` and ``partial_fit`` continue from it;
everything else (the cached J and gradient, the memory, momentum) belongs to
one call, because the data may change between calls.

The rules work on the whole J, the L2 penalty included (its gradient is
added to the data term's): ``evaluate(grad)`` (a ``FullBatch``) returns J
at the current parameters and writes grad J into ``grad`` (or only the
value when ``grad`` is None). With an L1 part (``l1_ratio > 0``) the trial
points are proximal steps prox(x - a g), g the smooth part's gradient, and
the sufficient decrease is measured on the move: J(x+) <= J_ref - c
||x+ - x||^2 / a (SpaRSA, Wright, Nowak and Figueiredo 2009), which is
Armijo's condition when there is no prox; the stopping rule measures the
minimum-norm subgradient. Backtracking is then ISTA, with momentum FISTA,
and Barzilai-Borwein SpaRSA.

Adding a step rule means one class here (``from_estimator``, ``iterate``)
and one entry in ``STEP_RULES``; the estimators' ``learning_rate`` accepts
its name.
"""

import math
from collections import deque

import numpy as np

from ._optimizers import Optimizer

#: The longest step length a rule proposes.
MAX_STEP = 1e10
#: Relative rounding of J: a required decrease below ROUNDING * |J| cannot be seen.
ROUNDING = 4 * np.finfo(np.float64).eps


class FullBatch:
    """J on the whole training set, as a step rule sees it.

    Called with a gradient buffer (or None) it returns J at the current
    parameters and writes the gradient of J's smooth part; ``prox`` applies
    the proximal step of a non-smooth penalty part (L1) and ``stationarity``
    measures how far the parameters are from a minimum: max |grad J| for a
    smooth J, the largest component of the minimum-norm subgradient
    otherwise. ``n_evals`` counts the calls; ``units`` is the number of
    independent parts of J, one per output unit (``Objective.units``), and
    ``smooth_convex`` whether J's smooth part is convex and L-smooth
    (``Objective.smooth_convex``).
    """

    def __init__(self, objective, X, T, sample_weight, n, workspace):
        self.objective, self.X, self.T, self.sample_weight = objective, X, T, sample_weight
        self.n, self.workspace, self.n_evals = n, workspace, 0
        self.penalty = objective.penalty
        self.proximal = self.penalty.active and self.penalty.proximal
        self.units, self.smooth_convex = objective.units, objective.smooth_convex

    def serves(self, X, T, sample_weight, n):
        """Whether this is J on these very rows (a full-batch fit passes the same arrays every iteration)."""
        return X is self.X and T is self.T and sample_weight is self.sample_weight and n == self.n

    def __call__(self, grad):
        self.n_evals += 1
        return self.objective.value(self.X, self.T, self.sample_weight, self.n, grad, self.workspace)

    def prox(self, params, step):
        self.penalty.prox(params, step, self.n)

    def stationarity(self, params, grad, out):
        return self.penalty.stationarity(params, grad, self.n, out)


class Step:
    """The result of one accepted iteration: J at the new parameters, the step length, ``max(abs(grad J))``.

    ``grad_max`` is None when the gradient at the new parameters is not known
    (the accelerated rule knows it at its extrapolated point, see
    ``Backtracking``).
    """

    __slots__ = ("J", "step", "grad_max")

    def __init__(self, J, step, grad_max):
        self.J, self.step, self.grad_max = J, step, grad_max


class StepRule(Optimizer):
    """Base of the full-batch step rules: the first trial step and the per-call work arrays."""

    line_search = True
    #: Armijo's constant c of the sufficient-decrease condition.
    armijo = 1e-4
    #: A bound on the trials of one iteration (halvings of 1e10 reach the smallest float64 in 1100).
    max_trials = 2000
    #: Whether a trial may miss the condition by the rounding of J (a nonmonotone rule may).
    within_rounding = False

    def __init__(self, eta0):
        self.eta0 = float(eta0)

    def init(self, params):
        """The state kept between calls: the step length to try first."""
        return {"step": self.eta0}

    def start(self, params):
        """The work arrays of one call (the current J and gradient are not known yet)."""
        return {"J": None, "grad": np.empty_like(params), "trial_grad": np.empty_like(params),
                "origin": np.empty_like(params), "d": np.empty_like(params)}  # fmt: skip

    def iterate(self, evaluate, params, state, work):  # pragma: no cover - interface
        """One iteration from ``params`` (updated in place): a ``Step``, or None when no step was accepted."""
        raise NotImplementedError

    def gradient(self, evaluate, work):
        """The gradient of J at the current parameters, for ``monitor_gradients`` (cached: no evaluation)."""
        return self.current(evaluate, work)[1]

    def current(self, evaluate, work):
        """J and its gradient at the current parameters: cached from the last accepted trial."""
        if work["J"] is None:
            work["J"] = evaluate(work["grad"])
        return work["J"], work["grad"]

    def _search(self, evaluate, params, origin, direction, step, bound, grad, scratch):
        """Backtrack from ``step`` until J(origin - step * g) <= bound - c step ||g||^2, g = ``direction``.

        ``step`` is a float, or an array like the parameters that holds one
        step length per parameter (a diagonal step D: the trial is
        origin - D g and the decrease asked for c g.D g).
        With a proximal penalty part (``evaluate.proximal``) the trial is
        prox(origin - step g) and the condition J <= bound - c ||d||^2 / step,
        d the trial's move (the same test when there is no prox: d = -step g).
        ``grad`` receives the gradient at the trial (None: the value only);
        ``scratch`` is work space like the parameters.
        A rule with ``within_rounding`` accepts a trial that misses the
        condition by no more than the rounding of J. Returns (J, step) of the
        accepted trial, or (None, step) with ``params`` back at ``origin``
        when no trial can pass: a rejected trial whose J is within rounding of
        the bound while the decrease asked for is below that rounding (J is at
        its minimum to its precision), or steps too short to move the
        parameters.
        """
        diagonal, proximal = isinstance(step, np.ndarray), evaluate.proximal
        slope = None if diagonal else float(direction @ direction)
        rounding = ROUNDING * abs(bound)
        slack = rounding if self.within_rounding else 0.0
        for _ in range(self.max_trials):
            np.multiply(direction, step, out=params)  # the move D g (a g for a float step)
            if proximal:
                np.subtract(origin, params, out=params)
                evaluate.prox(params, step)
                d = np.subtract(params, origin, out=scratch)
                decrease = self.armijo * (float(d @ (d / step)) if diagonal else float(d @ d) / step)
            else:
                decrease = self.armijo * (float(params @ direction) if diagonal else step * slope)
                np.subtract(origin, params, out=params)
            J = evaluate(grad)
            if math.isfinite(J) and J <= bound - decrease + slack:
                return J, step
            if (math.isfinite(J) and decrease <= rounding and J <= bound + rounding) or np.array_equal(
                params, origin
            ):
                break
            step = step * 0.5
            if diagonal and not step.any():  # every length underflowed: no trial can move
                break
        np.copyto(params, origin)
        return None, step


class Backtracking(StepRule):
    """Armijo backtracking from the previous step: grow it by 2 when accepted at once, halve it when not.

    Without momentum every step is x <- x - a g with the largest a tried that
    passes J(x - a g) <= J(x) - c a ||g||^2 (c = 1/2, which every
    a <= 1 / L passes for an L-smooth J), so J never increases.

    With ``momentum`` mu > 0 the steps are accelerated (Nesterov's method as
    in FISTA, Beck and Teboulle 2009): the gradient step starts from the
    extrapolated point y = x + beta_k (x - x_prev), with
    beta_k = min(mu, (t_k - 1) / t_{k+1}) and t_{k+1} = (1 + sqrt(1 + 4 t_k^2)) / 2,
    and backtracks on y's condition J(y - a g_y) <= J(y) - c a ||g_y||^2.
    Two restarts (O'Donoghue and Candes 2015) keep it fast and monotone:
    momentum restarts (t = 1) when the step goes against the last one
    (g_y . (x_new - x) > 0), and a step that would increase J over J(x) is
    replaced by a plain backtracking step from x. The gradient reported for
    the stopping rule is then g_y, the gradient at the extrapolated point
    (at x itself after a restart).
    """

    armijo = 0.5
    grow = 2.0

    def __init__(self, eta0, momentum=0.0):
        super().__init__(eta0)
        self.momentum = float(momentum)

    @classmethod
    def from_estimator(cls, estimator):
        return cls(estimator.learning_rate_init, estimator.momentum)

    def start(self, params):
        work = super().start(params)
        if self.momentum > 0.0:
            work.update(previous=params.copy(), t=1.0)
        return work

    def iterate(self, evaluate, params, state, work):
        if self.momentum > 0.0:
            return self._accelerated(evaluate, params, state, work)
        return self._plain(evaluate, params, state, work)

    def gradient(self, evaluate, work):
        if self.momentum == 0.0:
            return super().gradient(evaluate, work)
        evaluate(work["d"])  # FISTA keeps the gradient at the extrapolated point only: one more evaluation
        return work["d"]

    def _plain(self, evaluate, params, state, work):
        """x <- x - a g with backtracking; the new J and gradient are cached for the next iteration."""
        J, grad = self.current(evaluate, work)
        if not math.isfinite(J):
            return Step(J, state["step"], None)
        origin, trial_grad = work["origin"], work["trial_grad"]
        np.copyto(origin, params)
        step = state["step"]
        J_new, accepted = self._search(evaluate, params, origin, grad, step, J, trial_grad, work["d"])
        if J_new is None:
            return None
        state["step"] = min(accepted * self.grow, MAX_STEP) if accepted == step else accepted
        work["grad"], work["trial_grad"], work["J"] = trial_grad, grad, J_new
        return Step(J_new, accepted, evaluate.stationarity(params, trial_grad, work["d"]))

    def _accelerated(self, evaluate, params, state, work):
        """One FISTA step with backtracking and the two restarts (see the class docstring)."""
        if work["J"] is None:
            work["J"] = evaluate(None)
        J_x = work["J"]
        if not math.isfinite(J_x):
            return Step(J_x, state["step"], None)
        origin, previous, grad = work["origin"], work["previous"], work["grad"]
        t_next = 0.5 * (1.0 + math.sqrt(1.0 + 4.0 * work["t"] ** 2))
        beta = min(self.momentum, (work["t"] - 1.0) / t_next)
        np.copyto(origin, params)  # x
        if beta > 0.0:  # params becomes y = x + beta (x - previous)
            np.subtract(params, previous, out=previous)
            previous *= beta
            params += previous
        np.copyto(previous, origin)  # previous is x from now on
        J_y = evaluate(grad) if beta > 0.0 else self._at_x(evaluate, work, J_x)
        y = work["trial_grad"]  # scratch: the extrapolated point
        np.copyto(y, params)
        step = state["step"]
        d = work["d"]
        J_new, accepted = self._search(evaluate, params, y, grad, step, J_y, None, d)
        restart = J_new is None or J_new > J_x
        if restart and beta > 0.0:  # a plain backtracking step from x instead
            np.copyto(params, origin)
            np.copyto(y, origin)
            J_y = self._at_x(evaluate, work, J_x)
            J_new, accepted = self._search(evaluate, params, origin, grad, step, J_x, None, d)
        if J_new is None:
            return None
        measure = evaluate.stationarity(y, grad, d)  # at the point the gradient was taken
        # Restart the momentum when the step goes against the last one, (y - x_new).(x_new - x) > 0
        # (g_y . (x_new - x) > 0 without a prox), or when it was replaced.
        np.subtract(params, origin, out=d)
        np.subtract(y, params, out=origin)
        work["t"] = 1.0 if restart or float(origin @ d) > 0.0 else t_next
        state["step"] = min(accepted * self.grow, MAX_STEP) if accepted == step else accepted
        work["J"] = J_new
        return Step(J_new, accepted, measure)

    @staticmethod
    def _at_x(evaluate, work, J_x):
        """The gradient at x (into work['grad']) when the step starts at x itself."""
        evaluate(work["grad"])
        return J_x


class BarzilaiBorwein(StepRule):
    """Barzilai-Borwein steps (adaptive BB1/BB2) under a nonmonotone Armijo safeguard.

    After a step s = x_new - x with gradient change y = g_new - g, the two
    Barzilai-Borwein (1988) step lengths are secant estimates of the inverse
    curvature along s: BB1 = s.s / s.y (long) and BB2 = s.y / y.y (short).
    The next trial step is a short one when BB2 / BB1 < 1/2 (the gradient
    changed direction a lot: a cautious step) and BB1 otherwise (the
    adaptive rule of Zhou, Gao and Dai, 2006). When J's smooth part is
    convex and L-smooth (``evaluate.smooth_convex``) the short step is the
    smallest BB2 of the last ``short_memory`` = 3 iterations (ABBmin,
    Frassoldati, Zanni and Zanghirati, 2008), which is never below 1/L;
    otherwise (an MLP, a hinge) it is the last BB2, since a minimum over BB2
    values that have no lower bound can ratchet the step down to nothing.
    When s.y <= 0 (no positive curvature seen, as in a nonconvex MLP) the
    accepted step is tried again.

    A trial is accepted when J(x - a g) <= max(last ``memory`` values of J)
    - c a ||g||^2 (c = 1e-4), to within the rounding of J (4 eps |J|): BB
    steps need not decrease J at every iteration, and a monotone test would
    cut the long steps that make the method fast. Near the optimum the
    values of J differ by rounding only, and the rounding slack keeps the
    accepted first trials (one evaluation per iteration) until ``tol``.
    The accepted J and gradient are the next iteration's, so an accepted
    first trial costs one evaluation.

    When J splits by output unit (``evaluate.units`` K > 1, see
    ``Objective.units``: one-vs-rest, multilabel and multi-output linear
    models) each unit gets its own length from its own parts of s and y.
    The step is then x - D g with D diagonal, constant on each unit's
    parameters, and the test J(x - D g) <= max(recent) - c g.D g; a
    rejected trial halves every length. The state's ``step`` is then an
    array of K lengths, and ``Step.step`` the largest accepted one.
    """

    #: Accepted values of J the nonmonotone condition looks back on.
    memory = 10
    #: Near the optimum the bound and the trials differ by rounding only: accept them.
    within_rounding = True
    #: The short step is taken when BB2 / BB1 is below this ratio.
    ratio = 0.5
    #: For a smooth convex J, the short step is the smallest BB2 of this many last iterations (ABBmin).
    short_memory = 3
    #: Whether a J that splits by output unit gets one length per unit (else one for all).
    per_unit = True

    @classmethod
    def from_estimator(cls, estimator):
        return cls(estimator.learning_rate_init)

    def start(self, params):
        work = super().start(params)
        work["recent"], work["short"] = deque(maxlen=self.memory), []
        return work

    def iterate(self, evaluate, params, state, work):
        J, grad = self.current(evaluate, work)
        if not math.isfinite(J):
            return Step(J, float(np.max(state["step"])), None)
        recent, origin, trial_grad = work["recent"], work["origin"], work["trial_grad"]
        if not recent:
            recent.append(J)
        np.copyto(origin, params)
        units = evaluate.units if self.per_unit else 1
        step = state["step"]
        if units > 1:
            step = self._diagonal(step, units, work)
        elif np.ndim(step):  # per-unit lengths kept from an earlier call
            step = float(np.max(step))
        J_new, accepted = self._search(
            evaluate, params, origin, grad, step, max(recent), trial_grad, work["d"]
        )
        if J_new is None:
            return None
        if units == 1:
            s = np.subtract(params, origin, out=work["d"])  # the step taken (-accepted g without a prox)
            y = np.subtract(trial_grad, grad, out=origin)
            dots = float(s @ s), float(s @ y), float(y @ y)
            state["step"] = self._length(*dots, accepted, self._short_steps(evaluate, work, 1)[0])
        else:
            state["step"], accepted = self._unit_lengths(
                evaluate, params, origin, trial_grad, grad, accepted, work
            )
        work["grad"], work["trial_grad"], work["J"] = trial_grad, grad, J_new
        recent.append(J_new)
        return Step(J_new, accepted, evaluate.stationarity(params, trial_grad, work["d"]))

    def _length(self, ss, sy, yy, accepted, short):
        """The next step length from s.s, s.y and y.y and the accepted step (floats).

        ``short`` is a deque of the last BB2 lengths, to which this one is
        added. The smallest of them when BB2 / BB1 < ``ratio``, else
        BB1 = s.s / s.y, at most ``MAX_STEP``; the accepted step again when
        s.y <= 0.
        """
        if sy <= 0.0:
            return accepted
        bb1, bb2 = ss / sy, sy / yy
        short.append(bb2)
        return min(min(short) if bb2 < self.ratio * bb1 else bb1, MAX_STEP)

    def _short_steps(self, evaluate, work, units):
        """The deques of the last BB2 lengths, one per unit (one for the whole J), made on first use.

        Each holds ``short_memory`` lengths when J's smooth part is convex and
        L-smooth (``evaluate.smooth_convex``), one otherwise.
        """
        shorts = work["short"]
        if len(shorts) != units:
            size = self.short_memory if evaluate.smooth_convex else 1
            shorts[:] = [deque(maxlen=size) for _ in range(units)]
        return shorts

    def _unit_lengths(self, evaluate, params, origin, trial_grad, grad, accepted, work):
        """Per-unit next lengths (an array) and the largest accepted one, from each unit's own s and y.

        The columns of ``params.reshape(-1, K)`` are the units' parameters
        (``Objective.units``). With s and y stacked, one batched product
        gives each unit's 2 x 2 Gram matrix [[s.s, s.y], [y.s, y.y]].
        """
        units, pair = evaluate.units, work.get("pair")
        if pair is None:
            pair = work["pair"] = np.empty((2, params.size), dtype=params.dtype)
        np.subtract(params, origin, out=pair[0])
        np.subtract(trial_grad, grad, out=pair[1])
        columns = pair.reshape(2, -1, units).transpose(2, 0, 1)  # (K, 2, m): unit k's s and y
        ss, sy, _, yy = (columns @ columns.transpose(0, 2, 1)).reshape(units, 4).T.tolist()
        first = accepted[:units].tolist()  # the accepted length of each unit (parameter k is unit k's)
        lengths = list(map(self._length, ss, sy, yy, first, self._short_steps(evaluate, work, units)))
        return np.array(lengths), max(first)

    @staticmethod
    def _diagonal(step, units, work):
        """The per-parameter steps of per-unit lengths ``step`` (a float: the same for every unit).

        Parameter i belongs to unit i % units (``Objective.units``).
        """
        if isinstance(step, np.ndarray) and step.shape != (units,):  # kept from a model of another shape
            step = float(np.max(step))
        diagonal = work.get("diagonal")
        if diagonal is None:
            diagonal = work["diagonal"] = np.empty(work["grad"].size)
            work["diagonal_units"] = diagonal.reshape(-1, units)
        work["diagonal_units"][...] = step
        return diagonal


#: Registry of the step rules, ``learning_rate`` name -> class (of ``solver='sgd'``, full batch).
STEP_RULES = {"backtracking": Backtracking, "barzilai_borwein": BarzilaiBorwein}
