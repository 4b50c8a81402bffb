"""One step of every update rule against its closed-form formula."""

import numpy as np
import pytest

from sklearn_nn._optimizers import SGD, Adam
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


@pytest.mark.parametrize("opt", [SGD(0.0), SGD(0.9, True), Adam()])
def test_float32_buffers_stay_float32(opt):
    theta = THETA.astype(np.float32)
    state = opt.init(theta)
    step(opt, theta, G1.astype(np.float32), state)
    assert theta.dtype == np.float32
    assert all(a.dtype == np.float32 for a in state.values() if isinstance(a, np.ndarray))


@pytest.mark.parametrize(
    "opt", [SGD(0.0), SGD(0.9, False), SGD(0.9, True), Adam()], ids=["sgd", "momentum", "nesterov", "adam"]
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
