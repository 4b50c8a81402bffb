"""The benchmark suite runs end to end in smoke mode and writes a complete report.

Only the structure of the report is checked (sections, tables, numeric cells,
accuracies in [0, 1]); no timing is asserted. The test passes with or without
PyTorch installed: without it the report must say that the column was skipped.
"""

import importlib
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "benchmarks" / "run.py"
NUMBER = re.compile(r"^[-+]?\d+(\.\d+)?([eE][-+]?\d+)?$")


def _torch_installed():
    try:
        return importlib.util.find_spec("torch") is not None
    except (ImportError, ValueError):
        return False


TORCH_INSTALLED = _torch_installed()
SKIPPED = "torch not installed: column skipped"

# The report's sections with tables.
SECTIONS = ["Machine", "Targets", "W1 epoch time", "GFLOP/s", "Linear models", "Memory"]
SECTIONS += ["Default linear fits to the optimum", "Optimizers: cost per update"]
SECTIONS += ["Inspection: cost of monitor_gradients"]


def _is_number(cell):
    return bool(NUMBER.match(cell.strip()))


def _sections(text):
    """{heading: body} of the report's '## ' sections."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return {parts[i].strip(): parts[i + 1] for i in range(1, len(parts), 2)}


def _tables(body):
    """Markdown tables of a section body as (columns, rows) with stripped cells."""
    tables, lines = [], body.splitlines()
    i = 0
    while i < len(lines):
        if lines[i].startswith("|") and i + 1 < len(lines) and lines[i + 1].startswith("|---"):
            columns = [c.strip() for c in lines[i].strip("|").split("|")]
            rows, i = [], i + 2
            while i < len(lines) and lines[i].startswith("|"):
                rows.append([c.strip() for c in lines[i].strip("|").split("|")])
                i += 1
            tables.append((columns, rows))
        else:
            i += 1
    return tables


def _column(table, name):
    columns, rows = table
    j = columns.index(name)
    return [row[j] for row in rows]


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    output = tmp_path_factory.mktemp("benchmarks") / "R.md"
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--smoke", "--output", str(output)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return output.read_text(encoding="utf-8"), result.stdout


@pytest.mark.slow
def test_report_has_every_section_with_tables(smoke_run):
    report, stdout = smoke_run
    assert report.startswith("# sklearn_nn benchmarks")
    assert "Date: " in report and "Command: `python benchmarks/run.py --smoke" in report
    assert "**smoke run**" in report
    sections = _sections(report)
    assert "Run" in sections
    for name in SECTIONS:
        assert name in sections, f"missing section {name!r}"
        tables = _tables(sections[name])
        assert tables, f"no table in section {name!r}"
        for columns, rows in tables:
            assert rows, f"empty table in section {name!r}"
            assert all(len(row) == len(columns) for row in rows)
            if name not in ("Machine", "Targets"):
                assert all(any(_is_number(c) for c in row) for row in rows), (name, columns)
    # The same tables are printed as they are produced.
    for name in SECTIONS:
        assert f"## {name}" in stdout


@pytest.mark.slow
def test_w1_limits(smoke_run):
    """Every W1 target gets its NumPy floor: products + elementwise + update of MinimalEpoch."""
    report, _ = smoke_run
    _, (columns, rows) = _tables(_sections(report)["W1 epoch time"])
    assert len(rows) == 5 * 2  # five targeted (solver, batch) cases x two dtypes
    for row in rows:
        cells = dict(zip(columns, row))
        parts = [float(cells[name]) for name in ("products", "elementwise", "update")]
        assert all(part > 0 for part in parts)
        assert float(cells["floor / sklearn"]) == pytest.approx(
            sum(parts) / float(cells["sklearn s/epoch"]), rel=0.02, abs=0.002
        )
        assert float(cells["ours / floor"]) == pytest.approx(
            float(cells["ours s/epoch"]) / sum(parts), rel=0.02, abs=0.002
        )


def _benchmark_module(name):
    """A module of ``benchmarks/`` (``floors``, ``workloads.w1``, ``bench_mlp``, ...) as run.py sees it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))


@pytest.mark.parametrize("batch", [1, 7])
def test_minimal_epoch_computes_the_engines_gradient(batch, monkeypatch):
    """The floor does the work of a real update: its gradient is the engine's, penalty included."""
    floors, w1 = _benchmark_module("floors"), _benchmark_module("workloads.w1")
    from sklearn_nn._losses import SOFTMAX_LOSSES

    rng = np.random.default_rng(0)
    X = rng.standard_normal((20, w1.N_FEATURES))
    y = rng.integers(0, w1.N_CLASSES, 20)
    minimal = floors.MinimalEpoch("sgd", X, y, batch)
    net = minimal.net
    rows = minimal.order[:batch]
    expected = np.empty_like(net.params)
    T = np.eye(w1.N_CLASSES)[y[rows]]
    # The engine's J on the batch with the floor's penalty (n = the batch's rows), scaled like the floor's
    scale = minimal.optimizer.gradient_scale(minimal.rate)
    net.data_term(X[rows], T, None, SOFTMAX_LOSSES["log_loss"](), expected, grad_scale=scale)
    minimal.penalty.add_gradient(expected, net.params, batch, scale)
    seen = []

    def capture(params, grad, state, lr, penalty=None, n=1.0):
        full = grad.copy()
        penalty.add_gradient(full, params, n, scale)
        seen.append(full)
        raise StopIteration

    monkeypatch.setattr(minimal.optimizer, "step", capture)
    with pytest.raises(StopIteration):
        minimal.run()
    np.testing.assert_allclose(seen[0], expected, rtol=1e-12, atol=1e-15)


@pytest.mark.slow
def test_targets_table(smoke_run):
    report, _ = smoke_run
    columns, rows = _tables(_sections(report)["Targets"])[0]
    assert columns == ["what", "target", "measured", "status"]
    assert len(rows) == 14
    for what, _, measured, status in rows:
        if what == "W1 batch 200 float32 (adam)" and SKIPPED in measured:
            assert status == "not measured"
        else:
            assert status in ("PASS", "FAIL"), (what, status)
            assert re.search(r"\d", measured), what


@pytest.mark.slow
def test_w1_times_and_accuracies(smoke_run):
    report, _ = smoke_run
    body = _sections(report)["W1 epoch time"]
    table, limits = _tables(body)
    columns, rows = table
    assert len(rows) == 2 * 4 * 2  # solver x batch x dtype
    has_torch = "acc torch" in columns
    if not TORCH_INSTALLED:
        assert not has_torch
    systems = ["sklearn", "ours"] + (["torch"] if has_torch else [])
    for system in systems:
        assert all(_is_number(c) and float(c) > 0 for c in _column(table, f"{system} s/epoch"))
        accuracies = _column(table, f"acc {system}")
        assert all(_is_number(c) and 0.0 <= float(c) <= 1.0 for c in accuracies), accuracies
    assert all(_is_number(c) for c in _column(table, "ours / sklearn"))
    if has_torch:
        assert all(_is_number(c) for c in _column(table, "ours / torch"))
        assert SKIPPED not in report
    else:
        assert "torch s/epoch" not in columns and "ours / torch" not in columns
        assert SKIPPED in body


@pytest.mark.slow
def test_gflops_linear_and_memory_tables(smoke_run):
    report, _ = smoke_run
    sections = _sections(report)

    (gflops,) = _tables(sections["GFLOP/s"])
    assert len(gflops[1]) == 2 * 3 * 2  # dtype x batch x solver
    for name in ("ours GFLOP/s", "GEMM peak GFLOP/s", "fraction of peak"):
        assert all(_is_number(c) and float(c) > 0 for c in _column(gflops, name))

    epoch, accuracy = _tables(sections["Linear models"])
    assert _column(epoch, "dtype") == ["float64", "float32"]
    assert all(_is_number(c) for c in _column(epoch, "ratio ours / bound"))
    assert len(accuracy[1]) == 6
    assert all(_is_number(c) for c in _column(accuracy, "seconds") + _column(accuracy, "J - J*"))
    assert set(_column(accuracy, "reached 1e-4")) <= {"yes", "no"}

    (memory,) = _tables(sections["Memory"])
    assert len(memory[1]) == 4
    for name in ("X MiB", "baseline MiB", "peak MiB", "extra MiB", "extra / X"):
        assert all(_is_number(c) for c in _column(memory, name))


def test_accuracy_target_fails_only_a_significant_shortfall():
    """Equal paths pass; seed noise around zero passes; a consistent loss of > 1 point fails."""
    target = _benchmark_module("bench_mlp")._accuracy_target
    equal = {("sgd", 1, np.float64): [0.0] * 5}
    noisy = {("sgd", 1, np.float32): [-0.043, -0.011, 0.016, -0.043, -0.004]}  # mean -1.7 points
    worse = {("sgd", 1, np.float32): [-0.021, -0.018, -0.025, -0.02, -0.019]}
    assert target(equal).passed
    assert target({**equal, **noisy}).passed
    assert "-1.70 points (sgd, batch 1, float32; paired over 5 seeds" in target(noisy).measured
    assert not target({**equal, **worse}).passed
    assert "1 significantly below" in target({**equal, **worse}).measured


@pytest.mark.slow
def test_optimum_tables(smoke_run):
    """Ten rows and a geometric mean; numeric times, ratios and gaps; the references agree."""
    report, _ = smoke_run
    main, references, variants = _tables(_sections(report)["Default linear fits to the optimum"])
    columns, rows = main
    assert len(rows) == 11 and rows[-1][0] == "geometric mean of the ratios"
    body = (columns, rows[:-1])
    for name in ("ours s", "sklearn s", "ratio ours / sklearn"):
        assert all(_is_number(c) and float(c) > 0 for c in _column(body, name))
    assert all(_is_number(c) for c in _column(body, "ours gap") + _column(body, "sklearn gap"))
    ratios = [float(c) for c in _column(body, "ratio ours / sklearn")]
    geomean = float(np.exp(np.mean(np.log(ratios))))
    assert float(rows[-1][columns.index("ratio ours / sklearn")]) == pytest.approx(geomean, rel=0.01)
    assert set(_column(body, "ConvergenceWarning ours / sklearn")) <= {
        "no / no",
        "no / yes",
        "yes / no",
        "yes / yes",
    }
    assert len(references[1]) == 10
    for cell in _column(references, "sklearn - ours, relative"):
        assert abs(float(cell.split()[0])) < 1e-8
    # The variants table: its default column is the main table's iterations; four variants.
    columns, rows = variants
    assert len(columns) == 6 and columns[2].startswith("default") and len(rows) == 14
    iterations = [int(c.split(" / ")[0]) for c in _column(body, "ours iterations / evaluations")]
    assert [int(row[2]) for row in rows[:10]] == iterations
    # Every variant reaches the optimum, on the ten rows and on the generated problems.
    assert all(float(cell) <= 1e-6 for row in (rows[10], rows[13]) for cell in row[2:])
    assert all(int(cell) > 0 for row in rows[11:13] for cell in row[2:])


def test_optimum_objective_is_the_estimators_loss():
    """The workload's J of a tight fit is the fitted ``loss_``: binary, softmax and one-vs-rest."""
    optimum = _benchmark_module("workloads.optimum")
    from sklearn.datasets import load_iris
    from sklearn.preprocessing import StandardScaler

    X, y = load_iris(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    for cls, link in optimum.LINKS.items():
        for target in (y, (y == 2).astype(int)):  # three classes, then two
            est = optimum.reference(cls, X, target)
            J = optimum.objective_of(est, X, target, link)
            assert J == pytest.approx(est.loss_, rel=0, abs=1e-10), (cls.__name__, np.unique(target).size)
    # One-vs-rest is the sum of the K binary objectives, each with its class against the rest.
    ovr = optimum.reference(optimum.LogisticRegressionGD, X, y)
    parts = [
        optimum.objective(
            X, (y == k).astype(int), ovr.coef_[k : k + 1], ovr.intercept_[k : k + 1], [0, 1], "sigmoid"
        )
        for k in range(3)
    ]
    assert optimum.objective_of(ovr, X, y, "sigmoid") == pytest.approx(sum(parts), rel=1e-12)


def test_merge_report_replaces_one_section_and_its_targets():
    """--merge keeps the other sections and targets rows, replaces the merged ones, notes the run."""
    run, harness = _benchmark_module("run"), _benchmark_module("harness")
    what, target = run.TARGETS["linear"]
    old_targets = (
        run.targets_table([])
        .markdown()
        .replace(
            f"| {what} | {target} | section not run | not measured |", f"| {what} | {target} | 1.2 x | PASS |"
        )
    )
    old = "\n\n".join(
        ["# title", "## Run", "Command: `x`", "## Targets", old_targets, "## Linear models", "old linear"]
    )
    section = harness.Section(
        "optimum", "Default linear fits to the optimum", "intro", [harness.Table(["a"], [["1"]])],
        [harness.Target("optimum-geomean", "geometric mean 1.10", True)],
    )  # fmt: skip
    merged = run.merge_report(old, [section], "Merged now.")
    parts = dict(run._split_report(merged)[1])
    assert list(parts) == ["Run", "Targets", "Linear models", "Default linear fits to the optimum"]
    assert parts["Run"].endswith("Merged now.") and parts["Linear models"] == "old linear"
    assert parts["Default linear fits to the optimum"].startswith("intro")
    rows = {row[0] + row[1]: row for row in run._table_rows(parts["Targets"])}
    assert rows[what + target][2:] == ["1.2 x", "PASS"]
    geomean = run.TARGETS["optimum-geomean"]
    assert rows[geomean[0] + geomean[1]][2:] == ["geometric mean 1.10", "PASS"]
    # Merging again replaces the section instead of adding a second one.
    again = run.merge_report(merged, [section], "Merged again.")
    assert again.count("## Default linear fits to the optimum") == 1
    # A merge line is dropped once every section it names was merged again later, kept otherwise.
    lines = [f"Merged 2026-01-0{k}T00:00:00: section(s) {names} from `x` (...)." for k, names in
             enumerate(["optimum", "linear, optimum", "w1", "w1, linear", "memory"], start=1)]  # fmt: skip
    old = "\n\n".join(["# title", "## Run", "Command: `x`", *lines, "## Targets", old_targets])
    now = "Merged 2026-01-09T00:00:00: section(s) optimum from `y` (...)."
    parts = dict(run._split_report(run.merge_report(old, [section], now))[1])
    assert parts["Run"].split("\n\n") == ["Command: `x`", lines[3], lines[4], now]


def test_machine_summary_names_what_moves_the_timings():
    """The merge line's machine summary: CPU, NumPy's SIMD, versions and BLAS kernel."""
    import sklearn

    harness = _benchmark_module("harness")
    summary = harness.machine_summary()
    assert f"numpy {np.__version__}" in summary and f"scikit-learn {sklearn.__version__}" in summary
    assert "NumPy SIMD " in summary and "BLAS kernel " in summary


@pytest.mark.slow
def test_optimizers_tables(smoke_run):
    """Every optimizer of the registry at batch 1, 32 and 200 in both dtypes, next to Adam's."""
    from sklearn_nn._optimizers import OPTIMIZERS

    report, _ = smoke_run
    fits, steps = _tables(_sections(report)["Optimizers: cost per update"])
    columns, rows = fits
    assert columns == ["optimizer", "batch", "dtype", "updates timed", "s/update", "ratio to adam"]
    assert len(rows) == len(OPTIMIZERS) * 3 * 2
    assert set(_column(fits, "optimizer")) == set(OPTIMIZERS)
    assert {cell.split()[0] for cell in _column(fits, "batch")} == {"1", "32", "200"}
    for row in rows:
        cells = dict(zip(columns, row))
        assert int(cells["updates timed"]) > 0 and float(cells["s/update"]) > 0, row
        if cells["optimizer"] == "adam":
            assert cells["ratio to adam"] == "1.000"
        assert float(cells["ratio to adam"]) > 0
    # updates = n_iter_ x ceil(rows / batch): one epoch of 20 rows at batch 1 makes 20
    settings = _benchmark_module("workloads.settings").make_settings("smoke")
    for row in rows:
        batch = int(row[1].split()[0])
        rows_, epochs = settings.optimizers_rows[batch], settings.optimizers_epochs[batch]
        assert int(row[3]) == epochs * -(-rows_ // batch), row
    assert len(steps[1]) == len(OPTIMIZERS) * 2
    assert all(_is_number(c) and float(c) > 0 for c in _column(steps, "s/step"))


@pytest.mark.slow
def test_inspection_tables(smoke_run):
    """Off and on fits at batch 200 and 32 in both dtypes; the costs are on / off - 1; two targets."""
    report, _ = smoke_run
    cost, off, gauge = _tables(_sections(report)["Inspection: cost of monitor_gradients"])
    assert [(row[0].split()[0], row[1]) for row in cost[1]] == [
        (batch, dtype) for dtype in ("float64", "float32") for batch in ("200", "32")
    ]
    settings = _benchmark_module("workloads.settings").make_settings("smoke")
    for row in cost[1]:
        cells = dict(zip(cost[0], row))
        batch = int(cells["batch"].split()[0])
        rows_, epochs = settings.inspection_rows[batch], settings.inspection_epochs[batch]
        assert int(cells["updates timed"]) == epochs * -(-rows_ // batch), row
        times = [float(cells[f"{k} s/{u}"]) for k in ("off", "on") for u in ("epoch", "update")]
        assert all(np.isfinite(t) and t > 0 for t in times), row
        on_off = float(cells["on s/epoch"]) / float(cells["off s/epoch"])
        assert float(cells["cost % (on / off - 1)"]) == pytest.approx(100 * (on_off - 1), abs=0.15)
        low, high = (float(q) for q in cells["paired quartiles %"].split(" .. "))
        assert low <= float(cells["paired cost %"]) <= high and np.isfinite(low), row
    assert len(off[1]) == 4
    for row in off[1]:
        cells = dict(zip(off[0], row))
        ratio = float(cells["off s/epoch"]) / float(cells["MinimalEpoch s/epoch"])
        assert float(cells["off / MinimalEpoch"]) == pytest.approx(ratio, rel=0.01, abs=0.002)
        assert float(cells["off-path tests ns/update"]) >= 0 and float(cells["tests / off update %"]) >= 0
    # Where the time goes: the calls alone and inside the on fits, per dtype and batch.
    assert [row[:2] for row in gauge[1]] == [
        [dtype, batch] for dtype in ("float64", "float32") for batch in ("200", "32") for _ in range(2)
    ]
    for row in gauge[1]:
        cells = dict(zip(gauge[0], row))
        start, *parts = [float(cells[f"{name} us"]) for name in ("start", "gradient", "moved")]
        assert np.isfinite(start) and start >= 0, row  # Adam's path copies no weights: 0 in the fits
        if cells["measured"].startswith("in the on fits"):
            parts += [float(cells["record us"]), start]
        else:
            assert cells["measured"].startswith("alone") and cells["record us"] == "-"
        assert all(np.isfinite(p) and p >= 0 for p in parts) and parts[0] > 0 and parts[1] > 0, row
        assert float(cells["total us/update"]) == pytest.approx(sum(parts), rel=0.02, abs=0.01)
        assert float(cells["total / off update %"]) > 0
    targets = {row[0]: row for row in _tables(_sections(report)["Targets"])[0][1]}
    for dtype in ("float64", "float32"):
        row = targets[f"monitor_gradients=True, W1 epoch, adam, batch 200, {dtype}"]
        assert row[3] in ("PASS", "FAIL") and re.match(r"paired [-+]\d+\.\d\d% ", row[2]), row
