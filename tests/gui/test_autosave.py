"""Autosave while there are unsaved changes, and recovery after a crash."""

from __future__ import annotations

import gc
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings

from migplan.core.commands import UpdateEntities
from migplan.core.enums import Environment
from migplan.gui.main_window import MainWindow
from migplan.io.planfile import load_plan


def edit(window: MainWindow) -> str:
    wid = sorted(window.session.doc.workloads)[0]
    window.session.execute(UpdateEntities(((wid, {"environment": Environment.DR}),), "Edit"))
    return wid


def test_autosave_only_when_modified_and_gone_after_save(
    window: MainWindow, example_copy: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    assert window.autosaver.autosave_now() is None, "nothing to autosave when the plan is saved"
    edit(window)
    copy = window.autosaver.autosave_now()
    assert copy is not None and copy.parent == window.autosaver.directory
    assert load_plan(copy) == window.session.doc
    assert load_plan(example_copy) != window.session.doc, "the user's file is not touched"
    window.save_action.trigger()
    assert not copy.exists()


def test_recover_after_a_crash(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path, tmp_path: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    wid = edit(window)
    copy = window.autosaver.autosave_now()
    assert copy is not None
    crashed_doc = window.session.doc
    left_behind = copy.read_bytes()
    # The process dies here: no save, no clean close, the autosave stays. (Marking the old
    # window clean only stops its own prompts; it removes the copy, so put it back.)
    window.session.undo_stack.setClean()
    copy.write_bytes(left_behind)
    os.utime(copy, (example_copy.stat().st_mtime + 10, example_copy.stat().st_mtime + 10))
    fresh = MainWindow(
        QSettings(str(tmp_path / "s2.ini"), QSettings.Format.IniFormat),
        autosave_dir=window.autosaver.directory,
    )
    qtbot.addWidget(fresh)
    assert fresh.open_path(example_copy, ask=False)
    assert answers.recover_asked == 1
    assert fresh.session.doc.workloads[wid].environment is Environment.DR
    assert fresh.session.doc == crashed_doc
    assert fresh.session.modified, "recovered changes still need saving"
    assert "Recovered unsaved changes" in fresh.statusBar().currentMessage()
    fresh.session.undo_stack.setClean()


def test_declining_recovery_opens_the_saved_file(
    qtbot: Any, window: MainWindow, answers: Any, example_copy: Path, tmp_path: Path
) -> None:
    assert window.open_path(example_copy, ask=False)
    edit(window)
    copy = window.autosaver.autosave_now()
    assert copy is not None
    left_behind = copy.read_bytes()
    window.session.undo_stack.setClean()
    copy.write_bytes(left_behind)
    os.utime(copy, (example_copy.stat().st_mtime + 10, example_copy.stat().st_mtime + 10))
    answers.recover = False
    fresh = MainWindow(
        QSettings(str(tmp_path / "s3.ini"), QSettings.Format.IniFormat),
        autosave_dir=window.autosaver.directory,
    )
    qtbot.addWidget(fresh)
    assert fresh.open_path(example_copy, ask=False)
    assert fresh.session.doc == load_plan(example_copy)
    assert not fresh.session.modified
    assert not copy.exists(), "a declined autosave is discarded"


def test_temp_files_of_autosaves_a_crash_cut_short_are_removed_at_start(
    qtbot: object, tmp_path: Path
) -> None:
    """Issue 11, point 3 ("or start"): a killed autosave's temp file is removed when the
    next window starts, if its writer is gone; an autosave itself is kept."""
    import subprocess
    import sys

    from migplan.gui.autosave import Autosaver
    from migplan.gui.session import DocumentSession

    folder = tmp_path / "autosave"
    folder.mkdir()
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    left = folder / f".plan-0123456789abcdef.migplan.{gone.pid}.x1y2.tmp"
    left.write_bytes(b"half an autosave")
    kept = folder / "plan-0123456789abcdef.migplan"
    kept.write_bytes(b"{}")
    session = DocumentSession()
    saver = Autosaver(session, folder)
    assert not left.exists() and kept.exists()
    # Freed here, on the window's thread: left to the cycle collector, the pair (and its
    # QTimer) could be collected on a later test's autosave worker thread, and Qt's warning
    # "Timers cannot be stopped from another thread" would fail that test.
    del saver, session
    gc.collect()


def test_the_timer_writes_the_autosave_on_a_worker_from_a_snapshot(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    """Issue 11, point 5 (autosave): the window's thread only takes a snapshot; the copy is
    serialised and written on a worker, and an edit made meanwhile is not in it."""
    import threading

    path = tmp_path / "plan.migplan"
    from migplan.core.estate import EstateSpec, generate_estate
    from migplan.io.planfile import save_plan

    save_plan(generate_estate(EstateSpec(workloads=40, waves=2, seed=6)), path)
    window.open_path(path, ask=False)
    wid = sorted(window.session.doc.workloads)[0]
    window.session.execute(UpdateEntities.same([wid], notes="before the autosave"))
    writers: list[str] = []
    import migplan.io.planfile as planfile

    real = planfile.save_plan

    def spy(*args: Any, **kwargs: Any) -> None:
        writers.append(threading.current_thread().name)
        real(*args, **kwargs)

    import pytest

    mp = pytest.MonkeyPatch()
    mp.setattr(planfile, "save_plan", spy)
    try:
        thread = window.autosaver.autosave_in_background()
        assert thread is not None
        window.session.execute(UpdateEntities.same([wid], notes="after the snapshot"))
        thread.join(timeout=30)
    finally:
        mp.undo()
    assert writers == ["migplan-autosave"]
    copy = load_plan(window.autosaver.current_path)
    assert copy.workloads[wid].notes == "before the autosave"
    assert window.autosaver.last_error == ""


def test_a_save_during_a_background_autosave_leaves_no_copy_behind(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    """The copy a worker is still writing when the plan is saved must not reappear after the
    save removed it (it would be offered at the next open, older than the file)."""
    import threading

    import pytest

    import migplan.io.planfile as planfile
    from migplan.core.estate import EstateSpec, generate_estate
    from migplan.io.planfile import save_plan

    path = tmp_path / "plan.migplan"
    save_plan(generate_estate(EstateSpec(workloads=40, waves=2, seed=6)), path)
    window.open_path(path, ask=False)
    wid = sorted(window.session.doc.workloads)[0]
    window.session.execute(UpdateEntities.same([wid], notes="edited"))
    release, entered = threading.Event(), threading.Event()
    real = planfile.save_plan

    def slow(*args: Any, **kwargs: Any) -> None:
        entered.set()
        release.wait(10)
        real(*args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(planfile, "save_plan", slow)
    try:
        thread = window.autosaver.autosave_in_background()
        assert thread is not None and entered.wait(10)  # the worker is inside its write
        threading.Timer(0.3, release.set).start()
        mp.undo()  # the window's own save is not slowed
        assert window.save()
    finally:
        mp.undo()
    thread.join(timeout=30)
    assert not window.autosaver.current_path.exists()
    assert window.autosaver.recoverable(path) is None
