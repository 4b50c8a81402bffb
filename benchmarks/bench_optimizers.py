"""Section ``optimizers``: the cost of one update of every first-order optimizer, next to Adam's.

Workload (``workloads/optimizers.py``): the W1 fit (MLP (256, 128) ReLU on
the W1 ``make_classification`` rows, ``alpha=1e-4``) by
``MLPClassifierScratch`` with each ``solver`` of
``sklearn_nn._optimizers.OPTIMIZERS`` ('sgd', 'adam', 'adamw', 'rmsprop',
'adagrad'), all with ``learning_rate_init=1e-3`` and the other parameters at
their defaults, at batch 1, 32 and 200, in float64 and float32, for a fixed
number of epochs on the first ``rows`` training rows (settings
``optimizers_rows`` and ``optimizers_epochs``). For each (batch, dtype) the
five fits alternate (A B C D E A B ...) with the seeds 0, 1, 2, ...

s/update = median fit wall time / updates, where updates =
``n_iter_ * ceil(rows / batch)``; ratio to adam = s/update / adam's s/update
at the same batch and dtype. The fit time includes what a fit does once
(validation, the network's initialisation), spread over its updates as in
the W1 section. No target: the table is informational.

Second table: the update step alone (``floors.UpdateStep``), each rule's
step with the L2 penalty on the W1 flat buffer (60042 parameters), timed
``optimizers_steps`` steps per round in the same alternation; it shows how
much of the per-update difference is the rule itself. The step does not
depend on the batch size (the buffer is the parameters').
"""

from functools import partial

import numpy as np
from floors import UpdateStep
from harness import Section, Table, alternate, fmt_ratio, fmt_seconds, log, median, seeded
from workloads.optimizers import BATCHES, LEARNING_RATE, SOLVERS, fit_updates, optimizer_params
from workloads.w1 import DTYPES, LAYERS, N_WEIGHTS, W1Data

#: Weights and biases of the W1 network: the length of the flat buffer an update writes.
N_PARAMS = N_WEIGHTS + sum(LAYERS[1:])


def _warm_up(X, y):
    """Untimed first fits of every update rule's code paths."""
    for solver in SOLVERS:
        fit_updates(optimizer_params(solver, 32, 1), X[:64], y[:64])


def _measure_fits(settings, data):
    """{(solver, batch, dtype): (s/update, updates, errors)} of the timed fits."""
    results = {}
    for dtype in DTYPES:
        X, _ = data.X(dtype)
        _warm_up(X, data.y_train)
        for batch in BATCHES:
            rows = min(settings.optimizers_rows[batch], data.n_train)
            epochs = settings.optimizers_epochs[batch]
            Xr, yr = X[:rows], data.y_train[:rows]
            calls = {
                solver: seeded(partial(fit_updates, optimizer_params(solver, batch, epochs), Xr, yr))
                for solver in SOLVERS
            }
            out = alternate(calls, settings.repeats)
            for solver, fits in out.items():
                errors = [error for _, _, error in fits if error is not None]
                timed_fits = [(s, u) for s, u, error in fits if error is None]
                if timed_fits:
                    per_update = median([s / u for s, u in timed_fits])
                    updates = timed_fits[0][1]
                else:
                    per_update, updates = float("nan"), 0
                results[solver, batch, dtype] = (per_update, updates, errors, rows, epochs)
            log(
                f"optimizers batch {batch:3d} {np.dtype(dtype).name}: "
                + ", ".join(f"{s} {results[s, batch, dtype][0]:.4g} s/update" for s in SOLVERS)
            )
    return results


def _measure_steps(settings):
    """{(solver, dtype): s/step} of the update step alone."""
    steps = {}
    for dtype in DTYPES:
        floors = {solver: UpdateStep(solver, dtype) for solver in SOLVERS}
        for floor in floors.values():
            floor.run(5)  # warm-up
        count = settings.optimizers_steps
        calls = {solver: partial(floor.run, count) for solver, floor in floors.items()}
        out = alternate(calls, settings.repeats)
        for solver, seconds in out.items():
            steps[solver, dtype] = median(seconds) / count
        log(
            f"optimizers step alone {np.dtype(dtype).name}: "
            + ", ".join(f"{s} {steps[s, dtype]:.4g} s/step" for s in SOLVERS)
        )
    return steps


def _fits_table(settings, results):
    table = Table(
        ["optimizer", "batch", "dtype", "updates timed", "s/update", "ratio to adam"],
        title="Seconds per update of the W1 fit, per optimizer, next to Adam's",
    )
    diverged = []
    for batch in BATCHES:
        for dtype in DTYPES:
            adam = results["adam", batch, dtype][0]
            for solver in SOLVERS:
                per_update, updates, errors, rows, epochs = results[solver, batch, dtype]
                label = f"{batch} ({rows} rows x {epochs} epoch{'s' if epochs > 1 else ''})"
                if errors:
                    diverged.append(f"{solver} batch {batch} {np.dtype(dtype).name}: {errors[0]}")
                cell = fmt_seconds(per_update) if updates else "diverged"
                ratio = fmt_ratio(per_update / adam) if updates and np.isfinite(adam) else "-"
                table.rows.append([solver, label, np.dtype(dtype).name, updates, cell, ratio])
    table.notes.append(
        f"Medians of {settings.repeats} alternated fits per cell (seeds 0, 1, 2, ...); "
        "s/update = fit wall time / updates, updates = n_iter_ x ceil(rows / batch) of one fit; "
        f"learning_rate_init={LEARNING_RATE:g} for every optimizer, the other parameters at their "
        "defaults ('sgd': momentum 0.9 with Nesterov's correction). The fit time includes its "
        "one-off work (validation, initialisation), spread over the updates as in the W1 section. "
        "Informational: no target."
    )
    if diverged:
        table.notes.append("Diverged fits (not timed): " + "; ".join(diverged))
    else:
        table.notes.append("No fit diverged (the package raises ValueError on divergence).")
    return table


def _steps_table(settings, steps):
    table = Table(
        ["optimizer", "dtype", "steps timed", "s/step", "ratio to adam"],
        title=f"The update step alone (floors.UpdateStep, {N_PARAMS} parameters, L2 penalty)",
    )
    for dtype in DTYPES:
        adam = steps["adam", dtype]
        for solver in SOLVERS:
            s = steps[solver, dtype]
            table.rows.append(
                [solver, np.dtype(dtype).name, settings.optimizers_steps, fmt_seconds(s), fmt_ratio(s / adam)]
            )
    table.notes.append(
        f"Medians of {settings.repeats} alternated rounds of {settings.optimizers_steps} individually "
        "timed steps each (the gradient copied into its buffer before each step, untimed). "
        "This is the update part of every update above, whatever the batch size; the rest of an "
        "update (forward and backward passes) is the same for every optimizer."
    )
    return table


def run_optimizers(settings):
    """Section optimizers: s/update of every optimizer at batch 1, 32 and 200, and the step alone."""
    data = W1Data(settings.w1_train, settings.w1_test)
    results = _measure_fits(settings, data)
    steps = _measure_steps(settings)
    return Section(
        "optimizers",
        "Optimizers: cost per update",
        "The W1 fit (MLP (256, 128) ReLU on the W1 `make_classification` rows, `alpha=1e-4`) by "
        "`MLPClassifierScratch` with each `solver` of `sklearn_nn._optimizers.OPTIMIZERS`, at batch "
        f"1, 32 and 200, float64 and float32, {settings.threads} BLAS thread(s) (`--threads`): seconds "
        "per update and "
        "the ratio to Adam at the same batch and dtype; then each rule's update step alone.",
        [_fits_table(settings, results), _steps_table(settings, steps)],
    )
