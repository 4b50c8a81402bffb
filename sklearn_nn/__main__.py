"""``python -m sklearn_nn``: the ``sklearn-nn`` command-line tool (see ``python -m sklearn_nn --help``).

The tool reads tables with pandas, an optional extra: without it ``--help``
and ``--version`` still work, and every subcommand says in one line how to
install it instead of failing on an import.
"""

import sys


def main(argv=None):
    """Run the command line; returns the exit status."""
    from .cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
