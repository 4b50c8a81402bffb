"""Section ``inspection``: what ``monitor_gradients`` costs a W1 fit, on and off.

Workload (``workloads/inspection.py``): the W1 fit (MLP (256, 128) ReLU on
the W1 ``make_classification`` rows, ``alpha=1e-4``, Adam with
``learning_rate_init=1e-3``: W1's ``mlp_params("adam", batch, epochs)``) by
``MLPClassifierScratch`` with ``monitor_gradients=False`` ('off') and
``monitor_gradients=True`` ('on'), at batch 200 and 32, in float64 and
float32, for a fixed number of epochs on the first ``rows`` training rows
(settings ``inspection_rows`` and ``inspection_epochs``). For each (batch,
dtype) the two fits and the NumPy floor ``floors.MinimalEpoch`` (one epoch
over the same rows and batches) alternate (off, on, floor, floor, on, off,
off, on, floor, ...: the order reversed in every other round) for
``repeats * inspection_round_split`` rounds, the fits with the seeds 0, 1,
2, ... (both fits of a round get the same seed, hence the same updates).

Figures, medians over the rounds:

- s/epoch = fit wall time / E x (W1 training rows / rows), s/update = fit
  wall time / updates (``n_iter_ * ceil(rows / batch)``); the fit time
  includes its one-off work (validation, initialisation), as in the W1 section;
- cost = median on time / median off time - 1, in percent; and the paired
  cost, the median over the rounds of on / off - 1 of the two fits of a round
  (and its quartiles), which a slow phase of the machine shared by both fits
  of a round does not move;
- off / MinimalEpoch: the off fit's s/epoch over the floor's, the same kind
  of ratio as the W1 limits table's 'ours / floor' (there the fit has W1's
  matched penalty, whose cost does not depend on alpha);
- the off path: the two ``gauge is not None`` tests per update
  (``off_path_checks``), in ns per update and as a fraction of an off update.

Third table, where the time of monitoring goes: ``floors.GaugeAlone``, the
``GradientNorms`` calls of one update alone (``gradient`` and ``moved`` as
with Adam, and ``start``, which Adam's path does not need),
``inspection_steps`` updates per round, alternated with the off-path tests;
and ``floors.GaugeProfile``, the same calls and the
per-epoch ``record`` timed inside ``repeats`` further on fits per (batch,
dtype), after its alternation, with the caches as training leaves them. As
a fraction of an off update, the first is the cost of monitoring without the
training around it, the second the part of the measured cost that the calls
explain.

Targets ``inspection_200_float64`` and ``inspection_200_float32``: the paired
cost at batch 200 <= 5% (``COST_LIMIT``), per dtype; the ratio of the medians
is shown next to it. On a quiet machine the two agree; on a shared one the
medians of the off and on times come from different moments and their ratio
moves by several percent from run to run, while the paired cost compares
fits a second apart. Batch 32 is informational.
"""

from functools import partial

import numpy as np
from floors import GaugeAlone, GaugeProfile, MinimalEpoch
from harness import Section, Table, Target, alternate, fmt_ratio, fmt_seconds, log, median, seeded
from workloads.inspection import (
    BATCHES,
    COST_LIMIT,
    SYSTEMS,
    TARGET_BATCH,
    fit_monitored,
    inspection_params,
    off_path_checks,
)
from workloads.w1 import DTYPES, W1Data

#: Updates' worth of off-path tests timed per round.
CHECKS = 100_000


def _warm_up(X, y):
    """Untimed first fits of both code paths."""
    for monitor in SYSTEMS.values():
        fit_monitored(inspection_params(32, 1, monitor), X[:64], y[:64])


def _alternate_both_ways(calls, rounds):
    """``harness.alternate`` with the order reversed in every other round (A B C, C B A, A B C, ...).

    A drift of the machine's speed within a round then favours neither fit.
    """
    out = {name: [] for name in calls}
    for i in range(rounds):
        names = list(calls) if i % 2 == 0 else list(calls)[::-1]
        for name, results in alternate({name: calls[name] for name in names}, 1).items():
            out[name] += results
    return out


def _case_calls(settings, X, data, batch):
    """The alternated calls of one (batch, dtype): the off and on fits and the floor; the on fit."""
    rows = min(settings.inspection_rows[batch], data.n_train)
    epochs = settings.inspection_epochs[batch]
    Xr, yr = X[:rows], data.y_train[:rows]
    calls = {
        name: seeded(partial(fit_monitored, inspection_params(batch, epochs, monitor), Xr, yr))
        for name, monitor in SYSTEMS.items()
    }
    minimal = MinimalEpoch("adam", Xr, yr, batch)
    minimal.run()  # warm-up: allocations
    calls["floor"] = minimal.run
    on_fit = partial(fit_monitored, inspection_params(batch, epochs, True), Xr, yr)
    return calls, on_fit, rows, epochs


def _profile(settings, on_fit):
    """({method: median s/update}, median share of the fit) of ``repeats`` on fits in a ``GaugeProfile``."""
    per_update, shares = [], []
    with GaugeProfile() as profile:
        for seed in range(settings.repeats):
            seconds, updates = on_fit(seed=seed)
            spent = profile.take()
            per_update.append({name: t / updates for name, t in spent.items()})
            shares.append(sum(spent.values()) / seconds)
    return {name: median([p[name] for p in per_update]) for name in GaugeProfile.METHODS}, median(shares)


def _summarise(out, n, rows, epochs):
    """One case's figures (see the module docstring) from the alternated results ``out``."""
    case = {"rows": rows, "epochs": epochs, "rounds": len(out["off"]), "updates": out["off"][0][1]}
    for name in SYSTEMS:
        case[name] = median([s for s, _ in out[name]]) / epochs * n / rows
        case[name + "_update"] = median([s / u for s, u in out[name]])
    case["cost"] = case["on"] / case["off"] - 1.0
    paired = [on / off - 1.0 for (on, _), (off, _) in zip(out["on"], out["off"])]
    case["paired"] = median(paired)
    case["quartiles"] = tuple(float(q) for q in np.percentile(paired, [25, 75]))
    case["floor"] = median([sum(parts) for parts in out["floor"]]) * n / rows
    return case


def _measure_fits(settings, data):
    """{(batch, dtype): case figures} of the alternated fits and floors."""
    results = {}
    rounds = settings.repeats * settings.inspection_round_split
    for dtype in DTYPES:
        X, _ = data.X(dtype)
        _warm_up(X, data.y_train)
        for batch in BATCHES:
            calls, on_fit, rows, epochs = _case_calls(settings, X, data, batch)
            out = _alternate_both_ways(calls, rounds)
            case = results[batch, dtype] = _summarise(out, data.n_train, rows, epochs)
            case["profile"], case["profile_share"] = _profile(settings, on_fit)
            log(
                f"inspection batch {batch:3d} {np.dtype(dtype).name}: off {case['off']:.4g}, "
                f"on {case['on']:.4g} s/epoch, cost {100 * case['cost']:+.2f}% "
                f"(paired {100 * case['paired']:+.2f}%), off / MinimalEpoch "
                f"{case['off'] / case['floor']:.3f}; GradientNorms {100 * case['profile_share']:.2f}% of "
                "the profiled on fits"
            )
    return results


def _measure_gauge(settings):
    """{dtype: (start, gradient, moved) s/update} of ``GaugeAlone``, and the off-path tests' s/update."""
    gauges = {np.dtype(dtype).name: GaugeAlone(dtype) for dtype in DTYPES}
    for gauge in gauges.values():
        gauge.run(5)  # warm-up
    count = settings.inspection_steps
    calls = {name: partial(gauge.run, count) for name, gauge in gauges.items()}
    calls["checks"] = partial(off_path_checks, CHECKS)
    out = alternate(calls, settings.repeats * settings.inspection_round_split)
    parts = {name: [median([r[i] for r in out[name]]) / count for i in range(3)] for name in gauges}
    checks = median(out["checks"]) / CHECKS
    log(
        "inspection GradientNorms alone: "
        + ", ".join(f"{name} {1e6 * sum(p):.1f} us/update" for name, p in parts.items())
        + f"; off-path tests {1e9 * checks:.1f} ns/update"
    )
    return parts, checks


def _pct(fraction):
    return f"{100 * fraction:+.2f}"


def _cost_table(settings, results):
    table = Table(
        [
            "batch",
            "dtype",
            "updates timed",
            "off s/epoch",
            "on s/epoch",
            "off s/update",
            "on s/update",
            "cost % (on / off - 1)",
            "paired cost %",
            "paired quartiles %",
        ],
        title="monitor_gradients=True against False: the W1 fit (adam), per epoch and per update",
    )
    for (batch, dtype), c in results.items():
        label = f"{batch} ({c['rows']} rows x {c['epochs']} epoch{'s' if c['epochs'] > 1 else ''})"
        table.rows.append(
            [label, np.dtype(dtype).name, c["updates"]]
            + [fmt_seconds(c[k]) for k in ("off", "on", "off_update", "on_update")]
            + [_pct(c["cost"]), _pct(c["paired"]), " .. ".join(_pct(q) for q in c["quartiles"])]
        )
    rounds = next(iter(results.values()))["rounds"]
    table.notes.append(
        f"Medians of {rounds} alternated rounds per row (off, on, MinimalEpoch; the order reversed in "
        "every other round), seeds 0, 1, 2, ..., the same for both fits of a round; s/epoch = fit wall "
        "time / epochs x W1 training rows / rows, s/update = fit wall time / updates (n_iter_ x "
        "ceil(rows / batch)); the fit time includes its one-off work (validation, initialisation). "
        "cost = median on / median off - 1; paired cost = median over the rounds of on / off - 1 of the "
        "two fits of a round, with its quartiles."
    )
    table.notes.append(
        f"Target at batch {TARGET_BATCH}: paired cost <= {100 * COST_LIMIT:g}% per dtype (the two fits "
        "of a round are a second apart, so a slow phase of a shared machine hits both; the ratio of "
        "the medians compares different moments); batch 32 is informational (more updates per epoch, "
        "so a larger share)."
    )
    return table


def _off_table(results, checks):
    table = Table(
        [
            "batch",
            "dtype",
            "off s/epoch",
            "MinimalEpoch s/epoch",
            "off / MinimalEpoch",
            "off-path tests ns/update",
            "tests / off update %",
        ],
        title="monitor_gradients=False: the off fit next to the least NumPy work of its epoch",
    )
    for (batch, dtype), c in results.items():
        table.rows.append(
            [
                str(batch),
                np.dtype(dtype).name,
                fmt_seconds(c["off"]),
                fmt_seconds(c["floor"]),
                fmt_ratio(c["off"] / c["floor"]),
                f"{1e9 * checks:.3g}",
                f"{100 * checks / c['off_update']:.2g}",
            ]
        )
    table.notes.append(
        "MinimalEpoch (floors.py): one epoch over the same rows and batches with only the necessary NumPy "
        "calls and Adam's step with the L2 penalty, timed in the same rounds as the fits above. "
        "off / MinimalEpoch is the same kind of ratio as the 'ours / floor' column of the W1 section's "
        "limits table (section 'W1 epoch time', table 'Limits', rows adam 200 and adam 32); where that "
        "section was measured before monitor_gradients existed (see the report's date and Run part), "
        "comparing the two shows what the off path costs."
    )
    table.notes.append(
        "A fit whose Trainer has no gauge at all cannot be timed against the off fit: it is the same "
        "code. With monitor_gradients=False the first-order pass (sklearn_nn._training, Trainer._pass) "
        "does, per update, two `gauge is not None` tests on a local variable (before and after the "
        "optimizer's step), and once per fit one conditional that leaves the gauge None; no array is "
        "allocated or touched. The two tests, timed alone with timeit on a local None (less the empty "
        "loop), are the 'off-path tests' columns."
    )
    return table


def _gauge_table(settings, parts, results):
    table = Table(
        [
            "dtype",
            "batch",
            "measured",
            "start us",
            "gradient us",
            "moved us",
            "record us",
            "total us/update",
            "total / off update %",
        ],
        title="Where the time of monitoring goes: the GradientNorms calls per update",
    )
    for dtype in DTYPES:
        alone = parts[np.dtype(dtype).name]
        for batch in BATCHES:
            c = results[batch, dtype]
            profiled = [c["profile"][name] for name in GaugeProfile.METHODS]
            for where, times in (("alone (GaugeAlone)", alone), ("in the on fits (GaugeProfile)", profiled)):
                cells = [f"{1e6 * t:.3g}" for t in times] + ["-"] * (4 - len(times))
                total = sum(times) if times is profiled else sum(times[1:])  # Adam: no start
                table.rows.append(
                    [np.dtype(dtype).name, str(batch), where, *cells, f"{1e6 * total:.3g}"]
                    + [f"{100 * total / c['off_update']:.2f}"]
                )
    table.notes.append(
        f"alone: floors.GaugeAlone, medians of {settings.repeats * settings.inspection_round_split} "
        f"alternated rounds of {settings.inspection_steps} updates, each call timed on its own, on the W1 "
        "network's flat buffers (60042 parameters, 59136 weights), the same at every batch size, as the "
        "loop calls them with Adam: gradient makes one dot product per layer (the loop adds the L2 "
        "penalty's gradient to the buffer, which Adam's step then does not), moved one dot product per "
        "layer of Adam's step, left in the gradient's buffer. start, the copy of the weights that rules "
        "without their step in the buffer (plain SGD) need, is timed too but Adam does not call it: the "
        "alone total leaves it out. Each call's per-layer Python work is part of its time."
    )
    table.notes.append(
        f"in the on fits: floors.GaugeProfile, the same calls and the per-epoch record (per update: its "
        "time / updates) timed inside "
        f"{settings.repeats} further on fits per row (seeds 0, 1, ...; medians per update), with the caches "
        "as training leaves them. total / off update = total / the off fit's s/update of the first "
        "table: in the on fits it is the cost of monitoring that these calls explain."
    )
    return table


def _targets(results, parts):
    """The cost target per dtype at ``TARGET_BATCH``; the measured cell says where the time goes."""
    targets = []
    for dtype in DTYPES:
        name = np.dtype(dtype).name
        c = results[TARGET_BATCH, dtype]
        inside = sum(c["profile"].values()) / c["off_update"]
        alone = sum(parts[name][1:]) / c["off_update"]  # Adam's path: gradient and moved
        measured = (
            f"paired {_pct(c['paired'])}% (median of on / off - 1 over {c['rounds']} rounds; on "
            f"{fmt_seconds(c['on'])} / off {fmt_seconds(c['off'])} s/epoch: {_pct(c['cost'])}%); the "
            f"GradientNorms calls take {100 * inside:.2f}% of an off update inside the fits, "
            f"{100 * alone:.2f}% alone"
        )
        targets.append(Target(f"inspection_{TARGET_BATCH}_{name}", measured, c["paired"] <= COST_LIMIT))
    return targets


def run_inspection(settings):
    """Section inspection: the cost of ``monitor_gradients`` at batch 200 and 32, on and off."""
    data = W1Data(settings.w1_train, settings.w1_test)
    results = _measure_fits(settings, data)
    parts, checks = _measure_gauge(settings)
    return Section(
        "inspection",
        "Inspection: cost of monitor_gradients",
        "The W1 fit (MLP (256, 128) ReLU on the W1 `make_classification` rows, `alpha=1e-4`, adam with "
        "`learning_rate_init=1e-3`) by `MLPClassifierScratch` with `monitor_gradients=False` and `True`, "
        f"at batch 200 and 32, float64 and float32, {settings.threads} BLAS thread(s) (`--threads`): "
        "seconds per epoch and per update, the cost of monitoring (on / off - 1), the off fit next to "
        "the least NumPy work of its epoch (`MinimalEpoch`), and where the time of monitoring goes (the "
        "`GradientNorms` calls of an update, alone and inside the fits).",
        [_cost_table(settings, results), _off_table(results, checks), _gauge_table(settings, parts, results)],
        _targets(results, parts),
    )
