"""The argument parser of ``sklearn-nn``: its subcommands, their options and their checks.

Every subcommand has a function that adds its arguments; the options shared
by several subcommands (``--quiet``, the data source) are parent parsers.
Errors of the arguments are ``InputError``: ``main`` reports them in one line
with exit status 2.
"""

import argparse
import ast

from .. import __version__
from ._datasets import DATASETS, TASKS, InputError
from ._models import MODELS

PROG = "sklearn-nn"
_SUBCOMMANDS = ("compare", "train", "predict", "export", "datasets")


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


def _delimiter(text):
    """One character; ``tab`` (or ``\\t`` as typed in a shell) is the tab."""
    value = "\t" if text in ("tab", "\\t") else text
    if len(value) != 1 or value in '\n\r"':
        raise argparse.ArgumentTypeError(f"expected one character (or 'tab'), got {text!r}")
    return value


def _input_arguments(what):
    """The parent parser of the options of reading a CSV file: its delimiter and identifier column."""
    parser = _Parser(add_help=False)
    group = parser.add_argument_group("CSV files")
    group.add_argument(
        "--delimiter",
        type=_delimiter,
        metavar="CHAR",
        help="the character between the fields of --csv FILE (default ','; e.g. ';', or 'tab')",
    )
    group.add_argument("--id-column", metavar="COLUMN", help=what)
    return parser


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
    >>> from sklearn_nn.cli._parser import parse_params
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


def _common_arguments(default=False):
    """The parent parser of the options of every subcommand.

    A nested subcommand (``datasets export``) takes ``default=argparse.SUPPRESS``,
    so that its default does not undo a ``-q`` given before its name.
    """
    common = _Parser(add_help=False)
    common.add_argument(
        "-q",
        "--quiet",
        action="store_true",
        default=default,
        help="print only the results and errors (no progress or notes)",
    )
    return common


def _data_arguments():
    """The parent parser of the data options of ``compare`` and ``train``."""
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
    return data


_ID_FOR_FITTING = (
    "a column of --csv FILE that identifies the rows (an ID, a name): it is not a feature, so the "
    "models do not see it"
)
_ID_FOR_PREDICT = (
    "a column of --csv FILE that identifies the rows (an ID, a name): copied, as written, into the "
    "predictions as their first column, and not given to the model"
)


def _add_compare(subcommands, parents):
    compare = subcommands.add_parser(
        "compare",
        parents=parents,
        help="cross-validated comparison table (the default)",
        description="Cross-validate sklearn_nn's estimators next to scikit-learn's and Naive Bayes on "
        "the same folds and print mean ± std of the scores and fit times.",
    )
    compare.add_argument("--cv", type=_folds, metavar="K", help="number of folds (default 5, 3 with --quick)")
    compare.add_argument("--quick", action="store_true", help="3 folds and fewer epochs")
    compare.add_argument("--n-jobs", type=_n_jobs, metavar="N", help="folds fitted in parallel (default 1)")
    compare.add_argument(
        "--report",
        metavar="DIR",
        help="also write the table (Markdown, CSV) and figures (PNG) into the folder DIR (created if "
        "needed; files of the same names in it are replaced); checked before the comparison starts",
    )
    compare.add_argument(
        "--format",
        choices=["table", "markdown", "csv"],
        default="table",
        help="how to print the comparison (default: table; csv has full precision)",
    )


def _add_train(subcommands, parents):
    train = subcommands.add_parser(
        "train",
        parents=parents,
        help="fit one model on a whole data set and save it",
        description="Fit one model in its preprocessing pipeline on the whole data set, print its "
        "training score, and save it as a skops file.",
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
    train.add_argument(
        "--save", metavar="FILE", help="save the fitted model here, a skops file: FILE must end in .skops"
    )
    train.add_argument(
        "--checkpoint",
        metavar="FILE",
        help="train sklearn_nn's model with fit_stream and save the whole training state in FILE after every "
        "chunk of rows (an epoch, for data under about 32 MiB); the same command, run again, resumes from it "
        "and ends as a run that was never interrupted",
    )


def _add_predict(subcommands, parents):
    predict = subcommands.add_parser(
        "predict",
        parents=parents,
        help="predict the rows of a CSV file with a saved model",
        description="Load a model saved by 'sklearn-nn train' and predict the rows of a CSV file. "
        "A skops model file is loaded only if it holds nothing but scikit-learn's and NumPy's standard "
        "types and sklearn_nn's estimators; a pickle (joblib) file of an earlier version only with "
        "--trust-pickle.",
    )
    predict.add_argument("model", metavar="MODEL", help="model file written by 'sklearn-nn train --save'")
    predict.add_argument("--csv", required=True, metavar="FILE", help="rows to predict, with a header row")
    predict.add_argument(
        "--output",
        metavar="FILE",
        help="write the predictions here (default: stdout), delimited by --delimiter like the input",
    )
    predict.add_argument("--proba", action="store_true", help="add the class probabilities")
    _add_trust_pickle(predict)


def _add_trust_pickle(command):
    command.add_argument(
        "--trust-pickle",
        action="store_true",
        help="load MODEL also if it is a pickle (joblib) file, as earlier versions wrote: loading a pickle "
        "runs any code it holds, so only for a file you trust",
    )


def _add_export(subcommands, parents):
    export = subcommands.add_parser(
        "export",
        parents=parents,
        help="write a saved model as an ONNX file",
        description="Convert a model saved by 'sklearn-nn train' (its whole pipeline, preprocessing "
        "included) to ONNX with skl2onnx (the onnx extra) and write it. The graph takes float32 features: "
        "one input X with the columns in the training order, or one input per column when the model "
        "selects columns by name (CSV data). MODEL is loaded as by 'predict': a skops file holding only "
        "standard types and sklearn_nn's estimators, or a pickle with --trust-pickle.",
    )
    export.add_argument("model", metavar="MODEL", help="model file written by 'sklearn-nn train --save'")
    export.add_argument("--onnx", required=True, metavar="FILE", help="the ONNX file to write")
    _add_trust_pickle(export)


def _add_datasets(subcommands, parents):
    datasets = subcommands.add_parser(
        "datasets",
        parents=parents,
        help="list the named data sets, or write one as a CSV file",
        description="The data sets that --dataset names (bundled with scikit-learn or generated with "
        "a fixed seed): list them, or export one as a CSV file with a header row, to read back with "
        "--csv FILE --target COLUMN.",
    )
    actions = datasets.add_subparsers(dest="action", metavar="{list,export}")
    parents = [_common_arguments(default=argparse.SUPPRESS)]
    actions.add_parser("list", parents=parents, help="the names and what they hold (the default)")
    export = actions.add_parser(
        "export",
        parents=parents,
        help="write a data set as a CSV file",
        description="Write a named data set as a CSV file: a header row, the feature columns, and the "
        "target as the last column.",
    )
    export.add_argument("name", choices=list(DATASETS), metavar="NAME", help=", ".join(DATASETS))
    export.add_argument("file", metavar="FILE", help="the CSV file to write (replaced if it exists)")
    export.add_argument(
        "--target",
        default="target",
        metavar="COLUMN",
        help="name of the target column in the file (default: target)",
    )


def build_parser():
    """The argument parser of ``sklearn-nn``.

    The parsed arguments name the subcommand in ``command``; ``main`` runs it.
    """
    parser = _Parser(
        prog=PROG,
        description="Compare, train and apply sklearn_nn's gradient-descent estimators. "
        "Without a subcommand, runs 'compare'.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subcommands = parser.add_subparsers(dest="command", metavar="{" + ",".join(_SUBCOMMANDS) + "}")
    common, data = _common_arguments(), _data_arguments()
    _add_compare(subcommands, [data, _input_arguments(_ID_FOR_FITTING), common])
    _add_train(subcommands, [data, _input_arguments(_ID_FOR_FITTING), common])
    _add_predict(subcommands, [_input_arguments(_ID_FOR_PREDICT), common])
    _add_export(subcommands, [common])
    _add_datasets(subcommands, [common])
    return parser
