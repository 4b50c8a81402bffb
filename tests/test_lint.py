"""The repository passes ruff's lint and format checks (settings in pyproject.toml).

The same two commands as for a developer, ``ruff check . && ruff format --check .``,
run from the repository root with the ruff of this Python (``python -m ruff``),
which the ``test`` extra installs. Without ruff the test fails: the lint gate is
part of the suite, it is not skipped.
"""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def ruff(*args):
    if importlib.util.find_spec("ruff") is None:
        pytest.fail(
            f"ruff is not installed for {sys.executable}; the lint gate needs it: "
            'pip install -e ".[test]" (or pip install ruff)'
        )
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_ruff_check():
    result = ruff("check")
    assert result.returncode == 0, (
        "ruff check found problems (ruff check --fix . fixes many of them):\n"
        + result.stdout[-20000:]
        + result.stderr[-5000:]
    )


def test_ruff_format():
    result = ruff("format", "--check")
    assert result.returncode == 0, (
        "ruff format --check: these files need formatting (run ruff format .):\n"
        + result.stdout[-20000:]
        + result.stderr[-5000:]
    )
