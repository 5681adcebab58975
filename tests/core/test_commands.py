from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.core.commands import (
    AddEntities,
    Command,
    Composite,
    History,
    RemoveEntities,
    SetSettings,
    UpdateEntities,
)
from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, DispositionKind, EntityKind, Environment
from migplan.core.errors import CommandError
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.ids import dependency_id, wave_id, workload_id
from migplan.core.locks import LockedError
from migplan.core.models import Dependency, Disposition, Wave, Workload

BASE = generate_estate(EstateSpec(workloads=40, waves=3, seed=5))


def fresh() -> PlanDocument:
    return PlanDocument.from_data(BASE.to_data())


def random_command(data: st.DataObject, doc: PlanDocument, n: int) -> Command:
    """One random but valid command for the current state of ``doc``."""
    wl_ids = sorted(doc.workloads)
    wave_ids = sorted(doc.waves)
    kind = data.draw(
        st.sampled_from(["edit", "bulk", "add", "remove", "dep", "settings", "composite"])
    )
    if kind == "edit" and wl_ids:
        wid = data.draw(st.sampled_from(wl_ids))
        field = data.draw(
            st.sampled_from(["vcpu", "environment", "criticality", "wave_id", "disposition"])
        )
        value = {
            "vcpu": data.draw(st.integers(0, 64)),
            "environment": data.draw(st.sampled_from(list(Environment))),
            "criticality": data.draw(st.sampled_from(list(Criticality))),
            "wave_id": data.draw(st.sampled_from([None, *wave_ids])),
            "disposition": Disposition(
                kind=data.draw(st.sampled_from(list(DispositionKind))), reason="r"
            ),
        }[field]
        return UpdateEntities(((wid, {field: value}),))
    if kind == "bulk" and wl_ids and wave_ids:
        ids = data.draw(st.lists(st.sampled_from(wl_ids), min_size=1, max_size=10, unique=True))
        return UpdateEntities.same(ids, wave_id=data.draw(st.sampled_from(wave_ids)), pinned=True)
    if kind == "add":
        new_wave = Wave(id=wave_id(f"new-{n}"), name=f"New {n}", order=100 + n)
        new_wl = Workload(id=workload_id(f"new-{n}"), name=f"new-{n}", wave_id=new_wave.id)
        return AddEntities((new_wave, new_wl))
    if kind == "remove":
        pool = sorted([*doc.workloads, *doc.waves, *doc.applications, *doc.dependencies])
        if pool:
            ids = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
            return RemoveEntities(tuple(ids))
    if kind == "dep" and len(wl_ids) >= 2:
        a, b = data.draw(st.lists(st.sampled_from(wl_ids), min_size=2, max_size=2, unique=True))
        dep = Dependency(id=dependency_id("hand", a, b, str(n)), source=a, target=b, port=443)
        return AddEntities((dep,))
    if kind == "settings":
        return SetSettings(doc.settings.with_changes(name=f"Plan {n}"))
    if kind == "composite" and wl_ids:
        wid = data.draw(st.sampled_from(wl_ids))
        return Composite(
            (
                UpdateEntities(((wid, {"notes": f"note {n}"}),)),
                SetSettings(doc.settings.with_changes(description=f"d{n}")),
            )
        )
    return UpdateEntities(())


@settings(
    max_examples=fuzz_examples(40), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_random_commands_undo_to_the_start(data: st.DataObject) -> None:
    doc = fresh()
    start = fresh()
    history = History(doc)
    steps = data.draw(st.integers(1, 25))
    for n in range(steps):
        command = random_command(data, doc, n)
        before = PlanDocument.from_data(doc.to_data())
        try:
            history.do(command)
        except LockedError:
            # Moving a workload pinned by an earlier step: refused, and nothing changed.
            assert doc == before
    after = PlanDocument.from_data(doc.to_data())
    while history.can_undo:
        history.undo()
    assert doc == start
    while history.can_redo:
        history.redo()
    assert doc == after


def test_remove_workload_cascades_and_undo_restores() -> None:
    doc = fresh()
    start = fresh()
    wid = next(iter(sorted(doc.workloads)))
    touching = {d.id for d in doc.dependencies.values() if wid in (d.source, d.target)}
    assert touching
    inverse, summary = doc.apply(RemoveEntities((wid,)))
    assert wid not in doc.workloads
    assert not touching & doc.dependencies.keys()
    assert summary.removed[EntityKind.DEPENDENCY] == touching
    doc.apply(inverse)
    assert doc == start


def test_remove_wave_detaches_its_workloads() -> None:
    doc = fresh()
    wave = doc.waves_in_order()[0]
    members = {w.id for w in doc.workloads_in_wave(wave.id)}
    _, summary = doc.apply(RemoveEntities((wave.id,)))
    assert all(doc.workloads[m].wave_id is None for m in members)
    assert summary.updated[EntityKind.WORKLOAD] == members
    assert "wave_id" in summary.fields[EntityKind.WORKLOAD]


def test_bad_edit_changes_nothing() -> None:
    doc = fresh()
    start = fresh()
    ids = sorted(doc.workloads)[:3]
    with pytest.raises(CommandError, match="vCPU"):
        doc.apply(UpdateEntities(((ids[0], {"vcpu": 4}), (ids[1], {"vcpu": -1}))))
    assert doc == start
    with pytest.raises(CommandError, match="wave v-nope is not in the plan"):
        doc.apply(UpdateEntities(((ids[0], {"wave_id": "v-nope"}),)))
    with pytest.raises(CommandError, match="unknown field"):
        doc.apply(UpdateEntities(((ids[0], {"colour": "red"}),)))
    assert doc == start


def test_failed_composite_rolls_back() -> None:
    doc = fresh()
    start = fresh()
    wid = sorted(doc.workloads)[0]
    bad = Composite(
        (
            UpdateEntities(((wid, {"notes": "first"}),)),
            SetSettings(doc.settings.with_changes(name="changed")),
            RemoveEntities(("w-does-not-exist",)),
        )
    )
    with pytest.raises(CommandError, match="no such item"):
        doc.apply(bad)
    assert doc == start


def test_add_refuses_duplicate_ids_and_dangling_edges() -> None:
    doc = fresh()
    existing = next(iter(doc.workloads.values()))
    with pytest.raises(CommandError, match="already used"):
        doc.apply(AddEntities((existing,)))
    dep = Dependency(id=dependency_id("z"), source=existing.id, target=workload_id("ghost"))
    with pytest.raises(CommandError, match="not in the plan"):
        doc.apply(AddEntities((dep,)))


def test_revision_counts_applied_commands() -> None:
    doc = fresh()
    before = doc.revision
    doc.apply(SetSettings(doc.settings.with_changes(name="x")))
    assert doc.revision == before + 1


class _Boom:
    """A command that fails with an unexpected error (not a refused change)."""

    label = "Boom"

    def apply(self, doc: PlanDocument) -> tuple[Command, object]:
        raise RuntimeError("disk on fire")


@settings(
    max_examples=fuzz_examples(30), deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
@given(st.data())
def test_any_failure_inside_a_composite_leaves_the_document_as_it_was(
    data: st.DataObject,
) -> None:
    """Random valid commands, then one that fails in an unexpected way, at a random place
    in one composite: the document is exactly as it was."""
    doc = fresh()
    steps = [random_command(data, doc, n) for n in range(data.draw(st.integers(1, 6)))]
    at = data.draw(st.integers(0, len(steps)))
    steps.insert(at, _Boom())  # type: ignore[arg-type]
    start = PlanDocument.from_data(doc.to_data())
    revision = doc.revision
    # (steps drawn against the same state may also be refused: a failure all the same)
    with pytest.raises((RuntimeError, CommandError)):
        doc.apply(Composite(tuple(steps)))
    assert doc == start and doc.revision == revision


def test_the_same_id_twice_in_one_update_is_one_change() -> None:
    doc = fresh()
    start = fresh()
    wid = sorted(doc.workloads)[0]
    history = History(doc)
    history.do(UpdateEntities(((wid, {"notes": "first", "vcpu": 3}), (wid, {"vcpu": 5}))))
    assert doc.workloads[wid].notes == "first" and doc.workloads[wid].vcpu == 5
    history.undo()
    assert doc == start
