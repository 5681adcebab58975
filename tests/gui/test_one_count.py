"""One plan, one count: ``plan``, ``stats``, the window and the PDF report the same number of
hard rules broken and of workloads in no wave (issue 9, point 1)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from migplan.cli import main
from migplan.gui.main_window import MainWindow
from migplan.io.planfile import load_plan
from migplan.io.reports.pdf import write_pdf

from .test_waves_view import open_plan


def _pdf_number(text: str, label: str) -> int:
    """The figure under ``label`` in the PDF's cover tables (label row, a wrapped label
    line perhaps, then the value row, values right-aligned under their labels)."""
    lines = [line for line in text.splitlines() if line.strip()]
    at = next(i for i, line in enumerate(lines) if label in line)
    column = lines[at].index(label) + len(label)
    row = next(line for line in lines[at + 1 :] if re.search(r"\d", line))
    values = re.findall(r"\d[\d,]*", row)
    ends = [m.end() for m in re.finditer(r"\d[\d,]*", row)]
    # the value right-aligned under the label's end
    best = min(range(len(values)), key=lambda k: abs(ends[k] - column))
    return int(values[best].replace(",", ""))


def test_plan_stats_window_and_pdf_agree(
    qtbot: Any,
    window: MainWindow,
    naive_copy: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # a first draft that breaks rules, as drawn by hand
    assert main(["stats", str(naive_copy), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    hard = stats["metrics"]["hard_violations"]
    assert hard > 0
    open_plan(qtbot, window, naive_copy)
    label = window.waves.violations_label.text()
    assert f"({hard} hard," in label
    pdf = tmp_path / "draft.pdf"
    write_pdf(load_plan(naive_copy), pdf)
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is missing: run scripts/setup.sh (it installs poppler-utils)"
    text = subprocess.run(
        [tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert _pdf_number(text, "Hard rules broken") == hard
    # and after planning: plan prints what stats and the window then show
    planned = tmp_path / "planned.migplan"
    assert main(["plan", str(naive_copy), "-o", str(planned)]) == 0
    printed = capsys.readouterr().out
    plan_hard = int(re.search(r"hard violations (\d+)", printed).group(1))  # type: ignore[union-attr]
    in_no_wave = int(re.search(r"in no wave: (\d+) workloads", printed).group(1))  # type: ignore[union-attr]
    assert main(["stats", str(planned), "--json"]) == 0
    after = json.loads(capsys.readouterr().out)
    assert after["metrics"]["hard_violations"] == plan_hard
    assert len(after["unplaced"]) == in_no_wave
    open_plan(qtbot, window, planned)
    panel = window.waves.unplaced
    qtbot.waitUntil(lambda: panel.status.text() != "updating…", timeout=20000)
    assert sum(len(rows) for rows in panel.groups().values()) == in_no_wave
    if plan_hard:
        assert f"({plan_hard} hard," in window.waves.violations_label.text()
    else:
        assert window.waves.violations_label.text() == "No rule is broken."
    write_pdf(load_plan(planned), pdf)
    text = subprocess.run(
        [tool, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert _pdf_number(text, "Hard rules broken") == plan_hard
    assert _pdf_number(text, "Not in a wave") == in_no_wave
