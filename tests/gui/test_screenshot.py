from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]


def test_screenshot_command_renders_the_loaded_window(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "migplan.cli",
            "gui",
            str(ROOT / "plans" / "ai-lab-small.migplan"),
            "--screenshot",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1360, 820)
    # Not a blank image: the table draws many distinct colours (text, grid, selection).
    colours = {image.pixel(x, y) for x in range(0, 1360, 17) for y in range(0, 820, 13)}
    assert len(colours) > 20
    assert not list(tmp_path.glob("*.ini")), "the screenshot run must not leave settings behind"
