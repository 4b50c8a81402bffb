"""Shared pieces of the benchmark suite: settings per mode, timing, tables, machine description.

Every section measures its systems in one process, alternating them
(A B C A B C ...) ``repeats`` times, and reports medians, so that slow phases
of the machine hit every system alike and cancel in the ratios.
"""

import gc
import os
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

_T0 = time.perf_counter()


# ----------------------------------------------------------------------
# Settings
# ----------------------------------------------------------------------
@dataclass(frozen=True)
class Settings:
    """Sizes, epochs and repeats of one mode (``full``, ``quick`` or ``smoke``).

    Attributes
    ----------
    mode : str
    repeats : int
        Rounds of alternation per measurement; medians are over them.
    threads : int
        BLAS / OpenMP threads (threadpoolctl) and torch threads for every system.
    w1_train, w1_test : int
        Training and held-out rows of the W1 data set.
    w1_epochs : dict
        Epochs E of a timed fit, keyed by batch size (1, 32, 200, "full").
    w1_rows : dict
        Training rows of the timed fits, keyed by batch size: all ``w1_train``
        rows, or for the slow small batches a subsample (the first rows) whose
        time is scaled to a ``w1_train``-row epoch. A full batch always holds
        every row.
    lin_samples : int
        Rows of the linear-model data set.
    lin_epochs : int
        Epochs of the timed full-batch logistic fits (section linear, part a).
    lin_pairs : int
        Timed (X @ w, X.T @ r) pairs per round of the two-GEMV bound.
    lin_max_epochs : int
        Epoch budget of our first-order solver in the time-to-accuracy part.
    mem_rows : int
        Rows of the memory-section X (100 float64 columns).
    """

    mode: str
    repeats: int
    threads: int
    w1_train: int
    w1_test: int
    w1_epochs: dict = field(hash=False)
    w1_rows: dict = field(hash=False)
    lin_samples: int
    lin_epochs: int
    lin_pairs: int
    lin_max_epochs: int
    mem_rows: int


_MODES = {
    "full": dict(
        repeats=5,
        w1_train=20000,
        w1_test=5000,
        w1_epochs={1: 1, 32: 3, 200: 5, "full": 5},
        w1_rows={1: 4000, 32: 20000, 200: 20000, "full": 20000},
        lin_samples=20000,
        lin_epochs=300,
        lin_pairs=300,
        lin_max_epochs=2000,
        mem_rows=262144,
    ),
    "quick": dict(
        repeats=3,
        w1_train=20000,
        w1_test=5000,
        w1_epochs={1: 1, 32: 1, 200: 1, "full": 1},
        w1_rows={1: 400, 32: 8000, 200: 20000, "full": 20000},
        lin_samples=20000,
        lin_epochs=60,
        lin_pairs=60,
        lin_max_epochs=300,
        mem_rows=26214,
    ),
    "smoke": dict(
        repeats=1,
        w1_train=1000,
        w1_test=500,
        w1_epochs={1: 1, 32: 1, 200: 1, "full": 1},
        w1_rows={1: 40, 32: 1000, 200: 1000, "full": 1000},
        lin_samples=2000,
        lin_epochs=10,
        lin_pairs=10,
        lin_max_epochs=1000,
        mem_rows=2621,
    ),
}


def make_settings(mode, repeats=None, threads=1):
    """The ``Settings`` of ``mode``, with ``repeats`` overridden when given."""
    values = dict(_MODES[mode])
    if repeats is not None:
        values["repeats"] = repeats
    return Settings(mode=mode, threads=threads, **values)


# ----------------------------------------------------------------------
# Progress and timing
# ----------------------------------------------------------------------
def log(message):
    """Print a progress line with the seconds elapsed since the start of the run."""
    print(f"[{time.perf_counter() - _T0:7.1f} s] {message}", flush=True)


def alternate(calls: dict[str, Callable[[], object]], repeats: int) -> dict[str, list]:
    """Call every system in turn, ``repeats`` rounds (A B C A B C ...).

    Returns the list of results of each system, in call order. Before every
    call, outside whatever the call times, the garbage collector runs and then
    freezes the surviving objects (``gc.freeze``), so that no collection
    inside a timed call has to scan the many long-lived objects of the
    imported libraries (a full collection takes a sizeable fraction of a
    second once torch is imported).
    """
    results = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            gc.collect()
            gc.freeze()
            results[name].append(call())
    return results


def timed(function, *args, **kwargs):
    """(seconds, result) of one call."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def median(values):
    return float(statistics.median(values))


@contextmanager
def quiet():
    """Silence the warnings that fixed-epoch fits raise on purpose (ConvergenceWarning, ...)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def import_torch():
    """The torch module, or None when it is not installed."""
    try:
        import torch
    except ImportError:
        return None
    return torch


TORCH_SKIPPED = "torch not installed: column skipped"


# ----------------------------------------------------------------------
# Formatting
# ----------------------------------------------------------------------
def fmt_seconds(seconds):
    """Seconds with 4 significant digits."""
    return f"{seconds:.4g}"


def fmt_ratio(ratio):
    return f"{ratio:.3f}"


def fmt_acc(accuracy):
    return f"{accuracy:.4f}"


def fmt_gap(gap):
    return f"{gap:.2e}"


@dataclass
class Table:
    """A Markdown table with an optional title line and notes under it."""

    columns: list
    rows: list = field(default_factory=list)
    title: str = ""
    notes: list = field(default_factory=list)

    def markdown(self):
        lines = [f"**{self.title}**", ""] if self.title else []
        lines.append("| " + " | ".join(self.columns) + " |")
        lines.append("|" + "|".join("---" for _ in self.columns) + "|")
        lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in self.rows]
        if self.notes:
            lines.append("")
            lines += [f"- {note}" for note in self.notes]
        return "\n".join(lines)


@dataclass
class Target:
    """One row of the targets table: the measured figure and whether it meets the target.

    ``passed`` is None when the figure could not be measured.
    """

    key: str
    measured: str
    passed: bool | None


@dataclass
class Section:
    """A report section: heading, description, tables and the targets it measures."""

    key: str
    title: str
    intro: str
    tables: list = field(default_factory=list)
    targets: list = field(default_factory=list)

    def markdown(self):
        parts = [f"## {self.title}", "", self.intro.strip()]
        parts += ["", *("\n\n".join(t.markdown() for t in self.tables).splitlines())]
        return "\n".join(parts)


def status(passed):
    return {True: "PASS", False: "FAIL", None: "not measured"}[passed]


# ----------------------------------------------------------------------
# Machine description
# ----------------------------------------------------------------------
def _cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _total_ram_gib():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _blas_description():
    from threadpoolctl import threadpool_info

    libs = []
    for info in threadpool_info():
        where = os.path.basename(info.get("filepath", ""))
        extra = ", ".join(
            f"{k} {info[k]}" for k in ("threading_layer", "architecture") if info.get(k) is not None
        )
        version = info.get("version") or ""
        libs.append(
            f"{info['internal_api']} {version} ({where}{', ' + extra if extra else ''}): "
            f"{info['num_threads']} thread(s)"
        )
    return "; ".join(libs) or "none found"


def machine_rows(torch):
    """(item, value) rows describing the machine and the software versions.

    Called inside the run's thread limits, so the BLAS rows show the threads in use.
    """
    import scipy
    import sklearn

    return [
        ("CPU", _cpu_model()),
        ("cores (logical)", str(os.cpu_count())),
        ("RAM", _total_ram_gib()),
        ("OS", platform.platform()),
        ("Python", sys.version.split()[0]),
        ("numpy", np.__version__),
        ("scipy", scipy.__version__),
        ("scikit-learn", sklearn.__version__),
        ("torch", torch.__version__ if torch is not None else "not installed"),
        ("BLAS / OpenMP (threadpoolctl)", _blas_description()),
        ("torch threads", str(torch.get_num_threads()) if torch is not None else "-"),
    ]
