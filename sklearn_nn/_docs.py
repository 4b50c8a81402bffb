"""Docstring pieces shared by the estimators.

The four estimators share most of their parameters and fitted attributes.
Each description is written once here and assembled into every class
docstring by ``document``, so the documentation cannot drift apart.
"""

import textwrap

PARAMETERS = {
    "hidden_layer_sizes": """
hidden_layer_sizes : array-like of shape (n_layers - 2,) or int, default=(100,)
    Number of units of each hidden layer.""",
    "activation": """
activation : {'identity', 'logistic', 'sigmoid', 'tanh', 'relu', 'leaky_relu', 'gelu'}, default='relu'
    Hidden-layer activation. ``'sigmoid'`` is an alias of ``'logistic'``;
    ``'leaky_relu'`` has slope 0.01 for negative inputs; ``'gelu'`` is the
    exact z * Phi(z).""",
    "weight_init": """
weight_init : {'glorot_uniform', 'glorot_normal', 'he_uniform', 'he_normal', \
        'lecun_normal'}, default='glorot_uniform'
    How the weights are drawn before training, from each layer's fan-in and
    fan-out: ``'glorot_uniform'`` U(-b, b) with b = sqrt(6 / (fan_in +
    fan_out)) (factor 2 instead of 6 for logistic units), scikit-learn's
    scheme; ``'glorot_normal'`` N(0, 2 / (fan_in + fan_out));
    ``'he_uniform'`` U(-b, b) with b = sqrt(6 / fan_in); ``'he_normal'``
    N(0, 2 / fan_in); ``'lecun_normal'`` N(0, 1 / fan_in) (untruncated, as
    ``torch.nn.init``). The biases are drawn as with the default.""",
    "dropout": """
dropout : float or array-like of float, default=0.0
    Inverted dropout on the hidden activations during training: each hidden
    unit of each row is dropped with this probability (one value for every
    hidden layer, or one per hidden layer) and the kept ones are scaled by
    1 / (1 - p), so predictions, validation losses and scores use the whole
    network deterministically. The masks come from the ``random_state``
    stream; 0 draws nothing and gives the bits of a fit without dropout.
    The recorded training loss is then that of the dropped networks. Not
    with ``solver='lbfgs'`` or the step rules, which need the exact J.""",
    "loss_classifier": """
loss : {'log_loss', 'squared_error', 'hinge'}, default='log_loss'
    Per-sample loss on the logits z. For sigmoid units: log loss, 1/2
    (t - sigmoid(z))^2, or max(0, 1 - u z) with u = 2t - 1, summed over
    units. For a softmax output: cross-entropy, 1/2 ||onehot - softmax(z)||^2,
    or the multiclass hinge sum_{k != y} max(0, 1 - z_y + z_k).""",
    "loss_regressor": """
loss : {'squared_error', 'absolute_error', 'huber', 'poisson'}, default='squared_error'
    Per-sample loss averaged over outputs: 1/2 (y - z)^2, ``|y - z|``, Huber
    with threshold ``huber_delta``, or the Poisson negative log-likelihood
    exp(z) - y z with prediction exp(z).""",
    "huber_delta": """
huber_delta : float, default=1.0
    Threshold of the Huber loss between its quadratic and linear parts.""",
    "alpha": """
alpha : float, default={alpha}
    Strength of the L2 penalty alpha / (2 n) * sum ||W||^2, with n the sum
    of the training sample weights; biases are not penalised. With this
    scaling ``alpha = 1 / C`` of scikit-learn's ``LogisticRegression``.""",
    "l1_ratio": """
l1_ratio : float in [0, 1], default=0.0
    The elastic-net mix rho of the penalty: with it the penalty is
    alpha / n * [(1 - rho) / 2 ||W||^2 + rho ||W||_1], so ``alpha = 1 / C``
    gives the optimum of scikit-learn's ``LogisticRegression(C=C,
    l1_ratio=rho)``. The L1 part is applied by a proximal step (soft
    thresholding), so weights reach exact zeros: after each update of
    ``solver='sgd'`` (proximal SGD, with or without momentum) and inside the
    full-batch step rules (ISTA, FISTA, SpaRSA); ``'adam'``, ``'adamw'``,
    ``'rmsprop'``, ``'adagrad'`` and ``'lbfgs'`` refuse ``l1_ratio > 0``.""",
    "fit_intercept": """
fit_intercept : bool, default=True
    Whether to learn the intercepts; if False they stay at zero.""",
    "solver": """
solver : {'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad', 'lbfgs'}, default='{solver}'
    ``'sgd'``: gradient descent with optional (Nesterov) momentum;
    ``'adam'``: Adam; ``'adamw'``: Adam with decoupled weight decay, the
    weights shrinking by (1 - lr alpha / n) before each Adam step on the data
    term's gradient (``torch.optim.AdamW``; ``alpha`` keeps its meaning in J,
    and ``alpha=0`` gives ``'adam'``); ``'rmsprop'``: v <- rho v +
    (1 - rho) g^2, theta <- theta - lr g / (sqrt(v) + epsilon);
    ``'adagrad'``: G <- G + g^2, theta <- theta - lr g / (sqrt(G) + epsilon);
    ``'lbfgs'``: SciPy's L-BFGS-B on the full batch (no ``partial_fit``, no
    learning-rate schedule).""",
    "batch_size": """
batch_size : int, 'auto' or 'full', default='{batch_size}'
    Rows per update: ``'full'`` uses the whole training set (gradient
    descent), 1 is stochastic gradient descent, k is mini-batch, ``'auto'``
    is min(200, n_samples).""",
    "learning_rate": """
learning_rate : {'constant', 'invscaling', 'exponential', 'step', 'cosine', 'adaptive', \
        'backtracking', 'barzilai_borwein'} or callable, default='{learning_rate}'
    Learning-rate schedule for every first-order solver alike, a function of
    k, the number of parameter updates so far, with eta = learning_rate_init:
    ``'invscaling'`` eta / (1 + k)^power_t; ``'exponential'``
    eta * decay_rate^(k / decay_steps); ``'step'``
    eta * decay_rate^floor(k / decay_steps); ``'cosine'``
    eta / 2 * (1 + cos(pi k / K)) with K the updates in ``max_iter`` epochs;
    ``'adaptive'`` divides the rate by 5 whenever the monitored quantity did
    not improve by ``tol`` for more than ``n_iter_no_change`` epochs in a
    row; a callable maps
    k to a positive rate. Unlike scikit-learn, ``'invscaling'`` counts
    updates (not samples) and Adam follows the schedule too.
    Two full-batch step rules of ``'sgd'`` find their own step from J
    instead (they need ``batch_size='full'``, not ``fit_stream``; the first
    trial step is ``learning_rate_init``): ``'backtracking'`` halves a
    trial step until Armijo's condition J(x - a g) <= J(x) - a/2 ||g||^2
    holds and doubles the next one after a step accepted at once, so J never
    increases; with ``momentum > 0`` the steps are accelerated (Nesterov's
    method as in FISTA, the momentum coefficient capped at ``momentum``, with
    adaptive restarts). ``'barzilai_borwein'`` takes Barzilai-Borwein steps
    (secant estimates of the inverse curvature, adaptive BB1/BB2) under a
    nonmonotone Armijo safeguard over the last 10 values of J; it ignores
    ``momentum``. With either rule training stops when ``max(abs(grad J))`` is at
    most ``tol``, and ``n_fun_evals_`` counts the evaluations of J. Other
    solvers take a step rule's name as ``'constant'``.""",
    "learning_rate_init": """
learning_rate_init : float, default={learning_rate_init}
    Initial learning rate eta.""",
    "power_t": """
power_t : float, default=0.5
    Exponent of ``'invscaling'``.""",
    "decay_rate": """
decay_rate : float in (0, 1], default=0.96
    Factor of the ``'exponential'`` and ``'step'`` schedules.""",
    "decay_steps": """
decay_steps : int, default=100
    Number of updates over which ``'exponential'`` and ``'step'`` apply one
    factor ``decay_rate``.""",
    "max_iter": """
max_iter : int, default={max_iter}
    Maximum number of epochs (first-order solvers) or L-BFGS iterations.""",
    "shuffle": """
shuffle : bool, default=True
    Whether to reshuffle the rows before each epoch (mini-batch modes).""",
    "random_state": """
random_state : int, RandomState instance or None, default=None
    Seeds the initial weights, the shuffling and the validation split.""",
    "tol": """
tol : float, default={tol}
    An epoch must improve the monitored quantity (training loss, or the
    validation score with early stopping) by at least ``tol``; after more
    than ``n_iter_no_change`` epochs without, training stops (or the rate is
    cut with ``learning_rate='adaptive'``). For ``'lbfgs'`` and the
    full-batch step rules (``learning_rate='backtracking'`` or
    ``'barzilai_borwein'``): the gradient tolerance, training stops when the
    largest absolute component of grad J is at most ``tol`` (like
    scikit-learn's ``LogisticRegression``); early stopping still applies
    ``tol`` to the validation score.""",
    "verbose": """
verbose : bool, default=False
    Print one line per epoch: ``Iteration N, loss = ...`` and the
    validation figures when there is a validation set.""",
    "warm_start": """
warm_start : bool, default=False
    Continue from the fitted parameters and optimizer state on ``fit``.""",
    "momentum": """
momentum : float in [0, 1], default=0.9
    Momentum of ``'sgd'``.""",
    "nesterovs_momentum": """
nesterovs_momentum : bool, default=True
    Whether ``'sgd'`` uses Nesterov's momentum.""",
    "early_stopping": """
early_stopping : bool, default=False
    Stop when the validation score stops improving. The validation set is
    ``X_val, y_val`` from ``fit`` when given, otherwise ``validation_fraction``
    of the training rows (stratified for classifiers, with their sample
    weights).""",
    "validation_fraction": """
validation_fraction : float in [0, 1), default=0.1
    Fraction of the training rows held out when ``early_stopping`` is True
    and no explicit validation set is given.""",
    "beta_1": """
beta_1 : float in [0, 1), default=0.9
    Decay of Adam's first-moment estimate.""",
    "beta_2": """
beta_2 : float in [0, 1), default=0.999
    Decay of Adam's second-moment estimate.""",
    "epsilon": """
epsilon : float, default=1e-8
    The constant added to the root of the second moment of ``'adam'``,
    ``'adamw'``, ``'rmsprop'`` and ``'adagrad'``, for numerical stability.""",
    "rho": """
rho : float in [0, 1), default=0.9
    Decay of ``'rmsprop'``'s running mean of squared gradients,
    v <- rho v + (1 - rho) g^2 (``alpha`` of ``torch.optim.RMSprop``).""",
    "clip_grad_norm": """
clip_grad_norm : float or None, default=None
    When set, every update of a first-order solver rescales the data term's
    gradient so that its L2 norm over all weights and biases is at most this
    value, g <- g min(1, clip_grad_norm / ||g||) (as
    ``torch.nn.utils.clip_grad_norm_``); the L2 penalty's gradient is added
    after clipping. Not with ``solver='lbfgs'`` or the step rules, which
    choose their own steps (a ``ValueError`` says so).""",
    "monitor_gradients": """
monitor_gradients : bool, default=False
    Whether every epoch records, per layer (input layer first), the mean L2
    norm of the gradient of J with respect to the weights over the epoch's
    updates in ``history_['grad_norm']``, and the mean norm of the weight
    updates divided by the norm of the weights in
    ``history_['update_ratio']`` (see ``LossCurveDisplay``'s gradient
    panel and the user guide's "Looking inside"). Off, training does none of
    this work.""",
    "n_iter_no_change": """
n_iter_no_change : int or np.inf, default=10
    Patience: training stops (or ``'adaptive'`` cuts the rate) after more
    than this many epochs in a row without an improvement of ``tol``.""",
    "max_fun": """
max_fun : int, default=15000
    Maximum number of objective evaluations of ``'lbfgs'``.""",
    "scoring": """
scoring : None, 'loss', str or callable, default=None
    Validation metric: None is the estimator's ``score`` (accuracy or R^2),
    ``'loss'`` is minus the validation objective (stop when the held-out
    likelihood starts to fall), otherwise any scikit-learn scorer name or
    callable ``scorer(estimator, X, y)``.""",
    "restore_best_weights": """
restore_best_weights : bool, default=True
    With early stopping, restore the parameters of the best validation
    epoch at the end of training.""",
    "class_weight": """
class_weight : dict, 'balanced' or None, default=None
    Weights per class, multiplied into the sample weights; ``'balanced'``
    uses n_samples / (n_classes * bincount(y)).""",
}

ATTRIBUTES = {
    "classes_": """
classes_ : ndarray of shape (n_classes,)
    Class labels.""",
    "coef_": """
coef_ : ndarray of shape (1, n_features) for binary problems, else (n_classes, n_features)
    Weights, a view of ``coefs_[0].T``.""",
    "intercept_": """
intercept_ : ndarray of shape (1,) or (n_classes,)
    Intercepts, a view of ``intercepts_[0]``.""",
    "coefs_": """
coefs_ : list of ndarray
    Weight matrix of each layer, shape (fan_in, fan_out).""",
    "intercepts_": """
intercepts_ : list of ndarray
    Bias vector of each layer.""",
    "loss_": """
loss_ : float
    The objective J (mean weighted loss plus penalty) of the last epoch.""",
    "best_loss_": """
best_loss_ : float or None
    The smallest J over the recorded epochs; None when early stopping watches
    a validation score (``best_validation_score_`` holds the best one), as in
    scikit-learn.""",
    "loss_curve_": """
loss_curve_ : list of float
    J per epoch (L-BFGS: per iteration).""",
    "validation_scores_": """
validation_scores_ : list of float or None
    Validation score per epoch, None without a validation set.""",
    "validation_loss_curve_": """
validation_loss_curve_ : list of float or None
    Validation objective per epoch, None without a validation set.""",
    "best_validation_score_": """
best_validation_score_ : float or None
    Best validation score, None without a validation set.""",
    "best_epoch_": """
best_epoch_ : int or None
    Epoch (1-based, counted over ``history_``) with the best monitored value:
    the validation score with early stopping, else the training loss. None
    for ``'lbfgs'``.""",
    "history_": """
history_ : dict of lists
    Per-epoch records ``loss``, ``val_loss``, ``val_score``,
    ``learning_rate`` (rate of the epoch's first update) and ``time``
    (seconds since the first fit); NaN where not measured.""",
    "t_": """
t_ : int
    Number of training samples seen.""",
    "n_iter_": """
n_iter_ : int
    Number of epochs (L-BFGS: iterations) of the last call.""",
    "n_fun_evals_": """
n_fun_evals_ : int
    Evaluations of the objective in the last call: one per update for the
    schedules (of the batch's data term), every trial and extrapolated point
    for the step rules, every evaluation of L-BFGS.""",
    "stop_reason_": """
stop_reason_ : str
    Why the last call stopped: ``'tol'`` (the training loss stopped
    improving by ``tol`` for ``n_iter_no_change`` epochs; L-BFGS and the
    step rules: the gradient fell below ``tol``), ``'early_stopping'`` (the same rule on the validation
    score), ``'max_iter'`` (``max_iter`` epochs or iterations were run),
    ``'max_fun'`` (L-BFGS ran out of evaluations of the objective),
    ``'line_search'`` (the line search of L-BFGS or of a step rule could make
    no more progress), ``'epochs'``
    (``partial_fit`` or ``fit_stream`` ran the epochs asked for),
    ``'diverged'``, ``'interrupted'`` (Ctrl-C) or ``'callback'`` (a callback
    asked training to stop).""",
    "n_layers_": """
n_layers_ : int
    Number of layers, input and output included.""",
    "n_outputs_": """
n_outputs_ : int
    Number of output units.""",
    "out_activation_": """
out_activation_ : str
    Output link: 'logistic', 'softmax', 'identity' or 'exp'.""",
    "n_features_in_": """
n_features_in_ : int
    Number of features seen during fit.""",
    "feature_names_in_": """
feature_names_in_ : ndarray of shape (`n_features_in_`,)
    Feature names seen during fit, when X had string column names.""",
}

_COMMON_ATTRIBUTES = [
    "coefs_",
    "intercepts_",
    "loss_",
    "best_loss_",
    "loss_curve_",
    "validation_scores_",
    "validation_loss_curve_",
    "best_validation_score_",
    "best_epoch_",
    "history_",
    "t_",
    "n_iter_",
    "n_fun_evals_",
    "stop_reason_",
    "n_layers_",
    "n_outputs_",
    "out_activation_",
    "n_features_in_",
    "feature_names_in_",
]


def document(summary, parameters, attributes, examples, defaults, notes=None):
    """Build a numpydoc class docstring from the shared pieces.

    ``defaults`` fills the ``{name}`` placeholders of the parameter texts.
    """
    params = "".join(PARAMETERS[p] for p in parameters)
    for name, value in defaults.items():
        params = params.replace("{" + name + "}", str(value))
    attrs = "".join(ATTRIBUTES[a] for a in [*attributes, *_COMMON_ATTRIBUTES])
    sections = [
        textwrap.dedent(summary).strip(),
        "Parameters\n----------" + params,
        "Attributes\n----------" + attrs,
    ]
    if notes:
        sections.append("Notes\n-----\n" + textwrap.dedent(notes).strip())
    sections.append("Examples\n--------\n" + textwrap.dedent(examples).strip())
    return "\n\n".join(sections) + "\n"
