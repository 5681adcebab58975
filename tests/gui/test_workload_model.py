from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from migplan.core.commands import UpdateEntities
from migplan.core.enums import Environment
from migplan.gui.session import DocumentSession
from migplan.gui.workload_model import SORT_ROLE, WorkloadTableModel
from migplan.io.planfile import load_plan

EXAMPLE = Path(__file__).resolve().parents[2] / "plans" / "ai-lab-small.migplan"


def test_model_passes_qtmodeltester(qtmodeltester: Any) -> None:
    session = DocumentSession()
    session.replace(load_plan(EXAMPLE), EXAMPLE)
    model = WorkloadTableModel(session)
    qtmodeltester.check(model, force_py=True)
    assert model.rowCount() == len(session.doc.workloads)


def test_model_follows_commands_and_undo(qtbot: Any) -> None:
    session = DocumentSession()
    session.replace(load_plan(EXAMPLE), EXAMPLE)
    model = WorkloadTableModel(session)
    env_col = next(i for i, c in enumerate(model.columns) if c.key == "environment")
    wid = model.workload_id(3)
    with qtbot.waitSignal(model.dataChanged):
        session.execute(UpdateEntities(((wid, {"environment": Environment.DR}),)))
    assert model.index(3, env_col).data() == "dr"
    session.undo_stack.undo()
    assert model.index(3, env_col).data() == session.doc.workloads[wid].environment.value != "dr"


def test_numbers_sort_as_numbers() -> None:
    session = DocumentSession()
    session.replace(load_plan(EXAMPLE), EXAMPLE)
    model = WorkloadTableModel(session)
    vcpu_col = next(i for i, c in enumerate(model.columns) if c.key == "vcpu")
    values = [model.index(r, vcpu_col).data(SORT_ROLE) for r in range(model.rowCount())]
    assert all(isinstance(v, int) for v in values)
    assert model.index(0, vcpu_col).data(Qt.ItemDataRole.TextAlignmentRole)
