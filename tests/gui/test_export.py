from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from migplan.gui.dialogs import Ask
from migplan.gui.main_window import MainWindow


@pytest.mark.parametrize(("kind", "magic"), [("pdf", b"%PDF"), ("xlsx", b"PK")])
def test_export_from_the_file_menu(
    qtbot: Any,
    window: MainWindow,
    example_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    magic: bytes,
) -> None:
    assert window.open_path(example_copy, ask=False)
    out = tmp_path / f"out.{kind}"
    asked: list[Path] = []

    def export_path(cls: Any, parent: Any, title: str, suggested: Path, filter_: str) -> Path:
        asked.append(suggested)
        return out

    monkeypatch.setattr(Ask, "export_path", classmethod(export_path))
    (window.export_pdf_action if kind == "pdf" else window.export_xlsx_action).trigger()
    assert asked == [example_copy.with_suffix(f".{kind}")]
    task = window.export_task
    assert task is not None
    qtbot.waitUntil(lambda: not task.running, timeout=60000)
    assert out.read_bytes().startswith(magic)
    # (the message comes from the task's succeeded signal, which may follow its end)
    qtbot.waitUntil(lambda: window.statusBar().currentMessage() == f"Exported {out.name}")


def test_the_export_writes_the_plan_as_it_was_when_chosen_while_the_user_edits_on(
    qtbot: Any,
    window: MainWindow,
    example_copy: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 11, point 5: the Excel export read the live document from a worker thread while
    the user edited it. The worker is held inside its write while a workload is renamed."""
    import threading

    from openpyxl import load_workbook

    import migplan.io.reports.xlsx as xlsx
    from migplan.core.commands import UpdateEntities

    assert window.open_path(example_copy, ask=False)
    out = tmp_path / "out.xlsx"
    monkeypatch.setattr(Ask, "export_path", classmethod(lambda *a: out))
    entered, release = threading.Event(), threading.Event()
    real = xlsx.write_xlsx

    def held(*args: Any, **kwargs: Any) -> None:
        entered.set()
        assert release.wait(30)
        real(*args, **kwargs)

    monkeypatch.setattr(xlsx, "write_xlsx", held)
    workload = min(window.session.doc.workloads.values(), key=lambda w: w.id)
    old_name = workload.name
    window.export_xlsx_action.trigger()
    task = window.export_task
    assert task is not None and entered.wait(30)
    window.session.execute(UpdateEntities.same([workload.id], "Rename", name="renamed-meanwhile"))
    release.set()
    qtbot.waitUntil(lambda: not task.running, timeout=60000)
    cells = {
        str(cell)
        for sheet in load_workbook(out, read_only=True).worksheets
        for row in sheet.iter_rows(values_only=True)
        for cell in row
    }
    assert old_name in cells and "renamed-meanwhile" not in cells
    assert window.session.doc.workloads[workload.id].name == "renamed-meanwhile"
