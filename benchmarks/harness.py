"""The harness of the benchmark suite: timing, alternated rounds, tables, targets, machine description.

Every section measures its systems in one process, alternating them
(A B C A B C ...) ``repeats`` times, and reports medians, so that slow phases
of the machine hit every system alike and cancel in the ratios.

Nothing here knows a workload: the data sets, sizes and systems under test are
in ``workloads/``, the NumPy floors in ``floors.py``, and the sections that
combine them in the ``bench_*.py`` modules.
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
from itertools import count

import numpy as np

_T0 = time.perf_counter()


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


def seeded(fit):
    """A call that passes the seeds 0, 1, 2, ... to ``fit`` on successive calls."""
    seeds = count()
    return lambda: fit(seed=next(seeds))


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


def reach(floor, limit):
    """Whether a target ``limit`` is within reach of NumPy code whose least work costs ``floor``."""
    return "out of reach" if floor > limit else "reachable"


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


def _numpy_simd():
    """The SIMD levels NumPy's runtime finds here, of AVX512F, AVX2, NEON and ASIMD.

    They move the timings: NumPy vectorises float64 exp and log on x86 with
    AVX-512 only and runs scalar code otherwise.
    """
    try:
        from numpy._core._multiarray_umath import __cpu_features__ as features
    except ImportError:  # another NumPy layout: say so rather than guess
        return "unknown"
    found = [name for name in ("AVX512F", "AVX2", "NEON", "ASIMD") if features.get(name)]
    return ", ".join(found) or "none of AVX512F, AVX2, NEON, ASIMD"


def machine_summary():
    """One line naming what moves the timings most: CPU, NumPy's SIMD, versions, BLAS kernel."""
    import sklearn
    from threadpoolctl import threadpool_info

    kernels = sorted({i["architecture"] for i in threadpool_info() if i.get("architecture")})
    return (
        f"{_cpu_model()}, NumPy SIMD {_numpy_simd()}, numpy {np.__version__}, scikit-learn "
        f"{sklearn.__version__}, BLAS kernel {'/'.join(kernels) or 'unknown'}"
    )


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
        ("NumPy SIMD (runtime)", _numpy_simd()),
        ("BLAS / OpenMP (threadpoolctl)", _blas_description()),
        ("torch threads", str(torch.get_num_threads()) if torch is not None else "-"),
    ]
