"""WAVE-LOCKED and WORKLOAD-PINNED held by the commands themselves, whatever asks for the
move: an edit of the wave field, a bulk edit, an added workload, a deleted wave, a proposal."""

from __future__ import annotations

import pytest

from migplan.core.commands import (
    AddEntities,
    Composite,
    History,
    RemoveEntities,
    UpdateEntities,
)
from migplan.core.document import PlanDocument
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.ids import workload_id
from migplan.core.locks import EDIT_RULES, LockedError, wave_title
from migplan.core.models import Wave, Workload

BASE = generate_estate(EstateSpec(workloads=40, waves=3, seed=5))


def fresh() -> PlanDocument:
    return PlanDocument.from_data(BASE.to_data())


def copy(doc: PlanDocument) -> PlanDocument:
    return PlanDocument.from_data(doc.to_data())


def lock(doc: PlanDocument, wave: Wave) -> None:
    doc.apply(UpdateEntities(((wave.id, {"locked": True}),), "Lock"))


def named(doc: PlanDocument, wave: Wave, name: str) -> Wave:
    doc.apply(UpdateEntities(((wave.id, {"name": name}),), "Rename"))
    return doc.waves[wave.id]


def test_the_rules_are_named_things() -> None:
    assert set(EDIT_RULES) == {"WAVE-LOCKED", "WORKLOAD-PINNED"}
    for rule in EDIT_RULES.values():
        assert rule.title and rule.statement.endswith(".")


def test_a_wave_is_named_by_its_position_and_its_name() -> None:
    doc = fresh()
    first, second, _ = doc.waves_in_order()
    assert wave_title(doc, first) == "Wave 1"
    assert wave_title(doc, named(doc, second, "Payments")) == "Wave 2 'Payments'"


def test_moving_a_workload_out_of_a_locked_wave_is_refused_naming_both() -> None:
    doc = fresh()
    first, _second, third = doc.waves_in_order()
    third = named(doc, third, "Payments")
    lock(doc, third)
    wl = doc.workloads_in_wave(third.id)[0]
    before = copy(doc)
    with pytest.raises(LockedError) as caught:
        doc.apply(UpdateEntities(((wl.id, {"wave_id": first.id}),), "Move"))
    assert (
        str(caught.value) == f"Wave 3 'Payments' is locked: unlock it to move {wl.name} out of it"
    )
    assert caught.value.rule_id == "WAVE-LOCKED"
    assert doc == before


def test_moving_workloads_into_a_locked_wave_is_refused_and_counts_the_rest() -> None:
    doc = fresh()
    first, second, _ = doc.waves_in_order()
    lock(doc, second)
    ids = sorted(w.id for w in doc.workloads_in_wave(first.id))[:3]
    before = copy(doc)
    with pytest.raises(LockedError) as caught:
        doc.apply(UpdateEntities.same(ids, "Move", wave_id=second.id))
    name = doc.workloads[ids[0]].name
    assert str(caught.value) == (
        f"Wave 2 is locked: unlock it to move {name} and 2 other workloads into it"
    )
    assert doc == before
    # No wave at all is no escape: out of a locked wave into none is a move out too.
    member = doc.workloads_in_wave(second.id)[0]
    with pytest.raises(LockedError, match=r"to move .* out of it"):
        doc.apply(UpdateEntities(((member.id, {"wave_id": None}),), "Clear"))


def test_a_pinned_workload_stays_until_unpinned() -> None:
    doc = fresh()
    first, second, _ = doc.waves_in_order()
    wl = doc.workloads_in_wave(first.id)[0]
    doc.apply(UpdateEntities(((wl.id, {"pinned": True}),), "Pin"))
    with pytest.raises(LockedError) as caught:
        doc.apply(UpdateEntities(((wl.id, {"wave_id": second.id}),), "Move"))
    assert str(caught.value) == f"{wl.name} is pinned to Wave 1: unpin it to move it"
    assert caught.value.rule_id == "WORKLOAD-PINNED"
    assert doc.workloads[wl.id].wave_id == first.id
    # Unpinned in the same change: the person means it.
    doc.apply(UpdateEntities(((wl.id, {"wave_id": second.id, "pinned": False}),), "Move"))
    assert doc.workloads[wl.id].wave_id == second.id
    # Other edits of a pinned workload or a locked wave's members are not moves.
    lock(doc, second)
    doc.apply(UpdateEntities(((wl.id, {"notes": "kept", "pinned": True}),), "Note"))
    assert doc.workloads[wl.id].notes == "kept"


def test_a_new_workload_cannot_land_in_a_locked_wave() -> None:
    doc = fresh()
    wave = doc.waves_in_order()[0]
    lock(doc, wave)
    new = Workload(id=workload_id("late"), name="late01", wave_id=wave.id)
    with pytest.raises(LockedError, match="Wave 1 is locked: unlock it to add late01 to it"):
        doc.apply(AddEntities((new,)))
    assert new.id not in doc.workloads
    doc.apply(AddEntities((new.with_changes(wave_id=None),)))
    assert doc.workloads[new.id].wave_id is None


def test_deleting_a_locked_wave_is_refused_and_an_unlocked_one_unpins_its_members() -> None:
    doc = fresh()
    first, second, _ = doc.waves_in_order()
    lock(doc, first)
    n = len(doc.workloads_in_wave(first.id))
    with pytest.raises(LockedError) as caught:
        doc.apply(RemoveEntities((first.id,)))
    assert str(caught.value) == f"Wave 1 is locked: unlock it to delete it and its {n} workloads"
    assert first.id in doc.waves
    members = [w.id for w in doc.workloads_in_wave(second.id)]
    doc.apply(UpdateEntities.same(members, "Pin", pinned=True))
    before = copy(doc)
    history = History(doc)
    history.do(RemoveEntities((second.id,)))
    assert all(doc.workloads[m].wave_id is None and not doc.workloads[m].pinned for m in members)
    history.undo()
    assert doc == before


def test_undo_restores_exactly_even_across_a_lock() -> None:
    """Undo walks back through the states it came from; inverses never meet a lock the
    forward step did not meet, and are not refused."""
    doc = fresh()
    first, second, _ = doc.waves_in_order()
    start = copy(doc)
    history = History(doc)
    wl = doc.workloads_in_wave(first.id)[0]
    history.do(UpdateEntities(((wl.id, {"wave_id": second.id}),), "Move"))
    history.do(UpdateEntities(((second.id, {"locked": True}),), "Lock"))
    history.do(UpdateEntities(((wl.id, {"pinned": True}),), "Pin"))
    after = copy(doc)
    while history.can_undo:
        history.undo()
    assert doc == start
    while history.can_redo:
        history.redo()
    assert doc == after


def test_a_composite_that_unlocks_first_may_move() -> None:
    doc = fresh()
    first, second, _ = doc.waves_in_order()
    lock(doc, second)
    wl = doc.workloads_in_wave(first.id)[0]
    doc.apply(
        Composite(
            (
                UpdateEntities(((second.id, {"locked": False}),)),
                UpdateEntities(((wl.id, {"wave_id": second.id}),)),
            )
        )
    )
    assert doc.workloads[wl.id].wave_id == second.id


def test_propose_keeps_locked_waves_as_they_are_and_a_stale_proposal_is_refused() -> None:
    from migplan.core.planning.planner import propose_waves
    from migplan.core.planning.proposal import proposal_command

    doc = fresh()
    first, second, third = doc.waves_in_order()
    lock(doc, second)
    kept = doc.waves[second.id]
    members = {w.id: w for w in doc.workloads_in_wave(second.id)}
    pinned = doc.workloads_in_wave(first.id)[0]
    doc.apply(UpdateEntities(((pinned.id, {"pinned": True}),), "Pin"))

    proposal = propose_waves(doc)
    assert second.id not in proposal.removed_waves
    doc.apply(proposal_command(doc, proposal))
    assert doc.waves[second.id] == kept  # same name, order, dates, still locked
    assert {w.id: w for w in doc.workloads_in_wave(second.id)} == members
    assert doc.workloads[pinned.id].wave_id == first.id

    # A proposal computed before a wave was locked is refused, not applied over the lock.
    doc = fresh()
    proposal = propose_waves(doc)
    assert third.id in proposal.removed_waves
    lock(doc, doc.waves[third.id])
    before = copy(doc)
    with pytest.raises(LockedError, match="Wave 3 is locked"):
        doc.apply(proposal_command(doc, proposal))
    assert doc == before


def test_one_refusal_names_them_all_and_counts_the_other_reasons() -> None:
    doc = fresh()
    first, second, third = doc.waves_in_order()
    pinned = sorted(w.id for w in doc.workloads_in_wave(first.id))[:2]
    doc.apply(UpdateEntities.same(pinned, "Pin", pinned=True))
    lock(doc, second)
    held = doc.workloads_in_wave(second.id)[0]
    a = doc.workloads[pinned[0]].name
    with pytest.raises(LockedError) as caught:
        doc.apply(UpdateEntities.same([*pinned, held.id], "Move", wave_id=third.id))
    assert str(caught.value) == (
        f"{a} and 1 other workload are pinned to Wave 1: unpin them to move them "
        "(and 1 more workload refused for other reasons)"
    )
    assert caught.value.rule_id == "WORKLOAD-PINNED"
