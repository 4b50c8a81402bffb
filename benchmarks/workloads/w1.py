"""Workload W1: the data set, the network, the shared MLP parameters and the systems under test.

Data
----
``make_classification(n_samples=train + test, n_features=100, n_informative=50,
n_classes=10, random_state=0)``, split into the first ``train`` rows (20000)
and the last ``test`` rows (5000).

Network and parameters
----------------------
100 inputs, hidden layers (256, 128) with ReLU, 10 softmax outputs,
cross-entropy, ``alpha=1e-4``, ``random_state=0``. Fixed epochs:
``max_iter=E``, ``tol=0``, ``n_iter_no_change=10**9`` (ConvergenceWarning
silenced). For (solver, batch, dtype) in {adam, sgd} x {1, 32, 200, full} x
{float64, float32}:

- adam: ``learning_rate_init=1e-3``, betas (0.9, 0.999), eps 1e-8;
- sgd: plain SGD without momentum, ``momentum=0``, ``learning_rate_init=0.01``;
- full batch: ``batch_size`` = the number of training rows.

Systems
-------
scikit-learn's ``MLPClassifier``, our ``MLPClassifierScratch`` with the same
parameters (``matched_penalty``: the same update at every step), and (when
importable) PyTorch CPU running the same loop (``TorchLoop``):
``nn.Sequential(Linear(100, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10))``
in the same dtype, Glorot-uniform initialisation like scikit-learn's, and per
epoch a random permutation of the row indices, each batch gathered by index,
forward, ``cross_entropy + alpha / (2 * batch) * sum ||W||^2`` (weights only,
scikit-learn's penalty), backward, ``torch.optim.Adam(lr=1e-3, betas=(0.9,
0.999), eps=1e-8)`` or ``torch.optim.SGD(lr=0.01)``. A full batch is the whole
tensor (permuting it would change nothing). The data become tensors once,
outside the timing.
"""

import time

import numpy as np
from harness import quiet, timed
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier

from sklearn_nn import MLPClassifierScratch

N_FEATURES, HIDDEN, N_CLASSES = 100, (256, 128), 10
ALPHA = 1e-4
BATCHES = (1, 32, 200, "full")
SOLVERS = ("adam", "sgd")
DTYPES = (np.float64, np.float32)
LAYERS = (N_FEATURES, *HIDDEN, N_CLASSES)
N_WEIGHTS = sum(a * b for a, b in zip(LAYERS[:-1], LAYERS[1:]))

#: The estimators under test, in the order they alternate (PyTorch's loop is ``TorchLoop``).
ESTIMATORS = {"sklearn": MLPClassifier, "ours": MLPClassifierScratch}


class W1Data:
    """The W1 training and held-out rows, with per-dtype copies made once."""

    def __init__(self, n_train, n_test):
        X, y = make_classification(
            n_samples=n_train + n_test,
            n_features=N_FEATURES,
            n_informative=50,
            n_classes=N_CLASSES,
            random_state=0,
        )
        self.n_train = n_train
        self._X = {np.float64: (X[:n_train], X[n_train:])}
        self.y_train, self.y_test = y[:n_train], y[n_train:]

    def X(self, dtype):
        """(X_train, X_test) in ``dtype`` (C-contiguous)."""
        if dtype not in self._X:
            train, test = self._X[np.float64]
            self._X[dtype] = (np.ascontiguousarray(train, dtype), np.ascontiguousarray(test, dtype))
        return self._X[dtype]


def case_rows(settings, batch, n_train):
    """Training rows of the timed fits at ``batch``: all of them for a full batch, else the mode's."""
    return n_train if batch == "full" else min(settings.w1_rows[batch], n_train)


def batch_label(batch, rows, n_train):
    """The batch column of the W1 tables, naming a subsample and its time scaling."""
    if batch == "full":
        return f"full ({rows})"
    if rows < n_train:
        return f"{batch} ({rows}-row subsample, time x{n_train / rows:g})"
    return str(batch)


def mlp_params(solver, batch_size, epochs):
    """Constructor parameters shared by scikit-learn's MLPClassifier and ours."""
    params = dict(
        hidden_layer_sizes=HIDDEN,
        activation="relu",
        solver=solver,
        alpha=ALPHA,
        batch_size=batch_size,
        max_iter=epochs,
        tol=0.0,
        n_iter_no_change=10**9,
        random_state=0,
    )
    if solver == "sgd":
        params.update(momentum=0.0, learning_rate_init=0.01)
    else:
        params.update(learning_rate_init=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-8)
    return params


def matched_penalty(params, rows):
    """Our parameters for scikit-learn's ``params`` on ``rows`` rows: the same update at every step.

    scikit-learn adds alpha / (2 b) ||W||^2 to the loss of every batch of b
    rows, while our objective has alpha / (2 n) ||W||^2 for the whole training
    set (docs: "Coming from scikit-learn"). Our alpha = scikit-learn's alpha
    x n / b gives both the same gradient in every update, so with the same
    seed both fits follow the same path (with alpha = 0 they are identical).
    The penalty's cost does not depend on alpha.
    """
    return {**params, "alpha": params["alpha"] * rows / params["batch_size"]}


def fit_estimator(cls, params, X, y, X_test, y_test, seed=0):
    """(fit seconds, held-out accuracy) of one estimator; the accuracy is not timed."""
    est = cls(**{**params, "random_state": seed})
    with quiet():
        seconds, _ = timed(est.fit, X, y)
    return seconds, float(est.score(X_test, y_test))


class TorchLoop:
    """The W1 network and training loop in PyTorch, on tensors made once per dtype."""

    def __init__(self, torch, X, y, X_test, y_test):
        self.torch = torch
        self.X, self.y = torch.from_numpy(X), torch.from_numpy(np.asarray(y, dtype=np.int64))
        self.X_test = torch.from_numpy(X_test)
        self.y_test = torch.from_numpy(np.asarray(y_test, dtype=np.int64))

    def _model(self, seed):
        torch, nn = self.torch, self.torch.nn
        torch.manual_seed(seed)
        layers = []
        for fan_in, fan_out in zip(LAYERS[:-1], LAYERS[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        model = nn.Sequential(*layers[:-1]).to(self.X.dtype)
        with torch.no_grad():  # Glorot uniform for weights and biases, as scikit-learn's MLP
            for layer in model:
                if isinstance(layer, nn.Linear):
                    bound = (6.0 / (layer.in_features + layer.out_features)) ** 0.5
                    layer.weight.uniform_(-bound, bound)
                    layer.bias.uniform_(-bound, bound)
        return model

    def fit(self, solver, batch, epochs, rows, seed=0):
        """(fit seconds, held-out accuracy) of ``epochs`` epochs on the first ``rows`` rows."""
        torch = self.torch
        F = torch.nn.functional
        X, y = self.X[:rows], self.y[:rows]
        t0 = time.perf_counter()
        model = self._model(seed)
        weights = [layer.weight for layer in model if isinstance(layer, torch.nn.Linear)]
        if solver == "adam":
            opt = torch.optim.Adam(model.parameters(), lr=1e-3, betas=(0.9, 0.999), eps=1e-8)
        else:
            opt = torch.optim.SGD(model.parameters(), lr=0.01)
        generator = torch.Generator().manual_seed(seed)
        for _ in range(epochs):
            if batch >= rows:
                batches = [(X, y)]
            else:
                perm = torch.randperm(rows, generator=generator)
                batches = ((X[idx], y[idx]) for idx in torch.split(perm, batch))
            for xb, yb in batches:
                penalty = sum((w * w).sum() for w in weights)
                loss = F.cross_entropy(model(xb), yb) + ALPHA / (2 * xb.shape[0]) * penalty
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            accuracy = (model(self.X_test).argmax(dim=1) == self.y_test).double().mean().item()
        return seconds, accuracy
