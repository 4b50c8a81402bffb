"""The L-BFGS solver: SciPy's L-BFGS-B on the full-batch objective J.

Every accepted iterate is one "epoch" of the training loop: it goes through
the two halves of ``Trainer.end_epoch`` (``check_divergence``, then, once the
iterate is accepted and kept, ``record_epoch``: evaluation, history,
callbacks), and
SciPy is asked to stop, the way its ``minimize`` documents (``StopIteration``
from the callback), when that epoch end or a Ctrl-C says so. When training
diverges or is interrupted, the parameters are those of the last accepted
iterate (the start, before the first), kept in a ``Snapshot``.
"""

import numpy as np
import scipy.optimize
import scipy.sparse as sp
from sklearn.utils.optimize import _check_optimize_result

from ._grad_norms import GradientNorms
from ._snapshot import Snapshot
from ._training import deferred_sigint


class LBFGSRun:
    """One minimisation of J with L-BFGS-B.

    Parameters
    ----------
    trainer : Trainer
    train : Rows
        All the training rows (L-BFGS uses the full batch).
    session : Session
        The call in progress; its plan's ``max_epochs`` is L-BFGS's
        ``maxiter``.
    n_total : float
        Sum of the training sample weights (the n of the penalty).
    """

    def __init__(self, trainer, train, session, n_total):
        self.trainer, self.train, self.session, self.n_total = trainer, train, session, n_total
        self.params = trainer.net.params
        self.grad = np.empty_like(self.params)
        self.objective = trainer.objective
        self.X = train.X if not sp.issparse(train.X) else train.X.tocsr()
        self.accepted = self.accepted_J = None  # the last accepted iterate and its J

    def fun(self, theta):
        """J and its gradient at theta, in float64 for SciPy."""
        self._set(theta)
        self.session.outcome.n_fun_evals += 1
        with np.errstate(over="ignore", invalid="ignore"):
            J = self.objective.value(self.X, self.train.T, self.train.sample_weight, self.n_total, self.grad)
        if self.session.gradient_norms is not None:  # the gradient at theta, for the iterate's record
            self.last = (np.array(theta), self.grad.copy())
            self.gradient_at_iterate = (
                self.last[1] if self.gradient_at_iterate is None else self.gradient_at_iterate
            )
        return J, self.grad.astype(np.float64)

    def _set(self, theta):
        """The parameters become theta (cast to their dtype; a diverging theta may overflow)."""
        with np.errstate(over="ignore", invalid="ignore"):
            self.params[...] = theta

    def callback(self, intermediate_result):
        """The epoch end of an accepted iterate; stops SciPy when training must stop."""
        trainer, session = self.trainer, self.session
        J = float(intermediate_result.fun)
        self._set(intermediate_result.x)
        if session.gradient_norms is not None:
            self._measure(intermediate_result.x)
        reason = trainer.check_divergence(session, J)
        if reason is None:
            self.accepted.take()
            self.accepted_J = J
            reason = trainer.record_epoch(session, J, np.nan, 0, self.n_total)
            session.tasks.begin()
        if reason is not None or self.interrupt.requested:
            raise StopIteration  # SciPy ends the minimisation and returns its result

    def _measure(self, x):
        """``monitor_gradients``: the step from the last accepted iterate to x and the gradient there."""
        gauge = self.session.gradient_norms
        gauge.gradient(self.gradient_at_iterate)
        gauge.start(self.accepted.params)
        gauge.moved(self.params)
        theta, grad = self.last
        if not np.array_equal(theta, x):  # the last evaluation was not at x: evaluate there
            grad = np.empty_like(self.params)
            self.objective.value(self.X, self.train.T, self.train.sample_weight, self.n_total, grad)
        self.gradient_at_iterate = grad

    def run(self):
        """Minimise; returns the session's ``Outcome``."""
        trainer, session, plan = self.trainer, self.session, self.session.plan
        previous_monitor = trainer.monitor  # the iterations get a record of this call only
        trainer.start(plan, fresh_monitor=True)
        self.accepted = Snapshot(trainer)  # the start, until an iterate is accepted
        session.gradient_norms = GradientNorms(trainer.net) if trainer.monitor_gradients else None
        self.gradient_at_iterate = None
        session.tasks.begin()
        with deferred_sigint() as self.interrupt:
            try:
                result = scipy.optimize.minimize(
                    self.fun,
                    self.params.astype(np.float64),
                    method="L-BFGS-B",
                    jac=True,
                    callback=self.callback,
                    options={
                        "maxiter": plan.max_epochs,
                        "maxfun": plan.max_fun,
                        "gtol": plan.tol,
                        "ftol": 64 * np.finfo(float).eps,
                    },
                )
            except KeyboardInterrupt:  # from user code (a scorer, a callback) or a second Ctrl-C
                result = None
        session.tasks.close()
        outcome = self._finish(result)
        trainer.monitor = previous_monitor
        return outcome

    def _finish(self, result):
        trainer, session, outcome = self.trainer, self.session, self.session.outcome
        if result is not None and outcome.reason != "diverged":
            self._set(result.x)
            trainer.check_divergence(session, float(result.fun))
        if outcome.reason == "diverged":
            self.accepted.restore()
            return outcome
        if result is None or self.interrupt.requested:
            self.accepted.restore()
            # The last accepted iterate may not be recorded (a scorer raised): its J is loss_.
            outcome.final_loss = self.accepted_J
            session.stop("interrupted")
            return outcome
        outcome.final_loss = float(result.fun)
        if outcome.reason == "callback":
            outcome.n_epochs = result.nit
            return outcome
        outcome.n_epochs = _check_optimize_result("lbfgs", result, session.plan.max_epochs)
        trainer.n_samples_seen += self.train.n_rows * max(outcome.n_epochs, 1)
        if result.success:
            outcome.reason = "tol"
        elif result.nfev >= session.plan.max_fun:
            outcome.reason = "max_fun"
        elif result.nit >= session.plan.max_epochs:
            outcome.reason = "max_iter"
        else:
            outcome.reason = "line_search"
        return outcome
