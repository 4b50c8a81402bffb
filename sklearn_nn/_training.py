"""The training loop: the only loop in the package.

``Trainer`` holds everything that must survive between calls to ``fit`` (with
``warm_start``) and ``partial_fit``: the network, the loss and the penalty
(together the objective J, see ``_objective``), the optimizer and its state,
the learning-rate schedule, and the counters of updates and samples seen.

``Trainer.run`` is the first-order loop. Per epoch it walks the batches of
``EpochBatches`` (in-memory rows or streamed chunks alike), computes each
batch's data term and gradient, asks the schedule for the rate of update k and
lets the optimizer step (it applies the penalty), and accumulates the batch
objectives: each batch's data term plus the penalty at the parameters its
pass started from, so that a full batch reports J exactly.

``Trainer.end_epoch`` is the one epoch end of every solver (L-BFGS calls it
after each iteration, see ``_lbfgs``): the divergence check, the validation
evaluation, the history, the callbacks, the ``Monitor`` and the stopping rule.
Its answer is the reason to stop, one of ``STOP_REASONS``, or None to go on.

Training diverged when the objective becomes non-finite, when it grows to
more than ``DIVERGENCE_FACTOR`` (1e10) times max(1, its value in the first
epoch), or when the parameters overflow when squared (see ``divergence``).
Divergence stops training at once and restores the parameters of the start of
that epoch (or the best ones when early stopping keeps them). A Ctrl-C during
training is deferred to the end of the current update, so the model is never
left half-updated.
"""

import functools
import math
import os
import signal
import sys
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._data import EpochBatches
from ._dropout import Dropout
from ._grad_norms import GradientNorms
from ._monitor import Monitor
from ._objective import Objective
from ._optimizers import clip_norm
from ._penalties import L2Penalty
from ._snapshot import Snapshot
from ._step_rules import FullBatch

#: Why training stopped (the estimators' ``stop_reason_``).
STOP_REASONS = {
    "tol": (
        "the monitored quantity stopped improving by tol (L-BFGS and the full-batch step rules: "
        "the gradient fell below tol)"
    ),
    "early_stopping": "the validation score stopped improving by tol (early stopping)",
    "max_iter": "max_iter epochs (L-BFGS: iterations) were run",
    "max_fun": "L-BFGS reached max_fun evaluations of the objective",
    "line_search": "the line search (L-BFGS's or a step rule's) could make no more progress",
    "epochs": "the requested epochs were run (partial_fit, fit_stream)",
    "diverged": "the optimization diverged",
    "interrupted": "training was interrupted (Ctrl-C)",
    "callback": "a callback asked training to stop",
}

#: Training diverged when the objective exceeds this factor times max(1, its first-epoch value).
DIVERGENCE_FACTOR = 1e10

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def warn_caller(message, category=UserWarning):
    """Warn, pointing at the first frame outside this package (and scikit-learn's fit wrapper)."""
    frame, level = sys._getframe(1), 2  # stacklevel 2 is the caller of warn_caller
    while frame is not None:
        path = os.path.abspath(frame.f_code.co_filename)
        inside = path.startswith(_PACKAGE_DIR + os.sep) or frame.f_globals.get("__name__") == "sklearn.base"
        if not inside:
            break
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)


def divergence(J, params, first_J, where):
    """Why training diverged at objective ``J`` and parameters ``params``, or ''.

    Three signs of divergence, checked after every epoch (every L-BFGS
    iteration):

    * J is inf or NaN;
    * the parameters overflow when squared (their squared L2 norm is not
      finite in their dtype): the penalty, the outputs and the next gradient
      would overflow;
    * J exceeds ``DIVERGENCE_FACTOR`` times max(1, first_J), the objective of
      the model's first epoch of training. A fit that makes progress never
      comes back to ten orders of magnitude above its start; an exploding one
      passes there a few epochs before it overflows, and may otherwise end by
      the patience rule with a useless model. The floor of 1 keeps a first
      epoch that is already near zero (a warm start at a perfect fit) from
      making any later increase look like divergence.

    Parameters
    ----------
    J : float
        The objective of the epoch.
    params : ndarray
        The parameters at the end of the epoch.
    first_J : float
        The objective of the model's first recorded epoch (J itself for the
        first epoch).
    where : str
        The epoch, for the message, such as ``'epoch 3'``.

    Returns
    -------
    reason : str
        The start of the error message, or '' if training did not diverge.
    """
    if not math.isfinite(J):
        return f"The training objective became non-finite (inf or NaN) at {where}"
    with np.errstate(over="ignore", invalid="ignore"):
        squared_norm = float(np.dot(params, params))
    if not math.isfinite(squared_norm):
        return f"The parameters became too large to square in {params.dtype} at {where}"
    if J > DIVERGENCE_FACTOR * max(1.0, first_J):
        return (
            f"The training objective grew to {J:.3g} at {where}, more than {DIVERGENCE_FACTOR:.0e} "
            f"times max(1, its first-epoch value {first_J:.3g})"
        )
    return ""


@dataclass
class Plan:
    """Settings of one training call, for every solver.

    ``batch_size`` None means full batch. ``monitor_validation`` selects
    what the stopping rule watches: the validation score (early stopping) or
    the training objective. ``last_reason`` is the stop reason when the
    epochs run out: ``'max_iter'`` (a ``fit``, which warns) or ``'epochs'``.
    ``unit`` names an epoch in messages (``'iteration'`` for L-BFGS), and
    ``max_fun`` bounds L-BFGS's evaluations of the objective. ``gtol``, when
    set, stops a full-batch step rule once the largest absolute component of
    grad J at the new parameters is at most ``gtol``.
    """

    max_epochs: int
    batch_size: int | None = None
    shuffle: bool = False
    tol: float = 0.0
    n_iter_no_change: float = np.inf
    monitor_validation: bool = False
    restore_best: bool = False
    verbose: bool = False
    last_reason: str = "max_iter"
    unit: str = "epoch"
    max_fun: int | None = None
    gtol: float | None = None


@dataclass
class Outcome:
    """How a training call ended: its epochs, its reason (a key of ``STOP_REASONS``) and message."""

    n_epochs: int = 0
    reason: str = "max_iter"
    message: str = ""
    final_loss: float | None = None  # J at the final parameters, when known apart from the records
    n_fun_evals: int = 0  # evaluations of J (of a batch's data term for a stochastic pass)

    def fitted_attributes(self, history, trainer, has_val, tracks_best):
        """scikit-learn's fitted attributes (``n_iter_``, ``loss_``, ...) after this call.

        ``tracks_best``: whether the solver's epochs have a best epoch
        (``best_epoch_`` is None for L-BFGS).
        """
        losses, monitor = history["loss"], trainer.monitor
        attributes = {
            "n_iter_": self.n_epochs,
            "t_": trainer.n_samples_seen,
            "stop_reason_": self.reason,
            "n_fun_evals_": self.n_fun_evals,
            "loss_": self.final_loss if self.final_loss is not None else losses[-1] if losses else np.nan,
            "best_loss_": float(np.min(losses)) if losses else np.nan,
            "best_epoch_": monitor.best_epoch if monitor is not None and tracks_best else None,
            "validation_scores_": None,
            "validation_loss_curve_": None,
            "best_validation_score_": None,
        }
        if has_val or not np.all(np.isnan(history["val_loss"])):
            scores = np.asarray(history["val_score"], dtype=float)
            attributes["validation_scores_"] = history["val_score"]
            attributes["validation_loss_curve_"] = history["val_loss"]
            attributes["best_validation_score_"] = (
                float(np.nanmax(scores)) if np.isfinite(scores).any() else np.nan
            )
        return attributes


@dataclass
class EpochProgress:
    """The running sums of an epoch in progress (``Trainer._epoch``), and its parts done."""

    total: float = 0.0
    weight: float = 0.0
    n_rows: int = 0
    first_lr: float | None = None
    parts: int = 0


def new_history():
    """Empty per-epoch records; every list grows by one entry per epoch."""
    return {"loss": [], "val_loss": [], "val_score": [], "learning_rate": [], "time": []}


class EpochTasks:
    """Hooks around every epoch (every iteration of L-BFGS) of ``Trainer``.

    ``begin()`` runs before the epoch and ``end()`` after it is recorded;
    ``end`` returns True to ask training to stop. ``close()`` ends an epoch
    that began but did not finish (divergence, interruption), so that every
    begin has its end. This base class does nothing; the estimators report
    epochs to scikit-learn's callbacks through a subclass.
    """

    is_open = False

    def begin(self):
        self.is_open = True

    def end(self):
        self.is_open = False
        return False

    def close(self):
        if self.is_open:
            self.end()


class _Interrupt:
    """Remembers a first SIGINT instead of raising it in the middle of an update.

    The previous handler is put back at once, so a second Ctrl-C raises
    ``KeyboardInterrupt`` immediately (for an update that takes too long).
    """

    requested = False
    previous = None

    def __call__(self, signum, frame):
        self.requested = True
        signal.signal(signal.SIGINT, self.previous)


@contextmanager
def deferred_sigint():
    """A flag that a first Ctrl-C sets, instead of raising, for the duration of training."""
    flag = _Interrupt()
    # Off the main thread signals cannot be handled; a process that ignores
    # SIGINT (nohup, a background job) keeps ignoring it while it trains.
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is signal.SIG_IGN
    ):
        yield flag
        return
    try:
        flag.previous = signal.signal(signal.SIGINT, flag)
    except (ValueError, OSError):  # pragma: no cover - exotic embedding
        yield flag
        return
    try:
        yield flag
    finally:
        signal.signal(signal.SIGINT, flag.previous)


@dataclass
class Session:
    """One training call in progress: what ``end_epoch`` records into and reports to."""

    plan: Plan
    history: dict
    val: object = None
    score: object = None
    tasks: EpochTasks | None = None  # None: no hooks
    outcome: Outcome = field(default_factory=Outcome)
    gradient_norms: object = None  # a ``_grad_norms.GradientNorms`` with monitor_gradients
    t0: float = 0.0

    def __post_init__(self):
        self.tasks = self.tasks or EpochTasks()
        # The origin of history['time']: now, less the time of earlier calls.
        self.t0 = time.perf_counter() - (self.history["time"][-1] if self.history["time"] else 0.0)
        self.outcome.reason = self.plan.last_reason

    def stop(self, reason, message=""):
        """End the call for ``reason``; returns the reason (for ``end_epoch``)."""
        self.outcome.reason, self.outcome.message = reason, message
        if reason == "interrupted":
            warn_caller("Training interrupted by user.")
        return reason


def _run_state(trainer, train, session, rng, start_of_epoch):
    """The work arrays and counts of ``Trainer.run``, and the progress of a checkpoint's epoch."""
    buffers = {"evals": 0, "updates": trainer.n_updates}  # work arrays by batch size, and counts
    buffers["dropout"] = None if trainer.dropout is None else Dropout(trainer.dropout, rng)
    gauge = GradientNorms(trainer.net) if trainer.monitor_gradients else None
    buffers["gauge"] = session.gradient_norms = gauge
    checkpoint, progress = getattr(train, "checkpoint", None), None
    if checkpoint is not None:
        if checkpoint.resuming:  # the position of the checkpoint: its epoch, chunk and running sums
            progress, train.resume = checkpoint.restore_loop(train, session, start_of_epoch, buffers)
        buffers["after_part"] = functools.partial(checkpoint.after_part, session, start_of_epoch, buffers)
    return buffers, progress


class Trainer:
    """State of training that persists across ``fit`` and ``partial_fit`` calls.

    Parameters
    ----------
    net : Network
    loss : loss object
    penalty : penalty object from ``_penalties``

    The optimizer (None for L-BFGS) and the schedule (a callable k -> rate)
    are set with ``set_optimizer``.
    """

    def __init__(self, net, loss, penalty):
        self.net, self.loss, self.penalty = net, loss, penalty
        self.optimizer = self.schedule = self.opt_state = None
        self.clip_grad_norm = None
        self.dropout = None  # the rate of each hidden layer (``_dropout``), None without dropout
        self.monitor_gradients = False  # whether each epoch records ``_grad_norms.GradientNorms``
        self.n_updates = 0
        self.n_samples_seen = 0
        self.monitor = None

    def __setstate__(self, state):
        if "penalty" not in state:  # saved by version 0.1.0: the penalty was its alpha
            state = dict(state)
            state["penalty"] = L2Penalty(state.pop("alpha", 0.0), state["net"].n_weights)
        self.__dict__.update({"clip_grad_norm": None, "dropout": None, "monitor_gradients": False, **state})

    @property
    def objective(self):
        """J of the network, loss and penalty (``_objective.Objective``)."""
        return Objective(self.net, self.loss, self.penalty)

    def set_optimizer(self, optimizer, schedule, clip_grad_norm=None):
        """Use a new update rule and schedule, keeping compatible optimizer state.

        ``clip_grad_norm``: the largest L2 norm of the data term's gradient
        that an update takes (``_optimizers.clip_norm``), or None.
        """
        self.clip_grad_norm = clip_grad_norm
        if optimizer is not None:
            fresh = optimizer.init(self.net.params)
            same_rule = type(optimizer) is type(self.optimizer) and self.opt_state.keys() == fresh.keys()
            self.opt_state = self.opt_state if same_rule else fresh
        self.optimizer, self.schedule = optimizer, schedule

    def start(self, plan, fresh_monitor):
        """Prepare the best-so-far record of a call: new (``fit``) or continued (``partial_fit``)."""
        if fresh_monitor or self.monitor is None:
            self.monitor = Monitor(plan.tol, plan.n_iter_no_change, keep_best=plan.restore_best)

    # ------------------------------------------------------------------
    # The one epoch end
    # ------------------------------------------------------------------
    def end_epoch(self, session, J, lr, n_rows, n_total, grad_max=None):
        """Check, evaluate, record and report one finished epoch; the reason to stop, or None.

        ``J`` is the epoch's objective at the parameters it ended with,
        ``lr`` its first rate, ``n_rows`` the rows it used and ``n_total`` the
        training weight (the n of the penalty); ``grad_max`` is ``max(abs(grad J))``
        where a full-batch step rule knows it.
        """
        return self.check_divergence(session, J) or self.record_epoch(
            session, J, lr, n_rows, n_total, grad_max
        )

    def check_divergence(self, session, J):
        """'diverged' (and the session stopped) if the epoch with objective J diverged, else None."""
        losses = session.history["loss"]
        first_J = losses[0] if losses else J
        why = divergence(J, self.net.params, first_J, f"{session.plan.unit} {len(losses) + 1}")
        return session.stop("diverged", why) if why else None

    def record_epoch(self, session, J, lr, n_rows, n_total, grad_max=None):
        """The epoch end after the divergence check: evaluation, history, callbacks, stopping rules."""
        plan, history = session.plan, session.history
        self.n_samples_seen += n_rows
        val_loss, val_score = self._evaluate(session, n_total)
        self._record(session, J, lr, val_loss, val_score)
        session.outcome.n_epochs += 1
        watched = val_score if plan.monitor_validation else -J
        self.monitor.update(watched, self.net.params, epoch=len(history["loss"]))
        if session.tasks.end():
            return session.stop("callback", "A callback asked training to stop.")
        if plan.gtol is not None and grad_max is not None and grad_max <= plan.gtol:
            message = f"The gradient's max norm {grad_max:.3g} is at most tol={plan.tol:g}."
            if plan.verbose:
                print(message + " Stopping.")
            return session.stop("tol", message)
        return self._patience(session)

    def _evaluate(self, session, n_total):
        if session.val is None:
            return np.nan, np.nan
        with np.errstate(all="ignore"):  # a diverging model may overflow here
            val_loss = self.objective.on_rows(session.val, n_total)
            val_score = -val_loss if session.score is None else session.score()
        return val_loss, val_score

    def _record(self, session, loss, lr, val_loss, val_score):
        history = session.history
        history["loss"].append(loss)
        history["learning_rate"].append(lr)
        history["val_loss"].append(val_loss)
        history["val_score"].append(val_score)
        history["time"].append(time.perf_counter() - session.t0)
        if session.gradient_norms is not None:
            session.gradient_norms.record(history, self.net.params)
        if session.plan.verbose:
            line = f"Iteration {len(history['loss'])}, loss = {loss:.8f}"
            if not np.isnan(val_loss):
                line += f", validation loss = {val_loss:.8f}, validation score = {val_score:.6f}"
            print(line)

    def _patience(self, session):
        """Apply the patience rule; with 'adaptive' a plateau cuts the rate instead."""
        plan = session.plan
        if not self.monitor.exhausted:
            return None
        plateau = getattr(self.schedule, "plateau", None)  # a schedule that listens to plateaus
        if plateau is not None and plateau():
            self.monitor.reset_count()
            if plan.verbose:
                print(f"Setting learning rate to {self.schedule.eta:f}")
            return None
        what = "Validation score" if plan.monitor_validation else "Training loss"
        message = f"{what} did not improve more than tol={plan.tol:f} for {plan.n_iter_no_change} "
        message += "consecutive epochs."
        if plan.verbose:
            print(message + " Stopping.")
        return session.stop("early_stopping" if plan.monitor_validation else "tol", message)

    # ------------------------------------------------------------------
    # The first-order loop
    # ------------------------------------------------------------------
    def run(self, train, session, rng, *, fresh_monitor=True):
        """Train with the first-order optimizer for up to ``session.plan.max_epochs`` epochs.

        Parameters
        ----------
        train : Rows or Stream
        session : Session
        rng : numpy.random.RandomState
            Source of the shuffling permutations.
        fresh_monitor : bool
            Start a new best-so-far record (``fit``) or continue the previous
            one (``partial_fit``).

        Returns
        -------
        Outcome
        """
        plan, params = session.plan, self.net.params
        checkpoint = getattr(train, "checkpoint", None)  # a stream of fit_stream(checkpoint=...)
        self.start(plan, fresh_monitor and not (checkpoint is not None and checkpoint.resuming))
        epochs = EpochBatches(train, plan.batch_size, plan.shuffle)
        start_of_epoch = Snapshot(self)
        buffers, progress = _run_state(self, train, session, rng, start_of_epoch)
        with deferred_sigint() as interrupt:
            try:
                for _ in range(plan.max_epochs - session.outcome.n_epochs):
                    if interrupt.requested:  # Ctrl-C after the last update of the previous epoch
                        break
                    if progress is None:
                        start_of_epoch.take()
                    session.tasks.begin()
                    progress, epoch = None, progress or EpochProgress()
                    J, lr, n_rows = self._epoch(epochs(rng), buffers, interrupt, epoch)
                    if interrupt.requested:  # first Ctrl-C: the last update is whole
                        break
                    if buffers.get("stalled"):
                        session.stop("line_search", buffers["stalled"])
                        session.outcome.final_loss = buffers["stalled_J"]
                        break
                    if self.end_epoch(session, J, lr, n_rows, epochs.n_total, buffers.get("grad_max")):
                        break
            except KeyboardInterrupt:
                # Raised by user code such as a schedule (before its update), or by
                # a second Ctrl-C that may have cut an update short: then the start
                # of the epoch is the last state known to be whole.
                session.stop("interrupted")
                if interrupt.requested or not np.isfinite(params).all():
                    start_of_epoch.restore()
            if session.outcome.reason == "diverged":
                start_of_epoch.restore()
            elif interrupt.requested and session.outcome.reason != "interrupted":
                session.stop("interrupted")  # the unfinished epoch is not recorded
        session.tasks.close()
        session.outcome.n_fun_evals = buffers["evals"] + self.n_updates - buffers["updates"]
        if plan.restore_best and self.monitor.best_params is not None:
            np.copyto(params, self.monitor.best_params)
        if session.outcome.reason == "line_search":
            warn_caller(session.outcome.message, ConvergenceWarning)
        if session.outcome.reason == "max_iter":
            searched = plan.gtol is not None and buffers.get("grad_max") is not None
            detail = f" (max |grad J| = {buffers['grad_max']:.3g} > tol)" if searched else ""
            warn_caller(
                f"{'' if searched else 'Stochastic Optimizer: '}Maximum iterations ({plan.max_epochs}) "
                f"reached and the optimization hasn't converged yet{detail}.",
                ConvergenceWarning,
            )
        return session.outcome

    def _epoch(self, parts, buffers, interrupt, progress):
        """One pass over the parts of an epoch: (mean batch objective, first rate, rows).

        The mean is weighted by the batches' sample weights, so a full batch
        reports J exactly. It is NaN when an objective was not finite; the
        epoch then ends before that update. No part is held while the next
        one is read (a stream keeps one chunk in memory). ``progress`` holds
        the running sums (an ``EpochProgress``: empty, or a checkpoint's);
        ``buffers['after_part']`` is told of each whole part.
        """
        penalty = self.penalty if self.penalty.active else None
        after_part = buffers.get("after_part")
        with np.errstate(over="ignore", invalid="ignore"):
            for part in parts:
                progress.weight += part.weight
                progress.n_rows += part.rows.n_rows
                part_total, lr = self._pass(part, penalty, buffers, interrupt)
                del part
                progress.first_lr = lr if progress.first_lr is None else progress.first_lr
                if not math.isfinite(part_total):
                    return np.nan, progress.first_lr, progress.n_rows
                progress.total += part_total
                if interrupt.requested:
                    break
                progress.parts += 1
                if after_part is not None:
                    after_part(progress)
        return progress.total / progress.weight, progress.first_lr, progress.n_rows

    def _pass(self, part, penalty, buffers, interrupt):
        """The updates of one part: (sum of batch objectives times batch weights, first rate)."""
        if self.optimizer.line_search:
            return self._search_pass(part, buffers)
        total, first_lr = 0.0, None
        net, loss, optimizer = self.net, self.loss, self.optimizer
        dropout, clip, gauge = buffers["dropout"], self.clip_grad_norm, buffers["gauge"]
        params, n = net.params, part.n
        penalty_value = self.penalty.value(params, n)  # where the pass starts
        for X, T, sw in part.rows.batches(part.batch, part.order):
            batch_weight = X.shape[0] if sw is None else float(sw.sum(dtype=np.float64))
            if batch_weight == 0.0:  # only rows of weight zero: nothing to learn, no update
                continue
            ws = buffers.get(X.shape[0]) or buffers.setdefault(X.shape[0], net.workspace(X.shape[0]))
            lr = self.schedule(self.n_updates)
            scale = optimizer.gradient_scale(lr)
            J = net.data_term(X, T, sw, loss, ws.grad, ws, scale, dropout) + penalty_value
            if not math.isfinite(J):
                return np.nan, first_lr
            first_lr = lr if first_lr is None else first_lr
            step_penalty = penalty
            if gauge is not None:
                step_penalty = gauge.measure(ws.grad, scale, penalty, n, optimizer, clip is not None)
            if clip is not None:  # the gradient comes scaled by `scale`
                clip_norm(ws.grad, clip * scale)
            optimizer.step(params, ws.grad, self.opt_state, lr, step_penalty, n)
            if gauge is not None:
                gauge.moved(params, ws.grad if optimizer.step_in_grad else None)
            self.n_updates += 1
            total += J * batch_weight
            if interrupt.requested:
                break
        return total, first_lr

    def _search_pass(self, part, buffers):
        """One iteration of a full-batch step rule (``_step_rules``) on the part: (J times weight, step).

        The rule evaluates J itself; its evaluations beyond the one an update
        of a schedule would make are added to ``buffers['evals']``. When no
        step decreases J the parameters stay and ``buffers['stalled']`` says why.
        """
        rule, params, n = self.optimizer, self.net.params, part.n
        X, T, sw = next(part.rows.batches(part.batch, part.order))
        ws = buffers.get(X.shape[0]) or buffers.setdefault(X.shape[0], self.net.workspace(X.shape[0]))
        work = buffers.get("search") or buffers.setdefault("search", rule.start(params))
        evaluate = buffers.get("evaluate")
        if evaluate is None or not evaluate.serves(X, T, sw, n):  # made once per call for the same rows
            evaluate = buffers["evaluate"] = FullBatch(self.objective, X, T, sw, n, ws)
        evaluate.n_evals = 0
        gauge = buffers["gauge"]
        if gauge is not None:  # the gradient at the start, which the rule keeps for its iteration
            gauge.gradient(rule.gradient(evaluate, work))
            gauge.start(params)
        step = rule.iterate(evaluate, params, self.opt_state, work)
        if gauge is not None and step is not None:
            gauge.moved(params)
        buffers["evals"] += evaluate.n_evals
        if step is None:
            buffers["stalled"] = (
                "The line search found no step along the gradient that decreases J enough: the decrease "
                "it needs is below the rounding of J, or the trial steps became too short to change the "
                "parameters. J is at its minimum to the precision of its dtype (or is not finite near "
                "these parameters); a smaller tol cannot be reached."
            )
            buffers["stalled_J"] = work["J"]  # J at the parameters kept
            return np.nan, np.nan
        buffers["evals"] -= 1  # the update's own evaluation is counted with the updates
        buffers["grad_max"] = step.grad_max
        self.n_updates += 1
        return step.J * part.weight, step.step
