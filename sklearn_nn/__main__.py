"""``python -m sklearn_nn``: the ``sklearn-nn`` command-line tool (see ``python -m sklearn_nn --help``)."""

import sys

from ._cli import main

if __name__ == "__main__":
    sys.exit(main())
