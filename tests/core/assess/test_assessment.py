"""``Assessment.refresh`` after edits gives exactly what a fresh assessment gives."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from migplan.core.assess import Assessment, Violation, score_plan, validate_plan
from migplan.core.commands import Command, History, SetSettings, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, DispositionKind, Environment
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.models import Disposition
from migplan.core.settings import PlanSettings, RiskSettings


def _estate() -> PlanDocument:
    return generate_estate(EstateSpec(workloads=150, waves=5, seed=11))


def _key(v: Violation) -> tuple[str, str, tuple[str, ...], tuple[str, ...]]:
    return v.rule_id, v.message, v.workload_ids, v.wave_ids


def _same_as_fresh(a: Assessment, doc: PlanDocument) -> None:
    fresh = Assessment(doc)
    assert sorted(map(_key, a.violations)) == sorted(map(_key, fresh.violations))
    assert a.risks == fresh.risks
    assert a.dispositions == fresh.dispositions


_EDITS = st.sampled_from(["wave", "unplan", "crit", "env", "disposition", "app", "tags"])


@settings(max_examples=20, deadline=None)
@given(st.lists(st.tuples(_EDITS, st.integers(0, 10_000), st.integers(0, 10)), max_size=6))
def test_incremental_equals_fresh(edits: list[tuple[str, int, int]]) -> None:
    doc = _estate()
    a = Assessment(doc)
    ids = sorted(doc.workloads)
    waves = [w.id for w in doc.waves_in_order()]
    apps = sorted(doc.applications)
    for what, i, j in edits:
        wid = ids[i % len(ids)]
        choices: dict[str, dict[str, object]] = {
            "wave": {"wave_id": waves[j % len(waves)]},
            "unplan": {"wave_id": None},
            "crit": {"criticality": list(Criticality)[j % len(Criticality)]},
            "env": {"environment": list(Environment)[j % len(Environment)]},
            "disposition": {
                "disposition": Disposition(kind=list(DispositionKind)[j % len(DispositionKind)])
            },
            "app": {"application_id": apps[j % len(apps)] if j else None},
            # a shared-service tag changes how every edge of the workload is counted
            "tags": {"tags": ("shared-service",) if j % 2 else ("pci",)},
        }
        values = choices[what]
        _, summary = doc.apply(UpdateEntities(((wid, values),)))
        a.refresh(summary)
        assert a.revision == doc.revision
    _same_as_fresh(a, doc)


def test_move_reports_touched_waves_and_undo_restores() -> None:
    doc = _estate()
    history = History(doc)
    a = Assessment(doc)
    before = dict(a.risks)
    waves = doc.waves_in_order()
    mover = next(w for w in doc.workloads.values() if w.wave_id == waves[0].id)
    changed = a.refresh(history.do(UpdateEntities(((mover.id, {"wave_id": waves[-1].id}),))))
    assert {waves[0].id, waves[-1].id} <= changed
    assert a.risks != before
    _same_as_fresh(a, doc)
    a.refresh(history.undo())
    assert a.risks == before


def test_no_change_and_unchanged_entities_touch_nothing() -> None:
    doc = _estate()
    a = Assessment(doc)
    wid = next(iter(doc.workloads))
    _, summary = doc.apply(UpdateEntities(()))
    assert a.refresh(summary) == set()
    # an edit that leaves the entity as it was still yields a new object: recomputed, same
    same = doc.workloads[wid].criticality
    _, summary = doc.apply(UpdateEntities(((wid, {"criticality": same}),)))
    a.refresh(summary)
    _same_as_fresh(a, doc)


def test_settings_change_rebuilds() -> None:
    doc = _estate()
    a = Assessment(doc)
    new = PlanSettings(risk=RiskSettings(band_medium=0.0, band_high=0.0))
    changed = a.refresh(doc.apply(SetSettings(new))[1])
    assert changed == set(doc.waves)
    _same_as_fresh(a, doc)


def test_public_functions_agree_with_assessment() -> None:
    doc = _estate()
    a = Assessment(doc)
    assert score_plan(doc) == a.risks
    assert sorted(map(_key, validate_plan(doc))) == sorted(map(_key, a.violations))


def test_rename_refreshes_cached_edge_messages() -> None:
    doc = _estate()
    a = Assessment(doc)
    late = next(v for v in a.violations if v.rule_id == "PRECEDENCE")
    wid = late.workload_ids[1]
    _, summary = doc.apply(UpdateEntities(((wid, {"name": "renamed-target"}),)))
    a.refresh(summary)
    assert any(
        "renamed-target" in v.message for v in a.violations if v.workload_ids == late.workload_ids
    )


def test_progress_is_reported_and_cancel_stops() -> None:
    import pytest

    from migplan.core.progress import CallbackProgress, Cancelled

    doc = _estate()
    seen: list[tuple[int, int]] = []
    Assessment(doc, CallbackProgress(lambda d, t, m: seen.append((d, t)), rate=0))
    assert seen and seen[-1][0] == seen[-1][1]
    stopper = CallbackProgress()
    stopper.cancel()
    with pytest.raises(Cancelled):
        Assessment(doc, stopper)


def test_per_wave_views_match_the_plan_wide_functions() -> None:
    from migplan.core.assess import phase_bridges

    doc = _estate()
    a = Assessment(doc)
    for phase in phase_bridges(doc):
        assert a.bridges_of(phase.wave_id) == phase
        listed = a.violations_of(phase.wave_id)
        assert all(phase.wave_id in v.wave_ids for v in listed)
    total = {id(v) for w in doc.waves for v in a.violations_of(w)}
    assert total == {id(v) for v in a.violations if v.wave_ids}


def test_structural_edits_reuse_what_they_can_and_match_fresh() -> None:
    import datetime as dt

    from migplan.core.commands import AddEntities, RemoveEntities
    from migplan.core.ids import DependencyId, WaveId
    from migplan.core.models import Dependency, Wave
    from migplan.core.settings import FreezePeriod

    doc = _estate()
    a = Assessment(doc)
    waves = doc.waves_in_order()
    ids = sorted(doc.workloads)
    extra = Wave(id=WaveId("v-extra"), name="Wave 0", order=0, start_date=dt.date(2027, 1, 4))
    freeze = FreezePeriod(name="Freeze", start=dt.date(2027, 2, 1), end=dt.date(2027, 2, 20))
    steps: list[Command] = [
        AddEntities((extra,)),
        UpdateEntities(((ids[3], {"wave_id": WaveId("v-extra")}),)),
        UpdateEntities(((waves[1].id, {"name": "Renamed wave"}),)),
        AddEntities(
            (Dependency(id=DependencyId("d-new"), source=ids[5], target=ids[40], weight=90.0),)
        ),
        RemoveEntities((ids[7],)),
        RemoveEntities((waves[2].id,)),
        SetSettings(doc.settings.with_changes(freeze_periods=(freeze,))),
        # edits that keep the wave order are taken in without a rebuild
        UpdateEntities(
            ((waves[0].id, {"start_date": dt.date(2027, 2, 2), "end_date": dt.date(2027, 2, 9)}),)
        ),
        UpdateEntities(((waves[3].id, {"name": "Zz last"}),)),
    ]
    for step in steps:
        a.refresh(doc.apply(step)[1])
        _same_as_fresh(a, doc)
    assert set(a.classes) == set(doc.workloads)
    assert any("Renamed wave" in v.message for v in a.violations)


def test_a_moved_link_peak_alone_rewrites_only_the_link_sentence(monkeypatch: Any) -> None:
    import migplan.core.assess.assessment as module

    from .factories import dep, make_doc, vid, wave, wl

    # a (wave 1) and m (wave 1) talk to z (wave 4) across the link while waves 1-3 run
    doc = make_doc(
        *(wave(r) for r in (1, 2, 3, 4)),
        wl("a", wave_id=vid(1)), wl("m", wave_id=vid(1)), wl("z", wave_id=vid(4)),
        wl("b", wave_id=vid(2)), wl("c", wave_id=vid(3)),
        dep("a", "z", port=1, weight=50.0), dep("m", "z", port=1, weight=5.0),
    )  # fmt: skip
    a = Assessment(doc)
    relinked: list[int] = []
    real = module.with_link_peak

    def spy(risk: Any, *args: Any) -> Any:
        relinked.append(risk.rank)
        return real(risk, *args)

    monkeypatch.setattr(module, "with_link_peak", spy)
    before = a.risks[vid(2)].findings["C2"]
    changed = a.refresh(doc.apply(UpdateEntities.same(["w-m"], "Move", wave_id=vid(4)))[1])
    # wave 2: 440 -> 400 Mbit/s, still over the 333 the link can spare (C2 stays 4), and
    # nothing else of it changes; wave 3 also lost a same-pattern predecessor (F5): rebuilt
    assert relinked == [2] and {vid(2), vid(3)} <= changed
    assert "440 Mbit/s" in before and "400 Mbit/s" in a.risks[vid(2)].findings["C2"]
    _same_as_fresh(a, doc)
