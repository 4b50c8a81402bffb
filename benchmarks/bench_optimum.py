"""Section ``optimum``: do the linear models' default fits reach the optimum, and how fast?

Workload (``workloads/optimum.py``): ten rows, each a standardised data set
and one of ``LogisticRegressionGD`` / ``SoftmaxRegressionGD`` with every
default (``alpha=1``, full-batch gradient descent with Barzilai-Borwein steps,
stop when max |grad J| <= ``tol=1e-6``), against scikit-learn's
``LogisticRegression()`` (lbfgs, ``C=1``, default tol) on the same data.

Per row:

- J* is J at the package's L-BFGS fit with ``tol=1e-14, max_iter=20000,
  max_fun=100000``; J is recomputed in float64 from ``coef_`` and
  ``intercept_`` (``objective``), and the reference's ``loss_`` must equal it
  to 1e-10 (the formula's check; the section stops otherwise);
- the check of J*: scikit-learn's ``LogisticRegression(C=1, tol=1e-12,
  max_iter=10000)``, whose binary or softmax J must agree with our J* of the
  same objective to ~1e-9 relative (reported, not asserted). For the
  one-vs-rest rows (``LogisticRegressionGD`` with K > 2 classes) scikit-learn
  minimises the softmax objective, a different function: the row checks our
  softmax J* of the same data instead, and scikit-learn's gap is measured
  against that softmax optimum;
- timed: our default fit and ``LogisticRegression()`` alternate (A B A B ...,
  ``repeats * opt_round_split`` rounds after one untimed warm-up fit each);
  the table reports the median wall times (``fit``, input validation
  included), their ratio, the iterations (ours: ``n_iter_`` / ``n_fun_evals_``,
  scikit-learn: ``n_iter_``), the relative gaps (J - J*) / J* (the largest
  over the timed fits), our ``stop_reason_`` and whether any timed fit raised
  a ConvergenceWarning (recorded, never printed);
- for comparison at equal accuracy (no target): scikit-learn's
  ``LogisticRegression(tol=t, max_iter=10000)`` with the largest t of
  ``SKLEARN_TOLS`` whose gap to its own optimum is at most the gap limit
  (found untimed), timed in the same alternation.

Targets: ``optimum-gap`` (every row's gap <= 1e-6, no ConvergenceWarning),
``optimum-time`` (every ratio <= 3) and ``optimum-geomean`` (the geometric
mean of the ten ratios <= 1.5). One BLAS thread (threadpoolctl, run.py's
``--threads``) for both systems.
"""

import math

import numpy as np
from harness import Section, Table, Target, alternate, fmt_gap, fmt_ratio, fmt_seconds, log, median, quiet
from workloads.optimum import (
    BB_VARIANTS,
    LINKS,
    LOSS_CHECK,
    ROWS,
    SKLEARN_TOLS,
    bb_variant,
    fit_recorded,
    gap_of,
    generated_problems,
    make_datasets,
    objective_of,
    ours_default,
    reference,
    sklearn_at,
    sklearn_default,
    sklearn_reference,
)

from sklearn_nn import SoftmaxRegressionGD

#: The targets: relative gap, per-row time ratio and geometric mean of the ratios.
GAP_LIMIT, TIME_LIMIT, GEOMEAN_LIMIT = 1e-6, 3.0, 1.5
#: A reference that differs from scikit-learn's tight fit by more than this (relative) gets a note.
AGREEMENT = 1e-8


def _objective_name(cls, y):
    if np.unique(y).size == 2:
        return "binary"
    return {"sigmoid": "one-vs-rest", "softmax": "softmax"}[LINKS[cls]]


class _References:
    """J* of every (data set, estimator) and scikit-learn's tight optimum, each fitted once."""

    def __init__(self, datasets):
        self.datasets = datasets
        self._ours, self._sklearn = {}, {}

    def ours(self, name, cls):
        """(J*, reference fit) of our objective; checks the formula against the fit's ``loss_``."""
        if (name, cls) not in self._ours:
            _, X, y = self.datasets[name]
            ref = reference(cls, X, y)
            J = objective_of(ref, X, y, LINKS[cls])
            if abs(J - ref.loss_) > LOSS_CHECK * max(1.0, abs(J)):
                raise AssertionError(
                    f"{name}, {cls.__name__}: J recomputed from coef_/intercept_ = {J!r} but loss_ = "
                    f"{ref.loss_!r}: the benchmark's formula of the objective is wrong"
                )
            self._ours[name, cls] = (J, ref)
        return self._ours[name, cls]

    def sklearn(self, name):
        """scikit-learn's own optimum: its tight fit's binary / softmax J."""
        if name not in self._sklearn:
            _, X, y = self.datasets[name]
            self._sklearn[name] = objective_of(sklearn_reference(X, y), X, y, "softmax")
        return self._sklearn[name]

    def agreement(self, name, cls):
        """(our J* of scikit-learn's objective, relative difference to scikit-learn's tight J)."""
        _, _, y = self.datasets[name]
        same = "softmax" if _objective_name(cls, y) == "one-vs-rest" else None
        J_star, _ = self.ours(name, SoftmaxRegressionGD if same else cls)
        return J_star, (self.sklearn(name) - J_star) / J_star


def _sklearn_tol_at_gap(X, y, J_star):
    """The largest tol of ``SKLEARN_TOLS`` whose scikit-learn fit is within the gap limit (untimed)."""
    for tol in SKLEARN_TOLS:
        est, _ = fit_recorded(sklearn_at(tol), X, y)[1:]
        if gap_of(est, X, y, "softmax", J_star) <= GAP_LIMIT:
            return tol
    return SKLEARN_TOLS[-1]


def _time_row(cls, X, y, rounds, sklearn_tol):
    """Alternated timed fits of ours and scikit-learn's (default, and at the gap of ours); warm-ups first."""
    calls = {
        "ours": lambda: fit_recorded(ours_default(cls), X, y),
        "sklearn": lambda: fit_recorded(sklearn_default(), X, y),
        "sklearn_gap": lambda: fit_recorded(sklearn_at(sklearn_tol), X, y),
    }
    for call in calls.values():
        call()
    return alternate(calls, rounds)


def _gap(results, X, y, link, J_star):
    """The largest relative gap (J - J*) / J* over the fits of ``results``."""
    return max(gap_of(est, X, y, link, J_star) for _, est, _ in results)


def _reference_table(references):
    table = Table(
        [
            "data",
            "estimator",
            "objective",
            "J* (ours, L-BFGS)",
            "L-BFGS iterations",
            "abs(J - loss_)",
            "scikit-learn tight J",
            "sklearn - ours, relative",
        ],
        title="References: J* from the package's L-BFGS (tol=1e-14), checked against scikit-learn's "
        "LogisticRegression(C=1, tol=1e-12, max_iter=10000)",
    )
    worst = 0.0
    for name, cls in ROWS:
        label, _, y = references.datasets[name]
        J_star, ref = references.ours(name, cls)
        _, relative = references.agreement(name, cls)
        worst = max(worst, abs(relative))
        objective = _objective_name(cls, y)
        table.rows.append(
            [
                label,
                cls.__name__,
                objective,
                f"{J_star:.12f}",
                int(np.max(ref.n_iter_)),
                f"{abs(J_star - ref.loss_):.1e}",
                f"{references.sklearn(name):.12f}",
                f"{relative:.1e}" + (" (vs our softmax J*)" if objective == "one-vs-rest" else ""),
            ]
        )
    table.notes += [
        "J is recomputed in float64 from `coef_` and `intercept_` (formulas in `workloads/optimum.py`); "
        f"abs(J - loss_) at the reference fit must be <= {LOSS_CHECK:g} x max(1, J) or the section stops.",
        "scikit-learn's objective divided by C n is our binary or softmax J. For the one-vs-rest rows it "
        "minimises the softmax objective, so the last column compares it with our SoftmaxRegressionGD "
        "L-BFGS optimum of the same data, the optimum that scikit-learn's gap is measured against.",
    ]
    if worst > AGREEMENT:
        table.notes.append(
            f"**A reference differs from scikit-learn's by {worst:.1e} relative, more than {AGREEMENT:g}**: "
            "gaps below that are not resolved."
        )
    return table, worst


def _main_table(settings, rows_out, rounds):
    table = Table(
        [
            "data",
            "estimator",
            "ours s",
            "sklearn s",
            "ratio ours / sklearn",
            "ours iterations / evaluations",
            "sklearn iterations",
            "ours gap",
            "sklearn gap",
            "ours stop_reason_",
            "ConvergenceWarning ours / sklearn",
            "sklearn at gap <= 1e-6: tol / iterations / s",
            "ours / sklearn at that gap",
        ],
        title="Default fits: relative gap (J - J*) / J* and wall time against scikit-learn's "
        "LogisticRegression()",
    )
    for row in rows_out:
        table.rows.append(
            [
                row["label"],
                row["estimator"],
                fmt_seconds(row["ours_s"]),
                fmt_seconds(row["sklearn_s"]),
                fmt_ratio(row["ratio"]),
                f"{row['n_iter']} / {row['n_fun_evals']}",
                row["sklearn_iter"],
                fmt_gap(row["gap"]),
                fmt_gap(row["sklearn_gap"]),
                row["stop_reason"],
                f"{'yes' if row['warned'] else 'no'} / {'yes' if row['sklearn_warned'] else 'no'}",
                f"{row['sklearn_tol']:g} / {row['sklearn_gap_iter']} / {fmt_seconds(row['sklearn_gap_s'])}",
                fmt_ratio(row["ratio_at_gap"]),
            ]
        )
    geomean = math.exp(np.mean([math.log(row["ratio"]) for row in rows_out]))
    at_gap = math.exp(np.mean([math.log(row["ratio_at_gap"]) for row in rows_out]))
    table.rows.append(
        ["geometric mean of the ratios", "", "", "", fmt_ratio(geomean), *[""] * 7, fmt_ratio(at_gap)]
    )
    table.notes += [
        f"Medians of {rounds} alternated fits per system and row (wall time of `fit`, input validation "
        f"included), after one untimed warm-up fit each; {settings.threads} BLAS thread(s).",
        "Gaps: (J - J*) / J*, the largest over the timed fits. Ours against the J* of its own objective "
        "(table below); scikit-learn's against scikit-learn's own optimum: the same J* for the binary and "
        "softmax rows, the softmax optimum of the same data for the one-vs-rest (LogisticRegressionGD, "
        "K > 2) rows.",
        "Our default fits start from zero weights on the full batch, so they are deterministic: "
        "iterations, evaluations and stop_reason_ are those of every timed fit.",
        "ConvergenceWarning: raised by any timed fit (warnings recorded with "
        "`warnings.catch_warnings(record=True)` around both systems' fits).",
        f"The last two columns compare at equal accuracy (no target): scikit-learn's "
        f"`LogisticRegression(tol=t, max_iter=10000)` with the largest t of {SKLEARN_TOLS} that reaches "
        f"a gap <= {GAP_LIMIT:g} to its own optimum, timed in the same alternation; its default tol=1e-4 "
        "stops at the gaps of the 'sklearn gap' column.",
    ]
    return table, geomean


def _variants_table(settings, references):
    """Iterations of the default fits under each of ``BB_VARIANTS``: the ten rows, the generated problems."""
    problems = generated_problems(settings.opt_generated)
    stars = {
        (k, cls): objective_of(reference(cls, X, y), X, y, LINKS[cls])
        for k, (X, y) in enumerate(problems)
        for cls in LINKS
    }
    columns = {}
    for variant, per_unit, short_memory in BB_VARIANTS:
        with bb_variant(per_unit, short_memory), quiet():
            cells, worst = [], 0.0
            for name, cls in ROWS:
                _, X, y = references.datasets[name]
                est = ours_default(cls).fit(X, y)
                J_star, _ = references.ours(name, cls)
                worst = max(worst, gap_of(est, X, y, LINKS[cls], J_star))
                cells.append(int(est.n_iter_))
            cells.append(fmt_gap(worst))
            worst = 0.0
            for cls in LINKS:
                total = 0
                for k, (X, y) in enumerate(problems):
                    est = ours_default(cls).fit(X, y)
                    worst = max(worst, gap_of(est, X, y, LINKS[cls], stars[k, cls]))
                    total += int(est.n_iter_)
                cells.append(total)
            cells.append(fmt_gap(worst))
        columns[variant] = cells
    table = Table(
        ["data", "estimator", *columns],
        title="Iterations of the default fits under each Barzilai-Borwein variant (no target)",
    )
    labels = [(references.datasets[name][0], cls.__name__) for name, cls in ROWS]
    labels.append(("worst gap (J - J*) / J* of the ten rows", ""))
    labels += [(f"{len(problems)} generated problems, iterations in all", cls.__name__) for cls in LINKS]
    labels.append((f"worst gap (J - J*) / J* of the {len(problems)} generated problems", "both"))
    for k, (label, estimator) in enumerate(labels):
        table.rows.append([label, estimator, *(cells[k] for cells in columns.values())])
    table.notes += [
        "The default (first column) takes one step length per output unit where J splits by unit "
        "(LogisticRegressionGD with K > 2 classes: one-vs-rest) and, J being convex and smooth, ABBmin's "
        "short step: the smallest BB2 of the last 3 iterations. The other columns switch these off "
        "(`BarzilaiBorwein.per_unit`, `BarzilaiBorwein.short_memory`); the shared length is the same "
        "for SoftmaxRegressionGD and the binary rows, where the softmax or the single unit leaves one "
        "length anyway.",
        "Generated problems: `workloads.optimum.generated_problems` (standardised `make_classification`, "
        "seeds 0 to N - 1: 300 to 3000 rows, 5 to 60 features, 3 to 8 classes, class separation 0.5 to "
        f"2, X scaled by 1 or 3), the default tol={ours_default(SoftmaxRegressionGD).tol:g}; iteration "
        "counts of one untimed fit each, gaps against J* of the package's tight L-BFGS fit (as for the ten "
        "rows).",
    ]
    return table


def _targets(rows_out, geomean, worst_agreement):
    worst = max(rows_out, key=lambda r: r["gap"])
    warned = [r for r in rows_out if r["warned"]]
    over_gap = [r for r in rows_out if r["gap"] > GAP_LIMIT]
    measured = f"worst gap {worst['gap']:.2e} ({worst['name']}, {worst['estimator']})"
    if over_gap:
        measured += f"; {len(over_gap)} row(s) above {GAP_LIMIT:g}"
    measured += "; " + (
        f"ConvergenceWarning in {', '.join(r['name'] + ' ' + r['estimator'] for r in warned)}"
        if warned
        else "no ConvergenceWarning"
    )
    measured += f"; J* agrees with scikit-learn's to {worst_agreement:.1e}"
    gap = Target("optimum-gap", measured, not over_gap and not warned)
    slowest = max(rows_out, key=lambda r: r["ratio"])
    over = [r for r in rows_out if r["ratio"] > TIME_LIMIT]
    measured = f"worst ratio {slowest['ratio']:.2f} ({slowest['name']}, {slowest['estimator']})"
    if over:
        measured += f"; {len(over)} of {len(rows_out)} rows above {TIME_LIMIT:g}: " + ", ".join(
            f"{r['name']} {r['estimator']} {r['ratio']:.2f}" for r in over
        )
    time = Target("optimum-time", measured, not over)
    mean = Target("optimum-geomean", f"geometric mean {geomean:.2f}", geomean <= GEOMEAN_LIMIT)
    return [gap, time, mean]


def run_optimum(settings):
    """Section optimum: the references, then the alternated default fits of every row."""
    datasets = make_datasets(settings.opt_samples)
    references = _References(datasets)
    rounds = settings.repeats * settings.opt_round_split
    reference_table, worst_agreement = _reference_table(references)
    log(f"optimum: references done, J* agrees with scikit-learn's to {worst_agreement:.1e}")
    rows_out = []
    for name, cls in ROWS:
        label, X, y = datasets[name]
        J_star, _ = references.ours(name, cls)
        sklearn_tol = _sklearn_tol_at_gap(X, y, references.sklearn(name))
        out = _time_row(cls, X, y, rounds, sklearn_tol)
        ours, sk, sk_gap = out["ours"][-1][1], out["sklearn"][-1][1], out["sklearn_gap"][-1][1]
        row = dict(
            name=name,
            label=label,
            estimator=cls.__name__,
            ours_s=median([s for s, _, _ in out["ours"]]),
            sklearn_s=median([s for s, _, _ in out["sklearn"]]),
            n_iter=int(np.max(ours.n_iter_)),
            n_fun_evals=int(ours.n_fun_evals_),
            sklearn_iter=int(np.max(sk.n_iter_)),
            gap=_gap(out["ours"], X, y, LINKS[cls], J_star),
            sklearn_gap=_gap(out["sklearn"], X, y, "softmax", references.sklearn(name)),
            stop_reason=ours.stop_reason_,
            warned=any(w for _, _, w in out["ours"]),
            sklearn_warned=any(w for _, _, w in out["sklearn"]),
            sklearn_tol=sklearn_tol,
            sklearn_gap_iter=int(np.max(sk_gap.n_iter_)),
            sklearn_gap_s=median([s for s, _, _ in out["sklearn_gap"]]),
        )
        row["ratio"] = row["ours_s"] / row["sklearn_s"]
        row["ratio_at_gap"] = row["ours_s"] / row["sklearn_gap_s"]
        rows_out.append(row)
        log(
            f"optimum {name} {cls.__name__}: {row['ours_s']:.4g} s vs {row['sklearn_s']:.4g} s "
            f"(ratio {row['ratio']:.2f}), gap {row['gap']:.2e}, {row['n_iter']} iterations"
        )
    main_table, geomean = _main_table(settings, rows_out, rounds)
    return Section(
        "optimum",
        "Default linear fits to the optimum",
        "Ten default fits of `LogisticRegressionGD()` / `SoftmaxRegressionGD()` (alpha=1, full-batch "
        "gradient descent with Barzilai-Borwein steps, stop when max |grad J| <= tol=1e-6) on standardised "
        "data (`StandardScaler`), against scikit-learn's `LogisticRegression()` (lbfgs, C=1, default tol) on "
        "the same data: `load_breast_cancer`, `load_wine`, `load_iris`, `load_digits`, "
        f"`make_classification(n_samples={settings.opt_samples['binary']}, n_features=100, random_state=0)` "
        f"and `make_classification(n_samples={settings.opt_samples['5-class']}, n_features=50, "
        "n_informative=10, n_classes=5, random_state=0)`. J = mean log loss + alpha/(2n) ||W||^2 (binary: "
        "sigmoid; SoftmaxRegressionGD: multinomial; LogisticRegressionGD with K > 2 classes: the sum of "
        "the K one-vs-rest sigmoid losses), recomputed in float64 from `coef_` and `intercept_`. "
        f"Both systems run with {settings.threads} BLAS / OpenMP thread(s) (threadpoolctl, `--threads`). "
        f"Targets: every gap <= {GAP_LIMIT:g} without ConvergenceWarning, every time ratio <= "
        f"{TIME_LIMIT:g}, geometric mean of the ratios <= {GEOMEAN_LIMIT:g}.",
        [main_table, reference_table, _variants_table(settings, references)],
        _targets(rows_out, geomean, worst_agreement),
    )
