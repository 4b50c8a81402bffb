"""The training loop: the only loop in the package.

``Trainer`` holds everything that must survive between calls to ``fit`` (with
``warm_start``) and ``partial_fit``: the network, the loss, the optimizer and
its state, the learning-rate schedule, and the counters of updates and samples
seen. ``Trainer.run`` trains for a number of epochs over ``Rows`` of training
data; ``Trainer.run_lbfgs`` hands the same objective to SciPy's L-BFGS-B.

Per epoch the loop: shuffles row indices (never X itself), gathers each
mini-batch, computes J and its gradient, asks the schedule for the rate of
update k, lets the optimizer step (adding the L2 penalty's gradient), and
accumulates the batch objectives: each batch's data loss plus the penalty at
the parameters the pass started from. At
the end of the epoch it records the history, evaluates the validation set,
feeds the ``Monitor`` and decides whether to stop, to cut the rate
(``adaptive``) or to go on.

The training rows of an epoch are one ``Rows`` or a ``Stream``: chunks of rows
read anew in every epoch (``sklearn_nn.stream.fit_stream``), each shuffled
and batched like ``Rows``, so that data larger than memory trains through the
same loop.

Training diverged when the objective becomes non-finite, when it grows to
more than ``DIVERGENCE_FACTOR`` (1e10) times max(1, its value in the first
epoch), or when the parameters overflow when squared (see ``divergence``).
Divergence stops training at once and restores the parameters of the start of
that epoch (or the best ones when early stopping keeps them). A Ctrl-C during
training is deferred to the end of the current update, so the model is never
left half-updated.
"""

import copy
import math
import signal
import threading
import time
import warnings
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.optimize import _check_optimize_result

from ._early_stopping import Monitor
from ._network import weighted_sum
from ._schedules import Adaptive


class Rows:
    """Training or validation rows: inputs, encoded targets and sample weights.

    Parameters
    ----------
    X : ndarray or CSR matrix of shape (n_samples, n_features)
    T : ndarray of shape (n_samples, n_outputs)
        Targets encoded for the loss.
    sample_weight : ndarray of shape (n_samples,) or None
    y : array-like, optional
        The targets as the user gave them (for scorers).
    index : ndarray of int, optional
        The rows of the arrays that belong to this set. Batches are gathered
        through it, so a subset of a large X costs an index array, not a copy.
    """

    def __init__(self, X, T, sample_weight=None, y=None, index=None):
        self.X, self.T, self.sample_weight, self.y = X, T, sample_weight, y
        self.index = index

    @property
    def n_rows(self):
        return self.X.shape[0] if self.index is None else self.index.shape[0]

    @property
    def weight(self):
        if self.sample_weight is None:
            return float(self.n_rows)
        sw = self.sample_weight if self.index is None else self.sample_weight[self.index]
        return float(sw.sum(dtype=np.float64))

    def subset(self, rows, copy=True):
        """The given rows as a new ``Rows``: copied, or selected through an index."""
        index = rows if self.index is None else self.index[rows]
        if not copy:
            return Rows(self.X, self.T, self.sample_weight, self.y, index)
        return Rows(*self.take(rows), None if self.y is None else self.y[index])

    def take(self, rows):
        """The batch (X, T, sample_weight) of the given slice or index array."""
        if self.index is not None:
            rows = self.index[rows]
        sw = None if self.sample_weight is None else self.sample_weight[rows]
        return self.X[rows], self.T[rows], sw

    def batches(self, batch, order=None):
        """Yield (X, T, sample_weight) batches of ``batch`` rows in the given order.

        A full batch of unindexed rows is the data itself (no copy); otherwise
        rows are gathered by slice or, when shuffled, by index.
        """
        n = self.n_rows
        if batch >= n:
            yield self.take(slice(None)) if self.index is not None else (self.X, self.T, self.sample_weight)
            return
        for start in range(0, n, batch):
            stop = min(start + batch, n)
            yield self.take(slice(start, stop) if order is None else order[start:stop])


class Stream:
    """Training rows that arrive in chunks, read anew in every epoch.

    Parameters
    ----------
    chunks : callable
        ``chunks(rng)`` returns the ``Rows`` of one epoch, chunk after chunk,
        in that epoch's order (``rng`` shuffles it).

    Attributes
    ----------
    weight : float
        Sum of the sample weights of one epoch: the n of the penalty. Known
        after the first epoch; during it, the weight read so far.
    complete : bool
        Whether an epoch has read all the chunks, so that ``weight`` is known.
    n_rows : float
        ``inf``: batches are clipped to each chunk, not to a number of rows.
    """

    n_rows = float("inf")

    def __init__(self, chunks):
        self.chunks = chunks
        self.weight = 0.0
        self.complete = False


class _Snapshot:
    """Parameters, optimizer state and update count at the start of an epoch."""

    def __init__(self, trainer):
        self.params = np.empty_like(trainer.net.params)
        self.arrays = {k: np.empty_like(v) for k, v in trainer.opt_state.items() if isinstance(v, np.ndarray)}
        self.take(trainer)

    def take(self, trainer):
        np.copyto(self.params, trainer.net.params)
        for k, v in self.arrays.items():
            np.copyto(v, trainer.opt_state[k])
        self.scalars = {k: v for k, v in trainer.opt_state.items() if not isinstance(v, np.ndarray)}
        self.n_updates = trainer.n_updates

    def restore(self, trainer):
        np.copyto(trainer.net.params, self.params)
        for k, v in self.arrays.items():
            np.copyto(trainer.opt_state[k], v)
        trainer.opt_state.update(self.scalars)
        trainer.n_updates = self.n_updates


class Checkpoint:
    """Everything a call of ``fit`` or ``partial_fit`` changes in a model it continues.

    Taken before a call that resumes training (``warm_start``, ``partial_fit``)
    and restored when that call fails, so that the model is left exactly as it
    was: the parameters (copied back in place, so views such as ``coefs_``
    stay valid), the optimizer and its state, the schedule, the counters and
    best-so-far record, the random generator's state and the length of every
    per-epoch record.

    Parameters
    ----------
    trainer : Trainer
    rng : numpy.random.RandomState
    history : dict of lists
    """

    def __init__(self, trainer, rng, history):
        net = trainer.net
        self.trainer = copy.deepcopy(trainer, memo={id(net): net})  # all but the network itself
        self.params = net.params.copy()
        self.rng, self.rng_state = rng, rng.get_state()
        self.history = history
        self.lengths = {key: len(values) for key, values in history.items()}

    def restore(self):
        """Put everything back as it was; returns the trainer to continue with.

        Returns
        -------
        trainer : Trainer
            A trainer in the state of the checkpoint, sharing the network.
        """
        np.copyto(self.trainer.net.params, self.params)
        self.rng.set_state(self.rng_state)
        for key, values in self.history.items():
            del values[self.lengths[key] :]
        return self.trainer


#: Training diverged when the objective exceeds this factor times max(1, its first-epoch value).
DIVERGENCE_FACTOR = 1e10


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
    if not np.isfinite(J):
        return f"The training objective became non-finite (inf or NaN) at {where}"
    with np.errstate(over="ignore", invalid="ignore"):
        squared_norm = np.dot(params, params)
    if not np.isfinite(squared_norm):
        return f"The parameters became too large to square in {params.dtype} at {where}"
    if J > DIVERGENCE_FACTOR * max(1.0, first_J):
        return (
            f"The training objective grew to {J:.3g} at {where}, more than {DIVERGENCE_FACTOR:.0e} "
            f"times max(1, its first-epoch value {first_J:.3g})"
        )
    return ""


class _Buffers:
    """Work arrays of the training loop: one network workspace per batch size."""

    def __init__(self, net):
        self.net = net
        self._workspaces = {}

    def workspace(self, n_rows):
        """The network's workspace for a batch of ``n_rows`` rows."""
        if n_rows not in self._workspaces:
            self._workspaces[n_rows] = self.net.workspace(n_rows)
        return self._workspaces[n_rows]


@dataclass
class LoopConfig:
    """Settings of one call of ``Trainer.run``.

    ``batch_size`` None means full batch. ``monitor_validation`` selects
    what the stopping rule watches: the validation score (early stopping) or
    the training objective.
    """

    max_epochs: int
    batch_size: int | None
    shuffle: bool
    tol: float
    n_iter_no_change: float
    monitor_validation: bool = False
    restore_best: bool = False
    verbose: bool = False
    warn_max_iter: bool = True


@dataclass
class Outcome:
    """How a call of ``Trainer.run`` ended."""

    n_epochs: int
    reason: str  # "converged", "max_iter", "diverged", "interrupted", "stopped", "epochs"
    message: str = ""
    final_loss: float | None = None  # J at the final parameters, when known apart from the records


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


def _mark_interrupted(outcome):
    """The unfinished epoch is not recorded; the model keeps what it learned."""
    warnings.warn("Training interrupted by user.", UserWarning, stacklevel=7)
    outcome.reason = "interrupted"


@contextmanager
def _deferred_sigint():
    flag = _Interrupt()
    if threading.current_thread() is not threading.main_thread():
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


class Trainer:
    """State of training that persists across ``fit`` and ``partial_fit`` calls.

    Parameters
    ----------
    net : Network
    loss : loss object
    alpha : float
        L2 penalty strength.

    The optimizer (None for L-BFGS) and the schedule (a callable k -> rate)
    are set with ``set_optimizer``.
    """

    def __init__(self, net, loss, alpha=0.0):
        self.net = net
        self.loss = loss
        self.alpha = alpha
        self.optimizer = self.schedule = self.opt_state = None
        self.n_updates = 0
        self.n_samples_seen = 0
        self.monitor = None

    def set_optimizer(self, optimizer, schedule):
        """Use a new update rule and schedule, keeping compatible optimizer state."""
        if optimizer is not None:
            fresh = optimizer.init(self.net.params)
            same_rule = type(optimizer) is type(self.optimizer) and self.opt_state.keys() == fresh.keys()
            self.opt_state = self.opt_state if same_rule else fresh
        self.optimizer, self.schedule = optimizer, schedule

    # ------------------------------------------------------------------
    def validation_loss(self, val, n_total):
        """J on validation rows: weighted mean loss plus the training penalty."""
        total, chunk_size = 0.0, self.net.chunk_rows
        for start in range(0, val.n_rows, chunk_size):
            rows = slice(start, start + chunk_size)
            X, T, sw = val.take(rows)
            total += weighted_sum(self.loss.value(T, self.net.forward(X)[0]), sw)
        return total / val.weight + self.net.penalty(self.alpha, n_total)

    def _evaluate(self, val, score, n_total):
        if val is None:
            return np.nan, np.nan
        with np.errstate(all="ignore"):  # a diverging model may overflow here
            val_loss = self.validation_loss(val, n_total)
            val_score = -val_loss if score is None else score()
        return val_loss, val_score

    @staticmethod
    def _clock_start(history):
        """The origin of ``history['time']``: now, less the time of earlier calls."""
        return time.perf_counter() - (history["time"][-1] if history["time"] else 0.0)

    def _record(self, history, t0, loss, lr, val_loss, val_score, verbose):
        history["loss"].append(loss)
        history["learning_rate"].append(lr)
        history["val_loss"].append(val_loss)
        history["val_score"].append(val_score)
        history["time"].append(time.perf_counter() - t0)
        if verbose:
            line = f"Iteration {len(history['loss'])}, loss = {loss:.8f}"
            if not np.isnan(val_loss):
                line += f", validation loss = {val_loss:.8f}, validation score = {val_score:.6f}"
            print(line)

    # ------------------------------------------------------------------
    def run(self, train, cfg, rng, history, *, n_total, val=None, score=None, fresh_monitor=True, tasks=None):
        """Train with the first-order optimizer for up to ``cfg.max_epochs`` epochs.

        Parameters
        ----------
        train : Rows
        cfg : LoopConfig
        rng : numpy.random.RandomState
            Source of the shuffling permutations.
        history : dict of lists
            Per-epoch records, appended to.
        n_total : float
            Sum of the training sample weights (the n in the penalty of J).
        val : Rows or None
            Validation rows, evaluated after every epoch.
        score : callable or None
            Returns the validation score (higher is better); None uses minus
            the validation loss.
        fresh_monitor : bool
            Start a new best-so-far record (``fit``) or continue the previous
            one (``partial_fit``).
        tasks : EpochTasks or None
            Hooks called around every epoch; their ``end`` may stop training.

        Returns
        -------
        Outcome
        """
        params = self.net.params
        tasks = tasks or EpochTasks()
        if fresh_monitor or self.monitor is None:
            self.monitor = Monitor(cfg.tol, cfg.n_iter_no_change, keep_best=cfg.restore_best)
        stream = train if isinstance(train, Stream) else None
        n = train.n_rows
        batch = n if cfg.batch_size is None else min(cfg.batch_size, n)
        order = np.arange(n) if stream is None and cfg.shuffle and batch < n else None
        last_good = _Snapshot(self)
        buffers = _Buffers(self.net)
        t0 = self._clock_start(history)
        outcome = Outcome(0, "max_iter" if cfg.warn_max_iter else "epochs")
        with _deferred_sigint() as interrupt:
            try:
                for _ in range(cfg.max_epochs):
                    if interrupt.requested:  # Ctrl-C after the last update of the previous epoch
                        break
                    last_good.take(self)
                    tasks.begin()
                    if stream is not None:
                        epoch_loss, first_lr, n = self._stream_epoch(stream, cfg, rng, buffers, interrupt)
                        n_total = stream.weight
                    else:
                        if order is not None:  # reshuffle the previous order, as scikit-learn does
                            order = order[rng.permutation(n)]
                        epoch_loss, first_lr = self._epoch(train, batch, order, n_total, buffers, interrupt)
                    if interrupt.requested:  # first Ctrl-C: the last update is whole
                        _mark_interrupted(outcome)
                        break
                    losses = history["loss"]
                    first_J = losses[0] if losses else epoch_loss
                    why = divergence(epoch_loss, params, first_J, f"epoch {len(losses) + 1}")
                    if why:
                        last_good.restore(self)
                        outcome.reason, outcome.message = "diverged", why
                        break
                    self.n_samples_seen += n
                    val_loss, val_score = self._evaluate(val, score, n_total)
                    self._record(history, t0, epoch_loss, first_lr, val_loss, val_score, cfg.verbose)
                    outcome.n_epochs += 1
                    watched = val_score if cfg.monitor_validation else -epoch_loss
                    self.monitor.update(watched, params, epoch=len(history["loss"]))
                    if tasks.end():
                        outcome.reason = "stopped"
                        outcome.message = "A callback asked training to stop."
                        break
                    if self._should_stop(cfg, outcome):
                        break
            except KeyboardInterrupt:
                # Raised by user code such as a schedule (before its update), or by
                # a second Ctrl-C that may have cut an update short: then the start
                # of the epoch is the last state known to be whole.
                _mark_interrupted(outcome)
                if interrupt.requested or not np.isfinite(params).all():
                    last_good.restore(self)
            if interrupt.requested and outcome.reason not in ("interrupted", "diverged"):  # between epochs
                _mark_interrupted(outcome)
        tasks.close()
        if cfg.restore_best and self.monitor.best_params is not None:
            np.copyto(params, self.monitor.best_params)
        if outcome.reason == "max_iter":
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({cfg.max_epochs}) reached "
                "and the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=6,
            )
        return outcome

    def _epoch(self, train, batch, order, n_total, buffers, interrupt):
        """One pass over the rows: returns (mean batch objective, first rate).

        The mean is weighted by the batches' sample weights, so a full batch
        reports J exactly. It is NaN when an objective was not finite; the
        epoch then ends before that update.
        """
        total, first_lr = 0.0, None
        net, loss, optimizer = self.net, self.loss, self.optimizer
        # The objective gives the data term of each batch (alpha=0). The
        # penalty's gradient goes to the optimizer, and its value, taken where
        # the pass starts, completes every batch objective J_B.
        penalty = (self.alpha / n_total, net.n_weights) if self.alpha != 0.0 else None
        with np.errstate(over="ignore", invalid="ignore"):
            penalty_value = net.penalty(self.alpha, n_total)
            for X, T, sw in train.batches(batch, order):
                batch_weight = X.shape[0] if sw is None else float(sw.sum(dtype=np.float64))
                if batch_weight == 0.0:  # only rows of weight zero: nothing to learn, no update
                    continue
                ws = buffers.workspace(X.shape[0])
                lr = self.schedule(self.n_updates)
                scale = optimizer.gradient_scale(lr)
                J = net.objective(X, T, sw, loss, 0.0, n_total, ws.grad, ws, scale) + penalty_value
                if not math.isfinite(J):
                    return np.nan, first_lr
                first_lr = lr if first_lr is None else first_lr
                optimizer.step(net.params, ws.grad, self.opt_state, lr, penalty)
                self.n_updates += 1
                total += J * batch_weight
                if interrupt.requested:
                    break
        return total / train.weight, first_lr

    def _stream_epoch(self, stream, cfg, rng, buffers, interrupt):
        """One pass over the chunks of a ``Stream``: (mean objective, first rate, rows).

        Each chunk is a pass of ``_epoch`` over its rows, shuffled within the
        chunk; the epoch's objective is the mean of the chunks' objectives
        weighted by their sample weights. Only one chunk is held at a time.
        """
        total = weight = 0.0
        n_rows, first_lr = 0, None
        for rows in stream.chunks(rng):
            w, m = rows.weight, rows.n_rows
            weight += w
            batch = m if cfg.batch_size is None else min(cfg.batch_size, m)
            order = rng.permutation(m) if cfg.shuffle and batch < m else None
            n_total = stream.weight if stream.complete else weight
            loss, lr = self._epoch(rows, batch, order, n_total, buffers, interrupt)
            first_lr = lr if first_lr is None else first_lr
            total += loss * w
            n_rows += m
            del rows  # the next chunk is read without this one in memory
            if interrupt.requested or not np.isfinite(total):
                return total, first_lr, n_rows
        stream.weight, stream.complete = weight, True
        return total / weight, first_lr, n_rows

    def _should_stop(self, cfg, outcome):
        """Apply the patience rule; with 'adaptive' a plateau cuts the rate instead."""
        if not self.monitor.exhausted:
            return False
        if isinstance(self.schedule, Adaptive) and self.schedule.plateau():
            self.monitor.reset_count()
            if cfg.verbose:
                print(f"Setting learning rate to {self.schedule.eta:f}")
            return False
        what = "Validation score" if cfg.monitor_validation else "Training loss"
        outcome.reason = "converged"
        outcome.message = (
            f"{what} did not improve more than tol={cfg.tol:f} for {cfg.n_iter_no_change} consecutive epochs."
        )
        if cfg.verbose:
            print(outcome.message + " Stopping.")
        return True

    # ------------------------------------------------------------------
    def run_lbfgs(
        self, train, history, *, n_total, max_iter, max_fun, tol, verbose, val=None, score=None, tasks=None
    ):
        """Minimise J over the full training set with SciPy's L-BFGS-B.

        Every L-BFGS iteration is recorded in ``history`` like an epoch, and
        runs between ``tasks.begin()`` and ``tasks.end()``. Returns an
        ``Outcome`` whose ``n_epochs`` is the number of iterations. When
        training diverges or is interrupted, the parameters are those of the
        last accepted iteration (the start, before the first).
        """
        tasks = tasks or EpochTasks()
        stop, diverged, accepted_J = [], [], []
        net, params = self.net, self.net.params
        grad = np.empty_like(params)
        accepted = params.astype(np.float64)  # the last accepted iterate
        n_before = len(history["loss"])
        t0 = self._clock_start(history)
        X = train.X if not sp.issparse(train.X) else train.X.tocsr()

        def fun(theta):
            with np.errstate(over="ignore", invalid="ignore"):
                params[...] = theta
                J = net.objective(X, train.T, train.sample_weight, self.loss, self.alpha, n_total, grad)
            return J, grad.astype(np.float64)

        def check(J, theta):
            """Set the parameters to theta; the reason if they diverged, else ''."""
            with np.errstate(over="ignore", invalid="ignore"):
                params[...] = theta
            losses = history["loss"]
            return divergence(J, params, losses[0] if losses else J, f"iteration {len(losses) + 1}")

        def callback(intermediate_result):
            J = float(intermediate_result.fun)
            why = check(J, intermediate_result.x)
            if why:
                diverged.append(why)
                raise StopIteration
            np.copyto(accepted, intermediate_result.x)
            accepted_J[:] = [J]
            val_loss, val_score = self._evaluate(val, score, n_total)
            self._record(history, t0, J, np.nan, val_loss, val_score, verbose)
            if tasks.end():
                stop.append(True)
            tasks.begin()
            if interrupt.requested or stop:
                raise StopIteration  # SciPy ends the minimisation and returns its result

        tasks.begin()
        with _deferred_sigint() as interrupt:
            try:
                result = scipy.optimize.minimize(
                    fun,
                    accepted.copy(),
                    method="L-BFGS-B",
                    jac=True,
                    callback=callback,
                    options={
                        "maxiter": max_iter,
                        "maxfun": max_fun,
                        "gtol": tol,
                        "ftol": 64 * np.finfo(float).eps,
                    },
                )
            except KeyboardInterrupt:  # from user code (a scorer, a callback) or a second Ctrl-C
                result = None
        tasks.close()
        n_recorded = len(history["loss"]) - n_before
        if result is not None and not diverged:
            why = check(float(result.fun), result.x)
            if why:
                diverged.append(why)
        if diverged:
            params[...] = accepted
            return Outcome(n_recorded, "diverged", diverged[0])
        if result is None or interrupt.requested:
            params[...] = accepted
            # The last accepted iterate may not be recorded (a scorer raised): its J is loss_.
            outcome = Outcome(n_recorded, "interrupted", final_loss=accepted_J[0] if accepted_J else None)
            _mark_interrupted(outcome)
            return outcome
        if stop:
            return Outcome(result.nit, "stopped", "A callback asked training to stop.", float(result.fun))
        n_iter = _check_optimize_result("lbfgs", result, max_iter)
        self.n_samples_seen += train.n_rows * max(n_iter, 1)
        return Outcome(n_iter, "converged" if result.success else "max_iter", final_loss=float(result.fun))
