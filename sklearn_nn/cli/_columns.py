"""What the command line does to the feature columns of a CSV file before any model sees them.

A CSV file made by hand or exported from a spreadsheet often holds columns
that would mislead the models if taken as they are:

* an empty column (no value in any row) has nothing to learn from: it is
  left out;
* a numeric column with a few stray entries (``abc``, ``??``, ``n/a ``)
  is read by pandas as text, and would be one-hot encoded, one indicator per
  distinct number. When at least ``NUMERIC_SHARE`` (90%) of its values are
  numbers, it is read as numbers and the stray entries as missing values,
  which the pipeline's imputer fills in like any other gap;
* a column with a different value in every row is probably an identifier.
  Text of that kind is left out: one-hot encoded it becomes one indicator
  per row, none of which says anything about another row (and the encoder
  ignores the unseen identifiers of new rows anyway). Integers of that kind
  are kept as a numeric feature, since they are scaled, not one-hot encoded,
  and may be a real quantity; the note tells how to leave them out.

Every function returns the notes to show the user (through the Reporter,
so ``--quiet`` silences them).
"""

from fractions import Fraction

import numpy as np
import pandas as pd

# A text column is read as numbers when at least this share of its values are numbers (exactly: 18 of 20).
NUMERIC_SHARE = Fraction(9, 10)
_SHOWN_VALUES = 5


def _is_text(column):
    return not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _list_values(values):
    """``'abc' (3), '??' (1)``: the most frequent values with their counts, at most a few.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_nn.cli._columns import _list_values
    >>> _list_values(pd.Series(["abc", "??", "abc"]))
    "'abc' (2), '??' (1)"
    """
    counts = pd.Series(values, dtype=object).value_counts()
    shown = ", ".join(f"{value!r} ({count})" for value, count in counts.head(_SHOWN_VALUES).items())
    if len(counts) > _SHOWN_VALUES:
        shown += f", and {len(counts) - _SHOWN_VALUES} other values"
    return shown


def as_numbers(column):
    """A column as floats, with the entries that are not numbers as NaN; also those entries.

    Parameters
    ----------
    column : pandas.Series

    Returns
    -------
    numbers : pandas.Series of float
    strays : pandas.Series
        The non-missing entries that are not numbers, as written.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_nn.cli._columns import as_numbers
    >>> numbers, strays = as_numbers(pd.Series(["1.5", "abc", None, "2"]))
    >>> numbers.tolist(), strays.tolist()
    ([1.5, nan, nan, 2.0], ['abc'])
    """
    numbers = pd.to_numeric(column, errors="coerce").astype(float)
    strays = column[numbers.isna() & column.notna()]
    return numbers, strays


def _stray_note(name, strays, n_values):
    return (
        f"column {name!r}: {len(strays)} of {n_values} values are not numbers and are treated as "
        f"missing values: {_list_values(strays.astype(str))}"
    )


def drop_empty_columns(X):
    """Leave out the columns without any value.

    Parameters
    ----------
    X : pandas.DataFrame

    Returns
    -------
    X : pandas.DataFrame
    notes : list of str
    """
    empty = [c for c in X.columns if X[c].isna().all()]
    if not empty:
        return X, []
    names = ", ".join(repr(str(c)) for c in empty)
    return X.drop(columns=empty), [f"left out column(s) {names}: no row has a value there"]


def read_mostly_numbers(X):
    """Read the text columns whose values are mostly numbers as numbers, the rest as missing.

    Parameters
    ----------
    X : pandas.DataFrame

    Returns
    -------
    X : pandas.DataFrame
    notes : list of str
        One per column read as numbers, naming its stray entries with counts.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_nn.cli._columns import read_mostly_numbers
    >>> X = pd.DataFrame({"x": [str(i) for i in range(18)] + ["??", "abc"], "c": ["a", "b"] * 10})
    >>> X, notes = read_mostly_numbers(X)
    >>> X["x"].dtype, int(X["x"].isna().sum()), X["c"].tolist()[:2]
    (dtype('float64'), 2, ['a', 'b'])
    >>> print(notes[0])
    column 'x': 2 of 20 values are not numbers and are treated as missing values: '??' (1), 'abc' (1)
    """
    notes = []
    X = X.copy()
    for name in X.columns:
        column = X[name]
        n_values = int(column.notna().sum())
        if not _is_text(column) or n_values == 0:
            continue
        numbers, strays = as_numbers(column)
        if n_values - len(strays) >= NUMERIC_SHARE * n_values:
            X[name] = numbers
            notes.append(_stray_note(name, strays, n_values))
    return X, notes


def coerce_numeric(frame, columns):
    """Make the given columns numbers, as the model was trained on them; stray entries become missing.

    ``predict`` applies this to the columns that the model's pipeline
    treats as numeric, so that new rows with a stray entry are imputed
    instead of failing.

    Parameters
    ----------
    frame : pandas.DataFrame
    columns : list of str

    Returns
    -------
    frame : pandas.DataFrame
    notes : list of str
    """
    notes = []
    frame = frame.copy()
    for name in columns:
        column = frame[name]
        if not _is_text(column):
            continue
        numbers, strays = as_numbers(column)
        frame[name] = numbers
        if len(strays):
            notes.append(_stray_note(name, strays, int(column.notna().sum())))
    return frame, notes


def _integer_like(column):
    values = column.to_numpy(dtype=float)
    return bool(np.isfinite(values).all() and (values == np.round(values)).all())


def handle_identifiers(X, id_hint):
    """Leave out text columns with a different value in every row; note integer ones.

    Parameters
    ----------
    X : pandas.DataFrame
    id_hint : str
        How to name such a column as the identifier (for the note), e.g.
        ``"--id-column"``.

    Returns
    -------
    X : pandas.DataFrame
    notes : list of str

    Examples
    --------
    >>> import pandas as pd
    >>> from sklearn_nn.cli._columns import handle_identifiers
    >>> X = pd.DataFrame({"name": ["ann", "bob", "cy"], "n": [7, 3, 5], "x": [0.5, 0.5, 1.0]})
    >>> X, notes = handle_identifiers(X, "--id-column")
    >>> list(X.columns)
    ['n', 'x']
    """
    if len(X) < 2:
        return X, []
    notes, dropped = [], []
    for name in X.columns:
        column = X[name]
        if column.isna().any() or column.nunique() < len(X):
            continue
        if _is_text(column):
            dropped.append(name)
            notes.append(
                f"left out column {name!r}: a different text in every row, so probably an identifier "
                f"(one-hot encoded, it would teach the models nothing about other rows); name it with "
                f"{id_hint} {name} to silence this note"
            )
        elif not pd.api.types.is_bool_dtype(column) and _integer_like(column):
            notes.append(
                f"column {name!r} holds a different integer in every row: if it is an identifier, name it "
                f"with {id_hint} {name} to leave it out; it is kept as a numeric feature"
            )
    return X.drop(columns=dropped), notes


def clean_features(X):
    """The feature columns a model should see, and what was done on the way.

    Empty columns and text identifiers are left out, and mostly numeric
    text columns read as numbers (see the module's docstring).

    Parameters
    ----------
    X : pandas.DataFrame

    Returns
    -------
    X : pandas.DataFrame
    notes : list of str
    """
    X, notes = drop_empty_columns(X)
    X, more = read_mostly_numbers(X)
    notes += more
    X, more = handle_identifiers(X, "--id-column")
    return X, notes + more
