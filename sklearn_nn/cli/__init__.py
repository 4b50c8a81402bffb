"""The ``sklearn-nn`` command-line tool (also ``python -m sklearn_nn``).

Subcommands:

* ``compare`` (the default): cross-validated comparison of sklearn_nn's
  estimators with scikit-learn's and Naive Bayes on one data set, printed as
  a table; ``--report DIR`` also writes it as Markdown and CSV with figures.
* ``train``: fit one model on a whole data set, print its training score
  and save it as a skops file.
* ``predict``: load a saved model and predict the rows of a CSV file.
* ``datasets``: list the named data sets, or ``export`` one as a CSV file.

Results go to stdout; progress and notes to stderr (``--quiet`` silences
them). A problem with the arguments or the data ends the tool with one line
``sklearn-nn: error: ...`` on stderr and exit status 2.

The tool reads tables with pandas (the ``cli`` extra). This package imports
without it, so that ``--help`` and ``--version`` work; every subcommand
checks for it first and names the extra when it is missing.
"""

from ._main import main

__all__ = ["main"]
