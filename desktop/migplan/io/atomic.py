"""Write a file so that it is either complete or not there: temp file, fsync, rename."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from migplan.core.errors import MigPlanError


class ExportError(MigPlanError):
    """An export could not be written; any earlier file at that path is untouched."""


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call ``write(tmp)`` then move ``tmp`` over ``path``; on failure ``path`` is unchanged."""
    directory = path.parent if str(path.parent) else Path(".")
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        os.close(fd)
        write(Path(tmp))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, path)
        tmp = ""
    except OSError as exc:
        raise ExportError(f"{path}: could not write: {exc.strerror or exc}") from None
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
