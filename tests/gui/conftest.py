"""GUI fixtures: a real main window with its own settings file, and dialog answers."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from migplan.gui.app import make_app
from migplan.gui.dialogs import Ask, SaveChoice
from migplan.gui.main_window import MainWindow

EXAMPLE = Path(__file__).resolve().parents[2] / "plans" / "ai-lab-small.migplan"


@pytest.fixture(scope="session")
def qapp_cls() -> type[QApplication]:
    return QApplication


@pytest.fixture(scope="session")
def qapp(qapp_args: list[str]) -> QApplication:  # type: ignore[override]
    return make_app(qapp_args)


class Answers:
    """What the test wants the user to answer; records what was asked."""

    def __init__(self) -> None:
        self.open_path: Path | None = None
        self.save_path: Path | None = None
        self.unsaved = SaveChoice.CANCEL
        self.errors: list[tuple[str, str]] = []
        self.unsaved_asked = 0
        self.recover = True
        self.recover_asked = 0


@pytest.fixture
def answers(monkeypatch: pytest.MonkeyPatch) -> Answers:
    ans = Answers()

    def unsaved(cls: Any, parent: Any, name: str) -> SaveChoice:
        ans.unsaved_asked += 1
        return ans.unsaved

    monkeypatch.setattr(
        Ask, "open_path", classmethod(lambda cls, parent, start=None: ans.open_path)
    )
    monkeypatch.setattr(
        Ask, "save_path", classmethod(lambda cls, parent, suggested=None: ans.save_path)
    )
    monkeypatch.setattr(Ask, "unsaved_changes", classmethod(unsaved))

    def recover(cls: Any, parent: Any, name: str) -> bool:
        ans.recover_asked += 1
        return ans.recover

    monkeypatch.setattr(Ask, "recover", classmethod(recover))
    monkeypatch.setattr(
        Ask,
        "show_error",
        classmethod(lambda cls, parent, title, msg: ans.errors.append((title, msg))),
    )
    return ans


@pytest.fixture
def window(qtbot: Any, tmp_path: Path, answers: Answers) -> Iterator[MainWindow]:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings, autosave_dir=tmp_path / "autosave")
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    win.activateWindow()
    qtbot.waitActive(win)  # keyboard shortcuts (Ctrl+Z, Ctrl+S) need an active window
    yield win
    win.session.undo_stack.setClean()


@pytest.fixture
def example_copy(tmp_path: Path) -> Path:
    path = tmp_path / "plan.migplan"
    path.write_bytes(EXAMPLE.read_bytes())
    return path


@pytest.fixture
def naive_copy(tmp_path: Path) -> Path:
    """A plan whose waves were drawn by hand without the planner (applications spread in
    the order they were created): it breaks rules, as a first draft does."""
    from migplan.core.estate import EstateSpec, generate_estate
    from migplan.io.planfile import save_plan

    path = tmp_path / "draft.migplan"
    save_plan(generate_estate(EstateSpec(workloads=120, waves=4, seed=23, ai_share=0.3)), path)
    return path
