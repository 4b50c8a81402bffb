"""The registry of solvers: the one place that knows what each ``solver`` is.

A solver says whether it is stochastic (it works batch by batch: schedules,
``batch_size``, ``partial_fit``, ``fit_stream``, early stopping on a split),
what one of its steps is called (an ``'epoch'`` or an L-BFGS
``'iteration'``), how to build its update rule from the estimator's
parameters, and how to run one training call. The estimators' ``solver``
constraint is the set of names in ``SOLVERS``; nothing else in the package
compares solver names.

Every first-order update rule of ``_optimizers.OPTIMIZERS`` is a solver under
its name (``FirstOrderSolver``): a new optimizer needs nothing here. A solver
of another kind (full batch, its own loop) is one class here and one entry in
``SOLVERS``.
"""

import numpy as np

from ._data import Stream
from ._lbfgs import LBFGSRun
from ._optimizers import OPTIMIZERS
from ._schedules import SCHEDULES, make_schedule
from ._step_rules import STEP_RULES
from ._training import Plan


def _refuse_stochastic_extras(estimator, trainer, what):
    """A solver that searches along the exact J takes neither clipped steps nor a J made random by dropout."""
    if estimator.clip_grad_norm is not None:
        raise ValueError(
            f"clip_grad_norm={estimator.clip_grad_norm!r} rescales the steps of a first-order update "
            f"rule, and {what} chooses its own steps along the exact gradient: use clip_grad_norm=None "
            "with it, or a solver such as 'sgd' or 'adam' with a learning-rate schedule."
        )
    if trainer.dropout is not None:
        raise ValueError(
            f"dropout={estimator.dropout!r} makes every evaluation of J random, and {what} needs the "
            "exact J: use dropout=0 with it, or a solver such as 'sgd' or 'adam' with a schedule."
        )


class Solver:
    """Interface of a solver (see the module docstring)."""

    name = None
    stochastic = True
    unit = "epoch"

    def batch(self, estimator, n_rows):
        """Rows per update; None for full batch."""
        return None

    def configure(self, estimator, trainer, n_rows):
        """Give ``trainer`` the update rule and schedule of the estimator's parameters."""
        raise NotImplementedError  # pragma: no cover - interface

    def plan(self, estimator, n_rows, *, incremental, monitor_validation):
        """The ``Plan`` of one training call."""
        raise NotImplementedError  # pragma: no cover - interface

    def run(self, trainer, train, session, rng, *, n_total, incremental):
        """Train; returns the ``Outcome``."""
        raise NotImplementedError  # pragma: no cover - interface

    def max_tasks(self, plan):
        """The most epoch tasks a call reports to scikit-learn's callbacks."""
        return plan.max_epochs


class FirstOrderSolver(Solver):
    """A first-order update rule of ``_optimizers`` driven by a learning-rate schedule, batch after batch.

    ``learning_rate`` may instead name a full-batch step rule of
    ``_step_rules.STEP_RULES``. For ``'sgd'`` the rule replaces the update
    and the schedule, every update sees the whole training set, and training
    stops when ``max(abs(grad J))`` is at most ``tol`` (the patience rule then only
    watches a validation score). Another optimizer, which scales its own
    steps, takes a step rule's name as the constant rate
    ``learning_rate_init`` (as scikit-learn's ``'adam'`` ignores the
    ``'sgd'``-only ``learning_rate``).

    Parameters
    ----------
    name : str
    rule : class from ``_optimizers.OPTIMIZERS``
    """

    def __init__(self, name, rule):
        self.name, self.rule = name, rule

    def batch(self, estimator, n_rows):
        """Rows per update from ``batch_size``; None for full batch."""
        if estimator.batch_size == "full":
            return None
        if estimator.batch_size == "auto":
            return min(200, n_rows)
        return min(estimator.batch_size, n_rows)

    def step_rule(self, estimator, n_rows):
        """The step rule named by ``learning_rate``, checked against the settings; None for a schedule."""
        name = estimator.learning_rate
        if callable(name) or name not in STEP_RULES:
            return None
        if not self.rule.takes_step_rules:  # an optimizer with steps of its own takes the rate as it is
            return None
        if self.batch(estimator, n_rows) not in (None, n_rows):
            raise ValueError(
                f"learning_rate={name!r} needs the exact objective at every step, so every update "
                f"must see the whole training set: got batch_size={estimator.batch_size!r}. Use "
                "batch_size='full', or a learning-rate schedule (such as learning_rate='constant') "
                "for mini-batches."
            )
        return STEP_RULES[name].from_estimator(estimator)

    def configure(self, estimator, trainer, n_rows):
        rule = self.step_rule(estimator, n_rows)
        if rule is not None:
            _refuse_stochastic_extras(
                estimator, trainer, f"the step rule learning_rate={estimator.learning_rate!r}"
            )
            trainer.set_optimizer(rule, None)
            return
        if trainer.penalty.proximal and not self.rule.takes_proximal:
            raise ValueError(
                f"l1_ratio={estimator.l1_ratio!r} needs a proximal step after each update, which "
                f"solver={self.name!r} does not take (it rescales its steps per coordinate): use "
                "solver='sgd', or l1_ratio=0."
            )
        learning_rate = estimator.learning_rate
        schedule = make_schedule(
            "constant" if learning_rate in STEP_RULES else learning_rate,
            estimator.learning_rate_init,
            power_t=estimator.power_t,
            decay_rate=estimator.decay_rate,
            decay_steps=estimator.decay_steps,
            total_steps=estimator.max_iter * -(-n_rows // (self.batch(estimator, n_rows) or n_rows)),
            start=trainer.n_updates,
        )
        trainer.set_optimizer(self.rule.from_estimator(estimator), schedule, estimator.clip_grad_norm)

    def plan(self, estimator, n_rows, *, incremental, monitor_validation):
        searching = self.step_rule(estimator, n_rows) is not None
        return Plan(
            max_epochs=1 if incremental else estimator.max_iter,
            batch_size=None if searching else self.batch(estimator, n_rows),
            shuffle=estimator.shuffle,
            tol=estimator.tol,
            n_iter_no_change=estimator.n_iter_no_change if monitor_validation or not searching else np.inf,
            gtol=estimator.tol if searching else None,
            monitor_validation=monitor_validation,
            restore_best=monitor_validation and estimator.restore_best_weights,
            verbose=bool(estimator.verbose),
            last_reason="epochs" if incremental else "max_iter",
        )

    def run(self, trainer, train, session, rng, *, n_total, incremental):
        if trainer.optimizer.line_search and isinstance(train, Stream):
            raise ValueError(
                "fit_stream sees one chunk at a time, and one step per chunk is not a full-batch step: "
                "a step rule (learning_rate='backtracking' or 'barzilai_borwein') needs the objective of "
                "the whole data at every step. Use a learning-rate schedule with fit_stream."
            )
        return trainer.run(train, session, rng, fresh_monitor=not incremental)


class LBFGSSolver(Solver):
    """``'lbfgs'``: SciPy's L-BFGS-B on the full batch; no schedule, no batches."""

    name = "lbfgs"
    stochastic = False
    unit = "iteration"

    def configure(self, estimator, trainer, n_rows):
        _refuse_stochastic_extras(estimator, trainer, "solver='lbfgs'")
        if trainer.penalty.proximal:
            raise ValueError(
                f"solver='lbfgs' minimises a smooth J and l1_ratio={estimator.l1_ratio!r} adds an L1 "
                "part: use l1_ratio=0 with it, or solver='sgd' (the linear models' default step rule "
                "takes proximal steps)."
            )
        trainer.set_optimizer(None, None)

    def plan(self, estimator, n_rows, *, incremental, monitor_validation):
        return Plan(
            max_epochs=estimator.max_iter,
            tol=estimator.tol,
            verbose=bool(estimator.verbose),
            unit=self.unit,
            max_fun=estimator.max_fun,
        )

    def max_tasks(self, plan):
        return plan.max_epochs + 1  # a task begins after every iteration, the last one included

    def run(self, trainer, train, session, rng, *, n_total, incremental):
        return LBFGSRun(trainer, train, session, n_total).run()


#: Registry of the solvers, name -> solver: every optimizer, and L-BFGS.
SOLVERS = {
    **{name: FirstOrderSolver(name, rule) for name, rule in OPTIMIZERS.items()},
    "lbfgs": LBFGSSolver(),
}

#: The names ``learning_rate`` accepts: every schedule and every full-batch step rule.
LEARNING_RATES = set(SCHEDULES) | set(STEP_RULES)
