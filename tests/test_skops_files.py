"""Fitted estimators in skops files: one type to trust, the same model back, training goes on.

The estimators' state is kept in plain types (``sklearn_nn._state``), so a
skops file of a fitted pipeline lists only the estimator's class among the
types its reader must trust (``skops.io.get_untrusted_types``). The loaded
model predicts the same bits and continues training exactly as the original.
"""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.datasets import load_diabetes, load_iris
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn._state import OBJECT_KEY, from_plain, to_plain

sio = pytest.importorskip("skops.io", reason="skops is not installed: pip install 'sklearn_nn[skops]'")

X_IRIS, Y_IRIS = load_iris(return_X_y=True)
LABELS = np.array(["setosa", "versicolor", "virginica"])[Y_IRIS]
X_DIAB, Y_DIAB = load_diabetes(return_X_y=True)
Y_DIAB = (Y_DIAB - Y_DIAB.mean()) / Y_DIAB.std()

CASES = {
    "logistic_default": (LogisticRegressionGD(), "labels"),
    "logistic_binary_adam": (LogisticRegressionGD(solver="adam", max_iter=20), "binary"),
    "softmax_elastic_net": (SoftmaxRegressionGD(l1_ratio=0.5), "labels"),
    "softmax_lbfgs": (SoftmaxRegressionGD(solver="lbfgs"), "labels"),
    "mlp_rmsprop_adaptive_es": (
        MLPClassifierScratch(max_iter=20, solver="rmsprop", learning_rate="adaptive", early_stopping=True),
        "labels",
    ),
    "mlp_sgd_dropout_clip": (
        MLPClassifierScratch(max_iter=20, solver="sgd", momentum=0.9, dropout=0.2, clip_grad_norm=1.0),
        "labels",
    ),
    "mlp_multilabel_adamw": (MLPClassifierScratch(max_iter=20, solver="adamw"), "multilabel"),
    "mlp_regressor_huber_lbfgs": (MLPRegressorScratch(max_iter=20, loss="huber", solver="lbfgs"), "reg"),
    "mlp_regressor_poisson_adagrad": (
        MLPRegressorScratch(max_iter=20, loss="poisson", solver="adagrad"),
        "pos",
    ),
    "mlp_regressor_two_outputs": (MLPRegressorScratch(max_iter=20, learning_rate="cosine"), "two"),
}


def _data(kind):
    if kind == "labels":
        return X_IRIS, LABELS
    if kind == "binary":
        return X_IRIS, Y_IRIS == 2
    if kind == "multilabel":
        return X_IRIS, np.column_stack([Y_IRIS == 0, Y_IRIS == 2, X_IRIS[:, 0] > 5.8]).astype(int)
    X = X_DIAB[:, :5]
    if kind == "pos":
        return X, np.abs(Y_DIAB)
    return X, (Y_DIAB if kind == "reg" else np.column_stack([Y_DIAB, -Y_DIAB]))


def _decay(k):
    return 0.01 / (1 + k)


def _fit(name, pipeline=True):
    est, kind = CASES[name]
    X, y = _data(kind)
    model = make_pipeline(StandardScaler(), est.set_params(random_state=0)) if pipeline else est
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # short fits: ConvergenceWarning
        return model.fit(X, y), X, y


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_skops_file_of_a_pipeline_asks_to_trust_only_the_estimator_class(name):
    model, X, _ = _fit(name)
    data = sio.dumps(model)
    est_class = type(model[-1])
    assert sio.get_untrusted_types(data=data) == [f"{est_class.__module__}.{est_class.__name__}"]
    loaded = sio.loads(data, trusted=[est_class])
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    if hasattr(model, "predict_proba"):
        np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    assert loaded[-1].loss_curve_ is loaded[-1].history_["loss"]
    assert loaded[-1].coefs_[0].base is not None  # a view into the network's buffer, as after fit


def test_a_column_transformer_pipeline_asks_to_trust_only_the_estimator_class():
    pre = ColumnTransformer([("a", StandardScaler(), [0, 1]), ("b", "passthrough", [2, 3])])
    model = make_pipeline(pre, SoftmaxRegressionGD()).fit(X_IRIS, LABELS)
    assert sio.get_untrusted_types(data=sio.dumps(model)) == ["sklearn_nn._linear.SoftmaxRegressionGD"]


@pytest.mark.parametrize("name", ["mlp_rmsprop_adaptive_es", "mlp_sgd_dropout_clip", "logistic_binary_adam"])
@pytest.mark.parametrize("how", ["skops", "pickle"])
def test_a_loaded_model_trains_on_exactly_as_the_original(name, how):
    """warm_start after a round trip: the optimizer state, schedule, monitor and generator come back."""
    est, X, y = _fit(name, pipeline=False)
    if how == "skops":
        copy = sio.loads(sio.dumps(est), trusted=[type(est)])
    else:
        copy = pickle.loads(pickle.dumps(est))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for model in (est, copy):
            model.set_params(warm_start=True, max_iter=5).fit(X, y)
    for a, b in zip(est.coefs_ + est.intercepts_, copy.coefs_ + copy.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert est.history_["loss"] == copy.history_["loss"]
    assert est.loss_curve_ is est.history_["loss"] and copy.loss_curve_ is copy.history_["loss"]


def test_partial_fit_goes_on_after_a_skops_round_trip():
    est = SoftmaxRegressionGD(solver="sgd", learning_rate="invscaling", random_state=0)
    est.partial_fit(X_IRIS[:75], Y_IRIS[:75], classes=[0, 1, 2])
    copy = sio.loads(sio.dumps(est), trusted=[SoftmaxRegressionGD])
    for model in (est, copy):
        model.partial_fit(X_IRIS[75:], Y_IRIS[75:])
    np.testing.assert_array_equal(est.coefs_[0], copy.coefs_[0])
    assert est.t_ == copy.t_ == 150


def test_a_user_callable_is_a_type_the_reader_sees():
    """A callable learning_rate is code: the file lists it, it is not hidden in plain state."""
    est = SoftmaxRegressionGD(solver="sgd", learning_rate=_decay, max_iter=3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        est.fit(X_IRIS, Y_IRIS)
    untrusted = sio.get_untrusted_types(data=sio.dumps(est))
    assert len(untrusted) == 2 and untrusted[1].endswith("._decay"), untrusted


def test_plain_state_holds_no_object_of_the_package():
    est, _, _ = _fit("mlp_rmsprop_adaptive_es", pipeline=False)
    state = est.__getstate__()

    def walk(value):
        if isinstance(value, dict):
            return [t for item in value.values() for t in walk(item)]
        if isinstance(value, (list, tuple)):
            return [t for item in value for t in walk(item)]
        return [type(value).__module__]

    assert not [module for module in walk(state) if module.startswith("sklearn_nn")]
    assert state["_trainer"][OBJECT_KEY] == "sklearn_nn._training.Trainer"


@pytest.mark.parametrize(
    "path", ["os.system", "builtins.eval", "sklearn_nn._base.check_random_state", "sklearn_nn.os.system"]
)
def test_a_state_naming_code_outside_the_package_classes_is_refused(path):
    with pytest.raises(ValueError, match="not a class of sklearn_nn"):
        from_plain({"x": {OBJECT_KEY: path, "state": {}}})


def test_to_plain_and_from_plain_are_inverse_on_a_trainer():
    est, X, _ = _fit("mlp_sgd_dropout_clip", pipeline=False)
    trainer = from_plain(to_plain(est._trainer))
    np.testing.assert_array_equal(trainer.net.params, est._trainer.net.params)
    np.testing.assert_array_equal(trainer.opt_state["velocity"], est._trainer.opt_state["velocity"])
    assert trainer.net.coefs[0].base is trainer.net.params
    assert trainer.n_updates == est._trainer.n_updates
    assert type(trainer.optimizer) is type(est._trainer.optimizer)
