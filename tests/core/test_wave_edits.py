"""Waves edited by hand: add, rename, reorder, date, lock, delete, and moves of workloads and
whole applications, each one undo step with a name; and how full each wave is."""

from __future__ import annotations

import datetime as dt

import pytest

from migplan.core.assess.assessment import Assessment
from migplan.core.commands import Command, History, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.errors import CommandError
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.locks import LockedError
from migplan.core.settings import CapacityRamp
from migplan.core.wave_edits import (
    add_wave,
    delete_wave,
    move_applications,
    move_wave,
    move_workloads,
    rename_wave,
    set_wave_dates,
    set_wave_locked,
)

BASE = generate_estate(EstateSpec(workloads=40, waves=3, seed=5))


def fresh() -> PlanDocument:
    return PlanDocument.from_data(BASE.to_data())


def names(doc: PlanDocument) -> list[str]:
    return [w.name for w in doc.waves_in_order()]


def do(history: History, command: Command | None) -> None:
    assert command is not None
    history.do(command)


def test_add_a_wave_at_the_end_dated_after_the_last_and_undo() -> None:
    doc = fresh()
    start = fresh()
    history = History(doc)
    command = add_wave(doc)
    assert command.label == "Add wave 'Wave 4'"
    do(history, command)
    new = doc.waves_in_order()[-1]
    assert (new.name, new.order) == ("Wave 4", 4)
    assert new.start_date == dt.date(2027, 3, 29)  # the day after Wave 3 ends
    assert new.end_date == dt.date(2027, 3, 29) + dt.timedelta(days=13)
    assert not doc.workloads_in_wave(new.id)
    history.undo()
    assert doc == start


def test_add_a_wave_after_the_first_moves_the_later_ones_down() -> None:
    doc = fresh()
    start = fresh()
    history = History(doc)
    first = doc.waves_in_order()[0]
    do(history, add_wave(doc, after=first.id, name="Pilot"))
    assert names(doc) == ["Wave 1", "Pilot", "Wave 2", "Wave 3"]
    assert [w.order for w in doc.waves_in_order()] == [1, 2, 3, 4]
    # Unnamed in the middle: not a "Wave 2" before Wave 2.
    command = add_wave(doc, after=first.id)
    assert command.label == "Add wave 'New wave'"
    do(history, command)
    assert add_wave(doc, after=first.id).label == "Add wave 'New wave 2'"
    history.undo()
    history.undo()
    assert doc == start


def test_rename_and_reorder_are_one_step_each() -> None:
    doc = fresh()
    start = fresh()
    history = History(doc)
    first, _second, third = doc.waves_in_order()
    command = rename_wave(doc, third.id, "  Payments ")
    assert command.label == "Rename Wave 3 to 'Payments'"
    do(history, command)
    assert doc.waves[third.id].name == "Payments"
    command = move_wave(doc, third.id, 2)
    assert command is not None and command.label == "Move Payments up"
    do(history, command)
    assert names(doc) == ["Wave 1", "Payments", "Wave 2"]
    command = move_wave(doc, first.id, 3)
    assert command is not None and command.label == "Move Wave 1 to position 3"
    do(history, command)
    assert names(doc) == ["Payments", "Wave 2", "Wave 1"]
    assert move_wave(doc, first.id, 3) is None  # already there
    with pytest.raises(CommandError, match="needs a name"):
        rename_wave(doc, first.id, "   ")
    for _ in range(3):
        history.undo()
    assert doc == start


def test_dates_and_lock() -> None:
    doc = fresh()
    history = History(doc)
    wave = doc.waves_in_order()[0]
    command = set_wave_dates(doc, wave.id, dt.date(2027, 5, 3), dt.date(2027, 5, 14))
    assert command is not None and command.label == "Set the dates of Wave 1"
    do(history, command)
    assert doc.waves[wave.id].start_date == dt.date(2027, 5, 3)
    bad = set_wave_dates(doc, wave.id, dt.date(2027, 5, 14), dt.date(2027, 5, 3))
    assert bad is not None
    with pytest.raises(CommandError, match=r"ends \(2027-05-03\) before it starts"):
        history.do(bad)
    command = set_wave_locked(doc, wave.id, True)
    assert command is not None and command.label == "Lock Wave 1"
    do(history, command)
    assert set_wave_locked(doc, wave.id, True) is None
    assert doc.waves[wave.id].locked


def test_delete_a_wave_sends_its_workloads_to_no_wave_in_one_undo_step() -> None:
    doc = fresh()
    start = fresh()
    history = History(doc)
    wave = doc.waves_in_order()[1]
    members = [w.id for w in doc.workloads_in_wave(wave.id)]
    command = delete_wave(doc, wave.id)
    assert command.label == f"Delete Wave 2 ({len(members)} workloads to no wave)"
    do(history, command)
    assert wave.id not in doc.waves
    assert all(doc.workloads[m].wave_id is None for m in members)
    history.undo()
    assert doc == start
    do(history, set_wave_locked(doc, wave.id, True))
    with pytest.raises(LockedError, match="Wave 2 is locked: unlock it to delete it"):
        history.do(delete_wave(doc, wave.id))


def test_move_workloads_and_a_whole_application_with_named_steps() -> None:
    doc = fresh()
    start = fresh()
    history = History(doc)
    first, second, third = doc.waves_in_order()
    ids = sorted(w.id for w in doc.workloads_in_wave(first.id))[:3]
    command = move_workloads(doc, ids, second.id)
    assert command is not None and command.label == "Move 3 workloads to Wave 2"
    do(history, command)
    assert all(doc.workloads[i].wave_id == second.id for i in ids)
    assert move_workloads(doc, ids, second.id) is None  # nothing would move
    one = move_workloads(doc, ids[:1], third.id)
    assert one is not None and one.label == f"Move {doc.workloads[ids[0]].name} to Wave 3"

    app = doc.applications[next(a for a in sorted(doc.applications))]
    members = [w.id for w in doc.workloads_of_app(app.id)]
    command = move_applications(doc, [app.id], third.id)
    assert command is not None and command.label == f"Move application {app.name} to Wave 3"
    do(history, command)
    assert all(doc.workloads[m].wave_id == third.id for m in members)
    history.undo()
    history.undo()
    assert doc == start


def test_moving_an_application_with_a_pinned_workload_is_refused() -> None:
    doc = fresh()
    app = doc.applications[sorted(doc.applications)[0]]
    pinned = doc.workloads_of_app(app.id)[0]
    doc.apply(UpdateEntities(((pinned.id, {"pinned": True}),), "Pin"))
    target = next(w for w in doc.waves_in_order() if w.id != pinned.wave_id)
    command = move_applications(doc, [app.id], target.id)
    assert command is not None
    with pytest.raises(LockedError, match=f"{pinned.name} is pinned to "):
        doc.apply(command)


def test_capacity_use_is_what_the_capacity_rule_reads() -> None:
    doc = fresh()
    ramp = CapacityRamp(start=5, step=5, max=10)
    capacity = doc.settings.capacity.with_changes(workloads=ramp, vcpu=40)
    doc.settings = doc.settings.with_changes(capacity=capacity)
    assessment = Assessment(doc)
    over_by_rule = {w for v in assessment.violations if v.rule_id == "CAPACITY" for w in v.wave_ids}
    for rank, wave in enumerate(doc.waves_in_order(), start=1):
        use = {u.dimension: u for u in assessment.capacity_use(wave.id)}
        members = doc.workloads_in_wave(wave.id)
        assert use["workloads"].used == len(members)
        assert use["workloads"].limit == ramp.capacity(rank)
        assert use["vcpu"].used == sum(w.vcpu for w in members)
        assert use["vcpu"].limit == 40
        assert use["memory_gib"].limit is None and use["memory_gib"].share is None
        assert use["workloads"].text() == f"{len(members)} / {ramp.capacity(rank)}"
        assert use["memory_gib"].text().endswith("GiB (no limit)")
        assert any(u.over for u in use.values()) == (wave.id in over_by_rule)
    assert over_by_rule  # the limits above are tight enough to break
