"""Ctrl-C in the command line: the first one ends the command, whatever it is running.

The estimators of this package defer a SIGINT during training and stop
gracefully at the end of the update under way (``stop_reason_ ==
"interrupted"``), and scikit-learn's MLPs catch the ``KeyboardInterrupt``
and return; a library caller may want that, a command does not: a comparison
of half-trained folds, or a saved half-trained model, would look like a
result. So while a command runs, ``sigint_raises`` installs a SIGINT handler
that records the signal and raises ``KeyboardInterrupt``, and the commands
call ``raise_if_interrupted`` after every fit: a fit that stopped for a
Ctrl-C (its own record or the handler's) raises ``KeyboardInterrupt`` again,
which ends the command (``main`` prints ``interrupted`` and returns 130)
before it prints a table or writes a file.
"""

import signal
import threading
from contextlib import contextmanager


class _Sigint:
    """The command's SIGINT handler: remember the signal, raise ``KeyboardInterrupt``."""

    def __init__(self):
        self.received = False

    def __call__(self, signum, frame):
        self.received = True
        raise KeyboardInterrupt


_SIGINT = _Sigint()


@contextmanager
def sigint_raises():
    """Install the command's SIGINT handler for the block; yields it (``received`` says if it fired).

    Where SIGINT is ignored (``nohup``, a background job), or off the main
    thread, or under a handler of the embedding program's own, nothing is
    installed.
    """
    _SIGINT.received = False
    if (
        threading.current_thread() is not threading.main_thread()
        or signal.getsignal(signal.SIGINT) is not signal.default_int_handler
    ):
        yield _SIGINT
        return
    previous = signal.signal(signal.SIGINT, _SIGINT)
    try:
        yield _SIGINT
    finally:
        signal.signal(signal.SIGINT, previous)
        _SIGINT.received = False


def raise_if_interrupted(model):
    """Raise ``KeyboardInterrupt`` if a Ctrl-C came during the fit of ``model`` (or of its last step).

    Parameters
    ----------
    model : estimator or Pipeline
        Just fitted.

    Examples
    --------
    >>> from sklearn_nn.cli._interrupt import raise_if_interrupted
    >>> from sklearn_nn import LogisticRegressionGD
    >>> model = LogisticRegressionGD()
    >>> model.stop_reason_ = "interrupted"
    >>> try:
    ...     raise_if_interrupted(model)
    ... except KeyboardInterrupt:
    ...     print("interrupted")
    interrupted
    """
    final = model.steps[-1][1] if hasattr(model, "steps") else model
    if _SIGINT.received or getattr(final, "stop_reason_", None) == "interrupted":
        raise KeyboardInterrupt
