"""The registry of solvers: the one place that knows what each ``solver`` is.

A solver says whether it is stochastic (it works batch by batch: schedules,
``batch_size``, ``partial_fit``, ``fit_stream``, early stopping on a split),
what one of its steps is called (an ``'epoch'`` or an L-BFGS
``'iteration'``), how to build its update rule from the estimator's
parameters, and how to run one training call. The estimators' ``solver``
constraint is the set of names in ``SOLVERS``; nothing else in the package
compares solver names.

Adding a solver means one class here and one entry in ``SOLVERS`` (a new
update rule goes into ``_optimizers``).
"""

from ._lbfgs import LBFGSRun
from ._optimizers import SGD, Adam
from ._schedules import make_schedule
from ._training import Plan


class Solver:
    """Interface of a solver (see the module docstring)."""

    name = None
    stochastic = True
    unit = "epoch"

    def configure(self, estimator, trainer, n_rows, batch):
        """Give ``trainer`` the update rule and schedule of the estimator's parameters."""
        raise NotImplementedError  # pragma: no cover - interface

    def plan(self, estimator, n_rows, batch, *, incremental, monitor_validation):
        """The ``Plan`` of one training call."""
        raise NotImplementedError  # pragma: no cover - interface

    def run(self, trainer, train, session, rng, *, n_total, incremental, max_fun):
        """Train; returns the ``Outcome``."""
        raise NotImplementedError  # pragma: no cover - interface

    def max_tasks(self, plan):
        """The most epoch tasks a call reports to scikit-learn's callbacks."""
        return plan.max_epochs


class _FirstOrder(Solver):
    """A first-order update rule driven by a learning-rate schedule, batch after batch."""

    def make_rule(self, estimator):
        """The update rule (``_optimizers``) of the estimator's parameters."""
        raise NotImplementedError  # pragma: no cover - interface

    def configure(self, estimator, trainer, n_rows, batch):
        schedule = make_schedule(
            estimator.learning_rate,
            estimator.learning_rate_init,
            power_t=estimator.power_t,
            decay_rate=estimator.decay_rate,
            decay_steps=estimator.decay_steps,
            total_steps=estimator.max_iter * -(-n_rows // (batch or n_rows)),
            start=trainer.n_updates,
        )
        trainer.set_optimizer(self.make_rule(estimator), schedule)

    def plan(self, estimator, n_rows, batch, *, incremental, monitor_validation):
        return Plan(
            max_epochs=1 if incremental else estimator.max_iter,
            batch_size=batch,
            shuffle=estimator.shuffle,
            tol=estimator.tol,
            n_iter_no_change=estimator.n_iter_no_change,
            monitor_validation=monitor_validation,
            restore_best=monitor_validation and estimator.restore_best_weights,
            verbose=bool(estimator.verbose),
            last_reason="epochs" if incremental else "max_iter",
        )

    def run(self, trainer, train, session, rng, *, n_total, incremental, max_fun):
        return trainer.run(train, session, rng, fresh_monitor=not incremental)


class SGDSolver(_FirstOrder):
    """``'sgd'``: gradient descent with optional (Nesterov) momentum."""

    name = "sgd"

    def make_rule(self, estimator):
        return SGD(estimator.momentum, estimator.nesterovs_momentum)


class AdamSolver(_FirstOrder):
    """``'adam'``: Adam."""

    name = "adam"

    def make_rule(self, estimator):
        return Adam(estimator.beta_1, estimator.beta_2, estimator.epsilon)


class LBFGSSolver(Solver):
    """``'lbfgs'``: SciPy's L-BFGS-B on the full batch; no schedule, no batches."""

    name = "lbfgs"
    stochastic = False
    unit = "iteration"

    def configure(self, estimator, trainer, n_rows, batch):
        trainer.set_optimizer(None, None)

    def plan(self, estimator, n_rows, batch, *, incremental, monitor_validation):
        return Plan(
            max_epochs=estimator.max_iter, tol=estimator.tol, verbose=bool(estimator.verbose), unit=self.unit
        )

    def max_tasks(self, plan):
        return plan.max_epochs + 1  # a task begins after every iteration, the last one included

    def run(self, trainer, train, session, rng, *, n_total, incremental, max_fun):
        return LBFGSRun(trainer, train, session, n_total).run(max_fun, session.plan.tol)


#: Registry of the solvers, name -> solver.
SOLVERS = {solver.name: solver for solver in (SGDSolver(), AdamSolver(), LBFGSSolver())}
