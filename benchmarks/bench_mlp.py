"""Section ``w1``: MLP epoch time and held-out accuracy of scikit-learn, ours and PyTorch, and their limits.

Workload W1 (``workloads/w1.py``): an MLP (256, 128) ReLU with 10 softmax
outputs on a 20000 + 5000-row, 100-feature, 10-class ``make_classification``,
for (solver, batch, dtype) in {adam, sgd} x {1, 32, 200, full} x {float64,
float32}, trained for a fixed number of epochs E by scikit-learn's
``MLPClassifier``, our ``MLPClassifierScratch`` with the same update at every
step, and PyTorch CPU running the same loop. The systems alternate
(A B C A B C ...) with the seeds 0, 1, 2, ..., the same for every system.

Time per epoch = wall time of the fit / E. Batch 1 fits (and in quick mode
batch 32 fits) run on a subsample of the training rows, the first ``rows``,
and their time is scaled to a ``train``-row epoch:
s/epoch = wall / E * train / rows; the table labels them. After its timed fit, each system's accuracy
on the held-out rows is reported in the same table, so a speed-up can never
come from doing less work.

Limits: for every (solver, batch) with a target (``W1_TARGETS``), the NumPy
floor ``floors.MinimalEpoch`` (one epoch of the least NumPy work over the same
batches) runs in the same alternated rounds, and the limits table sets it
next to scikit-learn's and our times.
"""

from functools import partial

import numpy as np
from floors import MinimalEpoch
from harness import (
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
    reach,
    seeded,
)
from workloads.w1 import (
    BATCHES,
    DTYPES,
    ESTIMATORS,
    SOLVERS,
    TorchLoop,
    W1Data,
    batch_label,
    case_rows,
    fit_estimator,
    matched_penalty,
    mlp_params,
)

#: Target ratios to scikit-learn of the W1 cases that have one.
W1_TARGETS = {
    ("adam", 200): 0.5,
    ("adam", 32): 0.5,
    ("sgd", 32): 0.5,
    ("sgd", 1): 0.3,
    ("adam", 1): 0.4,
}


# ----------------------------------------------------------------------
# Measurement
# ----------------------------------------------------------------------
def _warm_up(X, X_test, data, loop):
    """Untimed first calls of each library's code paths."""
    warm = mlp_params("adam", 32, 1)
    for cls in ESTIMATORS.values():
        fit_estimator(cls, warm, X[:64], data.y_train[:64], X_test[:8], data.y_test[:8])
    if loop is not None:
        loop.fit("adam", 32, 1, 64)


def _case_calls(settings, solver, batch, X, X_test, data, loop):
    """The alternated calls of one W1 case, with its training rows and epochs.

    The systems' fits (scikit-learn, ours with the matched penalty, torch when
    there is a loop) and, for a case with a target, its ``MinimalEpoch`` floor.
    """
    rows = case_rows(settings, batch, data.n_train)
    epochs = settings.w1_epochs[batch]
    batch_size = rows if batch == "full" else batch
    params = mlp_params(solver, batch_size, epochs)
    Xr, yr = X[:rows], data.y_train[:rows]
    held_out = (X_test, data.y_test)
    system_params = {"sklearn": params, "ours": matched_penalty(params, rows)}
    calls = {
        name: seeded(partial(fit_estimator, cls, system_params[name], Xr, yr, *held_out))
        for name, cls in ESTIMATORS.items()
    }
    if loop is not None:
        calls["torch"] = seeded(partial(loop.fit, solver, batch_size, epochs, rows))
    if (solver, batch) in W1_TARGETS:  # its NumPy floor, in the same rounds
        minimal = MinimalEpoch(solver, Xr, yr, batch_size)
        minimal.run()  # warm-up: allocations
        calls["floor"] = minimal.run
    return calls, rows, epochs


def _mean_accuracy(results):
    return float(np.mean([accuracy for _, accuracy in results]))


def _summarise(out, systems, n, rows, epochs):
    """One case's {system: (s/epoch, mean accuracy)}, paired accuracy differences and floor.

    The floor is [products, elementwise, update, total] s/epoch, or None for a
    case without one; each floor call is one epoch of ``rows`` rows.
    """
    scale = n / rows / epochs
    result = {
        name: (median([s for s, _ in out[name]]) * scale, _mean_accuracy(out[name])) for name in systems
    }
    paired = [a - b for (_, a), (_, b) in zip(out["ours"], out["sklearn"])]
    floor = None
    if "floor" in out:
        parts = out["floor"]
        floor = [median([p[i] for p in parts]) * n / rows for i in range(3)]
        floor.append(median([sum(p) for p in parts]) * n / rows)
    return result, paired, floor


def _measure_w1(settings, data, torch):
    """Every W1 case: (results, floors, paired), keyed by (solver, batch, dtype)."""
    n = data.n_train
    systems = ["sklearn", "ours"] + (["torch"] if torch is not None else [])
    results, floors, paired = {}, {}, {}
    for dtype in DTYPES:
        X, X_test = data.X(dtype)
        loop = TorchLoop(torch, X, data.y_train, X_test, data.y_test) if torch is not None else None
        _warm_up(X, X_test, data, loop)
        for solver in SOLVERS:
            for batch in BATCHES:
                calls, rows, epochs = _case_calls(settings, solver, batch, X, X_test, data, loop)
                out = alternate(calls, settings.repeats)
                key = (solver, batch, dtype)
                results[key], paired[key], floor = _summarise(out, systems, n, rows, epochs)
                if floor is not None:
                    floors[key] = floor
                log(
                    f"w1 {solver:4s} batch {batch!s:4s} {np.dtype(dtype).name}: "
                    + ", ".join(f"{k} {v[0]:.4g} s/epoch acc {v[1]:.3f}" for k, v in results[key].items())
                )
    return results, floors, paired


# ----------------------------------------------------------------------
# Tables and targets
# ----------------------------------------------------------------------
def _w1_table(settings, n, results, torch):
    """The W1 table: s/epoch, ratios and held-out accuracy of every case."""
    systems = ["sklearn", "ours"] + (["torch"] if torch is not None else [])
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
                rows = case_rows(settings, batch, n)
                row = [solver, batch_label(batch, rows, n), np.dtype(dtype).name, settings.w1_epochs[batch]]
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
    return table


def run_w1(settings, torch):
    """Section W1: s/epoch and held-out accuracy of every system, ratios ours / others."""
    data = W1Data(settings.w1_train, settings.w1_test)
    results, floors, paired = _measure_w1(settings, data, torch)
    table = _w1_table(settings, data.n_train, results, torch)
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
            part += f" (NumPy floor {floor:.3f}: {reach(floor, limit)})"
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
