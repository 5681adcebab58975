"""Recovery proved by killing the app (issue 11, point 4): the window runs in a child process
(``crash_driver.py``), edits, lets the autosave timer write its copy, and is killed with
SIGKILL; the next start offers the edits and restores them. A second kill right after a
recovery loses nothing, and changes a person discarded are not offered again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from migplan.core.estate import EstateSpec, generate_estate
from migplan.io.planfile import save_plan

DRIVER = Path(__file__).with_name("crash_driver.py")
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [sys.executable, str(DRIVER), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _until_ready(proc: subprocess.Popen[str]) -> list[str]:
    """The lines the child printed up to READY (it is then killed)."""
    lines: list[str] = []
    assert proc.stdout is not None
    for line in proc.stdout:
        lines.append(line.strip())
        if line.strip() == "READY":
            return lines
    raise AssertionError(
        f"the child stopped early: {lines} {proc.stderr.read() if proc.stderr else ''}"
    )


def _kill(proc: subprocess.Popen[str]) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL


def _run(*args: str) -> list[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, str(DRIVER), *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.split("\n")


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.migplan"
    save_plan(generate_estate(EstateSpec(workloads=30, waves=2, seed=4)), path)
    return path


def test_a_killed_window_offers_its_edits_and_a_second_kill_loses_nothing(
    plan: Path, tmp_path: Path
) -> None:
    autosaves = tmp_path / "autosave"
    on_disk = plan.read_bytes()
    proc = _start("edit", str(plan), str(autosaves))
    _until_ready(proc)
    _kill(proc)
    assert plan.read_bytes() == on_disk, "the user's file is never written by autosave"
    # Start again: offered, restored, still unsaved; then killed again at once.
    proc = _start("recover", str(plan), str(autosaves))
    lines = _until_ready(proc)
    assert "ASKED" in lines
    assert "OWNER Owner set before the crash" in lines and "MODIFIED True" in lines
    _kill(proc)
    # The second crash lost nothing: offered and restored once more.
    lines = _run("check", str(plan), str(autosaves))
    assert "ASKED" in lines and "OWNER Owner set before the crash" in lines
    assert plan.read_bytes() == on_disk


def test_a_never_saved_import_is_offered_at_the_next_start(tmp_path: Path) -> None:
    csv = tmp_path / "inventory.csv"
    csv.write_text("Name,CPUs,Memory MB\napp01,2,4096\napp02,4,8192\n", encoding="utf-8")
    autosaves = tmp_path / "autosave"
    proc = _start("edit", "-", str(autosaves), str(csv))
    _until_ready(proc)
    _kill(proc)
    lines = _run("check", "-", str(autosaves))
    assert "ASKED" in lines and "OWNER Owner set before the crash" in lines
    assert "MODIFIED True" in lines


def test_discarded_changes_are_not_offered_again(plan: Path, tmp_path: Path) -> None:
    autosaves = tmp_path / "autosave"
    lines = _run("discard", str(plan), str(autosaves))
    assert "DISCARDED" in lines
    lines = _run("check", str(plan), str(autosaves))
    assert "ASKED" not in lines
    assert "OWNER Owner set before the crash" not in lines
