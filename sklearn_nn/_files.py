"""Files written whole or not at all.

Every file this package writes (a model, predictions, a report, an ONNX
export, a training checkpoint) goes through ``atomic_write``: the bytes go to
a temporary file in the target's folder, are flushed to disk, and the
temporary file is then renamed over the target. A rename within one folder
is atomic on POSIX and Windows, so a crash at any moment leaves either the
previous file or the new one, never half of one, and never loses the
previous file.
"""

import contextlib
import os
import tempfile


@contextlib.contextmanager
def atomic_write(path, mode="wb", encoding=None, newline=None):
    """Open a temporary file that replaces ``path`` when the block ends without an error.

    Parameters
    ----------
    path : str or path-like
        The file to write. Its folder must exist.
    mode : {"wb", "w"}, default="wb"
        Binary or text.
    encoding, newline : str, optional
        For text mode, as for ``open``.

    Yields
    ------
    file : file object
        Write the whole content to it. If the block raises, the temporary
        file is removed and ``path`` is left as it was.

    Examples
    --------
    >>> import os, tempfile
    >>> from sklearn_nn._files import atomic_write
    >>> folder = tempfile.mkdtemp()
    >>> target = os.path.join(folder, "report.txt")
    >>> with atomic_write(target, "w", encoding="utf-8") as f:
    ...     _ = f.write("first")
    >>> try:
    ...     with atomic_write(target, "w", encoding="utf-8") as f:
    ...         _ = f.write("half of the sec")
    ...         raise RuntimeError("crash while writing")
    ... except RuntimeError:
    ...     pass
    >>> with open(target, encoding="utf-8") as f:
    ...     f.read(), sorted(os.listdir(folder))
    ('first', ['report.txt'])
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"mode must be 'wb' or 'w', got {mode!r}.")
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        _keep_mode(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _keep_mode(path, tmp):
    """Give the new file the permissions of the file it replaces, or the umask's for a new file."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(tmp, mode)
