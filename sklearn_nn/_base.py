"""Shared estimator machinery: parameters, validation, fit / partial_fit, predictions.

The four public estimators are thin subclasses. Everything they share lives
here: the parameter constraints, input validation, the construction of the
network / loss / optimizer / schedule, the validation split, and the
translation of training records into scikit-learn's fitted attributes.
Label handling lives in ``ClassifierGDMixin`` and target handling in
``RegressorGDMixin``.
"""

import copy
import dataclasses
import itertools
import warnings
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from scipy.special import log_expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, check_scoring, r2_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, compute_sample_weight
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    column_or_1d,
    validate_data,
)

from ._losses import REGRESSION_LOSSES, SIGMOID_LOSSES, SOFTMAX_LOSSES, log_sum_exp, softmax
from ._network import Network
from ._optimizers import OPTIMIZERS
from ._schedules import SCHEDULES, make_schedule
from ._training import Checkpoint, EpochTasks, LoopConfig, Rows, Stream, Trainer, new_history

try:  # scikit-learn >= 1.9: callbacks such as sklearn.callback.ProgressBar
    from sklearn.callback import CallbackSupportMixin
except ImportError:  # pragma: no cover - older scikit-learn has no callback API

    class CallbackSupportMixin:
        """Without scikit-learn's callback API the estimators simply have no ``set_callbacks``."""


_DIVERGENCE_ADVICE = (
    "Try a smaller learning_rate_init (now {lr!r}) and scale the input, "
    "for example with sklearn.preprocessing.StandardScaler."
)

# Set by scikit-learn's callback machinery for the duration of one fit; they
# survive when a failed call puts the estimator's other attributes back.
_CALLBACK_ATTRIBUTES = ("_callback_fit_ctx", "_skl_callbacks_to_teardown")


def _not_lbfgs(estimator):
    """partial_fit exists only for the stochastic solvers, as in scikit-learn."""
    if estimator.solver not in OPTIMIZERS:
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {estimator.solver} is not stochastic."
        )
    return True


class _CallbackTasks(EpochTasks):
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
            **self._hook_args(), reconstruction_attributes=self.estimator._current_model_attributes
        )

    def finish(self):
        self.root.call_on_fit_task_end(**self._hook_args(), reconstruction_attributes={})


class BaseGD(CallbackSupportMixin, BaseEstimator):
    """Base of all estimators: one fit path for every model, loss and solver.

    Subclasses define ``__init__``, ``_hidden_layer_sizes``, ``_init_network``,
    ``_encode_targets`` / ``_make_loss`` (through the classifier or regressor
    mixin) and ``_score_raw``.
    """

    _parameter_constraints: dict = {
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto", "full"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions(set(SCHEDULES)), callable],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "decay_rate": [Interval(Real, 0, 1, closed="right")],
        "decay_steps": [Interval(Integral, 1, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "scoring": [None, str, callable],
        "restore_best_weights": ["boolean"],
    }

    # ------------------------------------------------------------------
    # Hooks for subclasses
    # ------------------------------------------------------------------
    def _hidden_layer_sizes(self):
        return []

    def _init_network(self, net, rng):
        net.init_glorot(rng)

    # ------------------------------------------------------------------
    # Fitting
    # ------------------------------------------------------------------
    def _check_rows(self, X, y, sample_weight, *, reset, dtype=(np.float64, np.float32)):
        """Validate (X, y, sample_weight): CSR or dense float X, 1-D y where possible."""
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            dtype=dtype,
            multi_output=True,
            y_numeric=not isinstance(self, ClassifierMixin),
            reset=reset,
        )
        if sp.issparse(X):
            X = X.tocsr()  # rows are gathered per batch
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=X.dtype, ensure_non_negative=True)
            if not np.any(sample_weight > 0):  # scikit-learn < 1.9 lets all-zero weights through
                raise ValueError("Sample weights must contain at least one non-zero number.")
        return X, y, sample_weight

    def _batch_size(self, n_rows):
        """Rows per update; None for full batch."""
        if self.batch_size == "full":
            return None
        if self.batch_size == "auto":
            return min(200, n_rows)
        return min(self.batch_size, n_rows)

    def _fit(
        self,
        X,
        y,
        sample_weight=None,
        *,
        X_val=None,
        y_val=None,
        sample_weight_val=None,
        incremental=False,
        classes=None,
    ):
        first_pass = not hasattr(self, "_trainer") or (not self.warm_start and not incremental)
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        if (y_val is None) != (X_val is None):
            raise ValueError("X_val and y_val must be given together.")
        # A call that fails leaves the estimator as it was: its attributes are
        # put back, and so is what training changes in place when it continues
        # a model (warm_start, partial_fit). A fresh fit builds new objects.
        saved_state = self.__dict__.copy()
        checkpoint = None if first_pass else Checkpoint(self._trainer, self._rng, self.history_)
        try:
            train, val = self._prepare_data(
                X, y, sample_weight, X_val, y_val, sample_weight_val, first_pass, incremental, classes
            )
            X_checked, y_checked, sw_checked = train.X, train.y, train.sample_weight
            if first_pass:
                self._build(train)
            else:
                self._check_compatible(train)
            if val is None and self.early_stopping and self.solver != "lbfgs":
                # Split after the weights are drawn, from the same generator (scikit-learn's order).
                train, val = self._split(train)
            if first_pass or not incremental:
                self._configure_solver(train.n_rows)
            score = None if val is None else self._validation_score(val)
            max_epochs = 1 if incremental else self.max_iter + (self.solver == "lbfgs")
            tasks = _CallbackTasks.start(self, X_checked, y_checked, sw_checked, max_epochs)
            outcome = self._train(train, val, score, incremental, tasks)
        except BaseException:
            self._restore(saved_state, checkpoint)
            raise
        if tasks is not None:
            tasks.finish()
        if outcome.reason == "diverged" and incremental:
            self._restore(saved_state, checkpoint)
        self._check_diverged(outcome, incremental)
        return self

    def _check_diverged(self, outcome, restored=False):
        """Raise the divergence error after training diverged, saying what the model kept."""
        if outcome.reason != "diverged":
            return
        if restored:
            kept = "The model was left as it was before this call to partial_fit."
        elif self.early_stopping and self.restore_best_weights and self.best_epoch_ is not None:
            kept = f"The parameters of the best epoch ({self.best_epoch_}) were restored."
        else:
            kept = "The last finite parameters were kept."
        raise ValueError(
            f"{outcome.message}: the optimization diverged. Training stopped. {kept} "
            + _DIVERGENCE_ADVICE.format(lr=self.learning_rate_init)
        )

    def _restore(self, saved_state, checkpoint):
        """Put back the attributes of ``saved_state`` and the training state of ``checkpoint``."""
        kept = {key: self.__dict__[key] for key in _CALLBACK_ATTRIBUTES if key in self.__dict__}
        state = dict(saved_state)
        if checkpoint is not None:
            state["_trainer"] = checkpoint.restore()
        self.__dict__.clear()
        self.__dict__.update(state, **kept)

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit_stream(self, source, rng, *, epochs, shuffle, classes=None, validation=None):
        """Train for up to ``epochs`` epochs over chunks read anew in every epoch.

        The engine of ``sklearn_nn.stream.fit_stream``. ``source(rng)`` returns
        the chunks ``(X, y, sample_weight)`` of one epoch in that epoch's order.
        Every chunk is checked and encoded like the data of ``partial_fit``; the
        first one also builds the model (afresh unless ``warm_start``). Training
        is ``fit``'s loop over a ``Stream``: one history entry per epoch, the
        same stopping rule, early stopping on the ``validation`` rows, and
        ``rng`` shuffles chunks and rows. An error while reading the chunks
        restores the attributes the estimator had before the call.
        """
        first_pass = not hasattr(self, "_trainer") or not self.warm_start
        X_val, y_val, sw_val = (*validation, None)[:3] if validation is not None else (None, None, None)
        saved_state = self.__dict__.copy()
        n_read, failed, training = [0], [], False

        def prepare(chunk):
            n_read[0] += 1
            return self._prepare_data(*chunk, None, None, None, False, True, None)[0]

        def read(chunks, started=False):  # holds no chunk itself: one chunk at a time is in memory
            try:
                start = n_read[0]
                yield from map(prepare, chunks)
                if n_read[0] == start and not started:
                    raise ValueError("fit_stream got no chunks for an epoch.")
            except Exception as exc:
                failed.append(exc)
                raise

        def epoch_chunks(rng):
            nonlocal first_epoch
            if first_epoch is not None:  # already begun: its first chunk built the model
                chunks, first_epoch = first_epoch, None
                return chunks
            return read(source(rng))

        try:
            chunks = iter(source(rng))
            first = next(chunks, None)
            if first is None:
                raise ValueError("fit_stream got no chunks.")
            train, val = self._prepare_data(*first, X_val, y_val, sw_val, first_pass, True, classes)
            del first
            if first_pass and classes is None and isinstance(self, ClassifierMixin):
                if not self._binarizer.y_type_.startswith("multilabel"):
                    raise ValueError(
                        "fit_stream needs classes= for a classifier: all the classes of the stream, "
                        "which its first chunk may not show."
                    )
            if first_pass:
                self._build(train)
            else:
                self._check_compatible(train)
            self._configure_solver(train.n_rows)
            score = None if val is None else self._validation_score(val)
            first_epoch = itertools.chain([train], read(chunks, started=True))
            del train, chunks
            self._rng = rng
            tasks = _CallbackTasks.start(self, None, None, None, epochs)
            loop = {"max_epochs": epochs, "shuffle": shuffle, "warn_max_iter": False}
            training = True
            outcome = self._train(Stream(epoch_chunks), val, score, False, tasks, loop=loop)
        except Exception as exc:
            if not training or any(exc is error for error in failed):
                self._restore(saved_state, None)
            raise
        if tasks is not None:
            tasks.finish()
        self._check_diverged(outcome)
        return self

    def _current_model_attributes(self):
        """Fitted attributes of a copy that predicts with the current parameters.

        scikit-learn's callbacks build their ``fitted_estimator`` from these
        while training goes on, so the network is copied.
        """
        trainer = copy.copy(self._trainer)
        trainer.net = copy.deepcopy(trainer.net)
        return {"_trainer": trainer, "coefs_": trainer.net.coefs, "intercepts_": trainer.net.intercepts}

    def _prepare_data(
        self, X, y, sample_weight, X_val, y_val, sample_weight_val, first_pass, incremental, classes
    ):
        X, y, sw = self._check_rows(X, y, sample_weight, reset=first_pass)
        T, sw = self._encode_targets(
            y, sw, X.dtype, first_pass=first_pass, incremental=incremental, classes=classes
        )
        train = Rows(X, T, sw, y)
        if train.weight <= 0:
            raise ValueError("Sample weights must contain at least one non-zero number.")
        val = None
        if X_val is not None:
            Xv, yv, swv = self._check_rows(X_val, y_val, sample_weight_val, reset=False, dtype=X.dtype)
            val = Rows(Xv, self._encode_validation_targets(yv, X.dtype), swv, yv)
        return train, val

    def _split(self, train):
        """Hold out ``validation_fraction`` of the rows (stratified for classifiers)."""
        y = train.y
        stratify = y if isinstance(self, ClassifierMixin) and y.ndim == 1 else None
        try:
            train_idx, val_idx = train_test_split(
                np.arange(train.n_rows),
                test_size=self.validation_fraction,
                random_state=self._rng,
                stratify=stratify,
            )
        except ValueError as exc:
            raise ValueError(
                "Could not split off a validation set with "
                f"validation_fraction={self.validation_fraction}: {exc}"
            ) from exc
        if val_idx.shape[0] < 2:
            raise ValueError(
                "The validation set is too small. Increase 'validation_fraction' or the size of your dataset."
            )
        # The training rows stay in X and are gathered batch by batch; only the
        # (smaller) validation set is copied.
        parts = train.subset(train_idx, copy=False), train.subset(val_idx)
        for rows, name in zip(parts, ("training", "validation")):
            if rows.weight <= 0:
                raise ValueError(
                    f"All sample weights of the {name} set split off with validation_fraction="
                    f"{self.validation_fraction} are zero; change validation_fraction or random_state."
                )
        return parts

    def _build(self, train):
        """Create and initialise the network and the loss for a fresh fit."""
        rng = check_random_state(self.random_state)
        n_outputs = train.T.shape[1]
        layer_sizes = [train.X.shape[1], *self._hidden_layer_sizes(), n_outputs]
        activation = getattr(self, "activation", "identity")
        net = Network(
            layer_sizes, activation, train.X.dtype, fit_intercept=getattr(self, "fit_intercept", True)
        )
        self._init_network(net, rng)
        loss = self._make_loss(n_outputs)
        self._trainer = Trainer(net, loss)
        self._rng = rng
        self.history_ = new_history()
        self.loss_curve_ = self.history_["loss"]
        self.coefs_ = net.coefs
        self.intercepts_ = net.intercepts
        self.n_layers_ = len(layer_sizes)
        self.n_outputs_ = n_outputs
        self.out_activation_ = loss.out_activation
        self.t_ = 0
        self.n_iter_ = 0

    def _configure_solver(self, n_rows):
        """Set the penalty, optimizer and schedule from the current parameters.

        Called on every ``fit`` (so ``warm_start`` picks up changed settings)
        and on the first ``partial_fit``. The optimizer state is kept when the
        update rule keeps its shape; k, the update count, always continues.
        """
        trainer = self._trainer
        trainer.alpha = self.alpha
        if self.solver == "lbfgs":
            trainer.set_optimizer(None, None)
            return
        if self.solver == "sgd":
            optimizer = OPTIMIZERS["sgd"](self.momentum, self.nesterovs_momentum)
        else:
            optimizer = OPTIMIZERS["adam"](self.beta_1, self.beta_2, self.epsilon)
        batch = self._batch_size(n_rows) or n_rows
        schedule = make_schedule(
            self.learning_rate,
            self.learning_rate_init,
            power_t=self.power_t,
            decay_rate=self.decay_rate,
            decay_steps=self.decay_steps,
            total_steps=self.max_iter * -(-n_rows // batch),
            start=trainer.n_updates,
        )
        trainer.set_optimizer(optimizer, schedule)

    def _check_compatible(self, train):
        if train.T.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {train.T.shape[1]} outputs, but this model was fitted with {self.n_outputs_}."
            )

    def _validation_score(self, val):
        if self.scoring == "loss":
            return None
        if self.scoring is None:
            return lambda: self._score_raw(self._trainer.net.predict_raw(val.X), val)
        scorer = check_scoring(self, scoring=self.scoring)
        if val.sample_weight is None:
            return lambda: scorer(self, val.X, val.y)
        return lambda: scorer(self, val.X, val.y, sample_weight=val.sample_weight)

    def _train(self, train, val, score, incremental, tasks=None, loop=None):
        """Run the solver; ``loop`` overrides ``LoopConfig`` fields (``_fit_stream``)."""
        trainer = self._trainer
        n_total = train.weight
        if self.solver == "lbfgs":
            outcome = trainer.run_lbfgs(
                train,
                self.history_,
                n_total=n_total,
                max_iter=self.max_iter,
                max_fun=self.max_fun,
                tol=self.tol,
                verbose=bool(self.verbose),
                val=val,
                score=score,
                tasks=tasks,
            )
        else:
            if isinstance(self.batch_size, Integral) and self.batch_size > train.n_rows:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped",
                    stacklevel=5,
                )
            monitor_val = bool(self.early_stopping and val is not None)
            cfg = LoopConfig(
                max_epochs=1 if incremental else self.max_iter,
                batch_size=self._batch_size(train.n_rows),
                shuffle=self.shuffle,
                tol=self.tol,
                n_iter_no_change=self.n_iter_no_change,
                monitor_validation=monitor_val,
                restore_best=monitor_val and self.restore_best_weights,
                verbose=bool(self.verbose),
                warn_max_iter=not incremental,
            )
            if loop is not None:
                cfg = dataclasses.replace(cfg, **loop)
            outcome = trainer.run(
                train,
                cfg,
                self._rng,
                self.history_,
                n_total=n_total,
                val=val,
                score=score,
                fresh_monitor=not incremental,
                tasks=tasks,
            )
        self._set_records(outcome, val is not None)
        return outcome

    def _set_records(self, outcome, has_val):
        history, trainer = self.history_, self._trainer
        self.n_iter_ = outcome.n_epochs
        self.t_ = trainer.n_samples_seen
        losses = history["loss"]
        if outcome.final_loss is not None:
            self.loss_ = outcome.final_loss
        else:
            self.loss_ = losses[-1] if losses else np.nan
        self.best_loss_ = float(np.min(losses)) if losses else np.nan
        monitor = trainer.monitor
        if has_val or not np.all(np.isnan(history["val_loss"])):
            self.validation_scores_ = history["val_score"]
            self.validation_loss_curve_ = history["val_loss"]
            scores = np.asarray(self.validation_scores_, dtype=float)
            self.best_validation_score_ = float(np.nanmax(scores)) if np.isfinite(scores).any() else np.nan
        else:
            self.validation_scores_ = None
            self.validation_loss_curve_ = None
            self.best_validation_score_ = None
        self.best_epoch_ = None if monitor is None or self.solver == "lbfgs" else monitor.best_epoch

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None, *, X_val=None, y_val=None, sample_weight_val=None):
        """Fit the model to data X and targets y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Training data. float32 input trains in float32, anything else in
            float64. Sparse input is multiplied sparse in the first layer.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values (class labels, label indicators, or real numbers).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; J is the weighted mean loss (plus penalty).
        X_val, y_val : array-like, default=None
            An explicit validation set, evaluated after every epoch; with
            ``early_stopping=True`` it drives the stopping rule and nothing is
            split off ``X``.
        sample_weight_val : array-like of shape (n_val_samples,), default=None
            Weights of the validation rows, used by the validation loss and
            score.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, X_val=X_val, y_val=y_val, sample_weight_val=sample_weight_val)

    # ------------------------------------------------------------------
    # Prediction helpers
    # ------------------------------------------------------------------
    def _raw(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False)
        if sp.issparse(X):
            X = X.tocsr()
        return self._trainer.net.predict_raw(X)

    def __getstate__(self):
        # A copy: on Python >= 3.11 the inherited __getstate__ may return the
        # instance's own __dict__, which must keep its attributes.
        state = dict(super().__getstate__())
        # coefs_ / intercepts_ are views into the network's flat buffer; they
        # are rebuilt from it on unpickling instead of being stored twice.
        state.pop("coefs_", None)
        state.pop("intercepts_", None)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "_trainer" in state:
            self.coefs_ = self._trainer.net.coefs
            self.intercepts_ = self._trainer.net.intercepts

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


class ClassifierGDMixin(ClassifierMixin):
    """Label handling, class weights and probabilistic predictions.

    Subclasses set ``_multiclass_link`` ("sigmoid" for one-vs-rest units,
    "softmax" for a multinomial output) and ``_multilabel`` (whether 2-D
    indicator targets are accepted).
    """

    _multiclass_link = "softmax"
    _multilabel = False

    def _encode_targets(self, y, sample_weight, dtype, *, first_pass, incremental, classes=None):
        """0/1 targets per output unit, and sample weights times class weights."""
        check_classification_targets(y)
        multilabel = type_of_target(y).startswith("multilabel")
        if multilabel and not self._multilabel:
            raise ValueError(
                f"{type(self).__name__} does not support multilabel targets; use MLPClassifierScratch."
            )
        if first_pass:
            binarizer = LabelBinarizer().fit(y if classes is None or multilabel else classes)
        else:
            binarizer = self._binarizer
        seen = unique_labels(y)
        if not first_pass and not incremental and set(seen) != set(binarizer.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the previous "
                f"call to fit. Previously got {binarizer.classes_}, `y` has {seen}"
            )
        if incremental and len(np.setdiff1d(seen, binarizer.classes_)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has {binarizer.classes_}. "
                f"'y' has {seen}."
            )
        if len(binarizer.classes_) < 2:
            raise ValueError(
                "Classifier can't train when only one class is present: the data contains only "
                f"class {binarizer.classes_[0]!r}; at least 2 classes are needed."
            )
        sample_weight = self._apply_class_weight(y, sample_weight, binarizer, incremental, dtype)
        if sample_weight is not None and not multilabel and not incremental:
            if len(np.unique(y[sample_weight > 0])) < 2:
                raise ValueError(
                    "Only one class has a positive sample weight; the classifier needs samples of at "
                    "least 2 classes with non-zero weight."
                )
        self._binarizer = binarizer
        self.classes_ = binarizer.classes_
        return self._indicators(y), sample_weight

    def _encode_validation_targets(self, y, dtype):
        check_classification_targets(y)
        unseen = np.setdiff1d(unique_labels(y), self._binarizer.classes_)
        if len(unseen):
            raise ValueError(f"y_val has classes not seen in y: {unseen}.")
        return self._indicators(y)

    def _indicators(self, y):
        """0/1 targets, one column per output unit, as uint8.

        A byte per entry is an eighth of float64; the losses promote it to
        the dtype of the outputs. Built without the integer matrix of
        ``LabelBinarizer.transform``, so memory stays small for large y.
        """
        binarizer = self._binarizer
        if binarizer.y_type_.startswith("multilabel"):
            return binarizer.transform(y).astype(np.uint8)
        codes = np.searchsorted(binarizer.classes_, y)
        if len(binarizer.classes_) == 2:
            return (codes == 1).astype(np.uint8).reshape(-1, 1)
        T = np.zeros((codes.shape[0], len(binarizer.classes_)), dtype=np.uint8)
        T[np.arange(codes.shape[0]), codes] = 1
        return T

    def _apply_class_weight(self, y, sample_weight, binarizer, incremental, dtype):
        if self.class_weight is None:
            return sample_weight
        if binarizer.y_type_.startswith("multilabel"):
            raise ValueError("class_weight is not supported for multilabel targets.")
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit; pass class_weight as a dict "
                "computed on the whole data, e.g. with sklearn.utils.class_weight.compute_class_weight."
            )
        if isinstance(self.class_weight, dict):
            unknown = set(self.class_weight) - set(binarizer.classes_)
            if unknown:
                raise ValueError(
                    f"class_weight names classes not in the data: {sorted(unknown, key=str)}; "
                    f"the classes are {list(binarizer.classes_)}."
                )
        weights = compute_sample_weight(self.class_weight, y).astype(dtype)
        return weights if sample_weight is None else sample_weight * weights

    def _make_loss(self, n_outputs):
        family = SOFTMAX_LOSSES if (n_outputs > 1 and self._output_is_softmax()) else SIGMOID_LOSSES
        return family[self.loss]()

    def _output_is_softmax(self):
        return self._multiclass_link == "softmax" and not self._binarizer.y_type_.startswith("multilabel")

    def _labels_from_raw(self, raw):
        if self._binarizer.y_type_.startswith("multilabel"):
            return (raw > 0).astype(int)
        if raw.shape[1] == 1:
            return self.classes_[(raw[:, 0] > 0).astype(int)]
        return self.classes_[np.argmax(raw, axis=1)]

    def _score_raw(self, raw, rows):
        """Accuracy of the labels predicted from raw outputs (the validation default)."""
        return accuracy_score(rows.y, self._labels_from_raw(raw), sample_weight=rows.sample_weight)

    @available_if(_not_lbfgs)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            Target labels.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.
        classes : array-like of shape (n_classes,), default=None
            All classes that can appear across calls; required on the first
            call (except for multilabel indicator targets).

        Returns
        -------
        self : object
            The updated estimator.
        """
        if not hasattr(self, "_trainer"):
            if classes is None:
                raise ValueError("classes must be passed on the first call to partial_fit.")
        elif classes is not None and not np.array_equal(self.classes_, unique_labels(classes)):
            raise ValueError(
                f"`classes={classes}` is not the same as on last call to partial_fit, was: {self.classes_}"
            )
        return self._fit(X, y, sample_weight, incremental=True, classes=classes)

    def decision_function(self, X):
        """Raw outputs (logits) of the model.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        scores : ndarray of shape (n_samples,) for binary problems, else (n_samples, n_outputs)
            Positive values favour ``classes_[1]`` in the binary case.
        """
        raw = self._raw(X)
        return raw[:, 0] if raw.shape[1] == 1 else raw

    def predict(self, X):
        """Predict class labels (or label indicators for multilabel targets).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_labels)
            The predicted classes, or a 0/1 indicator matrix for multilabel
            models.
        """
        return self._labels_from_raw(self._raw(X))

    def _log_proba_from_raw(self, raw):
        if self.out_activation_ == "softmax":
            return raw - log_sum_exp(raw)
        log_p = log_expit(raw)
        if raw.shape[1] == 1:
            return np.hstack([log_expit(-raw), log_p])
        if self._binarizer.y_type_.startswith("multilabel"):
            return log_p
        return log_p - log_sum_exp(log_p)

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``, computed stably from the logits.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The logarithm of the class probabilities, in the order of
            ``classes_``.
        """
        return self._log_proba_from_raw(self._raw(X))

    def predict_proba(self, X):
        """Class probabilities.

        Binary problems return ``[1 - p, p]``; a softmax output returns the
        softmax; one-vs-rest sigmoid units are normalised to sum to one across
        classes; multilabel models return one probability per label. With
        ``loss='hinge'`` these are monotone scores, not calibrated probabilities.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            The class probabilities (one per label for multilabel models), in
            the order of ``classes_``.
        """
        raw = self._raw(X)
        if self.out_activation_ == "softmax":
            return softmax(raw)
        return np.exp(self._log_proba_from_raw(raw))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = self._multilabel
        return tags


class RegressorGDMixin(RegressorMixin):
    """Target handling and predictions for regression."""

    def _encode_targets(self, y, sample_weight, dtype, *, first_pass, incremental, classes=None):
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative targets y.")
        T = y.reshape(-1, 1) if y.ndim == 1 else y
        return np.asarray(T, dtype=dtype), sample_weight

    def _encode_validation_targets(self, y, dtype):
        return self._encode_targets(y, None, dtype, first_pass=False, incremental=False)[0]

    def _make_loss(self, n_outputs):
        if self.loss == "huber":
            return REGRESSION_LOSSES["huber"](self.huber_delta)
        return REGRESSION_LOSSES[self.loss]()

    def _predictions_from_raw(self, raw):
        pred = self._trainer.loss.inverse_link(raw)
        return pred[:, 0] if pred.shape[1] == 1 else pred

    def _score_raw(self, raw, rows):
        """R^2 of the predictions from raw outputs (the validation default)."""
        return r2_score(rows.y, self._predictions_from_raw(raw), sample_weight=rows.sample_weight)

    @available_if(_not_lbfgs)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Update the model with one epoch over the given data.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            Input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Sample weights.

        Returns
        -------
        self : object
            The updated estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def predict(self, X):
        """Predict targets.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input samples.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        return self._predictions_from_raw(self._raw(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
