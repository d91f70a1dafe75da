"""Writing files so that a failure never leaves half a file behind.

>>> import tempfile
>>> from pathlib import Path
>>> target = Path(tempfile.mkdtemp()) / "out.txt"
>>> write_atomically(target, lambda temporary: temporary.write_text("done"))
>>> target.read_text()
'done'
>>> sorted(p.name for p in target.parent.iterdir())  # no temporary file left
['out.txt']
"""

from __future__ import annotations

import errno
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from scirocco_lab.errors import WriteError

__all__ = ["check_writable_folder", "write_atomically"]

_FIX = (
    "Fix: choose another folder (one you can write to, on a disk with free space), or make "
    "this one writable, then run the command again."
)


def _cannot(what: Path, exc: OSError, *, written: str = "Nothing was written") -> WriteError:
    reason = exc.strerror or str(exc)
    return WriteError(f"{what}: cannot be written ({reason}). {written}. {_FIX}")


def check_writable_folder(folder: Path) -> None:
    """Check, creating nothing, that files can be made in ``folder`` (or, if it does not
    exist yet, in its nearest existing parent), so that a batch refuses a read-only or
    impossible output folder before doing any work.

    >>> import tempfile
    >>> from pathlib import Path
    >>> blocker = Path(tempfile.mkdtemp()) / "a-file"
    >>> _ = blocker.write_text("")
    >>> check_writable_folder(blocker / "reports")
    Traceback (most recent call last):
    scirocco_lab.errors.WriteError: ...a-file/reports: cannot be written (Not a directory)...
    """
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise _cannot(folder, OSError(errno.ENOTDIR, os.strerror(errno.ENOTDIR)))
    try:
        handle, probe = tempfile.mkstemp(prefix=".write-check-", dir=existing)
    except OSError as exc:
        raise _cannot(folder, exc) from exc
    os.close(handle)
    os.unlink(probe)


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write`` with a temporary file in ``path``'s folder, then rename it to ``path``.

    The rename is atomic on one file system, so readers see the old file or the whole new
    one. If anything fails, the temporary file is removed and ``path`` is left as it was; a
    failure of the file system (read-only folder, disk full, ...) is a :class:`WriteError`
    naming the file.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent
        )
    except OSError as exc:
        raise _cannot(path, exc) from exc
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        kept = f"{path.name} is unchanged (nothing half-written)"
        raise _cannot(path, exc, written=kept) from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
