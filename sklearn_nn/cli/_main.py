"""The entry point of ``sklearn-nn``: parse the arguments, run the subcommand, report errors.

A problem with the arguments or the data (an ``InputError``) ends the tool
with one line ``sklearn-nn: error: ...`` on stderr and exit status 2. The
first Ctrl-C ends it with ``sklearn-nn: interrupted`` and exit status 130,
before any table, report or model file is written (see ``_interrupt``).

The parser needs no pandas, so ``--help`` and ``--version`` work without the
``cli`` extra; the subcommands (which import pandas) are imported only after
the check that pandas is there.
"""

import os
import sys
import warnings

from ._datasets import InputError, require_pandas
from ._interrupt import sigint_raises
from ._parser import PROG, build_parser
from ._progress import Reporter


def _one_line(text):
    return " ".join(str(text).split())


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
    # When a fold fails or a Ctrl-C stops the command, joblib says (at any moment, also after the
    # error or 'interrupted' line) that it cancelled the parallel folds still running.
    warnings.filterwarnings(
        "ignore", message=r"\d+ tasks which were still being processed", category=UserWarning
    )
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or (argv[0].startswith("-") and argv[0] not in ("-h", "--help", "--version")):
        argv.insert(0, "compare")
    with sigint_raises() as sigint:
        try:
            args = build_parser().parse_args(argv)
            require_pandas()
            from ._commands import COMMANDS

            status = COMMANDS[args.command](args, Reporter(quiet=args.quiet))
        except KeyboardInterrupt:
            return _interrupted()
        except InputError as exc:
            if sigint.received:  # an error on the way out of an interrupted fit
                return _interrupted()
            print(f"{PROG}: error: {_one_line(exc)}", file=sys.stderr)
            return 2
        except SystemExit as exc:  # --help and --version
            return exc.code
        except BrokenPipeError:  # the reader of stdout went away (e.g. `| head`): stop quietly
            _silence_stdout()
            return 1
        except Exception:
            if sigint.received:  # e.g. a parallel worker that the Ctrl-C ended too
                return _interrupted()
            raise
        return _interrupted() if sigint.received else status


def _interrupted():
    # joblib says, when its generator of parallel folds is collected (possibly after this line),
    # that it cancelled the folds still running: the Ctrl-C did that, and the line says so.
    warnings.filterwarnings(
        "ignore", message=r"\d+ tasks which were still being processed", category=UserWarning
    )
    print(f"{PROG}: interrupted", file=sys.stderr)
    return 130


def _silence_stdout():
    """Point stdout at the null device, so that Python's final flush of it does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # stdout without a file descriptor (captured)
        pass
