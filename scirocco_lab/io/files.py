"""Writing files so that a failure never leaves half a file behind.

>>> import tempfile
>>> from pathlib import Path

from scirocco_lab.errors import ConfigurationError
>>> target = Path(tempfile.mkdtemp()) / "out.txt"
>>> write_atomically(target, lambda temporary: temporary.write_text("done"))
>>> target.read_text()
'done'
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from scirocco_lab.errors import ConfigurationError

__all__ = ["write_atomically"]


def write_atomically(path: Path, write: Callable[[Path], object]) -> None:
    """Call ``write`` with a temporary file in ``path``'s folder, then rename it to ``path``.

    The rename is atomic on one file system, so readers see the old file or the whole new
    one; if ``write`` fails, the temporary file is removed and ``path`` is left as it was.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.stem}-", suffix=path.suffix, dir=path.parent
        )
    except OSError as exc:
        raise ConfigurationError(
            f"{path}: cannot write there ({exc.strerror or exc}). Nothing was written. Fix: "
            "choose a folder you can write to, or make this one writable."
        ) from exc
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
