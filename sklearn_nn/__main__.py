"""``python -m sklearn_nn``: the ``sklearn-nn`` command-line tool (see ``python -m sklearn_nn --help``).

The tool reads tables with pandas, an optional extra: without it the command
says how to install it instead of failing on an import.
"""

import sys


def main(argv=None):
    """Run the command line; returns the exit status."""
    try:
        import pandas  # noqa: F401
    except ImportError:
        print(
            "sklearn-nn: error: the command line needs pandas; install it with: "
            'pip install "sklearn_nn[cli]"',
            file=sys.stderr,
        )
        return 2
    from .cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
