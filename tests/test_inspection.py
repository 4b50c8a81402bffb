"""sklearn_nn.inspection against J computed from the public predictions only.

J is rebuilt here from what a user sees: ``predict_proba`` (log loss),
``decision_function`` (the logits, for hinge and one-vs-rest units),
``predict`` (regression) and ``coefs_`` for the penalty. Its five-point
central differences, taken by moving ``coefs_`` / ``intercepts_`` in place,
must equal ``gradients`` for every estimator, loss and activation, with and
without sample weights and penalty.
"""

import warnings

import numpy as np
import pytest
from scipy.special import expit
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import NotFittedError

from sklearn_nn import LogisticRegressionGD, MLPClassifierScratch, MLPRegressorScratch, SoftmaxRegressionGD
from sklearn_nn.inspection import Trace, check_gradients, gradients, trace

X3, Y3 = make_classification(n_samples=24, n_features=4, n_informative=3, n_redundant=0, n_classes=3,
                             random_state=0)  # fmt: skip
Y2 = (Y3 == 2).astype(int)
YML = np.column_stack([Y3 == 0, Y3 == 2, X3[:, 0] > 0]).astype(int)
XR, YR = make_regression(n_samples=24, n_features=4, noise=1.0, random_state=0)
YR = np.column_stack([YR / YR.std(), np.abs(XR[:, 1])])
SW = np.random.RandomState(0).uniform(0.3, 2.0, size=24)
ACTIVATIONS = ["identity", "logistic", "tanh", "relu", "leaky_relu", "gelu"]


def _cases():
    for loss in ["log_loss", "squared_error", "hinge"]:
        yield f"logistic-ovr-{loss}", LogisticRegressionGD(loss=loss, max_iter=3), Y3
        yield f"logistic-binary-{loss}", LogisticRegressionGD(loss=loss, max_iter=3), Y2
        yield f"softmax-{loss}", SoftmaxRegressionGD(loss=loss, max_iter=3), Y3
        for act in ACTIVATIONS:
            yield f"mlp-{act}-{loss}", MLPClassifierScratch(loss=loss, activation=act, max_iter=3), Y3
        yield f"mlp-binary-{loss}", MLPClassifierScratch(loss=loss, activation="tanh", max_iter=3), Y2
    yield "mlp-multilabel", MLPClassifierScratch(activation="relu", max_iter=3), YML
    for loss in ["squared_error", "absolute_error", "huber", "poisson"]:
        for act in ACTIVATIONS if loss == "squared_error" else ["tanh"]:
            y = np.abs(YR) if loss == "poisson" else YR
            yield f"regressor-{act}-{loss}", MLPRegressorScratch(loss=loss, activation=act, max_iter=3), y


CASES = {name: (est, y) for name, est, y in _cases()}


def _fitted(name, alpha):
    est, y = CASES[name]
    est = est.set_params(alpha=alpha, random_state=0, learning_rate_init=0.05)
    if "hidden_layer_sizes" in est.get_params():
        est.set_params(hidden_layer_sizes=(4, 3), solver="adam")
    else:
        est.set_params(solver="sgd", learning_rate="constant", learning_rate_init=0.1)
    X = XR if name.startswith("regressor") else X3
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # three epochs: ConvergenceWarning
        return est.fit(X, y, sample_weight=SW), X, y


def _public_J(est, X, y, sw):
    """J from the predictions a user sees (and coefs_ for the penalty)."""
    s = np.ones(len(X)) if sw is None else sw
    loss = est.loss
    if hasattr(est, "classes_"):
        multi = est.classes_.ndim == 1 and len(est.classes_) > 2 or y.ndim == 2
        softmax = est.out_activation_ == "softmax"
        if softmax:
            onehot = (y[:, None] == est.classes_).astype(float)
            if loss == "log_loss":
                per = -np.log(est.predict_proba(X)[np.arange(len(y)), np.searchsorted(est.classes_, y)])
            elif loss == "squared_error":
                per = 0.5 * ((onehot - est.predict_proba(X)) ** 2).sum(1)
            else:
                z = est.decision_function(X)
                margins = 1.0 - (z * onehot).sum(1, keepdims=True) + z
                per = (np.maximum(margins, 0.0) * (1 - onehot)).sum(1)
        else:
            z = est.decision_function(X).reshape(len(X), -1)
            t = y.reshape(len(X), -1) if y.ndim == 2 else (y[:, None] == est.classes_).astype(float)
            t = t[:, 1:] if not multi else t
            if loss == "log_loss" and not multi:  # binary: from predict_proba
                p1 = est.predict_proba(X)[:, 1:]
                per = -(t * np.log(p1) + (1 - t) * np.log1p(-p1)).sum(1)
            elif loss == "log_loss":
                per = (np.logaddexp(0.0, z) - t * z).sum(1)
            elif loss == "squared_error":
                per = 0.5 * ((t - expit(z)) ** 2).sum(1)
            else:
                per = np.maximum(0.0, 1.0 - (2 * t - 1) * z).sum(1)
    else:
        pred = est.predict(X).reshape(y.shape)
        r = pred - y
        per = {
            "squared_error": lambda: 0.5 * r**2,
            "absolute_error": lambda: np.abs(r),
            "huber": lambda: np.where(np.abs(r) <= est.huber_delta, 0.5 * r**2,
                                      est.huber_delta * (np.abs(r) - 0.5 * est.huber_delta)),
            "poisson": lambda: pred - y * np.log(pred),
        }[loss]().mean(1)  # fmt: skip
    n = s.sum()
    W = np.concatenate([w.ravel() for w in est.coefs_])
    rho = est.l1_ratio
    penalty = est.alpha / n * (0.5 * (1 - rho) * W @ W + rho * np.abs(W).sum())
    return float(s @ per / n + penalty)


def _public_differences(est, X, y, sw, h=1e-4):
    numeric = []
    for array in est.coefs_ + est.intercepts_:
        grad = np.empty_like(array)
        for j in np.ndindex(array.shape):
            theta, values = array[j], []
            for step in (h, -h, 2 * h, -2 * h):
                array[j] = theta + step
                values.append(_public_J(est, X, y, sw))
            array[j] = theta
            grad[j] = (8.0 * (values[0] - values[1]) - (values[2] - values[3])) / (12.0 * h)
        numeric.append(grad)
    return numeric


def _relative(a, b):
    a, b = np.concatenate([x.ravel() for x in a]), np.concatenate([x.ravel() for x in b])
    floor = 1e-3 * np.abs(a).max()
    return float((np.abs(a - b) / np.maximum(np.maximum(np.abs(a), np.abs(b)), floor)).max())


@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("alpha", [0.0, 0.3])
@pytest.mark.parametrize("name", sorted(CASES))
def test_gradients_equal_central_differences_of_the_public_J(name, alpha, weighted):
    est, X, y = _fitted(name, alpha)
    sw = SW[::-1].copy() if weighted else None  # other weights than the fit's: any rows, any weights
    coef_grads, intercept_grads = gradients(est, X, y, sample_weight=sw)
    assert [g.shape for g in coef_grads] == [W.shape for W in est.coefs_]
    assert [g.shape for g in intercept_grads] == [b.shape for b in est.intercepts_]
    assert _relative(coef_grads + intercept_grads, _public_differences(est, X, y, sw)) < 1e-6
    assert check_gradients(est, X, y, sample_weight=sw) < 1e-6


TRACED = ["softmax-log_loss", "mlp-tanh-log_loss", "mlp-multilabel", "regressor-relu-squared_error",
          "regressor-tanh-poisson", "logistic-binary-hinge"]  # fmt: skip


@pytest.mark.parametrize("name", TRACED)
def test_trace_reproduces_the_predictions_and_the_gradients(name):
    est, X, y = _fitted(name, 0.3)
    rows = slice(3, 7)
    t = trace(est, X[rows], y[rows], sample_weight=SW[rows])
    assert isinstance(t, Trace)
    expected = est.predict_proba(X[rows]) if hasattr(est, "classes_") else est.predict(X[rows]).reshape(4, -1)
    np.testing.assert_allclose(t.activations[-1], expected, rtol=1e-12, atol=1e-15)
    coef_grads, intercept_grads = gradients(est, X[rows], y[rows], sample_weight=SW[rows])
    for a, b in zip(t.coef_grads + t.intercept_grads, coef_grads + intercept_grads):
        np.testing.assert_array_equal(a, b)
    # the chain rule, layer by layer, in the notation of the user guide
    a = [X[rows], *t.activations[:-1]]
    for l, (W, b) in enumerate(zip(est.coefs_, est.intercepts_)):
        np.testing.assert_allclose(t.pre_activations[l], a[l] @ W + b, rtol=1e-12)
        penalty = est.alpha / SW[rows].sum() * W
        np.testing.assert_allclose(t.coef_grads[l], a[l].T @ t.deltas[l] + penalty, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(t.intercept_grads[l], t.deltas[l].sum(0), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(t.loss, _public_J(est, X[rows], y[rows], SW[rows]), rtol=1e-12)
    frame = t.to_frame()
    assert set(frame["quantity"]) == {"z", "a", "delta", "dJ/dW", "dJ/db"}
    assert len(frame[(frame.layer == 1) & (frame.quantity == "dJ/dW")]) == est.coefs_[0].size
    text = str(t)
    assert "delta_1" in text and f"z_{len(est.coefs_)}" in text and "dJ/dW_1" in text


def test_with_l1_the_gradient_adds_rho_alpha_over_n_times_the_sign():
    est = SoftmaxRegressionGD(alpha=2.0, l1_ratio=0.6).fit(X3, Y3)
    W = est.coefs_[0]
    assert (W == 0).any() and (W != 0).any()
    plain = SoftmaxRegressionGD(alpha=2.0 * 0.4)  # the smooth part alone, at the same parameters
    plain.fit(X3, Y3)
    plain.coefs_[0][...], plain.intercepts_[0][...] = W, est.intercepts_[0]
    smooth = gradients(plain, X3, Y3)[0][0]
    np.testing.assert_allclose(gradients(est, X3, Y3)[0][0], smooth + 2.0 * 0.6 / 24 * np.sign(W), rtol=1e-12)
    moving = SoftmaxRegressionGD(alpha=0.01, l1_ratio=0.5, max_iter=2, solver="sgd", learning_rate="constant")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        moving.fit(X3, Y3)
    assert (moving.coefs_[0] != 0).all()  # differentiable there: the check holds
    assert check_gradients(moving, X3, Y3) < 1e-6


def test_a_float32_model_is_checked_in_float64():
    est = MLPClassifierScratch(hidden_layer_sizes=(5,), activation="tanh", random_state=0)
    est.partial_fit(X3.astype(np.float32), Y3, classes=[0, 1, 2])
    assert est.coefs_[0].dtype == np.float32
    assert gradients(est, X3, Y3)[0][0].dtype == np.float32
    assert check_gradients(est, X3, Y3) < 1e-6


def test_bad_input():
    with pytest.raises(NotFittedError):
        gradients(SoftmaxRegressionGD(), X3, Y3)
    est = SoftmaxRegressionGD().fit(X3, Y3)
    with pytest.raises(ValueError, match="features"):
        gradients(est, X3[:, :3], Y3)
    with pytest.raises(ValueError, match="classes not seen"):
        gradients(est, X3, Y3 + 5)
    with pytest.raises(ValueError, match="eps must be a positive number"):
        check_gradients(est, X3, Y3, eps=0)
    with pytest.raises(ValueError, match="sample_weight"):
        trace(est, X3, Y3, sample_weight=np.ones(3))
