"""Sections ``w1`` (MLP epoch time and accuracy) and ``gflops`` (achieved GFLOP/s against a GEMM loop).

Workload W1
-----------
``make_classification(n_samples=train + test, n_features=100, n_informative=50,
n_classes=10, random_state=0)``, split into the first ``train`` rows (20000)
and the last ``test`` rows (5000). Network: 100 inputs, hidden layers
(256, 128) with ReLU, 10 softmax outputs, cross-entropy, ``alpha=1e-4``,
``random_state=0``. Fixed epochs: ``max_iter=E``, ``tol=0``,
``n_iter_no_change=10**9`` (ConvergenceWarning silenced). For (solver, batch,
dtype) in {adam, sgd} x {1, 32, 200, full} x {float64, float32}:

- adam: ``learning_rate_init=1e-3``, betas (0.9, 0.999), eps 1e-8;
- sgd: plain SGD without momentum, ``momentum=0``, ``learning_rate_init=0.01``;
- full batch: ``batch_size`` = the number of training rows.

Systems: scikit-learn's ``MLPClassifier``, our ``MLPClassifierScratch`` with
the same parameters, and (when importable) PyTorch CPU running the same loop:
``nn.Sequential(Linear(100, 256), ReLU, Linear(256, 128), ReLU, Linear(128, 10))``
in the same dtype, Glorot-uniform initialisation like scikit-learn's, and per
epoch a random permutation of the row indices, each batch gathered by index,
forward, ``cross_entropy + alpha / (2 * batch) * sum ||W||^2`` (weights only,
scikit-learn's penalty), backward, ``torch.optim.Adam(lr=1e-3, betas=(0.9,
0.999), eps=1e-8)`` or ``torch.optim.SGD(lr=0.01)``. A full batch is the whole
tensor (permuting it would change nothing). The data become tensors once,
outside the timing.

Time per epoch = wall time of the fit / E. Batch 1 fits (and in quick mode
batch 32 fits) run on a subsample of the training rows, the first ``rows``,
and their time is scaled to a ``train``-row epoch:
s/epoch = wall / E * train / rows; the table labels them. After its timed fit, each system's accuracy
on the held-out rows is reported in the same table, so a speed-up can never
come from doing less work.

GFLOP/s
-------
For batch 200, 32 and full, per epoch of R rows through layers
100 -> 256 -> 128 -> 10 (n_weights = 100*256 + 256*128 + 128*10 = 59648):

    FLOP = 2 R n_weights          (forward:  Z_l = A_{l-1} W_l)
         + 2 R n_weights          (backward: G_l = A_{l-1}^T D_l)
         + 2 R (n_weights - 100*256)   (backward: D_{l-1} = D_l W_l^T, not for the input layer)
         = 6 R n_weights - 2 R * 100 * 256

Achieved GFLOP/s = FLOP / (our s/epoch) / 1e9. The peak is measured on the
same shapes: one epoch of exactly those eight GEMMs per batch (forward
batch x 100 @ 100 x 256, @ 256 x 128, @ 128 x 10; weight gradients of the three
layers; delta propagation of the two upper ones) with preallocated outputs,
``np.matmul(..., out=...)``, same dtype and threads. Fraction of peak =
GEMM-loop seconds / our seconds. Our fits and the GEMM loop alternate.
"""

import itertools
import time
from functools import partial

import numpy as np
from bench_common import (
    TORCH_SKIPPED,
    Section,
    Table,
    Target,
    alternate,
    fmt_acc,
    fmt_ratio,
    fmt_seconds,
    log,
    median,
    quiet,
    timed,
)
from sklearn.datasets import make_classification
from sklearn.neural_network import MLPClassifier

from sklearn_nn import MLPClassifierScratch
from sklearn_nn._losses import SOFTMAX_LOSSES
from sklearn_nn._network import Network, matmul_into
from sklearn_nn._optimizers import SGD, Adam

N_FEATURES, HIDDEN, N_CLASSES = 100, (256, 128), 10
ALPHA = 1e-4
BATCHES = (1, 32, 200, "full")
SOLVERS = ("adam", "sgd")
DTYPES = (np.float64, np.float32)
LAYERS = (N_FEATURES, *HIDDEN, N_CLASSES)
N_WEIGHTS = sum(a * b for a, b in zip(LAYERS[:-1], LAYERS[1:]))


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


def _mean_accuracy(results):
    return float(np.mean([accuracy for _, accuracy in results]))


def _seeded(fit):
    """A call that passes the seeds 0, 1, 2, ... to ``fit`` on successive calls."""
    seeds = itertools.count()
    return lambda: fit(seed=next(seeds))


def _batch_label(batch, rows, n_train):
    if batch == "full":
        return f"full ({rows})"
    if rows < n_train:
        return f"{batch} ({rows}-row subsample, time x{n_train / rows:g})"
    return str(batch)


# ----------------------------------------------------------------------
# W1
# ----------------------------------------------------------------------
def run_w1(settings, torch):
    """Section W1: s/epoch and held-out accuracy of every system, ratios ours / others."""
    data = W1Data(settings.w1_train, settings.w1_test)
    n = data.n_train
    systems = ["sklearn", "ours"] + (["torch"] if torch is not None else [])
    results, floors, paired = {}, {}, {}
    for dtype in DTYPES:
        X, X_test = data.X(dtype)
        loop = TorchLoop(torch, X, data.y_train, X_test, data.y_test) if torch is not None else None
        # Warm-up (untimed): first calls of each library's code paths.
        warm = mlp_params("adam", 32, 1)
        fit_estimator(MLPClassifier, warm, X[:64], data.y_train[:64], X_test[:8], data.y_test[:8])
        fit_estimator(MLPClassifierScratch, warm, X[:64], data.y_train[:64], X_test[:8], data.y_test[:8])
        if loop is not None:
            loop.fit("adam", 32, 1, 64)
        for solver in SOLVERS:
            for batch in BATCHES:
                rows = n if batch == "full" else min(settings.w1_rows[batch], n)
                epochs = settings.w1_epochs[batch]
                batch_size = rows if batch == "full" else batch
                params = mlp_params(solver, batch_size, epochs)
                Xr, yr = X[:rows], data.y_train[:rows]
                held_out = (X_test, data.y_test)
                ours = matched_penalty(params, rows)
                calls = {
                    "sklearn": _seeded(partial(fit_estimator, MLPClassifier, params, Xr, yr, *held_out)),
                    "ours": _seeded(partial(fit_estimator, MLPClassifierScratch, ours, Xr, yr, *held_out)),
                }
                if loop is not None:
                    calls["torch"] = _seeded(partial(loop.fit, solver, batch_size, epochs, rows))
                if (solver, batch) in W1_TARGETS:  # its NumPy floor, in the same rounds
                    minimal = MinimalEpoch(solver, Xr, yr, batch_size)
                    minimal.run()  # warm-up: allocations
                    calls["floor"] = minimal.run
                out = alternate(calls, settings.repeats)
                scale = n / rows / epochs
                results[solver, batch, dtype] = {
                    name: (median([s for s, _ in out[name]]) * scale, _mean_accuracy(out[name]))
                    for name in systems
                }
                paired[solver, batch, dtype] = [a - b for (_, a), (_, b) in zip(out["ours"], out["sklearn"])]
                if "floor" in out:  # one epoch of `rows` rows per call
                    parts = out["floor"]
                    floors[solver, batch, dtype] = [
                        median([p[i] for p in parts]) * n / rows for i in range(3)
                    ]
                    floors[solver, batch, dtype].append(median([sum(p) for p in parts]) * n / rows)
                r = results[solver, batch, dtype]
                log(
                    f"w1 {solver:4s} batch {batch!s:4s} {np.dtype(dtype).name}: "
                    + ", ".join(f"{k} {v[0]:.4g} s/epoch acc {v[1]:.3f}" for k, v in r.items())
                )

    columns = ["solver", "batch", "dtype", "epochs", "sklearn s/epoch", "ours s/epoch"]
    if torch is not None:
        columns += ["torch s/epoch"]
    columns += ["ours / sklearn"] + (["ours / torch"] if torch is not None else [])
    columns += ["acc sklearn", "acc ours"] + (["acc torch"] if torch is not None else [])
    title = f"W1 epoch time ({n}-row epoch) and held-out accuracy ({settings.w1_test} rows)"
    table = Table(columns, title=title)
    for solver in SOLVERS:
        for batch in BATCHES:
            for dtype in DTYPES:
                r = results[solver, batch, dtype]
                rows = n if batch == "full" else min(settings.w1_rows[batch], n)
                row = [solver, _batch_label(batch, rows, n), np.dtype(dtype).name, settings.w1_epochs[batch]]
                row += [fmt_seconds(r[s][0]) for s in systems]
                row += [fmt_ratio(r["ours"][0] / r["sklearn"][0])]
                if torch is not None:
                    row += [fmt_ratio(r["ours"][0] / r["torch"][0])]
                row += [fmt_acc(r[s][1]) for s in systems]
                table.rows.append(row)
    table.notes.append(
        f"Medians of {settings.repeats} alternated fits per cell; s/epoch = fit wall time / epochs "
        "(x training rows / subsample rows where a subsample is used). Accuracy on the held-out rows: "
        "mean over the fits, whose seeds (random_state, and torch's seed) are 0, 1, 2, ..., the same "
        "for every system: one seed is too noisy a comparison for one epoch of small batches."
    )
    table.notes.append(
        "Equal settings: our `alpha` is scikit-learn's `alpha` x rows / batch_size, which gives the same "
        "update at every step (scikit-learn divides the L2 penalty by the batch's rows, we by the "
        "training set's; see 'Coming from scikit-learn'). Both fits then start from the same weights "
        "and see the rows in the same order; PyTorch's loop uses scikit-learn's penalty."
    )
    if torch is None:
        table.notes.append(TORCH_SKIPPED)
    section = Section(
        "w1",
        "W1 epoch time",
        "MLP (256, 128) ReLU on `make_classification(n_features=100, n_informative=50, n_classes=10, "
        "random_state=0)`; scikit-learn `MLPClassifier`, our `MLPClassifierScratch` with the same "
        "parameters, and PyTorch CPU with the same loop. sgd is plain SGD (`momentum=0`, "
        "`learning_rate_init=0.01`); adam uses `learning_rate_init=1e-3`.",
        [table],
    )
    limits, floor_ratios = _limits_table(floors, results)
    section.tables.append(limits)
    section.targets = _w1_targets(results, floor_ratios, paired, torch is not None)
    return section


#: Target ratios to scikit-learn of the W1 cases that have one.
W1_TARGETS = {
    ("adam", 200): 0.5,
    ("adam", 32): 0.5,
    ("sgd", 32): 0.5,
    ("sgd", 1): 0.3,
    ("adam", 1): 0.4,
}


def _limits_table(floors, results):
    """What one epoch costs at least in NumPy: ``MinimalEpoch`` next to scikit-learn and ours.

    For every W1 case with a target, the floor is the least NumPy work of one
    epoch with the same batches (see ``MinimalEpoch``): the matrix products,
    the elementwise work of the forward and backward passes, and the
    optimizer's update with the L2 penalty, with no training loop around
    them. It was timed in the same alternated rounds as the fits. A floor
    above target x scikit-learn's time means no NumPy implementation doing
    this work can meet the target; ours / floor is what the package's loop
    adds (Python calls, bookkeeping).

    Parameters
    ----------
    floors : dict
        (solver, batch, dtype) -> [products, elementwise, update, total] s/epoch.
    results : dict
        The W1 cells: (solver, batch, dtype) -> {system: (s/epoch, accuracy)}.

    Returns
    -------
    table : Table
    ratios : dict
        (solver, batch, dtype) -> floor / scikit-learn's time.
    """
    table = Table(
        [
            "solver",
            "batch",
            "dtype",
            "sklearn s/epoch",
            "ours s/epoch",
            "products",
            "elementwise",
            "update",
            "floor / sklearn",
            "target",
            "ours / floor",
        ],
        title="Limits: the least NumPy work of an epoch (MinimalEpoch), per epoch",
    )
    ratios = {}
    for (solver, batch), target in W1_TARGETS.items():
        for dtype in DTYPES:
            products, elementwise, update, floor = floors[solver, batch, dtype]
            sklearn_s, ours_s = (results[solver, batch, dtype][k][0] for k in ("sklearn", "ours"))
            ratios[solver, batch, dtype] = floor / sklearn_s
            table.rows.append(
                [
                    solver,
                    str(batch),
                    np.dtype(dtype).name,
                    fmt_seconds(sklearn_s),
                    fmt_seconds(ours_s),
                    fmt_seconds(products),
                    fmt_seconds(elementwise),
                    fmt_seconds(update),
                    fmt_ratio(floor / sklearn_s),
                    f"<= {target}",
                    fmt_ratio(ours_s / floor),
                ]
            )
    table.notes.append(
        "MinimalEpoch: one epoch over the same batches with nothing but the necessary NumPy calls, "
        "buffers preallocated: gathering the rows; three GEMMs, bias adds and ReLU forward; softmax "
        "log-loss value and gradient; three weight-gradient and two delta GEMMs (single-row weight "
        "gradients as broadcast outer products), bias sums and ReLU derivatives backward; our "
        "optimizer's step with the L2 penalty. products = the eight GEMMs, update = the step, "
        "elementwise = the rest; floor = their sum, scaled to the epoch like the W1 rows and timed in "
        "the same alternated rounds as the fits (medians). When floor / sklearn exceeds the target, "
        "NumPy code doing this work cannot meet it; ours / floor is what the package's training loop adds."
    )
    return table, ratios


def _ratio(results, key, other="sklearn"):
    r = results[key]
    return r["ours"][0] / r[other][0]


def _ratio_target(key, results, floors, cases, limit):
    """A ratio target over several cases; a missed case shows its NumPy floor (``_limits_table``)."""
    parts, passed = [], True
    for case in cases:
        solver, _, dtype = case
        ratio = _ratio(results, case)
        part = f"{solver} {np.dtype(dtype).name} {ratio:.3f}"
        if ratio > limit:
            passed = False
            floor = floors[case]
            part += f" (NumPy floor {floor:.3f}: {'out of reach' if floor > limit else 'reachable'})"
        parts.append(part)
    return Target(key, ", ".join(parts), passed)


def _accuracy_target(paired):
    """Ours not below scikit-learn by more than 1 point, seed by seed, in every setting.

    Both fits of a seed start from the same weights and see the rows in the
    same order (``matched_penalty``); in float64 they follow the same path
    and their accuracies are equal. Where rounding makes the paths part (one
    epoch of single-row updates in float32 is chaotic), the mean difference
    over a few seeds is noisy, so a setting misses the bar only when its mean
    paired difference is below -1 point and below zero by more than twice its
    standard error.
    """
    stats = {}  # key -> (mean difference, its standard error, seeds)
    for key, diffs in paired.items():
        d = np.asarray(diffs, dtype=float)
        stats[key] = (d.mean(), d.std(ddof=1) / np.sqrt(d.size) if d.size > 1 else 0.0, d.size)
    missed = [key for key, (mean, se, _) in stats.items() if mean < -0.01 and mean + 2 * se < 0]
    (solver, batch, dtype), (mean, se, k) = min(stats.items(), key=lambda item: item[1][0])
    measured = (
        f"worst mean ours - sklearn {100 * mean:+.2f} points ({solver}, batch {batch}, "
        f"{np.dtype(dtype).name}; paired over {k} seeds, 2 SE {200 * se:.2f} points); "
        f"{len(stats)} settings, {len(missed)} significantly below by more than 1 point"
    )
    return Target("accuracy", measured, not missed)


def _w1_targets(results, floors, paired, has_torch):
    both = DTYPES
    targets = [
        _ratio_target("w1_200", results, floors, [("adam", 200, d) for d in both], 0.5),
        _ratio_target("w1_32", results, floors, [(s, 32, d) for s in SOLVERS for d in both], 0.5),
        _ratio_target("w1_1_sgd", results, floors, [("sgd", 1, d) for d in both], 0.3),
        _ratio_target("w1_1_adam", results, floors, [("adam", 1, d) for d in both], 0.4),
    ]
    if has_torch:
        ratio = _ratio(results, ("adam", 200, np.float32), "torch")
        targets.append(Target("w1_torch", f"ours / torch {ratio:.3f}", ratio < 1.0))
    else:
        targets.append(Target("w1_torch", TORCH_SKIPPED, None))
    targets.append(_accuracy_target(paired))
    return targets


# ----------------------------------------------------------------------
# GFLOP/s
# ----------------------------------------------------------------------
def epoch_flops(rows):
    """Floating-point operations of one epoch of ``rows`` rows (see the module docstring)."""
    return 6 * rows * N_WEIGHTS - 2 * rows * N_FEATURES * HIDDEN[0]


class GemmLoop:
    """One epoch's forward and backward GEMMs of the W1 network, outputs preallocated."""

    def __init__(self, dtype, batch, rows, seed=0):
        rng = np.random.default_rng(seed)
        sizes = [batch] * (rows // batch) + ([rows % batch] if rows % batch else [])
        self.steps = sizes
        self.W = [(0.1 * rng.standard_normal((a, b))).astype(dtype) for a, b in zip(LAYERS[:-1], LAYERS[1:])]
        self.G = [np.empty_like(W) for W in self.W]
        self.work = {}
        for b in set(sizes):
            X = rng.standard_normal((b, N_FEATURES)).astype(dtype)
            A = [np.empty((b, units), dtype) for units in LAYERS[1:]]  # layer outputs
            D = [np.empty((b, units), dtype) for units in LAYERS[1:-1]]  # propagated deltas
            D_out = rng.standard_normal((b, N_CLASSES)).astype(dtype)
            self.work[b] = (X, A, D, D_out)

    def run(self):
        """Seconds of one epoch of GEMMs."""
        W, G = self.W, self.G
        t0 = time.perf_counter()
        for b in self.steps:
            X, (A1, A2, A3), (D1, D2), D3 = self.work[b]
            matmul_into(X, W[0], A1)
            matmul_into(A1, W[1], A2)
            matmul_into(A2, W[2], A3)
            matmul_into(A2.T, D3, G[2])
            matmul_into(D3, W[2].T, D2)
            matmul_into(A1.T, D2, G[1])
            matmul_into(D2, W[1].T, D1)
            matmul_into(X.T, D1, G[0])
        return time.perf_counter() - t0


class MinimalEpoch:
    """The least NumPy work of one W1 epoch, with no training loop around it.

    One pass over the rows in a shuffled order, batch by batch, with every
    buffer preallocated and the engine's flat parameter and gradient buffers:

    - gather the batch's rows and label indicators by index;
    - forward: three GEMMs, the bias adds, ReLU on the two hidden layers;
    - softmax log-loss: its per-row value and its gradient softmax - onehot
      (the package's fused ``SoftmaxLogLoss``), divided by the batch size;
    - backward: three weight-gradient GEMMs (broadcast outer products for a
      single row) and two delta GEMMs, the bias sums and the ReLU derivatives;
    - our optimizer's step, with the L2 penalty (scikit-learn's ``alpha``).

    Any NumPy implementation of the W1 fit does at least this. ``run``
    returns the seconds of the three kinds of work: the eight GEMMs
    (products), everything else before the step (elementwise) and the step
    itself (update).
    """

    def __init__(self, solver, X, y, batch, seed=0):
        self.X = X
        self.T = np.eye(N_CLASSES, dtype=np.uint8)[np.asarray(y)]
        self.batch = batch
        self.order = np.random.default_rng(seed).permutation(X.shape[0])
        self.net = Network(LAYERS, "relu", X.dtype)
        self.net.init_glorot(np.random.RandomState(seed))
        self.workspaces = {}
        self.optimizer = Adam() if solver == "adam" else SGD(momentum=0.0)
        self.state = self.optimizer.init(self.net.params)
        self.rate = 1e-3 if solver == "adam" else 0.01
        self.loss = SOFTMAX_LOSSES["log_loss"]()  # fused: one exp and one log per row
        self.penalty = (ALPHA / batch, self.net.n_weights)  # scikit-learn's penalty per update

    def _workspace(self, rows):
        if rows not in self.workspaces:
            self.workspaces[rows] = self.net.workspace(rows)
        return self.workspaces[rows]

    def run(self):
        """(products, elementwise, update) seconds of one epoch."""
        clock = time.perf_counter
        (W1, W2, W3), (b1, b2, b3) = self.net.coefs, self.net.intercepts
        products = elementwise = update = 0.0
        for start in range(0, self.X.shape[0], self.batch):
            ws = self._workspace(min(self.batch, self.X.shape[0] - start))
            (Z1, Z2, Z3), (D1, D2, D3) = ws.z, ws.delta
            (G1, G2, G3), (g1, g2, g3) = ws.grad_views
            t0 = clock()
            idx = self.order[start : start + self.batch]
            Xb, Tb = self.X[idx], self.T[idx]
            t1 = clock()
            matmul_into(Xb, W1, Z1)
            t2 = clock()
            Z1 += b1
            np.maximum(Z1, 0.0, out=Z1)
            t3 = clock()
            matmul_into(Z1, W2, Z2)
            t4 = clock()
            Z2 += b2
            np.maximum(Z2, 0.0, out=Z2)
            t5 = clock()
            matmul_into(Z2, W3, Z3)
            t6 = clock()
            Z3 += b3
            values = self.loss.value_and_gradient(Tb, Z3, D3)
            D3 *= self.optimizer.gradient_scale(self.rate) / Xb.shape[0]
            float(np.add.reduce(values, dtype=np.float64))
            t7 = clock()
            matmul_into(Z2.T, D3, G3)
            matmul_into(D3, W3.T, D2)
            t8 = clock()
            np.multiply(D2, Z2 > 0, out=D2)
            t9 = clock()
            matmul_into(Z1.T, D2, G2)
            matmul_into(D2, W2.T, D1)
            t10 = clock()
            np.multiply(D1, Z1 > 0, out=D1)
            t11 = clock()
            matmul_into(Xb.T, D1, G1)
            t12 = clock()
            if not ws.deltas_are_bias_gradients:
                for D, g in ((D1, g1), (D2, g2), (D3, g3)):
                    np.add.reduce(D, axis=0, out=g)
            t13 = clock()
            self.optimizer.step(self.net.params, ws.grad, self.state, self.rate, self.penalty)
            t14 = clock()
            products += (t2 - t1) + (t4 - t3) + (t6 - t5) + (t8 - t7) + (t10 - t9) + (t12 - t11)
            elementwise += (
                (t1 - t0) + (t3 - t2) + (t5 - t4) + (t7 - t6) + (t9 - t8) + (t11 - t10) + (t13 - t12)
            )
            update += t14 - t13
        return products, elementwise, update


def run_gflops(settings, data=None):
    """Section GFLOP/s: our achieved GFLOP/s at batch 200, 32 and full against the GEMM loop."""
    data = data or W1Data(settings.w1_train, settings.w1_test)
    n = data.n_train
    flops = epoch_flops(n)
    table = Table(
        [
            "dtype",
            "batch",
            "solver",
            "ours s/epoch",
            "ours GFLOP/s",
            "GEMM loop s/epoch",
            "GEMM peak GFLOP/s",
            "fraction of peak",
        ],
        title=f"Achieved GFLOP/s of our W1 epoch ({n} rows, {flops / 1e9:.3f} GFLOP) vs the GEMM loop",
    )
    fractions = {}
    for dtype in DTYPES:
        X, X_test = data.X(dtype)
        for batch in (200, 32, "full"):
            batch_size = n if batch == "full" else batch
            epochs = settings.w1_epochs[batch]
            gemm = GemmLoop(dtype, batch_size, n)
            gemm.run()  # warm-up
            calls = {"gemm": gemm.run}
            for solver in SOLVERS:
                params = mlp_params(solver, batch_size, epochs)
                calls[solver] = partial(
                    fit_estimator, MLPClassifierScratch, params, X, data.y_train, X_test[:1], data.y_test[:1]
                )
            out = alternate(calls, settings.repeats)
            gemm_s = median(out["gemm"])
            for solver in SOLVERS:
                ours_s = median([seconds for seconds, _ in out[solver]]) / epochs
                fraction = gemm_s / ours_s
                fractions[dtype, batch, solver] = fraction
                table.rows.append(
                    [
                        np.dtype(dtype).name,
                        _batch_label(batch, n, n),
                        solver,
                        fmt_seconds(ours_s),
                        f"{flops / ours_s / 1e9:.2f}",
                        fmt_seconds(gemm_s),
                        f"{flops / gemm_s / 1e9:.2f}",
                        f"{fraction:.3f}",
                    ]
                )
            log(
                f"gflops {np.dtype(dtype).name} batch {batch}: GEMM loop {flops / gemm_s / 1e9:.2f} GFLOP/s, "
                + ", ".join(f"{s} {fractions[dtype, batch, s]:.2f} of peak" for s in SOLVERS)
            )
    table.notes += [
        "FLOP per epoch = 6 * rows * n_weights - 2 * rows * 100 * 256 with n_weights = "
        f"{N_WEIGHTS} (forward, weight gradients, and delta propagation for the two upper layers).",
        f"Medians of {settings.repeats} alternated rounds (GEMM loop, our adam fit, our sgd fit); "
        "fraction of peak = GEMM-loop seconds / our seconds.",
    ]
    section = Section(
        "gflops",
        "GFLOP/s",
        "Achieved GFLOP/s of our W1 epoch next to the measured GEMM throughput of exactly the same "
        "forward and backward matrix products (preallocated outputs, same dtype and threads).",
        [table],
    )
    parts = {d: fractions[d, 200, "adam"] for d in DTYPES}
    section.targets = [
        Target(
            "gflops",
            ", ".join(f"adam {np.dtype(d).name} {100 * v:.0f}% of peak" for d, v in parts.items()),
            all(v >= 0.5 for v in parts.values()),
        )
    ]
    return section
