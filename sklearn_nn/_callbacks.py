"""Reporting a fit and its epochs to scikit-learn's callbacks (scikit-learn >= 1.9)."""

import copy

from ._training import EpochTasks

try:  # scikit-learn >= 1.9: callbacks such as sklearn.callback.ProgressBar
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # pragma: no cover - older scikit-learn has no callback API

    class CallbackSupportMixin:
        """Without scikit-learn's callback API the estimators simply have no ``set_callbacks``."""


#: Set by scikit-learn's callback machinery for the duration of one fit; they
#: survive when a failed call puts the estimator's other attributes back.
CALLBACK_ATTRIBUTES = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")
#: Where ``set_callbacks`` keeps the callbacks: a setting of the caller's, not training state.
CALLBACKS_SET = "_skl_callbacks"


class CallbackTasks(EpochTasks):
    """Reports a fit and each of its epochs to scikit-learn's callbacks.

    The fit is the root task (``_init_callback_context``) and every epoch, or
    L-BFGS iteration, one subtask; a callback whose ``on_fit_task_end``
    returns True stops training after that epoch. Callbacks that need a
    fitted model (such as ``ScoringMonitor``) get a copy holding the
    parameters of that epoch.

    Epoch subtasks exist only for callbacks to see, so a fit that reports to
    no callback at all (neither its own nor any propagated by a
    meta-estimator, the usual case) skips them and saves their cost in
    every epoch.
    """

    def __init__(self, estimator, X, y, sample_weight, max_epochs):
        self.estimator, self.X, self.y = estimator, X, y
        self.metadata = None if sample_weight is None else {"sample_weight": sample_weight}
        self.root = estimator._init_callback_context(max_subtasks=max_epochs)
        self.root.call_on_fit_task_begin(estimator=estimator, X=X, y=y, metadata=self.metadata)
        # scikit-learn's list of the callbacks this fit reports to; if it is
        # ever renamed, every epoch is reported as before.
        self.report_epochs = bool(getattr(self.root, "_callbacks", True))

    @classmethod
    def start(cls, estimator, X, y, sample_weight, max_epochs):
        """The tasks of a fit that begins now, or None without scikit-learn's callback API."""
        if not hasattr(estimator, "_init_callback_context"):
            return None
        return cls(estimator, X, y, sample_weight, max_epochs)

    def _hook_args(self):
        return dict(estimator=self.estimator, X=self.X, y=self.y, metadata=self.metadata)

    def begin(self):
        super().begin()
        if self.report_epochs:
            self.epoch = self.root.subcontext(task_name="epoch")
            self.epoch.call_on_fit_task_begin(**self._hook_args())

    def end(self):
        super().end()
        if not self.report_epochs:
            return False
        return self.epoch.call_on_fit_task_end(
            **self._hook_args(), reconstruction_attributes=lambda: current_model_attributes(self.estimator)
        )

    def finish(self):
        self.root.call_on_fit_task_end(**self._hook_args(), reconstruction_attributes={})


def current_model_attributes(estimator):
    """Fitted attributes of a copy that predicts with the current parameters.

    scikit-learn's callbacks build their ``fitted_estimator`` from these
    while training goes on, so the network is copied.
    """
    trainer = copy.copy(estimator._trainer)
    trainer.net = copy.deepcopy(trainer.net)
    return {"_trainer": trainer, "coefs_": trainer.net.coefs, "intercepts_": trainer.net.intercepts}
