"""Data of the command-line tool: bundled or generated data sets, or a CSV file.

Every data set comes as a ``Dataset``: a DataFrame of features with column
names (so a saved model knows the columns it needs), a target Series and the
task. Nothing is downloaded: the named data sets are scikit-learn's bundled
loaders or are generated from a fixed seed.

The preprocessing is part of each model's pipeline, so a saved model applies
it to new data by itself. Bundled data are numeric and complete and are only
standardised. A CSV file can hold anything: its numeric columns are imputed
with the median and standardised, the other columns (text, categories,
booleans) imputed with the most frequent value and one-hot encoded. Before
that, ``read_csv`` leaves out empty columns and identifiers and reads
numeric columns with a few stray entries as numbers (see ``_columns``).

pandas is the ``cli`` extra. This module imports without it, so that the
argument parser (``--help``, ``--version``) works without it too;
``require_pandas`` is the check before any command runs.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

try:
    import pandas as pd
except ImportError:  # without the cli extra: the commands refuse to run (require_pandas)
    pd = None
from sklearn.compose import ColumnTransformer
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_iris,
    load_wine,
    make_circles,
    make_moons,
)
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder, StandardScaler
from sklearn.utils.multiclass import type_of_target

CLASSIFICATION = "classification"
REGRESSION = "regression"
TASKS = (CLASSIFICATION, REGRESSION)

# A numeric CSV target with more distinct values than this is a regression target.
MAX_CLASSES = 20
_N_GENERATED = 500


class InputError(ValueError):
    """A problem with what the user asked for: reported in one line, without a traceback."""


def require_pandas():
    """Raise ``InputError`` naming the ``cli`` extra unless pandas can be imported."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        raise InputError(
            'the command line needs pandas; install it with: pip install "sklearn_nn[cli]"'
        ) from None


def display_value(value):
    """A value as the user wrote it: NumPy scalars as Python values (``'x'``, not ``np.str_('x')``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_nn.cli._datasets import display_value
    >>> repr(display_value(np.str_("x"))), repr(display_value(np.int64(3)))
    ("'x'", '3')
    """
    return value.item() if isinstance(value, np.generic) else value


@dataclass
class Dataset:
    """Features, target and task of one data set.

    Parameters
    ----------
    name : str
        The data set's name, or the CSV file's path.
    X : pandas.DataFrame of shape (n_samples, n_features)
        Features, with column names.
    y : pandas.Series of shape (n_samples,)
        Target; its name is the target column.
    task : {"classification", "regression"}
        What the target asks for.
    from_csv : bool, default=False
        Whether the data came from a CSV file (and so may hold categorical
        columns and missing values).
    notes : list of str
        What was done to the data on the way (for example dropped rows).

    Examples
    --------
    >>> from sklearn_nn.cli._datasets import load_dataset
    >>> data = load_dataset("iris")
    >>> data.describe()
    'iris (150 samples, 4 features, 3 classes)'
    >>> data.task, data.target
    ('classification', 'target')
    """

    name: str
    X: pd.DataFrame
    y: pd.Series
    task: str
    from_csv: bool = False
    notes: list = field(default_factory=list)

    @property
    def target(self):
        """Name of the target column."""
        return self.y.name

    def describe(self):
        """One line: name, samples, features and, for classification, classes."""
        n, p = self.X.shape
        text = f"{self.name} ({n} samples, {p} features"
        if self.task == CLASSIFICATION:
            text += f", {self.y.nunique()} classes"
        return text + ")"


def _bundled(loader):
    def load():
        return loader(return_X_y=True, as_frame=True)

    return load


def _digits_binary():
    """Digits with each pixel thresholded to ink (1, value above 7 of 16) or paper (0)."""
    X, y = load_digits(return_X_y=True, as_frame=True)
    return (X > 7).astype(int), y


def _generated(make):
    def load():
        X, y = make()
        frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
        return frame, pd.Series(y, name="target")

    return load


def _xor():
    """Two standard normal features; the class says whether their signs differ."""
    X = np.random.RandomState(0).normal(size=(_N_GENERATED, 2))
    return X, ((X[:, 0] > 0) ^ (X[:, 1] > 0)).astype(int)


# name -> (loader returning (X DataFrame, y Series), task, one-line description)
DATASETS = {
    "digits": (_bundled(load_digits), CLASSIFICATION, "8x8 images of handwritten digits, 10 classes"),
    "digits-binary": (_digits_binary, CLASSIFICATION, "digits with pixels thresholded to 0/1 (X > 7)"),
    "iris": (_bundled(load_iris), CLASSIFICATION, "iris flowers, 3 classes"),
    "wine": (_bundled(load_wine), CLASSIFICATION, "wine cultivars, 3 classes"),
    "breast_cancer": (_bundled(load_breast_cancer), CLASSIFICATION, "breast cancer diagnosis, 2 classes"),
    "diabetes": (_bundled(load_diabetes), REGRESSION, "diabetes progression, regression"),
    "moons": (
        _generated(lambda: make_moons(n_samples=_N_GENERATED, noise=0.25, random_state=0)),
        CLASSIFICATION,
        f"two interleaving half circles, {_N_GENERATED} points, noise 0.25",
    ),
    "circles": (
        _generated(lambda: make_circles(n_samples=_N_GENERATED, noise=0.1, factor=0.5, random_state=0)),
        CLASSIFICATION,
        f"two concentric circles, {_N_GENERATED} points, noise 0.1",
    ),
    "xor": (
        _generated(_xor),
        CLASSIFICATION,
        f"XOR of the signs of two normal features, {_N_GENERATED} points",
    ),
}


def load_dataset(name):
    """Load a bundled or generated data set by name.

    Parameters
    ----------
    name : str
        One of the keys of ``DATASETS``.

    Returns
    -------
    data : Dataset

    Examples
    --------
    >>> from sklearn_nn.cli._datasets import load_dataset
    >>> data = load_dataset("xor")
    >>> data.X.shape, data.y.value_counts().sort_index().tolist()
    ((500, 2), [260, 240])
    """
    if name not in DATASETS:
        raise InputError(f"unknown data set {name!r}; choose from {', '.join(DATASETS)}")
    load, task, _ = DATASETS[name]
    X, y = load()
    return Dataset(name, X, y.rename("target"), task)


def export_dataset(name, path, *, target="target"):
    """Write a named data set as a CSV file: a header row, the feature columns, then the target.

    The file is what ``--csv FILE --target TARGET`` reads back, with the
    same values (floats are written in their shortest form that reads back
    exactly).

    Parameters
    ----------
    name : str
        One of the keys of ``DATASETS``.
    path : str or path-like
        The CSV file; its folder must exist. An existing file is replaced.
    target : str, default="target"
        Name of the target column in the file.

    Returns
    -------
    data : Dataset
        The data set written.

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> from sklearn_nn.cli._datasets import export_dataset
    >>> path = os.path.join(tempfile.mkdtemp(), "iris.csv")
    >>> _ = export_dataset("iris", path, target="species")
    >>> frame = pd.read_csv(path)
    >>> frame.shape, list(frame.columns[-2:])
    ((150, 5), ['petal width (cm)', 'species'])
    """
    from .._files import atomic_write

    data = load_dataset(name)
    if target in data.X.columns:
        raise InputError(f"--target {target!r} is the name of a feature column of {name}; choose another")
    frame = data.X.assign(**{target: data.y.to_numpy()})
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"cannot write {path}: the folder {folder} does not exist")
    try:
        with atomic_write(path, "w", encoding="utf-8", newline="") as file:
            frame.to_csv(file, index=False)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc}") from None
    return data


def infer_task(y):
    """Classification, unless the target is numeric with fractions or many distinct values.

    Parameters
    ----------
    y : pandas.Series

    Returns
    -------
    task : {"classification", "regression"}

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_nn.cli._datasets import infer_task
    >>> infer_task(pd.Series(["cat", "dog", "cat"])), infer_task(pd.Series([0.5, 1.25, 2.0]))
    ('classification', 'regression')
    """
    if not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y):
        return CLASSIFICATION
    if type_of_target(y.to_numpy()) == "continuous" or y.nunique() > MAX_CLASSES:
        return REGRESSION
    return CLASSIFICATION


def _check_task(y, task):
    """Refuse a task the target cannot have."""
    if task == REGRESSION and (not pd.api.types.is_numeric_dtype(y) or pd.api.types.is_bool_dtype(y)):
        raise InputError(f"target column {y.name!r} is not numeric, so it cannot be a regression target")
    if task == CLASSIFICATION and type_of_target(y.to_numpy()) == "continuous":
        raise InputError(
            f"target column {y.name!r} has non-integer values, so it cannot hold class labels; "
            "use --task regression"
        )
    if task == CLASSIFICATION and y.nunique() < 2:
        raise InputError(
            f"target column {y.name!r} holds one class only, {display_value(y.iloc[0])!r}: "
            "a classifier needs at least 2 classes"
        )


def _list_columns(columns, limit=20):
    names = [str(c) for c in columns]
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names)} columns)" if len(names) > limit else "")


def delimiter_hint(frame, delimiter):
    """A hint when a table read as one column looks delimited by another character, else ``""``.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_nn.cli._datasets import delimiter_hint
    >>> delimiter_hint(pd.DataFrame(columns=["a;b;c"]), ",")
    " (is the file delimited by ';'? then pass --delimiter ';')"
    """
    if frame.shape[1] != 1:
        return ""
    for other in (";", "\t", "|", ","):
        if other != delimiter and other in str(frame.columns[0]):
            option = "tab" if other == "\t" else repr(other)
            return f" (is the file delimited by {option}? then pass --delimiter {option})"
    return ""


def read_table(path, *, delimiter=",", text_columns=()):
    """Read a CSV file into a DataFrame, with a one-line error for anything unreadable.

    Parameters
    ----------
    path : str or path-like
    delimiter : str, default=","
        The character between the fields.
    text_columns : sequence of str, default=()
        Columns read as text, as written (an identifier ``007`` stays
        ``007``); empty fields are still missing values.

    Returns
    -------
    frame : pandas.DataFrame
    """
    try:
        frame = pd.read_csv(path, sep=delimiter, dtype={name: str for name in text_columns} or None)
    except FileNotFoundError:
        raise InputError(f"file not found: {path}") from None
    except IsADirectoryError:
        raise InputError(f"{path} is a directory, not a CSV file") from None
    except (OSError, ValueError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        # EmptyDataError and ParserError are ValueErrors; binary files fail to decode.
        raise InputError(f"cannot read CSV file {path}: {exc}") from None
    if frame.shape[1] == 0 or frame.shape[0] == 0:
        raise InputError(f"CSV file {path} holds no data rows")
    return frame


def _check_column(frame, path, name, what, delimiter):
    if name not in frame.columns:
        raise InputError(
            f"{what} {name!r} is not in {path}; its columns are: {_list_columns(frame.columns)}"
            + delimiter_hint(frame, delimiter)
        )


def read_csv(path, target, task=None, *, delimiter=",", id_column=None):
    """Features and target from a CSV file.

    Rows whose target is missing are dropped; the task is inferred from the
    target unless given. The feature columns are cleaned on the way
    (``_columns.clean_features``: empty columns and text identifiers are left
    out, numeric columns with a few stray entries read as numbers), and
    every such change is a note.

    Parameters
    ----------
    path : str or path-like
        The CSV file, with a header row.
    target : str
        Name of the target column.
    task : {"classification", "regression"}, default=None
        The task; None infers it with ``infer_task``.
    delimiter : str, default=","
        The character between the fields.
    id_column : str, default=None
        A column that identifies the rows: not a feature, left out.

    Returns
    -------
    data : Dataset
    """
    from ._columns import clean_features  # needs pandas, which is there by now

    frame = read_table(path, delimiter=delimiter, text_columns=[id_column] if id_column else ())
    _check_column(frame, path, target, "target column", delimiter)
    if id_column is not None:
        _check_column(frame, path, id_column, "--id-column", delimiter)
        if id_column == target:
            raise InputError(f"--id-column and --target name the same column, {target!r}")
    notes = []
    missing = frame[target].isna()
    if missing.all():
        raise InputError(f"target column {target!r} of {path} has no values")
    if missing.any():
        notes.append(f"dropped {int(missing.sum())} rows of {path} without a value of {target!r}")
        frame = frame.loc[~missing].reset_index(drop=True)
    X, y = frame.drop(columns=[target] + ([id_column] if id_column else [])), frame[target]
    if X.shape[1] == 0:
        raise InputError(f"{path} has no feature columns besides the target {target!r}")
    X, cleaning = clean_features(X)
    if X.shape[1] == 0:
        raise InputError(f"{path} has no feature columns to learn from: {'; '.join(cleaning)}")
    if task is None:
        task = infer_task(y)
    _check_task(y, task)
    return Dataset(str(path), X, y, task, from_csv=True, notes=notes + cleaning)


def split_columns(X):
    """Names of the numeric columns and of the others (treated as categorical).

    Parameters
    ----------
    X : pandas.DataFrame

    Returns
    -------
    numeric, categorical : list of str
    """
    numeric = [
        c for c in X.columns if pd.api.types.is_numeric_dtype(X[c]) and not pd.api.types.is_bool_dtype(X[c])
    ]
    return numeric, [c for c in X.columns if c not in numeric]


def feature_kinds(data):
    """Which raw-feature Naive Bayes models the features suit.

    Parameters
    ----------
    data : Dataset

    Returns
    -------
    kinds : set of str
        ``"binary"`` when every numeric feature is 0 or 1, ``"counts"`` when
        every numeric feature is a non-negative integer (one-hot encoded
        categorical columns are both).

    Examples
    --------
    >>> from sklearn_nn.cli._datasets import feature_kinds, load_dataset
    >>> sorted(feature_kinds(load_dataset("digits"))), sorted(feature_kinds(load_dataset("iris")))
    (['counts'], [])
    """
    numeric, _ = split_columns(data.X)
    values = data.X[numeric].to_numpy(dtype=float)
    values = values[~np.isnan(values)]
    kinds = set()
    if np.isin(values, (0.0, 1.0)).all():
        kinds.add("binary")
    if (values >= 0).all() and (values == np.round(values)).all():
        kinds.add("counts")
    return kinds


def as_strings(X):
    """Categorical values as Python strings and missing values as NaN.

    The imputer and the one-hot encoder need one type per column; a CSV
    column may mix numbers and text, or hold booleans.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_columns)

    Returns
    -------
    values : ndarray of object of shape (n_samples, n_columns)

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_nn.cli._datasets import as_strings
    >>> as_strings(pd.DataFrame({"a": [True, None, 3]})).ravel().tolist()
    ['True', nan, '3']
    """
    values = np.asarray(X, dtype=object)
    missing = pd.isna(values)
    out = values.astype(str).astype(object)
    out[missing] = np.nan
    return out


def make_preprocessor(data, *, scale=True):
    """The preprocessing step of a model's pipeline for these data.

    Parameters
    ----------
    data : Dataset
    scale : bool, default=True
        Standardise the numeric features; False keeps them raw (for the
        Naive Bayes models of binary or count features).

    Returns
    -------
    preprocessor : transformer or "passthrough"
        ``StandardScaler`` (or ``"passthrough"``) for bundled data; for a
        CSV file, a ``ColumnTransformer`` that imputes and standardises the
        numeric columns and imputes and one-hot encodes the others.

    Examples
    --------
    >>> from sklearn_nn.cli._datasets import load_dataset, make_preprocessor
    >>> make_preprocessor(load_dataset("iris"))
    StandardScaler()
    """
    if not data.from_csv:
        return StandardScaler() if scale else "passthrough"
    numeric, categorical = split_columns(data.X)
    transformers = []
    if numeric:
        if scale:
            steps = [("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())]
        else:
            steps = [("impute", SimpleImputer(strategy="most_frequent"))]
        transformers.append(("numeric", Pipeline(steps), numeric))
    if categorical:
        steps = [
            ("as_strings", FunctionTransformer(as_strings, feature_names_out="one-to-one")),
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("one_hot", OneHotEncoder(handle_unknown="ignore", sparse_output=False)),
        ]
        transformers.append(("categorical", Pipeline(steps), categorical))
    return ColumnTransformer(transformers, sparse_threshold=0.0)


def numeric_columns(pipeline):
    """The columns that a fitted pipeline of ``make_preprocessor`` reads as numbers.

    Parameters
    ----------
    pipeline : estimator
        A fitted pipeline; only one whose ``"preprocess"`` step is the
        ``ColumnTransformer`` of CSV data has such columns, others give none.

    Returns
    -------
    columns : list of str
    """
    preprocess = getattr(pipeline, "named_steps", {}).get("preprocess")
    if not isinstance(preprocess, ColumnTransformer):
        return []
    return [
        column for name, _, columns in preprocess.transformers_ if name == "numeric" for column in columns
    ]
