"""The models of the command-line tool: sklearn_nn's estimators and their peers.

One registry serves both subcommands: ``compare`` cross-validates every model
of the data's task, ``train`` fits the one named. Each model is built in a
pipeline with the preprocessing of its data (``_datasets.make_preprocessor``),
so what is fitted, scored and saved is always the same kind of object.
The scratch MLPs and scikit-learn's MLPs get the same settings, so the
comparison is like for like.
"""

from collections.abc import Callable
from dataclasses import dataclass

from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.naive_bayes import BernoulliNB, GaussianNB, MultinomialNB
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import Pipeline

from .._linear import LogisticRegressionGD, SoftmaxRegressionGD
from .._mlp import MLPClassifierScratch, MLPRegressorScratch
from ._datasets import CLASSIFICATION, REGRESSION, InputError, feature_kinds, make_preprocessor


@dataclass(frozen=True)
class ModelSpec:
    """One model of the tool.

    Parameters
    ----------
    name : str
        Command-line name (``--model``).
    label : str
        Name in the comparison table.
    task : {"classification", "regression"}
    make : callable
        ``make(quick)`` returns the unfitted estimator; ``quick`` asks for
        fewer epochs.
    raw_features : {"binary", "counts"} or None, default=None
        None: the model gets standardised features. Otherwise it gets the raw
        features, and suits only data whose features are of that kind.
    """

    name: str
    label: str
    task: str
    make: Callable
    raw_features: str | None = None


def _maker(cls, epochs=None, quick_epochs=None, **settings):
    """``make(quick)`` for ``cls(**settings)``, with ``max_iter`` set to ``epochs`` or ``quick_epochs``."""

    def make(quick):
        params = dict(settings)
        if epochs is not None:
            params["max_iter"] = quick_epochs if quick else epochs
        return cls(**params)

    return make


# The scratch MLPs and scikit-learn's get the same settings.
_MLP_CLASSIFIER = dict(epochs=200, quick_epochs=100, hidden_layer_sizes=(100,), random_state=0)
_MLP_REGRESSOR = dict(
    epochs=500, quick_epochs=200, hidden_layer_sizes=(100,), learning_rate_init=0.01, random_state=0
)
_LINEAR_GD = dict(epochs=2000, quick_epochs=500)

MODELS = {
    spec.name: spec
    for spec in [
        ModelSpec(
            "logistic", "LogisticRegressionGD", CLASSIFICATION, _maker(LogisticRegressionGD, **_LINEAR_GD)
        ),
        ModelSpec(
            "softmax", "SoftmaxRegressionGD", CLASSIFICATION, _maker(SoftmaxRegressionGD, **_LINEAR_GD)
        ),
        ModelSpec(
            "mlp", "MLPClassifierScratch", CLASSIFICATION, _maker(MLPClassifierScratch, **_MLP_CLASSIFIER)
        ),
        ModelSpec(
            "sklearn-logistic", "sklearn LogisticRegression", CLASSIFICATION, _maker(LogisticRegression)
        ),
        ModelSpec(
            "sklearn-mlp", "sklearn MLPClassifier", CLASSIFICATION, _maker(MLPClassifier, **_MLP_CLASSIFIER)
        ),
        ModelSpec("gaussian-nb", "sklearn GaussianNB", CLASSIFICATION, _maker(GaussianNB)),
        ModelSpec("bernoulli-nb", "sklearn BernoulliNB", CLASSIFICATION, _maker(BernoulliNB), "binary"),
        ModelSpec("multinomial-nb", "sklearn MultinomialNB", CLASSIFICATION, _maker(MultinomialNB), "counts"),
        ModelSpec(
            "mlp-regressor", "MLPRegressorScratch", REGRESSION, _maker(MLPRegressorScratch, **_MLP_REGRESSOR)
        ),
        ModelSpec(
            "sklearn-mlp-regressor",
            "sklearn MLPRegressor",
            REGRESSION,
            _maker(MLPRegressor, **_MLP_REGRESSOR),
        ),
        ModelSpec("ridge", "sklearn Ridge", REGRESSION, _maker(Ridge)),
    ]
}

_FEATURE_KIND_NAMES = {"binary": "binary (0/1)", "counts": "non-negative integer (count)"}


def models_for(data):
    """The models that ``compare`` runs on these data: those of its task that suit its features.

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    specs : list of ModelSpec

    Examples
    --------
    >>> from sklearn_nn.cli._datasets import load_dataset
    >>> from sklearn_nn.cli._models import models_for
    >>> [spec.name for spec in models_for(load_dataset("diabetes"))]
    ['mlp-regressor', 'sklearn-mlp-regressor', 'ridge']
    """
    kinds = feature_kinds(data)
    return [
        spec
        for spec in MODELS.values()
        if spec.task == data.task and (spec.raw_features is None or spec.raw_features in kinds)
    ]


def check_model_fits_data(spec, data):
    """Raise ``InputError`` unless ``train`` can fit model ``spec`` on ``data``."""
    if spec.task != data.task:
        others = ", ".join(s.name for s in MODELS.values() if s.task == data.task)
        raise InputError(
            f"{spec.name} is a {spec.task} model but {data.name} is a {data.task} data set; "
            f"choose one of: {others}"
        )
    if spec.raw_features is not None and spec.raw_features not in feature_kinds(data):
        kind = _FEATURE_KIND_NAMES[spec.raw_features]
        raise InputError(f"{spec.name} needs {kind} features, and {data.name} has other values")


def check_params(spec, params):
    """Raise ``InputError`` for a parameter name the model does not have.

    Parameters
    ----------
    spec : ModelSpec
    params : dict
        Parameter names and values given with ``--param``.
    """
    valid = sorted(spec.make(False).get_params(deep=False))
    unknown = [key for key in params if key not in valid]
    if unknown:
        raise InputError(
            f"unknown parameter {', '.join(map(repr, unknown))} for {spec.name} ({spec.label}); "
            f"valid parameters: {', '.join(valid)}"
        )


def build_pipeline(spec, data, *, quick=False, params=None):
    """The unfitted pipeline of model ``spec`` on ``data``: preprocessing, then the model.

    Parameters
    ----------
    spec : ModelSpec
    data : Dataset
    quick : bool, default=False
        Fewer epochs for the iterative models.
    params : dict, default=None
        Parameters of the model that replace its settings.

    Returns
    -------
    pipeline : Pipeline
        Steps ``"preprocess"`` and ``"model"``.

    Examples
    --------
    >>> from sklearn_nn.cli._datasets import load_dataset
    >>> from sklearn_nn.cli._models import MODELS, build_pipeline
    >>> pipe = build_pipeline(MODELS["mlp"], load_dataset("iris"), params={"alpha": 0.01})
    >>> pipe.named_steps["preprocess"], pipe.named_steps["model"].alpha
    (StandardScaler(), 0.01)
    """
    model = spec.make(quick)
    if params:
        check_params(spec, params)
        model.set_params(**params)
    preprocess = make_preprocessor(data, scale=spec.raw_features is None)
    return Pipeline([("preprocess", preprocess), ("model", model)])
