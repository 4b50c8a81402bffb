"""Section ``memory``: extra peak memory of one MLP epoch, each measurement in a fresh process.

Workload (``workloads/memory.py``): X of ``mem_rows`` x 100 float64 (210 MB
in the full run) and its labels, saved to a temporary directory; a one-epoch
MLP fit (adam, batch 200, hidden (256, 128)).

For ours (``MLPClassifierScratch``) and scikit-learn's ``MLPClassifier``, with
``early_stopping=False`` and ``True``, a fresh subprocess
(``run.py --memory-child``; the four run side by side, each measuring only
itself): ``np.load`` X and y, fit a tiny warm-up model
(256 other rows, so that lazily imported code is loaded), take the baseline,
fit one epoch, read the peak. Extra = peak - baseline, reported in MiB
and as a fraction of the size of X.

Baseline and peak: on Linux the peak RSS (VmHWM) is reset to the current RSS
just before the fit (``/proc/self/clear_refs``), baseline = VmRSS then, peak =
VmHWM after the fit. ``resource.getrusage(RUSAGE_SELF).ru_maxrss`` cannot be
used as is: a child started by ``subprocess`` begins as a copy of its parent's
address space, and its ``ru_maxrss`` already holds the parent's memory at
``exec`` (the whole benchmark process), far above the child's own baseline, so
a fit's peak below it would read as zero. Where the reset is unavailable the
child falls back to ``ru_maxrss`` before and after the fit.
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from harness import Section, Table, Target, log
from workloads.memory import (
    N_CLASSES,
    N_FEATURES,
    SYSTEMS,
    WARM_UP_ROWS,
    estimator_class,
    fit_params,
    load_data,
    make_data,
)

RUN_PY = Path(__file__).with_name("run.py")


def _status_kib(field):
    """A ``/proc/self/status`` field in KiB (VmRSS, VmHWM), or None where there is none."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return None


def _reset_peak():
    """Reset the process's peak RSS (VmHWM) to its current RSS; False where Linux does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return _status_kib("VmHWM") is not None


def child(system, early_stopping, directory, threads):
    """Body of ``run.py --memory-child``: print a JSON line with the baseline and peak memory (KiB).

    The peak is VmHWM after resetting it to the current RSS just before the
    fit (``/proc/self/clear_refs``): ``ru_maxrss`` of a child started by
    ``subprocess`` also holds the memory of its parent at ``exec`` (the child
    starts as a copy of the parent's address space), which can hide the fit's
    peak. Without that interface, ``ru_maxrss`` is used.
    """
    import gc
    import resource
    import warnings

    from threadpoolctl import threadpool_limits

    warnings.simplefilter("ignore")
    cls = estimator_class(system)
    import scipy.linalg  # noqa: F401  (load every BLAS library before limiting its threads)

    threadpool_limits(threads)
    X, y = load_data(directory)
    params = fit_params(early_stopping)
    rng = np.random.default_rng(1)
    warm_X = rng.standard_normal((WARM_UP_ROWS, N_FEATURES))
    cls(**params).fit(warm_X, np.arange(WARM_UP_ROWS) % N_CLASSES)
    del warm_X
    gc.collect()
    maxrss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    if _reset_peak():
        method, baseline = "VmHWM", _status_kib("VmRSS")
    else:
        method, baseline = "ru_maxrss", maxrss_before
    cls(**params).fit(X, y)
    maxrss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = _status_kib("VmHWM") if method == "VmHWM" else maxrss_after
    result = dict(method=method, baseline_kib=baseline, peak_kib=peak)
    result.update(maxrss_before_kib=maxrss_before, maxrss_after_kib=maxrss_after)
    print(json.dumps(result))


def _start(system, early_stopping, directory, threads):
    """Start one ``run.py --memory-child`` process."""
    command = [
        sys.executable,
        str(RUN_PY),
        "--memory-child",
        system,
        "--memory-early-stopping",
        str(int(early_stopping)),
        "--memory-data",
        str(directory),
        "--threads",
        str(threads),
    ]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _result(process, name):
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"memory child {name} failed:\n{stderr}")
    return json.loads(stdout.strip().splitlines()[-1])


MIB = 2.0**20


def _measure(settings, table):
    """Run the four children side by side; add their rows to ``table``.

    Returns the size of X in bytes, {(system, early_stopping): extra / X}, the
    set of peak methods the children used, and their ``ru_maxrss`` before the
    fit (MiB).
    """
    fractions, methods, maxrss = {}, set(), []
    with tempfile.TemporaryDirectory(prefix="sklearn_nn_mem_") as directory:
        x_bytes = make_data(directory, settings.mem_rows)
        cases = [(system, es) for es in (False, True) for system in SYSTEMS]
        # The children run side by side: each measures only its own memory.
        processes = {case: _start(*case, directory, settings.threads) for case in cases}
        for system, early_stopping in cases:
            m = _result(processes[system, early_stopping], f"{system} early_stopping={early_stopping}")
            extra = (m["peak_kib"] - m["baseline_kib"]) * 1024
            methods.add(m["method"])
            maxrss.append(m["maxrss_before_kib"] * 1024 / MIB)
            fractions[system, early_stopping] = extra / x_bytes
            table.rows.append(
                [
                    system,
                    str(early_stopping),
                    f"{x_bytes / MIB:.1f}",
                    f"{m['baseline_kib'] * 1024 / MIB:.1f}",
                    f"{m['peak_kib'] * 1024 / MIB:.1f}",
                    f"{extra / MIB:.1f}",
                    f"{extra / x_bytes:.3f}",
                ]
            )
            log(f"memory {system} early_stopping={early_stopping}: extra {extra / MIB:.1f} MiB")
    return x_bytes, fractions, methods, maxrss


def _notes(settings, x_bytes, methods, maxrss):
    """The notes under the memory table: how baseline and peak were read, and the mode's X."""
    if methods == {"VmHWM"}:
        notes = [
            "Baseline = RSS after loading X and the warm-up fit; peak = VmHWM (/proc/self/status), reset "
            "to the current RSS just before the fit through /proc/self/clear_refs. `ru_maxrss` is not "
            "used: in a child started by `subprocess` it already held "
            + (f"{maxrss[0]:.0f}" if min(maxrss) == max(maxrss) else f"{min(maxrss):.0f}-{max(maxrss):.0f}")
            + " MiB before the fit, the parent's memory at exec."
        ]
    else:
        notes = ["Baseline and peak: ru_maxrss before and after the fit (VmHWM reset unavailable)."]
    notes.append(
        "Peak RSS counts the whole process: for X of a few MB the "
        "fixed costs of a fit (weights, optimizer state, batch buffers) dominate the fraction."
    )
    if settings.mode != "full":
        notes.append(f"{settings.mode} mode: X is {x_bytes / 1e6:.1f} MB instead of 210 MB (262144 rows).")
    return notes


def run_memory(settings):
    """Section memory: one fresh process per (system, early_stopping)."""
    table = Table(
        ["system", "early_stopping", "X MiB", "baseline MiB", "peak MiB", "extra MiB", "extra / X"],
        title=f"Extra peak memory of a one-epoch fit, X = {settings.mem_rows} x {N_FEATURES} float64",
    )
    x_bytes, fractions, methods, maxrss = _measure(settings, table)
    table.notes += _notes(settings, x_bytes, methods, maxrss)
    intro = (
        "Peak resident memory added by fitting one epoch (adam, batch 200, hidden (256, 128)), "
        "measured in a fresh process per row (peak RSS over the fit minus the RSS after loading X "
        "and a warm-up fit)."
    )
    no_es, es = fractions["ours", False], fractions["ours", True]
    target = Target(
        "memory",
        f"ours {no_es:.3f} x X without early stopping, {es:.3f} x X with it",
        no_es <= 0.10 and es <= 0.25,
    )
    return Section("memory", "Memory", intro, [table], [target])
