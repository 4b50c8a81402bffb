"""Reproducible benchmarks of sklearn_nn against scikit-learn and PyTorch CPU.

Usage::

    python benchmarks/run.py            # full run, writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick    # reduced sizes, epochs and repeats (under 2 minutes on 2 cores)
    python benchmarks/run.py --smoke    # tiny sizes, seconds; report to a temporary file
    python benchmarks/run.py --only w1,gflops --threads 1 --repeats 5 --output PATH
    python benchmarks/run.py --only optimum --merge   # rerun one section into the existing report

Method: every section measures its systems in one process, alternating them
(A B C A B C ...) ``--repeats`` times, and reports medians and ratios, so that
slow phases of the machine hit every system alike. BLAS / OpenMP threads
(threadpoolctl) and torch threads are set to ``--threads`` (default 1) for
every system: on these small shapes multi-threaded BLAS is erratic on a
machine with few cores shared with other work.

Sections (details and formulas in each module's docstring):

- ``w1`` (bench_mlp): s/epoch and held-out accuracy of an MLP (256, 128) on a
  20000 x 100, 10-class ``make_classification``, for adam / plain sgd, batch
  1 / 32 / 200 / full, float64 / float32: scikit-learn, ours, PyTorch; and the
  limits table, the least NumPy work of each targeted epoch.
- ``gflops`` (bench_gflops): our achieved GFLOP/s at batch 200, 32 and full,
  FLOP = 6 rows n_weights - 2 rows 100 256, against a loop of exactly the
  same GEMMs.
- ``linear`` (bench_linear): full-batch logistic epoch against one X @ w plus
  one X.T @ r; time for each solver to reach J - J* <= 1e-4.
- ``memory`` (bench_memory): extra peak RSS of a one-epoch MLP fit on a
  210 MB X, each in a fresh process, with and without early stopping.
- ``optimum`` (bench_optimum): ten default fits of the linear models against
  scikit-learn's ``LogisticRegression()``: relative gap to J* (the package's
  tight L-BFGS, checked against scikit-learn's), ConvergenceWarnings, wall
  time ratios and their geometric mean.
- ``optimizers`` (bench_optimizers): seconds per update of the W1 fit with
  every optimizer of ``sklearn_nn._optimizers.OPTIMIZERS`` at batch 1, 32
  and 200, float64 / float32, and the ratio to Adam's; each rule's update
  step alone. Informational: no target.
- ``inspection`` (bench_inspection): the cost of ``monitor_gradients=True``
  in the W1 fit (adam) at batch 200 and 32, float64 / float32, on / off - 1
  of alternated fits; the off fit against ``MinimalEpoch``, the off path's
  two tests per update, and the ``GradientNorms`` calls alone.

Modules:

- ``harness.py``: progress and timing, alternated rounds, tables, report
  sections, targets and their status, the machine description;
- ``workloads/``: the sizes of every mode (``settings.py``) and, per section,
  the data sets, shapes and systems under test (``w1.py``, ``linear.py``,
  ``memory.py``, ``optimum.py``, ``optimizers.py``, ``inspection.py``);
- ``floors.py``: the least NumPy work of each workload (``MinimalEpoch``, the
  GEMM loop, the two-GEMV bound, the least logistic epoch, the update
  step alone and the gradient monitor's calls alone), with every call into
  the package's internals that the floors make;
- ``bench_mlp.py``, ``bench_gflops.py``, ``bench_linear.py``,
  ``bench_memory.py``, ``bench_optimum.py``, ``bench_optimizers.py``,
  ``bench_inspection.py``: the sections, which combine the three into
  tables and targets;
- ``run.py`` (this script): the command line, the thread limits, the targets
  table and the report.

The report starts with the date, the machine, the command and a table of
targets with PASS / FAIL, then one table per section; the same tables are
printed as they are produced. With ``--merge`` the report is not rewritten:
the sections run replace their namesakes in the existing one (or follow its
last section), their targets replace those rows of its targets table, and its
Run part gets a line with the date, mode, command and machine (CPU, NumPy's
SIMD level, versions, BLAS kernel) of the merged run, since a merged section may
come from another machine than the rest; an earlier such line goes once every
section it names has been merged again later.
"""

import argparse
import datetime
import re
import shlex
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:  # benchmark the package of this checkout
    sys.path.insert(1, str(ROOT))

from harness import Table, import_torch, log, machine_rows, machine_summary, status  # noqa: E402
from workloads.settings import make_settings  # noqa: E402

SECTIONS = ("w1", "gflops", "linear", "memory", "optimum", "optimizers", "inspection")

# key -> (what, target), in the order of the report's targets table.
TARGETS = {
    "w1_200": ("W1 epoch time, adam, batch 200, float64 and float32", "<= 0.5 x scikit-learn's"),
    "w1_32": ("W1 epoch time, batch 32 (adam and sgd)", "<= 0.5 x scikit-learn's"),
    "w1_1_sgd": ("W1 epoch time, batch 1, sgd without momentum", "<= 0.3 x scikit-learn's"),
    "w1_1_adam": ("W1 epoch time, batch 1, adam", "<= 0.4 x scikit-learn's"),
    "w1_torch": ("W1 batch 200 float32 (adam)", "faster than PyTorch CPU with the same loop"),
    "gflops": ("W1 batch 200, achieved GFLOP/s", ">= 50% of the measured GEMM peak at those shapes"),
    "linear": ("full-batch logistic epoch", "<= 1.5 x the two-GEMV bound"),
    "memory": (
        "extra peak memory of an MLP fit",
        "<= 0.10 x size of X without early stopping, <= 0.25 x with it",
    ),
    "accuracy": (
        "accuracy",
        "ours never below scikit-learn's at equal settings by more than 1 point",
    ),
    "optimum-gap": (
        "default linear fits, relative gap (J - J*) / J* (ten rows)",
        "<= 1e-6 on every row, no ConvergenceWarning",
    ),
    "optimum-time": (
        "default linear fits, wall time (ten rows)",
        "<= 3 x scikit-learn's LogisticRegression() on every row",
    ),
    "optimum-geomean": (
        "default linear fits, wall time (ten rows)",
        "geometric mean of the ratios <= 1.5 x scikit-learn's",
    ),
    "inspection_200_float64": (
        "monitor_gradients=True, W1 epoch, adam, batch 200, float64",
        "costs <= 5% of the epoch time (on / off - 1)",
    ),
    "inspection_200_float32": (
        "monitor_gradients=True, W1 epoch, adam, batch 200, float32",
        "costs <= 5% of the epoch time (on / off - 1)",
    ),
}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="reduced sizes, epochs and repeats (< 2 min)")
    mode.add_argument("--smoke", action="store_true", help="tiny sizes for the test suite (seconds)")
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma list of sections {SECTIONS}")
    parser.add_argument("--threads", type=int, default=1, help="BLAS and torch threads (default 1)")
    parser.add_argument("--repeats", type=int, default=None, help="alternation rounds (default per mode)")
    parser.add_argument(
        "--merge",
        action="store_true",
        help="merge the sections run into the existing report instead of rewriting it",
    )
    parser.add_argument(
        "--output",
        default=None,
        help="report path (default benchmarks/RESULTS.md; with --smoke a temporary file)",
    )
    # Internal: one measurement of the memory section, in a fresh process.
    parser.add_argument("--memory-child", choices=("ours", "sklearn"), help=argparse.SUPPRESS)
    parser.add_argument("--memory-early-stopping", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--memory-data", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(args.only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    if args.threads < 1 or (args.repeats is not None and args.repeats < 1):
        parser.error("--threads and --repeats must be >= 1")
    return args


def targets_table(sections, previous=None):
    """The targets table: every target, with the figure measured by the sections that ran.

    ``previous`` ({(what, target): row}) supplies the rows of the targets not
    measured (``--merge``: those of the existing report).
    """
    measured = {t.key: t for s in sections for t in s.targets}
    table = Table(["what", "target", "measured", "status"])
    for key, (what, target) in TARGETS.items():
        t = measured.get(key)
        if t is None and previous and (what, target) in previous:
            table.rows.append(previous[what, target])
            continue
        figure = t.measured if t else "section not run"
        table.rows.append([what, target, figure, status(t.passed if t else None)])
    return table


def _merged_sections(paragraph):
    """The sections a "Merged ...: section(s) a, b from ..." line names, or None for other text."""
    found = re.match(r"Merged [^ ]+: section\(s\) (.+?) from ", paragraph)
    return {n.strip() for n in found.group(1).split(",")} if found else None


def _current_run_part(body, merged_line):
    """The Run part with ``merged_line`` appended and the merge lines that later ones supersede dropped."""
    paragraphs = [*body.split("\n\n"), merged_line]
    kept, later = [], set()
    for paragraph in reversed(paragraphs):
        names = _merged_sections(paragraph)
        if names is None or not names <= later:
            kept.append(paragraph)
        later |= names or set()
    return "\n\n".join(reversed(kept))


def _split_report(text):
    """(preamble, [(heading, body)]) of a report's '## ' parts, bodies stripped."""
    parts = re.split(r"^## (.+)$", text, flags=re.MULTILINE)
    return parts[0].strip(), [(parts[i].strip(), parts[i + 1].strip()) for i in range(1, len(parts), 2)]


def _table_rows(body):
    """The rows (lists of stripped cells) of the first Markdown table in ``body``."""
    lines = [line for line in body.splitlines() if line.startswith("|")]
    return [[c.strip() for c in line.strip().strip("|").split("|")] for line in lines[2:]]


def merge_report(old, sections, merged_line):
    """``old`` report text with ``sections`` (run now) merged in; see the module docstring.

    A section replaces the part of ``old`` with its title, or follows the
    last part; the targets table keeps the rows of the targets not measured
    now; ``merged_line`` is appended to the Run part, whose earlier merge
    lines are dropped when every section they name was merged again later.
    """
    preamble, parts = _split_report(old)
    previous = {}
    for heading, body in parts:
        if heading == "Targets":
            previous = {(row[0], row[1]): row for row in _table_rows(body) if len(row) == 4}
    new = {s.title: s.markdown().split("\n", 1)[1].strip() for s in sections}
    merged = []
    for heading, body in parts:
        if heading == "Targets":
            body = targets_table(sections, previous).markdown()
        elif heading == "Run":
            body = _current_run_part(body, merged_line)
        merged.append((heading, new.pop(heading, body)))
    merged += [(s.title, new[s.title]) for s in sections if s.title in new]
    return "\n\n".join([preamble, *(f"## {heading}\n\n{body}" for heading, body in merged)]) + "\n"


def header(settings, command, torch, sections_run):
    """Title, date, mode, command and machine description."""
    lines = [
        "# sklearn_nn benchmarks",
        "",
        f"Date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        "",
        "## Machine",
        "",
        Table(["item", "value"], [list(row) for row in machine_rows(torch)]).markdown(),
        "",
        "## Run",
        "",
        f"Command: `{command}`",
        "",
    ]
    if settings.mode != "full":
        lines += [
            f"**{settings.mode} run**: reduced sizes, epochs and repeats ({settings.repeats} per "
            "measurement); indicative only. The reference numbers come from the full run "
            "(`python benchmarks/run.py`).",
            "",
        ]
    lines += [
        f"Sections: {', '.join(sections_run)}. Every section alternates its systems in one process "
        f"(A B C A B C ..., {settings.repeats} rounds) and reports medians.",
        "",
        f"Threads: {settings.threads} BLAS / OpenMP thread(s) (threadpoolctl)"
        + (f" and {settings.threads} torch thread(s)" if torch is not None else "")
        + " for every system (`--threads`). On these small shapes multi-threaded BLAS is erratic on a "
        "machine with few cores shared with other work, so one thread is the default.",
    ]
    return "\n".join(lines)


def section_runners():
    """Import the section modules: {key: function(settings, torch) -> Section}.

    Importing them loads scikit-learn and SciPy, hence every BLAS library;
    ``main`` does it before setting the thread limits, since threadpoolctl
    only limits the libraries already loaded.
    """
    import scipy.linalg  # noqa: F401  (SciPy's own BLAS, used by sklearn_nn)
    from bench_gflops import run_gflops
    from bench_inspection import run_inspection
    from bench_linear import run_linear
    from bench_memory import run_memory
    from bench_mlp import run_w1
    from bench_optimizers import run_optimizers
    from bench_optimum import run_optimum

    return {
        "w1": run_w1,
        "gflops": lambda settings, torch: run_gflops(settings),
        "linear": lambda settings, torch: run_linear(settings),
        "memory": lambda settings, torch: run_memory(settings),
        "optimum": lambda settings, torch: run_optimum(settings),
        "optimizers": lambda settings, torch: run_optimizers(settings),
        "inspection": lambda settings, torch: run_inspection(settings),
    }


def run_sections(settings, only, torch, runners):
    """Run the selected sections in order; print each section's tables as they are produced."""
    sections = []
    for key in SECTIONS:
        if key not in only:
            continue
        log(f"section {key} ...")
        section = runners[key](settings, torch)
        print("\n" + section.markdown() + "\n", flush=True)
        sections.append(section)
    return sections


def default_output(mode):
    if mode == "smoke":
        return Path(tempfile.mkdtemp(prefix="sklearn_nn_bench_")) / "RESULTS-smoke.md"
    return HERE / "RESULTS.md"


def main(argv=None):
    args = parse_args(argv)
    if args.memory_child:
        from bench_memory import child

        child(args.memory_child, bool(args.memory_early_stopping), args.memory_data, args.threads)
        return 0

    from threadpoolctl import threadpool_limits

    mode = "smoke" if args.smoke else "quick" if args.quick else "full"
    settings = make_settings(mode, args.repeats, args.threads)
    output = Path(args.output) if args.output else default_output(mode)
    command = "python benchmarks/run.py" + "".join(" " + shlex.quote(a) for a in (argv or sys.argv[1:]))
    torch = import_torch()
    if torch is not None:
        torch.set_num_threads(settings.threads)
    runners = section_runners()
    log(f"mode {mode}, sections {args.only}, threads {settings.threads}, repeats {settings.repeats}")
    with threadpool_limits(limits=settings.threads):
        head = header(settings, command, torch, args.only)
        print(head, flush=True)
        sections = run_sections(settings, args.only, torch, runners)
    targets = targets_table(sections)
    print("\n## Targets\n\n" + targets.markdown() + "\n", flush=True)
    if args.merge and output.exists():
        date = datetime.datetime.now().astimezone().isoformat(timespec="seconds")
        line = (
            f"Merged {date}: section(s) {', '.join(args.only)} from `{command}` ({mode} run, "
            f"repeats {settings.repeats}, {settings.threads} thread(s); {machine_summary()}); the rest of "
            "the report is from the run above."
        )
        report = merge_report(output.read_text(encoding="utf-8"), sections, line)
    else:
        report = "\n\n".join([head, "## Targets", targets.markdown(), *(s.markdown() for s in sections)])
        report += "\n"
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(report, encoding="utf-8")
    log(f"report {'merged into' if args.merge else 'written to'} {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
