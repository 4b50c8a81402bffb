"""Backpropagation against central finite differences of the objective J."""

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

from sklearn_nn._activations import ACTIVATIONS
from sklearn_nn._losses import REGRESSION_LOSSES, SIGMOID_LOSSES, SOFTMAX_LOSSES
from sklearn_nn._network import Network
from sklearn_nn._objective import Objective
from sklearn_nn._penalties import L2Penalty

N_FEATURES, N_OUT = 4, 3
SMOOTH_ACTIVATIONS = {"identity", "logistic", "sigmoid", "tanh", "gelu"}
SMOOTH_LOSSES = {"log_loss", "squared_error", "poisson"}


def make_problem(family, loss_name, seed=0):
    rng = np.random.RandomState(seed)
    n = 9
    X = rng.normal(size=(n, N_FEATURES))
    if family == "sigmoid":
        T = (rng.uniform(size=(n, N_OUT)) > 0.5).astype(float)
    elif family == "softmax":
        T = np.eye(N_OUT)[rng.randint(N_OUT, size=n)]
    elif loss_name == "poisson":
        T = rng.poisson(1.5, size=(n, N_OUT)).astype(float)
    else:
        T = rng.normal(size=(n, N_OUT))
    return X, T, rng.uniform(0.2, 3.0, size=n)


def objective(net, X, T, sw, loss, alpha, n_total, grad=None):
    """J with the L2 penalty of strength alpha (and its gradient into ``grad``)."""
    return Objective(net, loss, L2Penalty(alpha, net.n_weights)).value(X, T, sw, n_total, grad)


def relative_error(a, b):
    return np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b), 1e-12)


def check_gradient(net, X, T, sw, loss, alpha=0.3, n_total=11.0, eps=1e-6):
    grad = np.empty_like(net.params)
    objective(net, X, T, sw, loss, alpha, n_total, grad)
    theta = net.params.copy()
    numeric = np.empty_like(theta)
    for j in range(theta.size):
        net.params[j] = theta[j] + eps
        up = objective(net, X, T, sw, loss, alpha, n_total)
        net.params[j] = theta[j] - eps
        down = objective(net, X, T, sw, loss, alpha, n_total)
        net.params[j] = theta[j]
        numeric[j] = (up - down) / (2 * eps)
    return relative_error(grad, numeric)


LOSS_CASES = (
    [("sigmoid", name, cls) for name, cls in SIGMOID_LOSSES.items()]
    + [("softmax", name, cls) for name, cls in SOFTMAX_LOSSES.items()]
    + [("regression", name, cls) for name, cls in REGRESSION_LOSSES.items()]
)
CASES = [
    (family, loss_name, cls, activation, weighted)
    for (family, loss_name, cls), activation, weighted in itertools.product(
        LOSS_CASES, sorted(ACTIVATIONS), [False, True]
    )
]


@pytest.mark.parametrize(
    "family, loss_name, cls, activation, weighted",
    CASES,
    ids=[f"{c[0]}-{c[1]}-{c[3]}-{'sw' if c[4] else 'nosw'}" for c in CASES],
)
def test_mlp_gradient_matches_finite_differences(family, loss_name, cls, activation, weighted):
    X, T, sw = make_problem(family, loss_name)
    net = Network([N_FEATURES, 5, 4, N_OUT], activation, np.float64)
    net.init_glorot(np.random.RandomState(1))
    net.params *= 2.0  # larger weights exercise the non-linear regions
    if loss_name == "poisson":
        net.params *= 0.25
    err = check_gradient(net, X, T, sw if weighted else None, cls())
    smooth = activation in SMOOTH_ACTIVATIONS and loss_name in SMOOTH_LOSSES
    # Kinks (ReLU, hinge, absolute, Huber) can fall between z - eps and z + eps
    # with negligible probability; smooth pairs are held to the 1e-6 bar.
    assert err < (1e-6 if smooth else 1e-5), err


@pytest.mark.parametrize("family, loss_name, cls", LOSS_CASES, ids=[f"{c[0]}-{c[1]}" for c in LOSS_CASES])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_linear_model_gradient(family, loss_name, cls, fit_intercept):
    """Logistic / softmax regression: a network without hidden layers."""
    X, T, sw = make_problem(family, loss_name, seed=3)
    net = Network([N_FEATURES, N_OUT], "identity", np.float64, fit_intercept=fit_intercept)
    net.params[:] = np.random.RandomState(2).normal(scale=0.5, size=net.n_params)
    if not fit_intercept:
        for b in net.intercepts:
            b[:] = 0.0
    grad = np.empty_like(net.params)
    objective(net, X, T, sw, cls(), 0.3, 11.0, grad)
    if not fit_intercept:
        assert np.all(grad[net.n_weights :] == 0.0)
    else:
        assert check_gradient(net, X, T, sw, cls()) < 1e-6


def test_sparse_input_gives_the_same_objective_and_gradient():
    X, T, sw = make_problem("softmax", "log_loss")
    X[np.abs(X) < 0.7] = 0.0
    net = Network([N_FEATURES, 6, N_OUT], "tanh", np.float64)
    net.init_glorot(np.random.RandomState(0))
    loss = SOFTMAX_LOSSES["log_loss"]()
    g_dense, g_sparse = np.empty_like(net.params), np.empty_like(net.params)
    J_dense = objective(net, X, T, sw, loss, 0.1, 9.0, g_dense)
    J_sparse = objective(net, sp.csr_matrix(X), T, sw, loss, 0.1, 9.0, g_sparse)
    assert J_sparse == pytest.approx(J_dense, rel=1e-12)
    np.testing.assert_allclose(g_sparse, g_dense, rtol=1e-10, atol=1e-14)


def test_objective_formula():
    """J = weighted mean loss + alpha / (2 n) ||W||^2, biases not penalised."""
    X, T, sw = make_problem("regression", "squared_error")
    net = Network([N_FEATURES, 3, N_OUT], "relu", np.float64)
    net.init_glorot(np.random.RandomState(0))
    raw = net.forward(X)[0]
    per_sample = 0.5 * ((raw - T) ** 2).mean(axis=1)
    weights_sq = sum((W**2).sum() for W in net.coefs)
    expected = np.average(per_sample, weights=sw) + 0.7 / (2 * 13.0) * weights_sq
    assert objective(net, X, T, sw, REGRESSION_LOSSES["squared_error"](), 0.7, 13.0) == pytest.approx(
        expected
    )


def test_workspace_buffers_give_identical_results():
    X, T, sw = make_problem("sigmoid", "log_loss")
    net = Network([N_FEATURES, 5, N_OUT], "gelu", np.float64)
    net.init_glorot(np.random.RandomState(0))
    loss = SIGMOID_LOSSES["log_loss"]()
    ws = net.workspace(X.shape[0])
    g1, g2 = np.empty_like(net.params), np.empty_like(net.params)
    assert net.data_term(X, T, sw, loss, g1) == net.data_term(X, T, sw, loss, g2, ws)
    np.testing.assert_array_equal(g1, g2)


def test_flat_buffer_views_and_pickle():
    import pickle

    net = Network([3, 4, 2], "relu", np.float32)
    assert net.n_params == 3 * 4 + 4 * 2 + 4 + 2
    net.coefs[1][0, 0] = 5.0
    assert net.params[12] == 5.0  # weights first, layer by layer
    clone = pickle.loads(pickle.dumps(net))
    clone.params[:] = 1.0
    assert clone.coefs[0].dtype == np.float32 and np.all(clone.coefs[1] == 1.0)
    assert np.all(clone.intercepts[1] == 1.0)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("n_rows", [1, 3])
def test_workspace_gradient_equals_fresh_arrays(fit_intercept, n_rows):
    """The preallocated buffers give the gradient of fresh arrays, call after call.

    With one row the deltas live in the bias part of the workspace's gradient
    (the bias gradient of a row is its delta); that aliasing must not leak into
    the weight gradients nor survive into the next call.
    """
    X, T, sw = make_problem("softmax", "log_loss")
    net = Network([N_FEATURES, 5, 4, N_OUT], "relu", np.float64, fit_intercept=fit_intercept)
    net.init_glorot(np.random.RandomState(1))
    ws = net.workspace(n_rows)
    assert ws.deltas_are_bias_gradients == (n_rows == 1 and fit_intercept)
    loss = SOFTMAX_LOSSES["log_loss"]()
    for start in range(0, 6, n_rows):
        rows = slice(start, start + n_rows)
        expected = np.empty_like(net.params)
        J = net.data_term(X[rows], T[rows], sw[rows], loss, expected)
        J_ws = net.data_term(X[rows], T[rows], sw[rows], loss, ws.grad, ws)
        assert J_ws == J
        np.testing.assert_array_equal(ws.grad, expected)
        if not fit_intercept:
            assert not ws.grad[net.n_weights :].any()
        ws.grad[:] = np.nan  # an optimizer may overwrite the spent gradient


@pytest.mark.parametrize("layers", [[N_FEATURES, N_OUT], [N_FEATURES, 5, N_OUT]])
@pytest.mark.parametrize("family", ["sigmoid", "softmax"])
@pytest.mark.parametrize("sparse", [False, True])
def test_column_ordered_outputs_give_the_objective_and_gradient(monkeypatch, layers, family, sparse):
    """A workspace whose output layer is in column order gives J and its gradient of row order.

    The layout is chosen for large inputs; here every input qualifies, and
    the results must equal those of fresh (row-ordered) arrays to rounding,
    call after call with other rows, targets and weights.
    """
    import sklearn_nn._network as network

    monkeypatch.setattr(network, "COLUMN_LAYOUT_BYTES", 0)
    net = Network(layers, "tanh", np.float64)
    net.init_glorot(np.random.RandomState(2))
    loss = (SIGMOID_LOSSES if family == "sigmoid" else SOFTMAX_LOSSES)["log_loss"]()
    ws = net.workspace(9)
    assert ws.z[-1].flags.f_contiguous and ws.delta[-1].flags.f_contiguous
    assert not ws.z[-1].flags.c_contiguous
    for seed in range(3):
        X, T, sw = make_problem(family, "log_loss", seed)
        X = sp.csr_matrix(X) if sparse else X
        expected = np.empty_like(net.params)
        J = net.data_term(X, T, sw, loss, expected)
        J_ws = net.data_term(X, T, sw, loss, ws.grad, ws)
        assert J_ws == pytest.approx(J, rel=1e-14)
        np.testing.assert_allclose(ws.grad, expected, rtol=1e-12, atol=1e-15)
        ws.grad[:] = np.nan
    assert net.workspace(1).scratch[-1] is None  # a single row keeps its deltas in the gradient


@pytest.mark.parametrize("weighted", [False, True])
def test_grad_scale_multiplies_the_gradient(weighted):
    """``grad_scale`` scales the data term's gradient and leaves its value alone."""
    X, T, sw = make_problem("softmax", "log_loss")
    sw = sw if weighted else None
    net = Network([N_FEATURES, 5, 4, N_OUT], "tanh", np.float64)
    net.init_glorot(np.random.RandomState(1))
    loss = SOFTMAX_LOSSES["log_loss"]()
    plain, scaled = np.empty_like(net.params), np.empty_like(net.params)
    J = net.data_term(X, T, sw, loss, plain)
    J_scaled = net.data_term(X, T, sw, loss, scaled, grad_scale=0.02)
    assert J_scaled == J
    np.testing.assert_allclose(scaled, 0.02 * plain, rtol=1e-13, atol=1e-17)


@pytest.mark.parametrize(
    "scheme, expected_std",
    [
        ("glorot_uniform", np.sqrt(6.0 / 800) / np.sqrt(3.0)),
        ("glorot_normal", np.sqrt(2.0 / 800)),
        ("he_uniform", np.sqrt(6.0 / 400) / np.sqrt(3.0)),
        ("he_normal", np.sqrt(2.0 / 400)),
        ("lecun_normal", np.sqrt(1.0 / 400)),
    ],
)
def test_every_initialiser_draws_its_scale(scheme, expected_std):
    from sklearn_nn._initializers import glorot_bound, initialise

    net = Network([400, 400, 3], "relu", np.float64)
    initialise(net, np.random.RandomState(0), scheme)
    W = net.coefs[0]
    assert abs(W.std() / expected_std - 1.0) < 0.03
    assert abs(W.mean()) < 0.03 * expected_std
    bound = glorot_bound(400, 400, "relu")  # biases as with the default scheme
    assert np.abs(net.intercepts[0]).max() <= bound and net.intercepts[0].std() > 0.5 * bound / np.sqrt(3)


def test_the_default_initialiser_keeps_scikit_learns_draws():
    from sklearn.neural_network import MLPClassifier

    from sklearn_nn import MLPClassifierScratch

    X, y = np.random.RandomState(0).normal(size=(20, 5)), np.arange(20) % 3
    kw = dict(
        hidden_layer_sizes=(7,), activation="logistic", max_iter=1, random_state=3, solver="sgd",
        learning_rate_init=1e-300,  # a null step: the weights stay as drawn
    )  # fmt: skip
    with pytest.warns(Warning):
        ours = MLPClassifierScratch(**kw).fit(X, y)
    with pytest.warns(Warning):
        theirs = MLPClassifier(**kw).fit(X, y)
    for a, b in zip(ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_):
        np.testing.assert_array_equal(a, b)
