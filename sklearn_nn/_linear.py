"""Linear models: LogisticRegressionGD and SoftmaxRegressionGD.

Both are networks without a hidden layer, trained by the same loop as the
MLPs. They start from zero weights and default to full-batch gradient descent
with Barzilai-Borwein steps (``learning_rate='barzilai_borwein'``, see
``_step_rules``), so a default fit is deterministic. The default
``alpha=1.0`` is scikit-learn's ``LogisticRegression`` default ``C=1.0``: with
it the objective is strongly convex and the defaults (first step 0.1, up to
2000 iterations, stop when ``max(abs(grad J)) <= tol`` with ``tol=1e-6``) reach its optimum to
a relative gap below 1e-6 on standardised data (measured: ``benchmarks/``, section
``optimum``).
"""

from sklearn.utils._param_validation import StrOptions

from ._base import BaseGD, ClassifierGDMixin
from ._docs import document
from ._losses import SIGMOID_LOSSES

_LINEAR_PARAMETERS = [
    "loss_classifier",
    "alpha",
    "l1_ratio",
    "fit_intercept",
    "solver",
    "batch_size",
    "learning_rate",
    "learning_rate_init",
    "power_t",
    "decay_rate",
    "decay_steps",
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
    "scoring",
    "restore_best_weights",
    "monitor_gradients",
    "class_weight",
]
_LINEAR_DEFAULTS = dict(
    alpha=1.0,
    solver="sgd",
    batch_size="full",
    learning_rate="barzilai_borwein",
    learning_rate_init=0.1,
    max_iter=2000,
    tol=1e-6,
)


class _LinearGD(ClassifierGDMixin, BaseGD):
    """Shared constructor and ``coef_`` / ``intercept_`` of the linear models."""

    _parameter_constraints = {
        **BaseGD._parameter_constraints,
        "loss": [StrOptions(set(SIGMOID_LOSSES))],
        "fit_intercept": ["boolean"],
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        loss="log_loss",
        *,
        alpha=1.0,
        l1_ratio=0.0,
        fit_intercept=True,
        solver="sgd",
        batch_size="full",
        learning_rate="barzilai_borwein",
        learning_rate_init=0.1,
        power_t=0.5,
        decay_rate=0.96,
        decay_steps=100,
        max_iter=2000,
        shuffle=True,
        random_state=None,
        tol=1e-6,
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
        scoring=None,
        restore_best_weights=True,
        monitor_gradients=False,
        class_weight=None,
    ):
        self.loss = loss
        self.alpha = alpha
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.solver = solver
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.decay_rate = decay_rate
        self.decay_steps = decay_steps
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
        self.scoring = scoring
        self.restore_best_weights = restore_best_weights
        self.monitor_gradients = monitor_gradients
        self.class_weight = class_weight

    def _init_network(self, net, rng):
        """Linear models start from zero weights (the network is created zeroed)."""

    @property
    def coef_(self):
        return self.coefs_[0].T

    @property
    def intercept_(self):
        return self.intercepts_[0]


class LogisticRegressionGD(_LinearGD):
    __doc__ = document(
        """
        Logistic regression trained by gradient descent.

        Binary problems have one sigmoid unit; multiclass problems are
        one-vs-rest: K independent sigmoid units, each a binary problem, whose
        probabilities ``predict_proba`` normalises across classes. With
        ``solver='lbfgs'`` and ``alpha=a`` the optimum is that of
        scikit-learn's ``LogisticRegression(C=1/a)`` (one-vs-rest of it for
        several classes).
        """,
        _LINEAR_PARAMETERS,
        ["classes_", "coef_", "intercept_"],
        """
        >>> from sklearn.datasets import load_breast_cancer
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_nn import LogisticRegressionGD
        >>> X, y = load_breast_cancer(return_X_y=True)
        >>> clf = make_pipeline(StandardScaler(), LogisticRegressionGD()).fit(X, y)
        >>> clf.score(X, y) > 0.97
        True
        >>> clf[-1].coef_.shape
        (1, 30)
        """,
        _LINEAR_DEFAULTS,
    )
    _multiclass_link = "sigmoid"


class SoftmaxRegressionGD(_LinearGD):
    __doc__ = document(
        """
        Multinomial (softmax) logistic regression trained by gradient descent.

        One logit per class and a softmax over them; with ``solver='lbfgs'``
        and ``alpha=a`` the optimum is that of scikit-learn's multinomial
        ``LogisticRegression(C=1/a)``. For two classes the softmax of
        (0, z) is the sigmoid of z, so the model keeps a single logit, like
        scikit-learn (``coef_`` of shape (1, n_features)); ``squared_error``
        is then 1/2 (t - sigmoid(z))^2, half the two-class softmax value.
        """,
        _LINEAR_PARAMETERS,
        ["classes_", "coef_", "intercept_"],
        """
        >>> from sklearn.datasets import load_iris
        >>> from sklearn.pipeline import make_pipeline
        >>> from sklearn.preprocessing import StandardScaler
        >>> from sklearn_nn import SoftmaxRegressionGD
        >>> X, y = load_iris(return_X_y=True)
        >>> clf = make_pipeline(StandardScaler(), SoftmaxRegressionGD()).fit(X, y)
        >>> clf.score(X, y) > 0.95
        True
        >>> clf.predict_proba(X[:2]).sum(axis=1)
        array([1., 1.])
        """,
        _LINEAR_DEFAULTS,
    )
    _multiclass_link = "softmax"
