"""Section ``gflops``: our achieved GFLOP/s on the W1 epoch against a loop of exactly its GEMMs.

For batch 200, 32 and full, per epoch of R rows of the W1 workload
(``workloads/w1.py``) through layers 100 -> 256 -> 128 -> 10
(n_weights = 100*256 + 256*128 + 128*10 = 59648):

    FLOP = 2 R n_weights          (forward:  Z_l = A_{l-1} W_l)
         + 2 R n_weights          (backward: G_l = A_{l-1}^T D_l)
         + 2 R (n_weights - 100*256)   (backward: D_{l-1} = D_l W_l^T, not for the input layer)
         = 6 R n_weights - 2 R * 100 * 256

Achieved GFLOP/s = FLOP / (our s/epoch) / 1e9. The peak is measured on the
same shapes by ``floors.GemmLoop``: one epoch of exactly those eight GEMMs per
batch (forward batch x 100 @ 100 x 256, @ 256 x 128, @ 128 x 10; weight
gradients of the three layers; delta propagation of the two upper ones) with
preallocated outputs, same dtype and threads. Fraction of peak = GEMM-loop
seconds / our seconds. Our fits and the GEMM loop alternate.
"""

from functools import partial

import numpy as np
from floors import GemmLoop
from harness import Section, Table, Target, alternate, fmt_seconds, log, median
from workloads.w1 import (
    DTYPES,
    ESTIMATORS,
    HIDDEN,
    N_FEATURES,
    N_WEIGHTS,
    SOLVERS,
    W1Data,
    batch_label,
    fit_estimator,
    mlp_params,
)

#: The target: at least this fraction of the GEMM peak, adam at batch 200.
PEAK_FRACTION = 0.5


def epoch_flops(rows):
    """Floating-point operations of one epoch of ``rows`` rows (see the module docstring)."""
    return 6 * rows * N_WEIGHTS - 2 * rows * N_FEATURES * HIDDEN[0]


def _gflops_table(n, flops):
    return Table(
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


def _measure_case(settings, data, dtype, batch):
    """GEMM-loop seconds and {solver: our s/epoch} of one (dtype, batch), alternated."""
    n = data.n_train
    X, X_test = data.X(dtype)
    batch_size = n if batch == "full" else batch
    epochs = settings.w1_epochs[batch]
    gemm = GemmLoop(dtype, batch_size, n)
    gemm.run()  # warm-up
    calls = {"gemm": gemm.run}
    for solver in SOLVERS:
        params = mlp_params(solver, batch_size, epochs)
        calls[solver] = partial(
            fit_estimator, ESTIMATORS["ours"], params, X, data.y_train, X_test[:1], data.y_test[:1]
        )
    out = alternate(calls, settings.repeats)
    ours = {solver: median([seconds for seconds, _ in out[solver]]) / epochs for solver in SOLVERS}
    return median(out["gemm"]), ours


def run_gflops(settings, data=None):
    """Section GFLOP/s: our achieved GFLOP/s at batch 200, 32 and full against the GEMM loop."""
    data = data or W1Data(settings.w1_train, settings.w1_test)
    n = data.n_train
    flops = epoch_flops(n)
    table = _gflops_table(n, flops)
    fractions = {}
    for dtype in DTYPES:
        for batch in (200, 32, "full"):
            gemm_s, ours = _measure_case(settings, data, dtype, batch)
            for solver in SOLVERS:
                ours_s = ours[solver]
                fraction = gemm_s / ours_s
                fractions[dtype, batch, solver] = fraction
                table.rows.append(
                    [
                        np.dtype(dtype).name,
                        batch_label(batch, n, n),
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
            all(v >= PEAK_FRACTION for v in parts.values()),
        )
    ]
    return section
