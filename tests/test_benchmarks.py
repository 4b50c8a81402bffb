"""The benchmark suite runs end to end in smoke mode and writes a complete report.

Only the structure of the report is checked (sections, tables, numeric cells,
accuracies in [0, 1]); no timing is asserted. The test passes with or without
PyTorch installed: without it the report must say that the column was skipped.
"""

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

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

SECTIONS = ["Machine", "Targets", "W1 epoch time", "GFLOP/s", "Linear models", "Memory"]  # with tables


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
    """Every W1 target gets its floor: the GEMMs and the updates alone, below our time."""
    report, _ = smoke_run
    _, (columns, rows) = _tables(_sections(report)["W1 epoch time"])
    assert len(rows) == 5 * 2  # five targeted (solver, batch) cases x two dtypes
    for row in rows:
        cells = dict(zip(columns, row))
        gemm, update = float(cells["GEMM floor"]), float(cells["update floor"])
        assert gemm > 0 and update >= 0
        assert float(cells["floor / sklearn"]) == pytest.approx(
            (gemm + update) / float(cells["sklearn s/epoch"]), rel=0.02, abs=0.002
        )


@pytest.mark.slow
def test_targets_table(smoke_run):
    report, _ = smoke_run
    columns, rows = _tables(_sections(report)["Targets"])[0]
    assert columns == ["what", "target", "measured", "status"]
    assert len(rows) == 9
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
