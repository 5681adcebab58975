from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def _screenshot(plan: Path, out: Path, *tab: str) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    return subprocess.run(
        [sys.executable, "-m", "migplan.cli", "gui", str(plan), "--screenshot", str(out), *tab],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


def test_screenshot_command_renders_the_loaded_window(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    proc = _screenshot(ROOT / "plans" / "ai-lab-small.migplan", out)
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1360, 820)
    # Not a blank image: the table draws many distinct colours (text, grid, selection).
    colours = {image.pixel(x, y) for x in range(0, 1360, 17) for y in range(0, 820, 13)}
    assert len(colours) > 20
    assert not list(tmp_path.glob("*.ini")), "the screenshot run must not leave settings behind"


def test_the_capacity_tab_can_be_pictured(tmp_path: Path) -> None:
    """docs/capacity.png is made by the command: the tab with its charts."""
    from migplan.io.reports.capacity import LEGACY_COLOUR, TARGET_COLOUR

    out = tmp_path / "capacity.png"
    proc = _screenshot(ROOT / "plans" / "northwind-plan.migplan", out, "--tab", "capacity")
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    # The cost chart's legacy and target lines are drawn in the upper half (the charts).
    seen = {
        image.pixelColor(x, y).name()
        for x in range(0, image.width(), 2)
        for y in range(60, image.height() // 2, 2)
    }
    assert {LEGACY_COLOUR, TARGET_COLOUR} <= seen


def test_a_broken_file_is_a_message_and_no_picture(tmp_path: Path) -> None:
    """Issue 11, point 7: it never waits for a person (no dialog), writes no picture of an
    empty window, and leaves a user's own shot.ini beside the picture alone."""
    broken = tmp_path / "broken.migplan"
    broken.write_text('{"format": "migplan", "format_version": 1, "workloads": [', "utf-8")
    mine = tmp_path / "shot.ini"
    mine.write_text("[mine]\nkeep=1\n", "utf-8")
    out = tmp_path / "shot.png"
    proc = _screenshot(broken, out)
    assert proc.returncode == 2
    assert proc.stderr.startswith("migplan: ") and "broken.migplan" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert not out.exists()
    assert mine.read_text("utf-8") == "[mine]\nkeep=1\n"
