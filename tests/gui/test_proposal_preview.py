"""Propose and Optimise waves show what will change before anything does (issue 12,
point 5): waves added and removed, the workloads that move, the validator's rules broken
now and after, risk per wave; Apply is one undo step named after the command, Discard
changes nothing, and Optimise keeps to the time budget its menu item names."""

from __future__ import annotations

import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from migplan.gui.main_window import MainWindow
from migplan.gui.proposal_preview import ProposalPreviewDialog


def open_plan(qtbot: Any, window: MainWindow, path: Path) -> None:
    assert window.open_path(path, ask=False)
    qtbot.waitUntil(lambda: window.analysis.assessment is not None, timeout=30_000)


def wait_preview(qtbot: Any, window: MainWindow) -> ProposalPreviewDialog:
    qtbot.waitUntil(
        lambda: window.preview_dialog is not None and window.preview_dialog.isVisible(),
        timeout=60_000,
    )
    dialog = window.preview_dialog
    assert isinstance(dialog, ProposalPreviewDialog)
    return dialog


def wave_names(window: MainWindow) -> dict[str, str | None]:
    doc = window.session.doc
    return {
        w.id: (doc.waves[w.wave_id].name if w.wave_id else None) for w in doc.workloads.values()
    }


def test_propose_shows_the_change_and_apply_is_one_undo_step(
    qtbot: Any, window: MainWindow, naive_copy: Path
) -> None:
    open_plan(qtbot, window, naive_copy)
    doc = window.session.doc
    assert window.propose_action.text() == "&Propose waves…"
    rules_now = Counter(v.rule_id for v in window.analysis.assessment.violations)
    hard_now = sum(1 for v in window.analysis.assessment.violations if v.severity == "hard")
    before = wave_names(window)
    window.propose_action.trigger()
    dialog = wait_preview(qtbot, window)
    # Nothing has changed yet: the preview is all there is.
    assert wave_names(window) == before and window.session.undo_stack.count() == 0
    assert dialog.windowTitle() == "Propose waves: what will change"
    summary = dialog.summary.text()
    rules = {row[0]: row for row in dialog.rows(dialog.rules)}
    # "now" is what the Waves tab shows, rule by rule.
    for rule_id, n in rules_now.items():
        row = next(r for title, r in rules.items() if title.endswith(f"({rule_id})"))
        assert row[2] == f"{n:,}"
    assert f"Hard rules broken: {hard_now:,} now, " in summary
    moves = dialog.rows(dialog.moves)
    assert dialog.headline.text() == f"Applying these waves moves {len(moves):,} workloads."
    assert dialog.undo_hint.text().endswith("Edit > Undo Propose waves takes it back.")
    assert not dialog.budget.isVisible()  # no solver ran: no budget to speak of

    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == 1)
    assert window.undo_action.text() == "&Undo Propose waves"
    after = wave_names(window)
    # The moves listed are exactly the workloads whose wave changed, from and to as listed.
    changed = {wid for wid in after if after[wid] != before[wid]}
    assert len(moves) == len(changed)
    by_name = {doc.workloads[wid].name: (before[wid], after[wid]) for wid in changed}
    for name, was, will in moves:
        expected = by_name[name]
        assert (was, will) == tuple(x or "no wave" for x in expected)
    # "after" is what the validator finds once applied.
    rules_after = Counter(v.rule_id for v in window.analysis.assessment.violations)
    for title, row in rules.items():
        rule_id = title.rsplit("(", 1)[1].rstrip(")")
        assert row[3] == f"{rules_after.get(rule_id, 0):,}"
    assert f"Waves: 4 now, {len(doc.waves)} after" in summary
    window.undo_action.trigger()
    assert wave_names(window) == before


def test_discard_changes_nothing(qtbot: Any, window: MainWindow, naive_copy: Path) -> None:
    open_plan(qtbot, window, naive_copy)
    doc = window.session.doc
    before = doc.to_data()
    window.propose_action.trigger()
    dialog = wait_preview(qtbot, window)
    assert dialog.rows(dialog.moves)  # there was something to apply
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert doc.to_data() == before
    assert window.session.undo_stack.count() == 0 and not window.session.modified
    assert window.statusBar().currentMessage() == "Propose waves: discarded; nothing changed"


def test_optimise_stops_early_only_with_a_proof_and_says_so(
    qtbot: Any, window: MainWindow, naive_copy: Path
) -> None:
    """A small plan is one window: the solver proves its answer optimal long before the
    budget, and the preview says it stopped for that reason."""
    open_plan(qtbot, window, naive_copy)
    window.set_optimise_budget(30)
    assert window.optimize_action.text() == "&Optimise waves (up to 30 s)…"
    began = time.monotonic()
    window.optimize_action.trigger()
    dialog = wait_preview(qtbot, window)
    assert time.monotonic() - began < 30
    text = dialog.budget.text()
    assert dialog.budget.isVisible()
    assert text.startswith("Stopped after ") and text.endswith(
        "of its 30 s budget: the solver proved no better plan exists for these waves."
    )
    assert dialog.windowTitle() == "Optimise waves: what will change"
    qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.session.undo_stack.count() == 1)
    assert window.undo_action.text() == "&Undo Optimise waves"


def test_optimise_without_a_proof_uses_the_budget_it_names(
    qtbot: Any, window: MainWindow, naive_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Solved in small windows (no window's proof is the plan's), it runs to its budget:
    the whole run, proposing included, takes what the menu item says."""
    import migplan.core.planning.optimize as optimize_module

    monkeypatch.setattr(
        optimize_module, "optimize", partial(optimize_module.optimize, window_groups=4)
    )
    open_plan(qtbot, window, naive_copy)
    window.set_optimise_budget(2)
    assert window.optimize_action.text() == "&Optimise waves (up to 2 s)…"
    began = time.monotonic()
    window.optimize_action.trigger()
    dialog = wait_preview(qtbot, window)
    elapsed = time.monotonic() - began
    # The budget (CP-SAT may stop a few ms short of its limit), then the preview's
    # assessment (a loaded machine).
    assert 1.95 <= elapsed < 10
    assert dialog.budget.text() == (
        "Used the full 2.0 s budget; a longer run might find a better plan."
    )
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    assert window.session.undo_stack.count() == 0


def test_cancel_while_optimising_changes_nothing(
    qtbot: Any, window: MainWindow, naive_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cancel stops the solver within moments, even mid-solve, and nothing is shown or kept."""
    from PySide6.QtWidgets import QProgressDialog, QPushButton

    import migplan.core.planning.optimize as optimize_module

    monkeypatch.setattr(
        optimize_module, "optimize", partial(optimize_module.optimize, window_groups=4)
    )
    open_plan(qtbot, window, naive_copy)
    before = window.session.doc.to_data()
    window.set_optimise_budget(60)
    window.optimize_action.trigger()
    task = window.plan_task
    assert task is not None
    dialog = window.findChild(QProgressDialog, "plan-progress")
    qtbot.waitUntil(dialog.isVisible, timeout=10_000)
    qtbot.waitUntil(lambda: dialog.labelText().startswith("Optimising: "), timeout=10_000)
    began = time.monotonic()
    qtbot.mouseClick(dialog.findChild(QPushButton), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not task.running, timeout=10_000)
    assert time.monotonic() - began < 5
    assert window.preview_dialog is None
    assert window.session.doc.to_data() == before and window.session.undo_stack.count() == 0
    assert window.statusBar().currentMessage() == "Planning cancelled; nothing changed"
