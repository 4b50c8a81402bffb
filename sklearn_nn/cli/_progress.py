"""Progress bars and notes of the command-line tool, written to stderr.

On a terminal, progress is a live bar: rich's when ``rich`` is installed
(``pip install "sklearn_nn[progress]"``), a plain text bar otherwise. When
stderr is a file or a pipe, only the milestone lines are written. ``quiet`` silences all of it, so that
stdout and stderr hold only the results and the errors.
"""

import importlib.util
import sys
from contextlib import contextmanager

_BAR_WIDTH = 24


def rich_available():
    """Whether the optional ``rich`` package can be imported."""
    return importlib.util.find_spec("rich") is not None


class _NullProgress:
    """Progress that shows nothing (``--quiet``)."""

    def advance(self, text="", log=None):
        """Count one unit of work done."""


class _PlainProgress:
    """A text bar redrawn in place on a terminal; milestone lines everywhere."""

    def __init__(self, total, description, stream):
        self.total, self.description, self.stream = total, description, stream
        self.done = 0
        self.tty = stream.isatty()
        self._width = 0

    def _clear(self):
        if self.tty and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self._width = 0

    def advance(self, text="", log=None):
        """Count one unit of work done; ``log`` is a line to keep above the bar."""
        self.done += 1
        if log:
            self._clear()
            self.stream.write(f"{log}\n")
        if self.tty:
            filled = _BAR_WIDTH * self.done // max(self.total, 1)
            line = (
                f"{self.description} [{'#' * filled}{'.' * (_BAR_WIDTH - filled)}] {self.done}/{self.total}"
            )
            line = f"{line} {text}".rstrip()
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
        self.stream.flush()

    def close(self):
        self._clear()
        self.stream.flush()


class _RichProgress:
    """rich's live progress bar; milestone lines are printed above it."""

    def __init__(self, total, description, stream):
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[text]}"),
            console=Console(file=stream),
            transient=True,
        )
        self._task = self._progress.add_task(description, total=total, text="")
        self._progress.start()

    def advance(self, text="", log=None):
        """Count one unit of work done; ``log`` is a line to keep above the bar."""
        if log:
            self._progress.console.print(log, markup=False, highlight=False)
        self._progress.update(self._task, advance=1, text=text)

    def close(self):
        self._progress.stop()


class EpochProgress:
    """A scikit-learn callback that advances a progress bar at the end of every epoch.

    Set on one of this package's estimators with ``set_callbacks`` (scikit-learn
    1.9 and newer): every epoch, or L-BFGS iteration, is a task named
    ``"epoch"`` of its fit.

    Parameters
    ----------
    progress : object with an ``advance(text)`` method
        The bar of ``Reporter.progress``.
    """

    def __init__(self, progress):
        self.progress = progress
        self.epochs = 0

    def setup(self, estimator, context):
        pass

    def teardown(self, estimator, context):
        pass

    def on_fit_task_begin(self, estimator, context, **kwargs):
        pass

    def on_fit_task_end(self, estimator, context, **kwargs):
        if context.task_name == "epoch":
            self.epochs += 1
            self.progress.advance(f"epoch {self.epochs}")
        return False


class Reporter:
    """Where the tool says what it is doing: notes, progress bars, status lines.

    Parameters
    ----------
    quiet : bool, default=False
        Say nothing.
    stream : file-like, default=None
        Where to write; None is ``sys.stderr`` at the time of writing.
    use_rich : bool, default=None
        Use ``rich`` for the progress bars on a terminal; None uses it when
        it is installed.

    Examples
    --------
    >>> import io
    >>> from sklearn_nn.cli._progress import Reporter
    >>> out = io.StringIO()
    >>> reporter = Reporter(stream=out, use_rich=False)
    >>> with reporter.progress(2, "fitting") as progress:
    ...     progress.advance("model A")
    ...     progress.advance("model B", log="model B: done")
    >>> reporter.note("all done")
    >>> out.getvalue()
    'model B: done\\nall done\\n'
    """

    def __init__(self, quiet=False, stream=None, use_rich=None):
        self.quiet = quiet
        self._stream = stream
        self.use_rich = rich_available() if use_rich is None else use_rich

    @property
    def stream(self):
        return sys.stderr if self._stream is None else self._stream

    def note(self, message):
        """Write one line, unless quiet."""
        if not self.quiet:
            print(message, file=self.stream, flush=True)

    @contextmanager
    def progress(self, total, description):
        """A progress bar over ``total`` units of work; yields an object with ``advance``."""
        if self.quiet:
            yield _NullProgress()
            return
        # rich draws a live bar on a terminal only; elsewhere both write the milestone lines.
        live = self.use_rich and self.stream.isatty()
        bar = (_RichProgress if live else _PlainProgress)(total, description, self.stream)
        try:
            yield bar
        finally:
            bar.close()

    @contextmanager
    def status(self, text):
        """Say on a terminal what is running: a spinner with rich, one line otherwise."""
        if self.quiet or not self.stream.isatty():
            yield
            return
        if not self.use_rich:
            self.note(f"{text} ...")
            yield
            return
        from rich.console import Console

        with Console(file=self.stream).status(text):
            yield
