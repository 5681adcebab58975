"""Runs MigPlan's window in a child process for ``test_recovery_by_killing.py``, which kills it
with SIGKILL at the moments a real crash would come.

``python crash_driver.py MODE PLAN|- AUTOSAVE_DIR [CSV]``

* ``edit``: open PLAN (or, with ``-``, import CSV and never save), set the first workload's
  owner, wait for the autosave timer to write its copy, print ``READY``, then wait to be killed.
* ``recover``: start again, say yes to recovery when asked (``ASKED``), print the first
  workload's owner (``OWNER ...``), ``READY``, then wait to be killed (a second crash).
* ``check``: like ``recover``, then exit.
* ``discard``: open PLAN, edit, wait for the autosave, File > New choosing Discard, then
  die without closing the window.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "desktop"))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from migplan.core.commands import UpdateEntities
from migplan.gui.dialogs import Ask, SaveChoice
from migplan.gui.main_window import MainWindow


def say(text: str) -> None:
    print(text, flush=True)


def first_owner(window: MainWindow) -> str:
    doc = window.session.doc
    return doc.workloads[sorted(doc.workloads)[0]].owner if doc.workloads else "(none)"


def main() -> int:
    mode, plan_arg, autosave_dir = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    plan = None if plan_arg == "-" else Path(plan_arg)
    app = QApplication([])
    settings = QSettings(str(autosave_dir.parent / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, autosave_dir=autosave_dir)
    window.autosaver._timer.setInterval(200)  # the timer, only faster
    Ask.recover = classmethod(lambda cls, parent, name: say("ASKED") or True)  # type: ignore[method-assign,assignment]
    Ask.unsaved_changes = classmethod(lambda cls, parent, name: SaveChoice.DISCARD)  # type: ignore[method-assign,assignment]
    if mode in ("edit", "discard"):
        if plan is not None:
            window.open_path(plan, ask=False)
        else:
            from migplan.io.importers.pipeline import ImportRequest, run_import

            command, _ = run_import(window.session.doc, ImportRequest(files=[Path(sys.argv[4])]))
            assert command is not None
            window.session.execute(command)
        wid = sorted(window.session.doc.workloads)[0]
        window.session.execute(UpdateEntities.same([wid], owner="Owner set before the crash"))
        target = window.autosaver.current_path
        deadline = time.monotonic() + 20
        while not target.exists() and time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        if mode == "discard":
            # File > New, "Discard" at the question; then the process dies before any close.
            window.new_plan()
            say("DISCARDED")
            os._exit(0)
        say("READY")
    else:
        if plan is not None:
            window.open_path(plan, ask=False)
        else:
            window.offer_untitled_recovery()
        say(f"OWNER {first_owner(window)}")
        say(f"MODIFIED {window.session.modified}")
        if mode == "check":
            return 0
        say("READY")
    while True:  # until killed
        app.processEvents()
        time.sleep(0.05)


if __name__ == "__main__":
    sys.exit(main())
