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
