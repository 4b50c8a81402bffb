"""One step of every update rule against its closed-form formula."""

import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_nn._optimizers import SGD, AdaGrad, Adam, AdamW, RMSProp
from sklearn_nn._penalties import L2Penalty

rng = np.random.RandomState(0)
THETA = rng.normal(size=10)
G1 = rng.normal(size=10)
G2 = rng.normal(size=10)
LR = 0.05


def step(opt, theta, g, state, lr=LR, penalty=None, n_total=1.0):
    """One step on the gradient g, handed over scaled as the optimizer asks (``gradient_scale``)."""
    opt.step(theta, opt.gradient_scale(lr) * g, state, lr, penalty, n_total)


def test_plain_sgd_step():
    opt, theta = SGD(momentum=0.0), THETA.copy()
    state = opt.init(theta)
    step(opt, theta, G1, state)
    np.testing.assert_allclose(theta, THETA - LR * G1, rtol=0, atol=1e-15)


@pytest.mark.parametrize("nesterov", [False, True])
def test_momentum_two_steps(nesterov):
    mu = 0.9
    opt, theta = SGD(momentum=mu, nesterov=nesterov), THETA.copy()
    state = opt.init(theta)
    step(opt, theta, G1, state)
    step(opt, theta, G2, state)
    v1 = -LR * G1
    v2 = mu * v1 - LR * G2
    if nesterov:
        expected = THETA + (mu * v1 - LR * G1) + (mu * v2 - LR * G2)
    else:
        expected = THETA + v1 + v2
    np.testing.assert_allclose(theta, expected, rtol=0, atol=1e-14)
    np.testing.assert_allclose(state["velocity"], v2, atol=1e-15)


def test_adam_two_steps():
    b1, b2, eps = 0.9, 0.999, 1e-8
    opt, theta = Adam(b1, b2, eps), THETA.copy()
    state = opt.init(theta)
    step(opt, theta, G1, state)
    step(opt, theta, G2, state)
    expected = THETA.copy()
    m = v = np.zeros_like(THETA)
    for t, g in enumerate([G1, G2], start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        # The step folds the bias corrections into the rate, lr * sqrt(1-b2^t)/(1-b1^t),
        # as in Kingma & Ba's Algorithm 1 variant; it differs from the textbook form
        # only in where eps enters (a relative change of order eps / sqrt(v)).
        expected = expected - LR * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps)
        textbook = -LR * m_hat / (np.sqrt(v_hat) + eps)
        assert np.allclose(
            textbook, -LR * np.sqrt(1 - b2**t) / (1 - b1**t) * m / (np.sqrt(v) + eps), rtol=1e-4
        )
    np.testing.assert_allclose(theta, expected, rtol=0, atol=1e-14)
    assert state["t"] == 2
    m_state, v_state = opt.moments(state)
    np.testing.assert_allclose(m_state, m, rtol=1e-14)
    np.testing.assert_allclose(v_state, v, rtol=1e-14)


def test_first_adam_step_has_size_lr():
    """With zero moments the first step moves every coordinate by about lr * sign(g)."""
    opt, theta = Adam(), THETA.copy()
    step(opt, theta, G1, opt.init(theta))
    np.testing.assert_allclose(theta - THETA, -LR * np.sign(G1), rtol=1e-5)


@pytest.mark.parametrize("opt", [SGD(0.0), SGD(0.9, True), Adam(), AdamW(), RMSProp(), AdaGrad()])
def test_float32_buffers_stay_float32(opt):
    theta = THETA.astype(np.float32)
    state = opt.init(theta)
    step(opt, theta, G1.astype(np.float32), state)
    assert theta.dtype == np.float32
    assert all(a.dtype == np.float32 for a in state.values() if isinstance(a, np.ndarray))


@pytest.mark.parametrize(
    "opt",
    [SGD(0.0), SGD(0.9, False), SGD(0.9, True), Adam(), RMSProp(0.8), AdaGrad()],
    ids=["sgd", "momentum", "nesterov", "adam", "rmsprop", "adagrad"],
)
def test_penalty_argument_equals_penalised_gradient(opt):
    """An L2 penalty with alpha / n_total = c on the first n parameters gives the steps of
    the gradient g + c * theta[:n] (zero beyond n).

    Plain SGD applies it as a shrink of the weights, the others by adding it
    to the gradient; both must be the same update.
    """
    c, n = 0.3, 6
    theta_a, theta_b, theta_c = THETA.copy(), THETA.copy(), THETA.copy()
    state_a, state_b, state_c = opt.init(theta_a), opt.init(theta_b), opt.init(theta_c)
    for g in (G1, G2, G1):
        full = g.copy()
        full[:n] += c * theta_b[:n]
        step(opt, theta_a, g, state_a, penalty=L2Penalty(2 * c, n), n_total=2.0)
        step(opt, theta_b, full, state_b)
        step(opt, theta_c, g, state_c)
        np.testing.assert_allclose(theta_a, theta_b, rtol=0, atol=1e-15)
    assert np.all(theta_a[:n] != theta_c[:n])  # the penalty acted on the first n
    np.testing.assert_allclose(theta_a[n:], theta_c[n:], rtol=0, atol=1e-15)  # and only there


@pytest.mark.parametrize("rho", [0.9, 0.5])
def test_rmsprop_two_steps(rho):
    eps = 1e-8
    opt, theta = RMSProp(rho, eps), THETA.copy()
    state = opt.init(theta)
    expected, v = THETA.copy(), np.zeros_like(THETA)
    for g in (G1, G2):
        step(opt, theta, g, state)
        v = rho * v + (1 - rho) * g * g
        expected = expected - LR * g / (np.sqrt(v) + eps)
        np.testing.assert_allclose(theta, expected, rtol=1e-12)
    np.testing.assert_allclose(state["sum_squares"], v, rtol=1e-14)


def test_adagrad_two_steps():
    eps = 1e-8
    opt, theta = AdaGrad(eps), THETA.copy()
    state = opt.init(theta)
    expected, G = THETA.copy(), np.zeros_like(THETA)
    for g in (G1, G2):
        step(opt, theta, g, state)
        G = G + g * g
        expected = expected - LR * g / (np.sqrt(G) + eps)
        np.testing.assert_allclose(theta, expected, rtol=1e-12)
    # The first step moves every coordinate by lr * g / |g| = lr * sign(g), up to eps.
    np.testing.assert_allclose(G, G1**2 + G2**2, rtol=1e-14)


def test_adamw_decays_the_weights_then_steps_like_adam_on_the_data_gradient():
    """theta_W <- (1 - lr alpha / n) theta_W, biases untouched, then Adam's step on g alone."""
    alpha, n_total, n_weights = 0.6, 2.0, 6
    opt, theta = AdamW(), THETA.copy()
    adam, reference = Adam(), THETA.copy()
    state, adam_state = opt.init(theta), adam.init(reference)
    for g in (G1, G2):
        step(opt, theta, g, state, penalty=L2Penalty(alpha, n_weights), n_total=n_total)
        reference[:n_weights] *= 1 - LR * alpha / n_total
        step(adam, reference, g, adam_state)
        np.testing.assert_allclose(theta, reference, rtol=1e-12)


def test_adamw_without_a_penalty_is_adam_bit_for_bit():
    adamw, adam = AdamW(), Adam()
    a, b = THETA.copy(), THETA.copy()
    sa, sb = adamw.init(a), adam.init(b)
    for g in (G1, G2, G1):
        step(adamw, a, g, sa)
        step(adam, b, g, sb)
    np.testing.assert_array_equal(a, b)


# ----------------------------------------------------------------------
# Through the estimators
# ----------------------------------------------------------------------
def _digits():
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    X, y = load_digits(return_X_y=True)
    return train_test_split(X / 16.0, y, test_size=0.25, stratify=y, random_state=0)


def test_adamw_with_alpha_zero_fits_adam_bit_for_bit():
    from sklearn_nn import MLPClassifierScratch

    X_train, _, y_train, _ = _digits()
    kw = dict(hidden_layer_sizes=(16,), alpha=0.0, max_iter=3, random_state=0)
    with pytest.warns(Warning):  # max_iter on purpose
        adamw = MLPClassifierScratch(solver="adamw", **kw).fit(X_train, y_train)
    with pytest.warns(Warning):
        adam = MLPClassifierScratch(solver="adam", **kw).fit(X_train, y_train)
    for a, b in zip(adamw.coefs_ + adamw.intercepts_, adam.coefs_ + adam.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert adamw.loss_curve_ == adam.loss_curve_


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("solver, rate", [("adamw", 1e-3), ("rmsprop", 1e-3), ("adagrad", 1e-2)])
def test_each_new_optimizer_trains_an_mlp_on_digits_like_adam(solver, rate):
    """Held-out accuracy within 2 points of Adam's, same network and budget, each at its usual rate."""
    from sklearn_nn import MLPClassifierScratch

    X_train, X_test, y_train, y_test = _digits()
    kw = dict(hidden_layer_sizes=(64,), max_iter=30, random_state=0)
    adam = MLPClassifierScratch(solver="adam", learning_rate_init=1e-3, **kw).fit(X_train, y_train)
    est = MLPClassifierScratch(solver=solver, learning_rate_init=rate, **kw).fit(X_train, y_train)
    assert est.score(X_test, y_test) >= adam.score(X_test, y_test) - 0.02
    assert est.loss_ < 0.5 * est.loss_curve_[0]


@pytest.mark.parametrize("solver", ["adamw", "rmsprop", "adagrad"])
def test_new_solvers_are_stochastic_with_partial_fit_and_warm_start(solver):
    from sklearn_nn import SoftmaxRegressionGD

    X_train, _, y_train, _ = _digits()
    est = SoftmaxRegressionGD(solver=solver, batch_size=64, learning_rate_init=0.01)
    est.partial_fit(X_train, y_train, classes=np.unique(y_train))
    first = est.loss_curve_[0]
    est.partial_fit(X_train, y_train)
    assert est.loss_curve_[1] < first and est.t_ == 2 * len(y_train)


# ----------------------------------------------------------------------
# Gradient clipping
# ----------------------------------------------------------------------
def _logistic_gradient(X, t, w, b):
    """The data term's gradient of the binary log loss in NumPy: (X^T r / n, mean r), r = s(z) - t."""
    r = 1.0 / (1.0 + np.exp(-(X @ w + b))) - t
    return X.T @ r / len(t), r.mean()


def test_clipped_sgd_steps_follow_their_closed_form():
    """theta <- theta - eta (g min(1, c / ||g||) + grad P): clipped data term, penalty added after."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.preprocessing import StandardScaler

    from sklearn_nn import LogisticRegressionGD

    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    eta, c, alpha, n = 0.5, 0.3, 5.0, len(y)
    kw = dict(learning_rate="constant", learning_rate_init=eta, momentum=0.0, alpha=alpha, tol=0.0)
    w, b = np.zeros(X.shape[1]), 0.0
    for k in (1, 2, 3):
        gw, gb = _logistic_gradient(X, y, w, b)
        norm = np.sqrt(gw @ gw + gb * gb)
        assert norm > c  # every step is clipped
        factor = min(1.0, c / norm)
        w, b = w - eta * (factor * gw + alpha / n * w), b - eta * factor * gb
        with pytest.warns(Warning):  # max_iter on purpose
            est = LogisticRegressionGD(max_iter=k, clip_grad_norm=c, **kw).fit(X, y)
        np.testing.assert_allclose(est.coef_[0], w, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(est.intercept_[0], b, rtol=1e-12, atol=1e-15)


def test_a_fit_that_diverges_trains_with_clipping():
    from sklearn.datasets import load_diabetes
    from sklearn.preprocessing import StandardScaler

    from sklearn_nn import MLPRegressorScratch

    X, y = load_diabetes(return_X_y=True)  # targets of 25 to 346: large first gradients
    X = StandardScaler().fit_transform(X)
    kw = dict(hidden_layer_sizes=(32,), solver="sgd", learning_rate_init=0.01, max_iter=200, random_state=0)
    with pytest.raises(ValueError, match="diverged"):
        MLPRegressorScratch(**kw).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est = MLPRegressorScratch(clip_grad_norm=10.0, **kw).fit(X, y)
    assert est.score(X, y) > 0.5 and np.isfinite(est.loss_curve_).all()


@pytest.mark.parametrize(
    "params, what",
    [({"solver": "lbfgs"}, "solver='lbfgs'"), ({"learning_rate": "barzilai_borwein"}, "step rule")],
)
def test_clipping_is_refused_where_the_steps_are_not_the_optimizers(params, what):
    from sklearn.datasets import load_iris

    from sklearn_nn import SoftmaxRegressionGD

    est = SoftmaxRegressionGD(clip_grad_norm=1.0, **params)
    with pytest.raises(ValueError, match=rf"clip_grad_norm=1.0 .*{what}"):
        est.fit(*load_iris(return_X_y=True))
    assert not hasattr(est, "coef_")
