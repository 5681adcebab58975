"""The details panel says where each value of the selected workload came from: a person or
a file's row and column (issue 10, point 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from migplan.core.commands import UpdateEntities
from migplan.gui.main_window import MainWindow
from migplan.io.importers.pipeline import ImportRequest, run_import

from .test_main_window import cell_center, edit_cell_with_combo


def _item(window: MainWindow, label: str) -> QTreeWidgetItem:
    tree = window.details.origins.tree
    found = tree.findItems(label, Qt.MatchFlag.MatchExactly | Qt.MatchFlag.MatchRecursive, 0)
    assert len(found) == 1, f"{label}: {len(found)} rows"
    return found[0]


def test_details_say_which_values_a_person_set_and_which_file_cell_gave_the_rest(
    qtbot: Any, window: MainWindow, tmp_path: Path
) -> None:
    path = tmp_path / "file.csv"
    path.write_text(
        "Name,CPUs,Memory MB,Owner,Environment\n"
        "app01,4,8192,Ops,prod\n"
        "app02,2,4096,Ops <ops@example.com>,test\n",
        encoding="utf-8",
    )
    command, _ = run_import(window.session.doc, ImportRequest(files=[path]))
    assert command is not None
    window.session.execute(command)
    app01 = next(w.id for w in window.session.doc.workloads.values() if w.name == "app01")
    window.session.execute(UpdateEntities.same([app01], owner="Alice Smith"))
    row = window.inventory.proxy_row_of(app01)
    qtbot.mouseClick(window.inventory.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell_center(window, row, "name"))  # fmt: skip
    origins = window.details.origins
    assert origins.isVisible() and window.details.title.text() == "app01"
    shown = origins.shown()
    assert shown["Owner"] == "set by a person"
    assert shown["vCPU"] == "file.csv, row 2, column 'CPUs'"
    assert shown["Memory (MiB)"] == "file.csv, row 2, column 'Memory MB'"
    owner, vcpu = _item(window, "Owner"), _item(window, "vCPU")
    assert (owner.text(1), owner.parent().text(0)) == ("Alice Smith", "Set by a person")
    assert (vcpu.text(1), vcpu.parent().text(0), vcpu.text(2)) == (
        "4",
        "file.csv, row 2",
        "column 'CPUs'",
    )
    assert "file.csv, row 2, column 'CPUs'" in vcpu.toolTip(0)
    # A person's values come first, then the file's.
    assert origins.tree.topLevelItem(0).text(0) == "Set by a person"

    # The person edits the environment in the table: the panel follows.
    edit_cell_with_combo(qtbot, window, row, "environment", "dr")
    assert origins.shown()["Environment"] == "set by a person"
    assert _item(window, "Environment").text(1) == "dr"

    # Another workload: a value with markup shows as typed, in the cell and its tooltip.
    qtbot.mouseClick(window.inventory.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell_center(window, window.inventory.proxy_row_of(
                         next(w.id for w in window.session.doc.workloads.values()
                              if w.name == "app02")), "name"))  # fmt: skip
    owner = _item(window, "Owner")
    assert owner.text(1) == "Ops <ops@example.com>"
    assert "Ops &lt;ops@example.com&gt;" in owner.toolTip(1)
    assert origins.shown()["Owner"] == "file.csv, row 3, column 'Owner'"


def test_where_the_values_come_from_folds_away(qtbot: Any, window: MainWindow,
                                              tmp_path: Path) -> None:  # fmt: skip
    path = tmp_path / "file.csv"
    path.write_text("Name,CPUs\napp01,4\n", encoding="utf-8")
    command, _ = run_import(window.session.doc, ImportRequest(files=[path]))
    assert command is not None
    window.session.execute(command)
    qtbot.mouseClick(window.inventory.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=cell_center(window, 0, "name"))  # fmt: skip
    origins = window.details.origins
    assert origins.tree.isVisible()
    details_height = window.details.tree.height()
    qtbot.mouseClick(origins.toggle, Qt.MouseButton.LeftButton)
    assert not origins.tree.isVisible() and origins.toggle.isVisible()
    qtbot.waitUntil(lambda: window.details.tree.height() > details_height)
    qtbot.mouseClick(origins.toggle, Qt.MouseButton.LeftButton)
    assert origins.tree.isVisible()
    assert origins.shown() == {
        "Name": "file.csv, row 2, column 'Name'",
        "vCPU": "file.csv, row 2, column 'CPUs'",
    }


def test_the_section_is_hidden_while_no_workload_is_selected(
    qtbot: Any, window: MainWindow
) -> None:
    window.show()
    window.details.show_workload(None)
    assert not window.details.origins.isVisible()
