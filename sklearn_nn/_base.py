"""Shared estimator machinery: parameters, validation, one fit path, predictions.

The four public estimators are thin subclasses. Everything they share lives
here: the parameter constraints, input validation, the construction of the
network, loss and penalty, the validation split, the one fit path of ``fit``,
``partial_fit`` and ``fit_stream`` (``BaseGD._fit_session``), and the
translation of training records into scikit-learn's fitted attributes. What a
solver does is asked of the solver registry (``_solvers``). Label handling
lives in ``ClassifierGDMixin`` (with ``_targets.ClassEncoding``) and target
handling in ``RegressorGDMixin``; predictions come from the loss's link.
"""

import dataclasses
import inspect
from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context, is_classifier
from sklearn.metrics import accuracy_score, check_scoring, r2_score
from sklearn.utils import check_random_state, compute_sample_weight
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, unique_labels
from sklearn.utils.validation import (
    check_is_fitted,
    validate_data,
)

from ._callbacks import CALLBACK_ATTRIBUTES, CallbackSupportMixin, CallbackTasks
from ._data import Rows, Stream, check_rows, split_validation
from ._losses import REGRESSION_LOSSES, SIGMOID_LOSSES, SOFTMAX_LOSSES
from ._network import Network
from ._optimizers import OPTIMIZER_PARAMETERS
from ._penalties import PENALTY_PARAMETERS, make_penalty
from ._snapshot import Snapshot
from ._solvers import LEARNING_RATES, SOLVERS
from ._state import from_plain, to_plain
from ._targets import ClassEncoding, distinct_labels, is_multilabel
from ._training import Session, Trainer, new_history, warn_caller

_DIVERGENCE_ADVICE = (
    "Try a smaller learning_rate_init (now {lr!r}) and scale the input, "
    "for example with sklearn.preprocessing.StandardScaler."
)

#: Fitted attributes that are the lists of ``history_`` under another name.
_HISTORY_ALIASES = {
    "loss_curve_": "loss",
    "validation_scores_": "val_score",
    "validation_loss_curve_": "val_loss",
}


def _stochastic(estimator):
    """partial_fit exists only for the stochastic solvers, as in scikit-learn."""
    if not SOLVERS[estimator.solver].stochastic:
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {estimator.solver} is not stochastic."
        )
    return True


class _ChunkReader:
    """The chunks of every epoch of ``fit_stream``, checked and encoded like ``partial_fit``'s data.

    ``source(rng, resume)`` returns the raw chunks of one epoch as pairs
    ``(index in the source, (X, y, sample_weight))`` and knows the epoch's
    chunk ``order``. The first chunk is read first, alone, to build the
    model; the first epoch then goes on with it. Called with the generator
    (as ``Stream.chunks``), the reader returns the ``Rows`` of the next epoch.
    It holds no chunk itself: one chunk at a time is in memory. With a
    checkpoint, each chunk's digest is checked against the checkpoint's.
    """

    def __init__(self, estimator, source, rng, checkpoint=None):
        self.estimator, self.source, self.rng, self.checkpoint = estimator, source, rng, checkpoint
        self.chunks = self.pending = None
        self.n_read = 0

    def first(self):
        self.chunks = iter(self.source(self.rng))
        item = next(self.chunks, None)
        if item is None:
            raise ValueError("fit_stream got no chunks.")
        return self._check(item)

    def _check(self, item):
        if self.checkpoint is not None:
            self.checkpoint.check_chunk(*item)
        return item[1]

    def begin(self, first_rows):
        """The first epoch: the chunk already read, then the rest of its chunks."""
        self.pending = self._first_epoch(first_rows)

    def _first_epoch(self, rows):
        yield rows
        del rows  # the first chunk is freed like the others once it is trained on
        yield from self._read(self.chunks, started=True)

    def _prepare(self, item):
        chunk = self._check(item)
        self.n_read += 1
        return self.estimator._prepare_data(*chunk, None, None, None, False, True, None)[0]

    def _read(self, chunks, started=False):
        start = self.n_read
        yield from map(self._prepare, chunks)
        if self.n_read == start and not started:
            raise ValueError("fit_stream got no chunks for an epoch.")

    def __call__(self, rng, resume=None):
        if self.pending is not None:
            chunks, self.pending = self.pending, None
            return chunks
        return self._read(self.source(rng, resume), started=resume is not None)


class _StreamFitMixin:
    """The ``fit_stream`` path of the estimators: chunks read anew in every epoch, and checkpoints.

    It prepares a ``Stream`` for ``BaseGD._fit_session``, the one fit path.
    """

    @_fit_context(prefer_skip_nested_validation=True)
    def _fit_stream(self, source, rng, *, epochs, shuffle, classes=None, validation=None, checkpoint=None):
        """Train for up to ``epochs`` epochs over chunks read anew in every epoch.

        The engine of ``sklearn_nn.stream.fit_stream``. ``source(rng, resume)``
        returns the chunks ``(index, (X, y, sample_weight))`` of one epoch in
        that epoch's order. Every chunk is checked and encoded like the data of
        ``partial_fit``; the first one also builds the model (afresh unless
        ``warm_start``). Training is ``fit``'s path over a ``Stream``: one
        history entry per epoch, the same stopping rule, early stopping on the
        ``validation`` rows, and ``rng`` shuffles chunks and rows. A
        ``checkpoint`` (``_checkpoint.Checkpoint``) that holds a state puts it
        back and training goes on from there; it is written after every chunk.
        """
        resuming = checkpoint is not None and checkpoint.resuming
        if resuming and checkpoint.finished:
            checkpoint.restore_estimator(self)
            return self
        first_pass = not hasattr(self, "_trainer") or (not self.warm_start and not resuming)
        X_val, y_val, sw_val = (*validation, None)[:3] if validation is not None else (None, None, None)
        plan = dict(max_epochs=epochs, shuffle=shuffle, last_reason="epochs")

        def prepare():
            reader = _ChunkReader(self, source, rng, checkpoint)
            if resuming:
                checkpoint.restore_estimator(self)
                val = self._validation_rows(X_val, y_val, sw_val, self._trainer.net.dtype)
            else:
                val = self._start_stream(reader, (X_val, y_val, sw_val), classes, first_pass, rng)
            stream = Stream(reader, checkpoint)
            if checkpoint is not None:
                checkpoint.bind(self, reader, stream)
            return stream, val, (None, None, None), plan

        self._fit_session(prepare, first_pass=first_pass, incremental=False)
        if checkpoint is not None and self.stop_reason_ != "interrupted":
            checkpoint.write(finished=True)
        return self

    def _start_stream(self, reader, validation, classes, first_pass, rng):
        """Read the first chunk, build (or check) the model from it; the validation rows."""
        train, val = self._prepare_data(*reader.first(), *validation, first_pass, True, classes)
        if first_pass and classes is None and isinstance(self, ClassifierMixin):
            if not self._encoding.multilabel:
                raise ValueError(
                    "fit_stream needs classes= for a classifier: all the classes of the stream, "
                    "which its first chunk may not show."
                )
        self._build(train) if first_pass else self._check_compatible(train)
        self._configure_solver(train.n_rows)
        self._rng = rng
        reader.begin(train)
        return val


class BaseGD(_StreamFitMixin, CallbackSupportMixin, BaseEstimator):
    """Base of all estimators: one fit path for every model, loss and solver.

    Subclasses define ``__init__``, ``_hidden_layer_sizes``, ``_init_network``,
    ``_encode_targets`` / ``_make_loss`` (through the classifier or regressor
    mixin) and ``_score_raw``.
    """

    _parameter_constraints: dict = {
        "solver": [StrOptions(set(SOLVERS))],
        "batch_size": [StrOptions({"auto", "full"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions(LEARNING_RATES), callable],
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
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
        "scoring": [None, str, callable],
        "restore_best_weights": ["boolean"],
        "monitor_gradients": ["boolean"],
        **OPTIMIZER_PARAMETERS,
        **PENALTY_PARAMETERS,
    }

    # ------------------------------------------------------------------
    # Hooks for subclasses
    # ------------------------------------------------------------------
    def _hidden_layer_sizes(self):
        return []

    def _init_network(self, net, rng):
        net.init_glorot(rng)

    def _dropout_rates(self, n_hidden):
        """The dropout rate of each hidden layer, or None for no dropout (the MLPs have some)."""

    # ------------------------------------------------------------------
    # The one fit path
    # ------------------------------------------------------------------
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
        """``fit`` on in-memory rows; with ``incremental=True`` (and ``classes``), ``partial_fit``."""
        first_pass = not hasattr(self, "_trainer") or (not self.warm_start and not incremental)
        if incremental and self.early_stopping:
            raise ValueError("partial_fit does not support early_stopping=True")
        if (y_val is None) != (X_val is None):
            raise ValueError("X_val and y_val must be given together.")

        def prepare():
            train, val = self._prepare_data(
                X, y, sample_weight, X_val, y_val, sample_weight_val, first_pass, incremental, classes
            )
            data = (train.X, train.y, train.sample_weight)
            self._build(train) if first_pass else self._check_compatible(train)
            if val is None and self.early_stopping and SOLVERS[self.solver].stochastic:
                # Split after the weights are drawn, from the same generator (scikit-learn's order).
                train, val = split_validation(train, self.validation_fraction, self._rng, is_classifier(self))
            if first_pass or not incremental:
                self._configure_solver(train.n_rows)
            return train, val, data, {}

        return self._fit_session(prepare, first_pass=first_pass, incremental=incremental)

    def _fit_session(self, prepare, *, first_pass, incremental):
        """Prepare, train and record one call; a failed call leaves the estimator as it was.

        ``prepare()`` checks the data, builds or checks the model and returns
        ``(train, val, (X, y, sample_weight) for the callbacks, plan changes)``.
        The snapshot taken first puts back the estimator's attributes and, when
        the call continues a model, its whole training state.
        """
        trainer = None if first_pass else self._trainer
        snapshot = Snapshot(
            trainer, None if first_pass else self._rng, None if first_pass else self.history_,
            owner=self, keep=CALLBACK_ATTRIBUTES,
        )  # fmt: skip
        try:
            train, val, data, changes = prepare()
            solver = SOLVERS[self.solver]
            score = None if val is None else self._validation_score(val)
            monitor_val = bool(self.early_stopping and val is not None)
            plan = solver.plan(self, train.n_rows, incremental=incremental, monitor_validation=monitor_val)
            plan = dataclasses.replace(plan, **changes)
            tasks = CallbackTasks.start(self, *data, solver.max_tasks(plan))
            outcome = self._train(train, val, score, plan, tasks, incremental)
        except BaseException:
            snapshot.restore()
            raise
        if tasks is not None:
            tasks.finish()
        if outcome.reason == "diverged" and incremental:
            snapshot.restore()
        self._check_diverged(outcome, incremental)
        return self

    def _train(self, train, val, score, plan, tasks, incremental):
        """Run the solver over ``train`` and record the outcome in the fitted attributes."""
        if isinstance(self.batch_size, Integral) and self.batch_size > train.n_rows:
            if SOLVERS[self.solver].stochastic:
                warn_caller(
                    "Got `batch_size` less than 1 or larger than sample size. It is going to be clipped"
                )
        session = Session(plan, self.history_, val, score, tasks)
        outcome = SOLVERS[self.solver].run(
            self._trainer, train, session, self._rng, n_total=train.weight, incremental=incremental
        )
        tracks_best = SOLVERS[self.solver].stochastic
        attributes = outcome.fitted_attributes(self.history_, self._trainer, val is not None, tracks_best)
        if plan.monitor_validation:  # scikit-learn's convention: see best_validation_score_
            attributes["best_loss_"] = None
        vars(self).update(attributes)
        return outcome

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

    # ------------------------------------------------------------------
    # Data and model
    # ------------------------------------------------------------------
    def _prepare_data(
        self, X, y, sample_weight, X_val, y_val, sample_weight_val, first_pass, incremental, classes
    ):
        X, y, sw = check_rows(self, X, y, sample_weight, reset=first_pass)
        T, sw = self._encode_targets(
            y, sw, X.dtype, first_pass=first_pass, incremental=incremental, classes=classes
        )
        train = Rows(X, T, sw, y)
        if train.weight <= 0:
            raise ValueError("Sample weights must contain at least one non-zero number.")
        return train, self._validation_rows(X_val, y_val, sample_weight_val, X.dtype)

    def _validation_rows(self, X_val, y_val, sample_weight_val, dtype):
        """The explicit validation set as ``Rows`` of the training dtype, or None."""
        if X_val is None:
            return None
        Xv, yv, swv = check_rows(self, X_val, y_val, sample_weight_val, reset=False, dtype=dtype)
        return Rows(Xv, self._encode_validation_targets(yv, dtype), swv, yv)

    def _build(self, train):
        """Create and initialise the network, the loss and the penalty for a fresh fit."""
        rng = check_random_state(self.random_state)
        n_outputs = train.T.shape[1]
        layer_sizes = [train.X.shape[1], *self._hidden_layer_sizes(), n_outputs]
        activation = getattr(self, "activation", "identity")
        net = Network(
            layer_sizes, activation, train.X.dtype, fit_intercept=getattr(self, "fit_intercept", True)
        )
        self._init_network(net, rng)
        loss = self._make_loss(n_outputs)
        self._trainer = Trainer(net, loss, make_penalty(self, net.n_weights))
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
        """Set the penalty, update rule and schedule from the current parameters.

        Called on every ``fit`` (so ``warm_start`` picks up changed settings)
        and on the first ``partial_fit``. The optimizer state is kept when the
        update rule keeps its shape; k, the update count, always continues.
        """
        trainer = self._trainer
        trainer.penalty = make_penalty(self, trainer.net.n_weights)
        trainer.dropout = self._dropout_rates(trainer.net.n_layers - 1)
        trainer.monitor_gradients = self.monitor_gradients
        SOLVERS[self.solver].configure(self, trainer, n_rows)

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
        # The package's own objects (the trainer, the class encoding) in plain
        # types, so that a skops file asks to trust only this estimator's class.
        return to_plain(state)

    def __setstate__(self, state):
        state = from_plain(state)
        # A model saved before a parameter existed gets its default (same behaviour as then).
        defaults = {k: p.default for k, p in inspect.signature(type(self).__init__).parameters.items()}
        super().__setstate__({**{k: v for k, v in defaults.items() if k != "self"}, **state})
        if "_trainer" in state:
            self.coefs_ = self._trainer.net.coefs
            self.intercepts_ = self._trainer.net.intercepts
        history = state.get("history_")
        for name, key in _HISTORY_ALIASES.items():  # the same lists as in history_, as after fit
            if history is not None and state.get(name) is not None:
                setattr(self, name, history[key])

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
        multilabel = is_multilabel(y)
        if multilabel and not self._multilabel:
            raise ValueError(
                f"{type(self).__name__} does not support multilabel targets; use MLPClassifierScratch."
            )
        encoding = ClassEncoding(y, classes, multilabel) if first_pass else self._encoding
        seen = encoding.classes if first_pass and classes is None else distinct_labels(y, multilabel)
        if not first_pass and not incremental and set(seen) != set(encoding.classes):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in the previous "
                f"call to fit. Previously got {encoding.classes}, `y` has {seen}"
            )
        if incremental and len(np.setdiff1d(seen, encoding.classes)):
            raise ValueError(
                f"`y` has classes not in `self.classes_`. `self.classes_` has {encoding.classes}. "
                f"'y' has {seen}."
            )
        if len(encoding.classes) < 2:
            raise ValueError(
                "Classifier can't train when only one class is present: the data contains only "
                f"class {encoding.classes[0]!r}; at least 2 classes are needed."
            )
        sample_weight = self._apply_class_weight(y, sample_weight, encoding, incremental, dtype)
        if sample_weight is not None and not multilabel and not incremental:
            if len(np.unique(y[sample_weight > 0])) < 2:
                raise ValueError(
                    "Only one class has a positive sample weight; the classifier needs samples of at "
                    "least 2 classes with non-zero weight."
                )
        self._encoding = encoding
        self.classes_ = encoding.classes
        return encoding.encode(y), sample_weight

    def _encode_validation_targets(self, y, dtype):
        check_classification_targets(y)
        unseen = np.setdiff1d(distinct_labels(y, self._encoding.multilabel), self._encoding.classes)
        if len(unseen):
            raise ValueError(f"y_val has classes not seen in y: {unseen}.")
        return self._encoding.encode(y)

    def _apply_class_weight(self, y, sample_weight, encoding, incremental, dtype):
        if self.class_weight is None:
            return sample_weight
        if encoding.multilabel:
            raise ValueError("class_weight is not supported for multilabel targets.")
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit; pass class_weight as a dict "
                "computed on the whole data, e.g. with sklearn.utils.class_weight.compute_class_weight."
            )
        if isinstance(self.class_weight, dict):
            unknown = set(self.class_weight) - set(encoding.classes)
            if unknown:
                raise ValueError(
                    f"class_weight names classes not in the data: {sorted(unknown, key=str)}; "
                    f"the classes are {list(encoding.classes)}."
                )
        weights = compute_sample_weight(self.class_weight, y).astype(dtype)
        return weights if sample_weight is None else sample_weight * weights

    def _make_loss(self, n_outputs):
        family = SOFTMAX_LOSSES if (n_outputs > 1 and self._output_is_softmax()) else SIGMOID_LOSSES
        return family[self.loss].from_estimator(self)

    def __setstate__(self, state):
        if "_binarizer" in state:  # saved by version 0.1.0: the classes as a LabelBinarizer
            state = dict(state)
            state["_encoding"] = ClassEncoding.from_binarizer(state.pop("_binarizer"))
        super().__setstate__(state)

    def _output_is_softmax(self):
        return self._multiclass_link == "softmax" and not self._encoding.multilabel

    def _score_raw(self, raw, rows):
        """Accuracy of the labels predicted from raw outputs (the validation default)."""
        return accuracy_score(rows.y, self._encoding.decode(raw), sample_weight=rows.sample_weight)

    @available_if(_stochastic)
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
        raw = self._raw(X)  # checks that the model is fitted
        return self._encoding.decode(raw)

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
        raw = self._raw(X)
        return self._trainer.loss.log_proba(raw, normalize=not self._encoding.multilabel)

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
        return self._trainer.loss.proba(raw, normalize=not self._encoding.multilabel)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = self._multilabel
        return tags


class RegressorGDMixin(RegressorMixin):
    """Target handling and predictions for regression."""

    def _encode_targets(self, y, sample_weight, dtype, *, first_pass, incremental, classes=None):
        REGRESSION_LOSSES[self.loss].check_targets(y)
        T = y.reshape(-1, 1) if y.ndim == 1 else y
        return np.asarray(T, dtype=dtype), sample_weight

    def _encode_validation_targets(self, y, dtype):
        return self._encode_targets(y, None, dtype, first_pass=False, incremental=False)[0]

    def _make_loss(self, n_outputs):
        return REGRESSION_LOSSES[self.loss].from_estimator(self)

    def _predictions_from_raw(self, raw):
        pred = self._trainer.loss.inverse_link(raw)
        return pred[:, 0] if pred.shape[1] == 1 else pred

    def _score_raw(self, raw, rows):
        """R^2 of the predictions from raw outputs (the validation default)."""
        return r2_score(rows.y, self._predictions_from_raw(raw), sample_weight=rows.sample_weight)

    @available_if(_stochastic)
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
