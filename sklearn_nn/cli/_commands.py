"""The subcommands of ``sklearn-nn``: ``compare``, ``train``, ``predict``, ``export`` and ``datasets``.

Each takes the parsed arguments and a ``Reporter``, prints its results on
stdout and returns the exit status; ``COMMANDS`` maps the subcommand names
to them.

The networks are small, so BLAS runs on one thread: more threads are slower
on such matrices, and many times slower when the cores are busy.
``ConvergenceWarning`` is silenced: a model that stops at ``max_iter`` is
scored as it is, and the table shows how good that is.
"""

import os
import sys
import time
import warnings
from contextlib import contextmanager

import numpy as np
import pandas as pd
from sklearn.base import is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils._param_validation import InvalidParameterError
from threadpoolctl import threadpool_limits

from .. import __version__
from .._base import BaseGD
from .._files import atomic_write
from .._solvers import SOLVERS
from .._step_rules import STEP_RULES
from .._training import STOP_REASONS
from ..stream import fit_stream
from ._columns import coerce_numeric
from ._compare import METRICS, check_report_dir, cv_splits, run_comparison, write_report
from ._datasets import (
    DATASETS,
    InputError,
    delimiter_hint,
    export_dataset,
    load_dataset,
    numeric_columns,
    read_csv,
    read_table,
)
from ._interrupt import raise_if_interrupted
from ._model_files import MODEL_FORMAT, check_save_path, load_model, save_model
from ._models import MODELS, build_pipeline, check_model_fits_data, check_params, models_for
from ._parser import parse_params
from ._progress import EpochProgress

__all__ = ["COMMANDS", "compare", "load_model", "predict", "train"]


@contextmanager
def _compute_settings():
    """One BLAS thread, no ConvergenceWarning (scikit-learn passes both on to joblib workers).

    Nor the warning of a fit cut short by Ctrl-C: the command stops and says so.
    """
    with warnings.catch_warnings(), threadpool_limits(limits=1, user_api="blas"):
        warnings.filterwarnings("ignore", category=ConvergenceWarning)
        warnings.filterwarnings("ignore", message="Training interrupted by user", category=UserWarning)
        yield


def _load_data(args):
    if args.csv is None:
        if args.target is not None:
            raise InputError("--target applies to --csv data; the named data sets have their own target")
        if args.task != "auto":
            raise InputError("--task applies to --csv data; the named data sets have a fixed task")
        for option, value in (("--delimiter", args.delimiter), ("--id-column", args.id_column)):
            if value is not None:
                raise InputError(f"{option} applies to --csv data, not to the named data sets")
        return load_dataset(args.dataset or "digits")
    if args.target is None:
        raise InputError("--csv needs --target COLUMN, the column to predict")
    return read_csv(
        args.csv,
        args.target,
        task=None if args.task == "auto" else args.task,
        delimiter=args.delimiter or ",",
        id_column=args.id_column,
    )


def compare(args, reporter):
    """``sklearn-nn compare``: cross-validate the models of the data's task and print the table."""
    if args.report is not None:
        from ..plot import _check_matplotlib

        try:
            _check_matplotlib("--report")
        except ImportError as exc:
            raise InputError(str(exc)) from None
        check_report_dir(args.report)  # before the comparison, not after it
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
        solver = SOLVERS.get(getattr(model, "solver", None))
        unit = f"{solver.unit}s" if solver is not None else "iterations"
        line = f"{unit}: {n_iter}"
        reason = getattr(model, "stop_reason_", None)  # this package's models say why they stopped
        if reason == "max_iter" or (reason is None and n_iter >= getattr(model, "max_iter", np.inf)):
            line += f" (max_iter reached: the model may improve with more {unit})"
        elif reason in STOP_REASONS:
            line += f" (stopped: {STOP_REASONS[reason]})"
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


def train(args, reporter):
    """``sklearn-nn train``: fit one model on the whole data set, print its score, maybe save it."""
    spec = MODELS[args.model]
    params = parse_params(args.param)
    check_params(spec, params)
    try:  # scikit-learn's parameter check, before the data are loaded
        spec.make(False).set_params(**params)._validate_params()
    except InvalidParameterError as exc:
        raise InputError(f"invalid --param value: {exc}") from None
    if args.save is not None:
        check_save_path(args.save)
    data = _load_data(args)
    for line in data.notes:
        reporter.note(line)
    check_model_fits_data(spec, data)
    pipeline = build_pipeline(spec, data, params=params)
    model = pipeline[-1]
    if args.checkpoint is not None:
        _check_checkpointable(spec, model, args.checkpoint)
    with _compute_settings():
        with _fit_progress(reporter, model, f"fitting {spec.name} on {data.describe()}"):
            start = time.perf_counter()
            try:
                if args.checkpoint is None:
                    pipeline.fit(data.X, data.y)
                else:
                    _fit_with_checkpoint(pipeline, data, args.checkpoint, reporter)
            except ValueError as exc:
                raise InputError(f"cannot fit {spec.name} on {data.name}: {exc}") from None
            seconds = time.perf_counter() - start
        raise_if_interrupted(pipeline)  # a half-trained model is neither scored nor saved
        score = pipeline.score(data.X, data.y)
    metric = METRICS[data.task][0].label
    print(f"{spec.label} ({spec.name}) on {data.describe()}")
    print(f"training {metric}: {score:.4f}")
    for line in _fit_summary(pipeline[-1]):
        print(line)
    print(f"fit time: {seconds:.2f} s")
    if args.save is not None:
        bundle = {
            "format": MODEL_FORMAT,
            "sklearn_nn_version": __version__,
            "pipeline": pipeline,
            "model": spec.name,
            "task": data.task,
            "target": data.target,
            "columns": list(data.X.columns),
            "data": data.name,
        }
        save_model(bundle, args.save)
        reporter.note(f"saved to {args.save}")
    else:
        reporter.note("the model was not saved: pass --save FILE to keep it for 'sklearn-nn predict'")
    return 0


def _check_checkpointable(spec, model, path):
    """``--checkpoint`` trains with ``fit_stream``: a model of this package with a stochastic solver."""
    solver = SOLVERS.get(getattr(model, "solver", None))
    rule = getattr(model, "learning_rate", None)
    if not isinstance(model, BaseGD) or solver is None or not solver.stochastic or rule in STEP_RULES:
        raise InputError(
            "--checkpoint trains with sklearn_nn's fit_stream, which needs one of sklearn_nn's models with "
            f"a stochastic solver and a learning-rate schedule; {spec.name} is not one (for logistic or "
            "softmax pass --param solver=adam)"
        )
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"cannot write the checkpoint {path}: no folder {folder}")


def _fit_with_checkpoint(pipeline, data, path, reporter):
    """Fit the preprocessing, then the model with ``fit_stream(checkpoint=path)`` over the transformed rows.

    The rows are one chunk (or several, beyond about 32 MiB) per epoch, for up to
    ``max_iter`` epochs; with ``early_stopping`` the validation rows are split off
    first (stratified for classifiers, seeded by ``random_state``).
    """
    model = pipeline[-1]
    X = pipeline[:-1].fit_transform(data.X, data.y) if len(pipeline) > 1 else data.X
    y, validation = np.asarray(data.y), None
    if model.early_stopping:
        seed = model.random_state if isinstance(model.random_state, int) else 0
        stratify = y if is_classifier(model) and y.ndim == 1 else None
        X, X_val, y, y_val = train_test_split(
            X, y, test_size=model.validation_fraction, random_state=seed, stratify=stratify
        )
        validation = (X_val, y_val)
    resuming = os.path.exists(path)
    classes = np.unique(y) if is_classifier(model) and y.ndim == 1 else None
    fit_stream(model, (X, y), epochs=model.max_iter, classes=classes, validation=validation, checkpoint=path)
    reporter.note(
        f"{'resumed from' if resuming else 'trained with'} the checkpoint {path}, written after every chunk "
        "of rows: the same command resumes from it after a crash"
    )


def _rows_to_predict(args, bundle, reporter):
    """The rows of predict's CSV file as the model's features, and the ``--id-column`` (or None)."""
    id_column, columns, delimiter = args.id_column, bundle.get("columns"), args.delimiter or ","
    frame = read_table(args.csv, delimiter=delimiter, text_columns=[id_column] if id_column else ())
    ids = None
    if id_column is not None:
        if id_column not in frame.columns:
            raise InputError(
                f"--id-column {id_column!r} is not in {args.csv}; its columns are: "
                f"{', '.join(map(str, frame.columns))}{delimiter_hint(frame, delimiter)}"
            )
        ids = frame[id_column]
        if columns is not None and id_column in columns:
            reporter.note(f"the model was trained on --id-column {id_column!r}: it is given to the model too")
        else:
            frame = frame.drop(columns=[id_column])
    target = bundle.get("target")
    if target is not None and target in frame.columns:
        frame = frame.drop(columns=[target])
    if columns is not None:
        missing = [str(c) for c in columns if c not in frame.columns]
        if missing:
            raise InputError(
                f"{args.csv} lacks {len(missing)} column(s) the model was trained on: {', '.join(missing)}"
                + delimiter_hint(frame, delimiter)
            )
        ignored = [str(c) for c in frame.columns if c not in columns]
        if ignored:
            reporter.note(f"ignored columns the model was not trained on: {', '.join(ignored)}")
        frame = frame[columns]
    frame, notes = coerce_numeric(frame, numeric_columns(bundle["pipeline"]))
    for line in notes:
        reporter.note(line)
    return frame, ids


def predict(args, reporter):
    """``sklearn-nn predict``: predict the rows of a CSV file with a saved model."""
    bundle = load_model(args.model, trust_pickle=args.trust_pickle)
    pipeline = bundle["pipeline"]
    if args.proba and not hasattr(pipeline, "predict_proba"):
        raise InputError(
            f"--proba needs a classifier with predict_proba; {args.model} holds a regression model"
        )
    frame, ids = _rows_to_predict(args, bundle, reporter)
    with _compute_settings():
        try:
            output = pd.DataFrame({"prediction": pipeline.predict(frame)})
            if args.proba:
                proba = pipeline.predict_proba(frame)
                for label, column in zip(pipeline.classes_, proba.T):
                    output[f"proba_{label}"] = column
        except ValueError as exc:
            raise InputError(f"cannot predict the rows of {args.csv}: {exc}") from None
    if ids is not None:
        if args.id_column in output.columns:
            raise InputError(f"--id-column {args.id_column!r} has the name of a column of the predictions")
        output.insert(0, args.id_column, ids.to_numpy())
    if args.output is None:
        output.to_csv(sys.stdout, index=False, sep=args.delimiter or ",")
    else:
        try:
            with atomic_write(args.output, "w", encoding="utf-8", newline="") as file:
                output.to_csv(file, index=False, sep=args.delimiter or ",")
        except OSError as exc:
            raise InputError(f"cannot write {args.output}: {exc}") from None
        reporter.note(f"wrote {len(output)} predictions to {args.output}")
    return 0


def _onnx_inputs(bundle):
    """The ONNX inputs of a saved pipeline: one float32 column each where it selects columns by name.

    A ``ColumnTransformer`` first (the pipelines of CSV data) picks its
    columns by name, which skl2onnx maps to inputs of those names; other
    pipelines take one float32 input ``X`` of the training columns, in order.
    """
    from skl2onnx.common.data_types import FloatTensorType
    from sklearn.compose import ColumnTransformer

    pipeline, columns = bundle["pipeline"], bundle.get("columns")
    first = pipeline.steps[0][1] if hasattr(pipeline, "steps") else pipeline
    if columns is not None and isinstance(first, ColumnTransformer):
        return [(str(column), FloatTensorType([None, 1])) for column in columns]
    n_features = len(columns) if columns is not None else pipeline.n_features_in_
    return [("X", FloatTensorType([None, n_features]))]


def export(args, reporter):
    """``sklearn-nn export``: write a saved model (its whole pipeline) as an ONNX file."""
    try:
        from .. import onnx as sklearn_nn_onnx

        sklearn_nn_onnx.register()
    except ImportError as exc:
        raise InputError(str(exc)) from None
    bundle = load_model(args.model, trust_pickle=args.trust_pickle)
    pipeline, inputs = bundle["pipeline"], _onnx_inputs(bundle)
    final = pipeline.steps[-1][1] if hasattr(pipeline, "steps") else pipeline
    options = {id(final): {"zipmap": False}} if is_classifier(final) else None  # a probability tensor
    with _compute_settings():
        try:
            onx = sklearn_nn_onnx.to_onnx(pipeline, initial_types=inputs, options=options)
        except (RuntimeError, ValueError, TypeError, NotImplementedError, KeyError) as exc:
            raise InputError(
                f"cannot export {args.model} to ONNX, skl2onnx cannot convert it ({type(exc).__name__}: "
                f"{exc}); the export converts the pipelines of numeric features, not those that one-hot "
                "encode the text or category columns of a CSV file"
            ) from None
    try:
        with atomic_write(args.onnx, "wb") as file:
            file.write(onx.SerializeToString())
    except OSError as exc:
        raise InputError(f"cannot write {args.onnx}: {exc.strerror or exc}") from None
    shown = inputs[0][0] if len(inputs) == 1 else f"{len(inputs)} float32 columns"
    outputs = ", ".join(output.name for output in onx.graph.output)
    print(f"wrote {args.onnx}: ONNX model of {args.model} (input {shown}; outputs {outputs})")
    return 0


def datasets(args, reporter):
    """``sklearn-nn datasets``: list the named data sets, or ``export`` one as a CSV file."""
    if args.action == "export":
        data = export_dataset(args.name, args.file, target=args.target)
        reporter.note(
            f"wrote {data.describe()} to {args.file}, target column {args.target!r}; read it back with "
            f"--csv {args.file} --target {args.target}"
        )
        return 0
    width = max(map(len, DATASETS))
    for name, (_, task, description) in DATASETS.items():
        print(f"{name.ljust(width)}  {task:<14}  {description}")
    return 0


COMMANDS = {"compare": compare, "train": train, "predict": predict, "export": export, "datasets": datasets}
