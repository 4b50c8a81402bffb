"""The ``sklearn-nn`` command-line tool (also ``python -m sklearn_nn``).

Subcommands:

* ``compare`` (the default): cross-validated comparison of sklearn_nn's
  estimators with scikit-learn's and Naive Bayes on one data set, printed as
  a table; ``--report DIR`` also writes it as Markdown and CSV with figures.
* ``train``: fit one model on a whole data set, print its training score
  and save it with joblib.
* ``predict``: load a saved model and predict the rows of a CSV file.

Results go to stdout; progress and notes to stderr (``--quiet`` silences
them). A problem with the arguments or the data ends the tool with one line
``sklearn-nn: error: ...`` on stderr and exit status 2.

The networks are small, so BLAS runs on one thread: more threads are slower
on such matrices, and many times slower when the cores are busy.
``ConvergenceWarning`` is silenced: a model that stops at ``max_iter`` is
scored as it is, and the table shows how good that is.
"""

import argparse
import ast
import os
import sys
import time
import warnings
from contextlib import contextmanager

import joblib
import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils._param_validation import InvalidParameterError
from threadpoolctl import threadpool_limits

from .. import __version__
from ._compare import METRICS, cv_splits, run_comparison, write_report
from ._datasets import DATASETS, TASKS, InputError, load_dataset, read_csv, read_table
from ._models import MODELS, build_pipeline, check_model_fits_data, check_params, models_for
from ._progress import EpochProgress, Reporter

PROG = "sklearn-nn"
_MODEL_FORMAT = "sklearn-nn model"
_SUBCOMMANDS = ("compare", "train", "predict")


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are ``InputError`` (one line, status 2) instead of usage + exit."""

    def error(self, message):
        raise InputError(message)


def _folds(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer number of folds, got {text!r}") from None
    if value < 2:
        raise argparse.ArgumentTypeError(f"cross-validation needs at least 2 folds, got {value}")
    return value


def _n_jobs(text):
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value == 0:
        raise argparse.ArgumentTypeError("must not be 0 (use 1 for one process, -1 for all cores)")
    return value


def parse_params(items):
    """``KEY=VALUE`` strings as a dict; values are Python literals, or else strings.

    Parameters
    ----------
    items : list of str

    Returns
    -------
    params : dict

    Examples
    --------
    >>> from sklearn_nn.cli._commands import parse_params
    >>> parse_params(["hidden_layer_sizes=(64, 32)", "alpha=1e-3", "solver=adam", "early_stopping=True"])
    {'hidden_layer_sizes': (64, 32), 'alpha': 0.001, 'solver': 'adam', 'early_stopping': True}
    """
    params = {}
    for item in items:
        key, sep, text = item.partition("=")
        key = key.strip()
        if not sep or not key.isidentifier():
            raise InputError(f"--param expects KEY=VALUE with a parameter name as KEY, got {item!r}")
        try:
            params[key] = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            params[key] = text.strip()
    return params


def build_parser():
    """The argument parser of ``sklearn-nn``."""
    parser = _Parser(
        prog=PROG,
        description="Compare, train and apply sklearn_nn's gradient-descent estimators. "
        "Without a subcommand, runs 'compare'.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="{compare,train,predict}")

    common = _Parser(add_help=False)
    common.add_argument(
        "-q", "--quiet", action="store_true", help="print only the results and errors (no progress or notes)"
    )

    data = _Parser(add_help=False)
    source = data.add_argument_group("data").add_mutually_exclusive_group()
    source.add_argument(
        "--dataset",
        choices=list(DATASETS),
        metavar="NAME",
        help="bundled or generated data set (default: digits): "
        + "; ".join(f"{name}: {description}" for name, (_, _, description) in DATASETS.items()),
    )
    source.add_argument("--csv", metavar="FILE", help="your own data: a CSV file with a header row")
    data.add_argument("--target", metavar="COLUMN", help="the target column of --csv")
    data.add_argument(
        "--task",
        choices=["auto", *TASKS],
        default="auto",
        help="task of --csv data (default auto: regression for a numeric target with fractions or "
        "more than 20 distinct values)",
    )

    compare = subcommands.add_parser(
        "compare",
        parents=[data, common],
        help="cross-validated comparison table (the default)",
        description="Cross-validate sklearn_nn's estimators next to scikit-learn's and Naive Bayes on "
        "the same folds and print mean ± std of the scores and fit times.",
    )
    compare.add_argument("--cv", type=_folds, metavar="K", help="number of folds (default 5, 3 with --quick)")
    compare.add_argument("--quick", action="store_true", help="3 folds and fewer epochs")
    compare.add_argument("--n-jobs", type=_n_jobs, metavar="N", help="folds fitted in parallel (default 1)")
    compare.add_argument(
        "--report", metavar="DIR", help="also write the table (Markdown, CSV) and figures (PNG) into DIR"
    )
    compare.add_argument(
        "--format",
        choices=["table", "markdown", "csv"],
        default="table",
        help="how to print the comparison (default: table; csv has full precision)",
    )
    compare.set_defaults(func=_compare)

    train = subcommands.add_parser(
        "train",
        parents=[data, common],
        help="fit one model on a whole data set and save it",
        description="Fit one model in its preprocessing pipeline on the whole data set, print its "
        "training score, and save it with joblib.",
    )
    train.add_argument(
        "--model",
        required=True,
        choices=list(MODELS),
        metavar="NAME",
        help="the model: " + ", ".join(f"{name} ({spec.label})" for name, spec in MODELS.items()),
    )
    train.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="set a parameter of the model, VALUE as a Python literal or a string, e.g. "
        "--param hidden_layer_sizes='(64, 32)' --param solver=adam (repeatable)",
    )
    train.add_argument("--save", metavar="FILE", help="save the fitted model here (joblib)")
    train.set_defaults(func=_train)

    predict = subcommands.add_parser(
        "predict",
        parents=[common],
        help="predict the rows of a CSV file with a saved model",
        description="Load a model saved by 'sklearn-nn train' and predict the rows of a CSV file. "
        "Load only model files you trust: loading runs code stored in them.",
    )
    predict.add_argument("model", metavar="MODEL", help="model file written by 'sklearn-nn train --save'")
    predict.add_argument("--csv", required=True, metavar="FILE", help="rows to predict, with a header row")
    predict.add_argument("--output", metavar="FILE", help="write the predictions here (default: stdout)")
    predict.add_argument("--proba", action="store_true", help="add the class probabilities")
    predict.set_defaults(func=_predict)
    return parser


@contextmanager
def _compute_settings():
    """One BLAS thread and no ConvergenceWarning (scikit-learn passes both on to joblib workers)."""
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        yield


def _load_data(args):
    if args.csv is None:
        if args.target is not None:
            raise InputError("--target applies to --csv data; the named data sets have their own target")
        if args.task != "auto":
            raise InputError("--task applies to --csv data; the named data sets have a fixed task")
        return load_dataset(args.dataset or "digits")
    if args.target is None:
        raise InputError("--csv needs --target COLUMN, the column to predict")
    return read_csv(args.csv, args.target, task=None if args.task == "auto" else args.task)


def _one_line(text):
    return " ".join(str(text).split())


def _compare(args, reporter):
    if args.report is not None:
        from ..plot import _check_matplotlib

        try:
            _check_matplotlib("--report")
        except ImportError as exc:
            raise InputError(str(exc)) from None
    data = _load_data(args)
    for line in data.notes:
        reporter.note(line)
    n_splits = args.cv or (3 if args.quick else 5)
    cv_splits(data, n_splits)  # refuse impossible folds before any progress is drawn
    start = time.perf_counter()
    with _compute_settings():
        n_fits = len(models_for(data)) * n_splits
        with reporter.progress(n_fits, f"cross-validating on {data.name}") as progress:
            comparison = run_comparison(
                data,
                n_splits=n_splits,
                quick=args.quick,
                n_jobs=args.n_jobs,
                keep_pipelines=args.report is not None,
                progress=progress,
            )
        print(comparison.format(args.format), flush=True)
        if args.report is not None:
            with reporter.status(f"writing the report into {args.report}"):
                paths = write_report(comparison, args.report)
            reporter.note(f"report: {', '.join(str(path) for path in paths)}")
    reporter.note(
        f"total time {time.perf_counter() - start:.1f} s. ConvergenceWarning is silenced: models that stop "
        "at max_iter epochs are scored as they are."
    )
    return 0


def _fit_summary(model):
    """Lines on how training went: epochs (or iterations) and the final loss, where the model has them."""
    lines = []
    n_iter = getattr(model, "n_iter_", None)
    if n_iter is not None:
        n_iter = int(np.max(n_iter))
        unit = "epochs" if getattr(model, "solver", None) in ("sgd", "adam") else "iterations"
        line = f"{unit}: {n_iter}"
        if n_iter >= getattr(model, "max_iter", np.inf):
            line += f" (max_iter reached: the model may improve with more {unit})"
        lines.append(line)
    if getattr(model, "loss_", None) is not None:
        lines.append(f"final training loss: {model.loss_:.6g}")
    if getattr(model, "best_epoch_", None) is not None and getattr(model, "early_stopping", False):
        restored = " (its weights restored)" if getattr(model, "restore_best_weights", False) else ""
        lines.append(f"best validation epoch: {model.best_epoch_}{restored}")
    return lines


@contextmanager
def _fit_progress(reporter, model, text):
    """A progress bar over the epochs of one of this package's models, a status line otherwise.

    The bar listens to the fit through scikit-learn's callbacks (1.9 and
    newer); it is removed afterwards, so a saved model carries no callback.
    """
    ours = type(model).__module__.startswith("sklearn_nn.")
    max_iter = getattr(model, "max_iter", None)
    if not (ours and hasattr(model, "set_callbacks") and max_iter):
        with reporter.status(text):
            yield
        return
    with reporter.progress(max_iter, text) as bar:
        model.set_callbacks(EpochProgress(bar))
        try:
            yield
        finally:
            model.set_callbacks()


def _train(args, reporter):
    spec = MODELS[args.model]
    params = parse_params(args.param)
    check_params(spec, params)
    try:  # scikit-learn's parameter check, before the data are loaded
        spec.make(False).set_params(**params)._validate_params()
    except InvalidParameterError as exc:
        raise InputError(f"invalid --param value: {exc}") from None
    data = _load_data(args)
    for line in data.notes:
        reporter.note(line)
    check_model_fits_data(spec, data)
    pipeline = build_pipeline(spec, data, params=params)
    model = pipeline[-1]
    with _compute_settings():
        with _fit_progress(reporter, model, f"fitting {spec.name} on {data.describe()}"):
            start = time.perf_counter()
            try:
                pipeline.fit(data.X, data.y)
            except ValueError as exc:
                raise InputError(f"cannot fit {spec.name} on {data.name}: {exc}") from None
            seconds = time.perf_counter() - start
        score = pipeline.score(data.X, data.y)
    metric = METRICS[data.task][0].label
    print(f"{spec.label} ({spec.name}) on {data.describe()}")
    print(f"training {metric}: {score:.4f}")
    for line in _fit_summary(pipeline[-1]):
        print(line)
    print(f"fit time: {seconds:.2f} s")
    if args.save is not None:
        bundle = {
            "format": _MODEL_FORMAT,
            "sklearn_nn_version": __version__,
            "pipeline": pipeline,
            "model": spec.name,
            "task": data.task,
            "target": data.target,
            "columns": list(data.X.columns),
            "data": data.name,
        }
        try:
            joblib.dump(bundle, args.save)
        except OSError as exc:
            raise InputError(f"cannot save the model to {args.save}: {exc}") from None
        reporter.note(f"saved to {args.save}")
    return 0


def load_model(path):
    """The saved model of ``sklearn-nn train --save`` as a dict.

    A file holding a bare fitted estimator or pipeline is accepted too.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    bundle : dict
        ``"pipeline"`` (the fitted pipeline), ``"columns"`` (the feature
        columns, or None when unknown), ``"target"``, ``"task"``, ``"model"``
        and ``"sklearn_nn_version"``.
    """
    try:
        saved = joblib.load(path)
    except FileNotFoundError:
        raise InputError(f"model file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a model file") from None
    except Exception as exc:  # unpickling can fail in many ways; all mean the same to the user
        raise InputError(
            f"cannot load model file {path} (is it written by '{PROG} train --save'?): "
            f"{type(exc).__name__}: {exc}"
        ) from None
    if isinstance(saved, dict) and saved.get("format") == _MODEL_FORMAT:
        return saved
    if hasattr(saved, "predict"):
        columns = getattr(saved, "feature_names_in_", None)
        return {"pipeline": saved, "columns": None if columns is None else list(columns), "target": None}
    raise InputError(f"{path} does not hold a model saved by '{PROG} train --save'")


def _predict(args, reporter):
    bundle = load_model(args.model)
    pipeline = bundle["pipeline"]
    if args.proba and not hasattr(pipeline, "predict_proba"):
        raise InputError(
            f"--proba needs a classifier with predict_proba; {args.model} holds a regression model"
        )
    frame = read_table(args.csv)
    target, columns = bundle.get("target"), bundle.get("columns")
    if target is not None and target in frame.columns:
        frame = frame.drop(columns=[target])
    if columns is not None:
        missing = [str(c) for c in columns if c not in frame.columns]
        if missing:
            raise InputError(
                f"{args.csv} lacks {len(missing)} column(s) the model was trained on: {', '.join(missing)}"
            )
        ignored = [str(c) for c in frame.columns if c not in columns]
        if ignored:
            reporter.note(f"ignored columns the model was not trained on: {', '.join(ignored)}")
        frame = frame[columns]
    with _compute_settings():
        try:
            output = pd.DataFrame({"prediction": pipeline.predict(frame)})
            if args.proba:
                proba = pipeline.predict_proba(frame)
                for label, column in zip(pipeline.classes_, proba.T):
                    output[f"proba_{label}"] = column
        except ValueError as exc:
            raise InputError(f"cannot predict the rows of {args.csv}: {exc}") from None
    if args.output is None:
        output.to_csv(sys.stdout, index=False)
    else:
        try:
            output.to_csv(args.output, index=False)
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc}") from None
        reporter.note(f"wrote {len(output)} predictions to {args.output}")
    return 0


def main(argv=None):
    """Run the ``sklearn-nn`` command line.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; None reads ``sys.argv``. Without a subcommand the
        arguments go to ``compare``.

    Returns
    -------
    status : int
        0 on success, 2 for a problem with the arguments or the data (after
        one line ``sklearn-nn: error: ...`` on stderr), 130 when interrupted.

    Examples
    --------
    >>> from sklearn_nn.cli import main
    >>> main(["train", "--model", "logistic", "--dataset", "iris", "--quiet"])  # doctest: +ELLIPSIS
    LogisticRegressionGD (logistic) on iris (150 samples, 4 features, 3 classes)
    training accuracy: 0.9...
    0
    >>> main(["train", "--model", "logistic", "--dataset", "iris", "--param", "alpah=1"])
    2
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "compare")
    try:
        args = build_parser().parse_args(argv)
        return args.func(args, Reporter(quiet=args.quiet))
    except InputError as exc:
        print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except SystemExit as exc:  # --help and --version
        return exc.code
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader of stdout went away (e.g. `| head`): stop quietly
        _silence_stdout()
        return 1


def _silence_stdout():
    """Point stdout at the null device, so that Python's final flush of it does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (captured)
        pass
