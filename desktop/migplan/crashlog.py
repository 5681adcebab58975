"""What MigPlan does with an error nobody foresaw: one clear message for the person, and the
traceback written to a log file in the user's data folder (the message gives its path), so a
report can be diagnosed. Never a traceback on the screen.

The folder: ``MIGPLAN_DATA_DIR`` when set; else ``%LOCALAPPDATA%\\MigPlan`` on Windows,
``~/Library/Application Support/MigPlan`` on macOS, ``$XDG_DATA_HOME/migplan`` (default
``~/.local/share/migplan``) elsewhere. The log is kept under about 1 MiB: when it grows past
that, it becomes ``migplan.log.1`` and a new one starts.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import traceback
from pathlib import Path

MAX_LOG_BYTES = 1 << 20


def data_dir() -> Path:
    env = os.environ.get("MIGPLAN_DATA_DIR")
    if env:
        return Path(env)
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(base) / "MigPlan"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "MigPlan"
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "migplan"


def log_path() -> Path:
    return data_dir() / "migplan.log"


def record(exc: BaseException, context: str) -> Path | None:
    """Append ``exc`` with its traceback to the log; its path, or None when it cannot be
    written (a read-only home: the message then says so)."""
    from migplan import __version__

    path = log_path()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists() and path.stat().st_size > MAX_LOG_BYTES:
            os.replace(path, path.with_name(path.name + ".1"))
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        lines = traceback.format_exception(type(exc), exc, exc.__traceback__)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(f"--- {stamp} MigPlan {__version__}, Python {sys.version.split()[0]}: "
                     f"{context}\n")  # fmt: skip
            fh.write("".join(lines))
    except OSError:
        return None
    return path


def unexpected(exc: BaseException, what: str) -> str:
    """The message for an error nobody foresaw in ``what`` ("import", "opening plan.migplan"),
    after writing its traceback to the log."""
    path = record(exc, what)
    detail = str(exc).strip().splitlines()[0][:300] if str(exc).strip() else ""
    kind = type(exc).__name__ + (f": {detail}" if detail else "")
    where = (
        f"The details are in {path}: please send that file with a word on what you did."
        if path is not None
        else f"The details could not be written to {log_path()}."
    )
    return f"{what} failed unexpectedly ({kind}). Your files were not changed by it. {where}"
