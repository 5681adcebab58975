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


def test_fit_class_and_suggested_disposition_come_from_the_live_assessment(
    qtmodeltester: Any,
) -> None:
    from migplan.core.enums import DispositionKind
    from migplan.core.models import Disposition
    from migplan.gui.analysis import AnalysisService

    session = DocumentSession()
    analysis = AnalysisService(session)
    session.replace(load_plan(EXAMPLE), EXAMPLE)
    model = WorkloadTableModel(session, analysis)
    qtmodeltester.check(model, force_py=True)
    col = {c.key: i for i, c in enumerate(model.columns)}
    fits = analysis.assessment.fits
    undecided = next(
        r
        for r in range(model.rowCount())
        if session.doc.workloads[model.workload_id(r)].disposition is None
    )
    wid = model.workload_id(undecided)
    assert model.index(undecided, col["fit"]).data() == fits[wid].level.value
    assert (
        model.index(undecided, col["class"]).data()
        == analysis.assessment.classes[wid].workload_class.label
    )
    assert (
        model.index(undecided, col["disposition"]).data()
        == f"suggested: {fits[wid].suggested.short}"
    )
    tip = model.index(undecided, col["fit"]).data(Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith(f"<p>Fit: {fits[wid].level.value}"), "plain text, as a paragraph"
    # The user's choice replaces the suggestion at once.
    session.execute(
        UpdateEntities(
            ((wid, {"disposition": Disposition(kind=DispositionKind.RETAIN, reason="x")}),)
        )
    )
    assert model.index(undecided, col["disposition"]).data() == DispositionKind.RETAIN.short


def test_the_inventory_proxy_passes_qtmodeltester_filtered_and_not(
    qtbot: Any, qtmodeltester: Any, window: Any, example_copy: Any
) -> None:
    """Issue 12, point 9: every item model is checked, the filtering proxy included."""
    assert window.open_path(example_copy, ask=False)
    proxy = window.inventory.proxy
    qtmodeltester.check(proxy, force_py=True)
    qtbot.keyClicks(window.inventory.filter_edit, "db")
    assert 0 < proxy.rowCount() < len(window.session.doc.workloads)
    qtmodeltester.check(proxy, force_py=True)
