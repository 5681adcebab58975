"""First steps: an empty plan says what to do; Help has the user guide and the version."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from migplan import __version__
from migplan.gui.dialogs import Ask
from migplan.gui.main_window import MainWindow
from migplan.paths import examples_dir, user_guide_path

from .conftest import EXAMPLE


def test_an_empty_plan_shows_how_to_start(qtbot: Any, window: MainWindow) -> None:
    panel = window.first_steps
    assert panel.isVisible() and not window.tabs.isVisible()
    assert panel.import_button.text().startswith("Import an inventory (RVTools, CSV")
    assert panel.example_button.isEnabled()
    assert panel.example_path == examples_dir() / "northwind-plan.migplan"
    assert panel.example_path.is_file()  # the example a first-time user opens is shipped


def test_its_import_button_starts_the_import(
    qtbot: Any, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Ask, "import_paths", classmethod(lambda cls, parent, start=None: []))
    qtbot.mouseClick(window.first_steps.import_button, Qt.MouseButton.LeftButton)
    wizard = window.import_wizard
    assert wizard is not None
    qtbot.waitExposed(wizard)
    assert wizard.currentPage() is wizard.files_page
    wizard.reject()


def test_opening_a_plan_shows_the_tabs_and_a_new_plan_the_first_steps(
    qtbot: Any, window: MainWindow
) -> None:
    window.first_steps.example_path = EXAMPLE  # the small example: the test stays fast
    qtbot.mouseClick(window.first_steps.example_button, Qt.MouseButton.LeftButton)
    assert window.session.path == EXAMPLE
    assert window.tabs.isVisible() and not window.first_steps.isVisible()
    window.new_plan()
    assert window.first_steps.isVisible()


def test_help_user_guide_shows_the_guide_shipped_with_the_app(
    qtbot: Any, window: MainWindow
) -> None:
    titles = [a.text() for a in window.help_menu.actions()]
    assert titles == ["&User guide", "&About MigPlan"]
    window.guide_action.trigger()
    dialog = window.guide_dialog
    qtbot.waitExposed(dialog)
    text = dialog.browser.toPlainText()
    assert text.startswith("MigPlan user guide")  # the Markdown heading, rendered
    assert "Plan > Settings…" in text and "##" not in text
    assert dialog.browser.isReadOnly()
    # the same text as docs/USER_GUIDE.md
    assert user_guide_path() == Path(__file__).resolve().parents[2] / "docs" / "USER_GUIDE.md"
    assert "Save as preset…" in user_guide_path().read_text("utf-8")
    dialog.close()


def test_about_shows_the_version(qtbot: Any, window: MainWindow) -> None:
    window.about_action.trigger()
    box = window.about_dialog
    qtbot.waitExposed(box)
    assert box.text() == f"MigPlan {__version__}"
    assert "data folder" in box.informativeText()
    box.accept()
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is None)
