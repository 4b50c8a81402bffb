"""Multi-layer perceptrons: MLPClassifierScratch and MLPRegressorScratch.

Thin classes: constructor parameters, docstrings and layer sizes. Training,
validation and prediction live in ``_base``; the maths in ``_network``,
``_losses``, ``_optimizers`` and ``_training``.
"""

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from ._activations import ACTIVATIONS
from ._base import BaseGD, ClassifierGDMixin, RegressorGDMixin
from ._docs import document
from ._dropout import dropout_rates
from ._initializers import INITIALISERS, initialise
from ._losses import REGRESSION_LOSSES, SIGMOID_LOSSES

_MLP_PARAMETERS = [
    "hidden_layer_sizes",
    "activation",
    "weight_init",
    "dropout",
    "solver",
    "alpha",
    "l1_ratio",
    "batch_size",
    "learning_rate",
    "learning_rate_init",
    "power_t",
    "max_iter",
    "shuffle",
    "random_state",
    "tol",
    "verbose",
    "warm_start",
    "momentum",
    "nesterovs_momentum",
    "early_stopping",
    "validation_fraction",
    "beta_1",
    "beta_2",
    "epsilon",
    "rho",
    "clip_grad_norm",
    "n_iter_no_change",
    "max_fun",
    "decay_rate",
    "decay_steps",
    "scoring",
    "restore_best_weights",
    "monitor_gradients",
]
_MLP_DEFAULTS = dict(
    alpha=0.0001,
    solver="adam",
    batch_size="auto",
    learning_rate="constant",
    learning_rate_init=0.001,
    max_iter=200,
    tol=1e-4,
)


class _MLPMixin:
    """Hidden layers and their validation, shared by both MLPs."""

    _mlp_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "weight_init": [StrOptions(set(INITIALISERS))],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
    }

    def _init_network(self, net, rng):
        initialise(net, rng, self.weight_init)

    def _dropout_rates(self, n_hidden):
        rates = dropout_rates(self.dropout, n_hidden)
        return rates if any(rates) else None

    def _hidden_layer_sizes(self):
        sizes = self.hidden_layer_sizes
        sizes = list(sizes) if hasattr(sizes, "__iter__") else [sizes]
        if any(isinstance(s, bool) or not isinstance(s, Integral | np.integer) for s in sizes):
            raise ValueError(f"hidden_layer_sizes must hold integers, got {sizes}.")
        if any(s <= 0 for s in sizes):
            raise ValueError(f"hidden_layer_sizes must be > 0, got {sizes}.")
        return [int(s) for s in sizes]


class MLPClassifierScratch(ClassifierGDMixin, _MLPMixin, BaseGD):
    __doc__ = document(
        """
        Multi-layer perceptron classifier trained by backpropagation.

        A drop-in replacement for scikit-learn's ``MLPClassifier`` (same
        parameters, defaults and fitted attributes) with selectable losses,
        learning-rate schedules for every solver, explicit validation sets,
        early stopping on the validation loss with the best epoch restored,
        class weights and a divergence guard.

        Binary problems use one sigmoid output, multiclass problems a
        softmax, and multilabel problems (2-D indicator ``y``) one sigmoid per
        label.
        """,
        [*_MLP_PARAMETERS[:2], "loss_classifier", *_MLP_PARAMETERS[2:], "class_weight"],
        ["classes_"],
        """
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_nn import MLPClassifierScratch
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = make_pipeline(
        ...     StandardScaler(),
        ...     MLPClassifierScratch(
        ...         hidden_layer_sizes=(16,), learning_rate_init=0.01, max_iter=300, random_state=0
        ...     ),
        ... ).fit(X, y)
        >>> clf.score(X, y) > 0.95
        True
        >>> clf.predict_proba(X[:1]).shape
        (1, 3)
        """,
        _MLP_DEFAULTS,
    )

    _parameter_constraints = {
        **BaseGD._parameter_constraints,
        **_MLPMixin._mlp_constraints,
        "loss": [StrOptions(set(SIGMOID_LOSSES))],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }
    _multiclass_link = "softmax"
    _multilabel = True

    def __init__(
        self,
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        loss="log_loss",
        weight_init="glorot_uniform",
        dropout=0.0,
        solver="adam",
        alpha=0.0001,
        l1_ratio=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        rho=0.9,
        clip_grad_norm=None,
        n_iter_no_change=10,
        max_fun=15000,
        decay_rate=0.96,
        decay_steps=100,
        scoring=None,
        restore_best_weights=True,
        monitor_gradients=False,
        class_weight=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.weight_init = weight_init
        self.dropout = dropout
        self.loss = loss
        self.solver = solver
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.rho = rho
        self.clip_grad_norm = clip_grad_norm
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
        self.scoring = scoring
        self.restore_best_weights = restore_best_weights
        self.monitor_gradients = monitor_gradients
        self.class_weight = class_weight


class MLPRegressorScratch(RegressorGDMixin, _MLPMixin, BaseGD):
    __doc__ = document(
        """
        Multi-layer perceptron regressor trained by backpropagation.

        A drop-in replacement for scikit-learn's ``MLPRegressor`` (same
        parameters, defaults and fitted attributes) with squared, absolute,
        Huber and Poisson losses, learning-rate schedules for every solver,
        explicit validation sets, early stopping with the best epoch restored
        and a divergence guard. Supports several outputs.
        """,
        ["loss_regressor", *_MLP_PARAMETERS, "huber_delta"],
        [],
        """
        >>> from sklearn.datasets import load_diabetes
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_nn import MLPRegressorScratch
        >>> X, y = load_diabetes(return_X_y=True)
        >>> reg = make_pipeline(
        ...     StandardScaler(),
        ...     MLPRegressorScratch(hidden_layer_sizes=(32,), learning_rate_init=0.01,
        ...                         max_iter=300, random_state=0),
        ... ).fit(X, y)
        >>> reg.score(X, y) > 0.4
        True
        """,
        _MLP_DEFAULTS,
    )

    _parameter_constraints = {
        **BaseGD._parameter_constraints,
        **_MLPMixin._mlp_constraints,
        "loss": [StrOptions(set(REGRESSION_LOSSES))],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self,
        loss="squared_error",
        hidden_layer_sizes=(100,),
        activation="relu",
        *,
        weight_init="glorot_uniform",
        dropout=0.0,
        solver="adam",
        alpha=0.0001,
        l1_ratio=0.0,
        batch_size="auto",
        learning_rate="constant",
        learning_rate_init=0.001,
        power_t=0.5,
        max_iter=200,
        shuffle=True,
        random_state=None,
        tol=1e-4,
        verbose=False,
        warm_start=False,
        momentum=0.9,
        nesterovs_momentum=True,
        early_stopping=False,
        validation_fraction=0.1,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
        rho=0.9,
        clip_grad_norm=None,
        n_iter_no_change=10,
        max_fun=15000,
        decay_rate=0.96,
        decay_steps=100,
        scoring=None,
        restore_best_weights=True,
        monitor_gradients=False,
        huber_delta=1.0,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.weight_init = weight_init
        self.dropout = dropout
        self.solver = solver
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.rho = rho
        self.clip_grad_norm = clip_grad_norm
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
        self.scoring = scoring
        self.restore_best_weights = restore_best_weights
        self.monitor_gradients = monitor_gradients
        self.huber_delta = huber_delta
