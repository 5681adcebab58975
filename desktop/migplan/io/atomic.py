"""Write a file so that it is either complete or not there: temp file beside it, flush, fsync,
rename, fsync of the folder. The one way MigPlan writes a file (plans, autosaves, exports).

A temp file a killed write left behind (``.<name>.<pid>.*.tmp``) is removed by the next write
to the same name: at once when the process that made it is gone, else once it is older than a
minute (another process may be writing it).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from migplan.core.errors import MigPlanError

#: A temp file older than this is from a write that never finished (killed, power lost).
STALE_SECONDS = 60.0


class ExportError(MigPlanError):
    """An export could not be written; any earlier file at that path is untouched."""


def _read_umask() -> int:
    """The process umask, read without changing it (``os.umask`` sets it process-wide, which
    a worker thread must not do while another thread creates files)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)  # once, when this module is first imported
    os.umask(umask)
    return umask


_UMASK = _read_umask()


def new_file_mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ``0o666 & ~umask``."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_UMASK


def write_atomically(
    path: Path,
    write: Callable[[Path], None],
    *,
    before_replace: Callable[[], None] | None = None,
    error: type[MigPlanError] = ExportError,
    verb: str = "write",
) -> None:
    """Call ``write(tmp)`` then move ``tmp`` over ``path``; on failure ``path`` is unchanged
    and ``error`` is raised naming it. ``before_replace`` runs just before the move (a plan
    keeps its previous file as a backup there)."""
    directory = path.parent if str(path.parent) else Path(".")
    sweep_stale(directory, path.name)
    tmp = ""
    try:
        fd, tmp = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=".tmp", dir=directory
        )
        os.close(fd)
        os.chmod(tmp, new_file_mode(path))
        write(Path(tmp))
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        if before_replace is not None:
            before_replace()
        os.replace(tmp, path)
        tmp = ""
        fsync_dir(directory)
    except OSError as exc:
        raise error(f"{path}: could not {verb}: {exc.strerror or exc}") from None
    finally:
        if tmp:
            Path(tmp).unlink(missing_ok=True)


def sweep_stale(directory: Path, name: str = "") -> int:
    """Remove temp files of ``name`` (of any name when "") that killed writes left in
    ``directory``; how many."""
    removed = 0
    cutoff = time.time() - STALE_SECONDS
    try:
        pattern = f".{glob_escape(name)}.*.tmp" if name else ".*.tmp"
        candidates = list(directory.glob(pattern))
    except OSError:
        return 0
    for stale in candidates:
        own = name or _written_name(stale.name)
        try:
            if stale.is_file() and (
                _writer_gone(stale.name[len(own) + 2 :]) or stale.stat().st_mtime < cutoff
            ):
                stale.unlink()
                removed += 1
        except OSError:
            continue
    return removed


def _written_name(temp_name: str) -> str:
    """``.plan.migplan.1234.abc.tmp`` -> ``plan.migplan`` (the name before the writer's pid)."""
    parts = temp_name[1:].split(".")
    for i in range(len(parts) - 1, 0, -1):
        if parts[i].isdigit():
            return ".".join(parts[:i])
    return ""


def _writer_gone(rest: str) -> bool:
    """True when the temp file's name says which process wrote it and that process is gone."""
    pid_text = rest.split(".", 1)[0]
    if not pid_text.isdigit() or sys.platform == "win32":
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where the platform allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
