"""DATA-GRAVITY in the validator: an AI workload never moves before the data it reads."""

from __future__ import annotations

import random
from typing import Any

import pytest

from migplan.core.assess import Assessment, Severity, validate_plan
from migplan.core.commands import UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind, GpuMode, WorkloadClass
from migplan.core.models import Disposition, Entity, GpuNeeds
from migplan.core.rules import RULES, data_gravity_broken, data_gravity_pair, moves

from .factories import app, dep, make_doc, vid, wave, wid, wl

_MOVE = Disposition(kind=DispositionKind.REHOST_KUBEVIRT)


def _ai(name: str, **kw: Any) -> Entity:
    base: dict[str, Any] = {
        "gpu": GpuNeeds(count=1, mode=GpuMode.CONTAINER),
        "disposition": Disposition(kind=DispositionKind.CONTAINERIZE),
    }
    return wl(name, **{**base, **kw})


def _lake(name: str, **kw: Any) -> Entity:
    tib = 5 * 1024 * 1024  # 5 TiB: data-heavy by size alone
    base: dict[str, Any] = {
        "storage_used_mib": tib,
        "storage_provisioned_mib": tib,
        "disposition": _MOVE,
    }
    return wl(name, **{**base, **kw})


def _plan(ai_wave: int | None, data_wave: int | None, **data_kw: Any) -> PlanDocument:
    return make_doc(
        *(wave(k) for k in range(1, 5)),
        _ai("train-07", wave_id=vid(ai_wave) if ai_wave else None),
        _lake("lake-01", wave_id=vid(data_wave) if data_wave else None, **data_kw),
        dep("train-07", "lake-01", port=9000),
    )


def _gravity(doc: PlanDocument) -> list[Any]:
    return [v for v in validate_plan(doc) if v.rule_id == "DATA-GRAVITY"]


def test_the_rule_is_named_and_hard() -> None:
    named = RULES["DATA-GRAVITY"]
    assert named.severity is Severity.HARD and named.title and named.statement


def test_ai_before_its_data_is_a_hard_violation_naming_both_and_their_waves() -> None:
    found = _gravity(_plan(2, 4))
    assert len(found) == 1
    v = found[0]
    assert v.severity is Severity.HARD
    assert v.message == (
        "train-07 (AI) moves in Wave 2 but reads lake-01 (data-heavy), which moves in Wave 4: "
        "move the data first or in the same wave"
    )
    assert v.workload_ids == (wid("train-07"), wid("lake-01"))
    assert v.wave_ids == (vid(2), vid(4))


@pytest.mark.parametrize(("ai_wave", "data_wave"), [(3, 3), (4, 1), (None, 2), (None, None)])
def test_same_wave_or_data_first_or_ai_in_no_wave_keeps_the_rule(
    ai_wave: int | None, data_wave: int | None
) -> None:
    assert _gravity(_plan(ai_wave, data_wave)) == []


def test_data_in_no_wave_while_the_ai_moves_is_a_violation() -> None:
    found = _gravity(_plan(1, None))
    assert len(found) == 1
    assert "lake-01 (data-heavy), which is in no wave" in found[0].message
    assert found[0].wave_ids == (vid(1),)


def test_the_direction_of_the_dependency_does_not_matter() -> None:
    doc = make_doc(
        wave(1),
        wave(2),
        _ai("train-07", wave_id=vid(1)),
        _lake("lake-01", wave_id=vid(2)),
        dep("lake-01", "train-07", port=9000),  # the lake pushes to the job
    )
    assert len(_gravity(doc)) == 1


@pytest.mark.parametrize("kind", [DispositionKind.RETAIN, DispositionKind.RETIRE])
def test_data_that_stays_behind_is_left_to_the_risk_factor(kind: DispositionKind) -> None:
    assert _gravity(_plan(1, None, disposition=Disposition(kind=kind))) == []


def test_an_ai_workload_that_stays_is_not_bound() -> None:
    doc = make_doc(
        wave(1),
        wave(2),
        _ai("train-07", wave_id=vid(1), disposition=Disposition(kind=DispositionKind.RETAIN)),
        _lake("lake-01", wave_id=vid(2)),
        dep("train-07", "lake-01", port=9000),
    )
    assert _gravity(doc) == []


def test_a_class_set_by_a_person_is_what_counts() -> None:
    # the evidence says nothing of these two; a person says one is AI, the other data
    doc = make_doc(
        wave(1),
        wave(2),
        wl("scorer", wave_id=vid(1), workload_class=WorkloadClass.AI_GPU, disposition=_MOVE),
        wl("warehouse", wave_id=vid(2), workload_class=WorkloadClass.DATA_HEAVY, disposition=_MOVE),
        dep("scorer", "warehouse", port=5432),
    )
    assert [v.workload_ids for v in _gravity(doc)] == [(wid("scorer"), wid("warehouse"))]
    # and a person calling the big store "legacy" unbinds it
    assert _gravity(_plan(1, 2, workload_class=WorkloadClass.LEGACY)) == []


def test_a_dependency_on_an_application_binds_each_of_its_workloads() -> None:
    doc = make_doc(
        app("Lake"),
        wave(1),
        wave(2),
        _ai("train-07", wave_id=vid(1)),
        _lake("lake-01", wave_id=vid(2), application_id="a-Lake"),
        _lake("lake-02", wave_id=vid(1), application_id="a-Lake"),
        dep("train-07", "Lake", port=9000).model_copy(update={"target": "a-Lake"}),
    )
    assert [v.workload_ids for v in _gravity(doc)] == [(wid("train-07"), wid("lake-01"))]


def test_moving_the_data_first_clears_the_violation_incrementally() -> None:
    doc = _plan(1, 3)
    assessment = Assessment(doc)
    assert [v.rule_id for v in assessment.violations if v.rule_id == "DATA-GRAVITY"]
    _inverse, summary = doc.apply(UpdateEntities(((wid("lake-01"), {"wave_id": vid(1)}),)))
    assert not assessment.needs_rebuild(summary)
    assessment.refresh(summary)
    assert not [v for v in assessment.violations if v.rule_id == "DATA-GRAVITY"]


def test_the_array_code_is_the_rules_readable_definition() -> None:
    """STYLE rule 13: the validator's arrays give what the rule's plain definition gives,
    pair by pair, on random plans."""
    kinds = [*DispositionKind, DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT]
    classes = [WorkloadClass.AI_GPU, WorkloadClass.DATA_HEAVY, WorkloadClass.LEGACY]
    found = 0
    for seed in range(20):
        rng = random.Random(seed)
        waves = [wave(k) for k in range(1, 5)]
        workloads = [
            wl(
                f"w{i}",
                workload_class=rng.choice(classes),
                disposition=Disposition(kind=rng.choice(kinds)),
                wave_id=rng.choice([None, *(w.id for w in waves)]),
            )
            for i in range(12)
        ]
        deps = [
            dep(f"w{a}", f"w{b}", port=p)
            for p in range(40)
            if (a := rng.randrange(12)) != (b := rng.randrange(12))
        ]
        doc = make_doc(*waves, *workloads, *deps)
        rank = {w.id: k for k, w in enumerate(doc.waves_in_order(), start=1)}
        k = len(rank)
        expected = set()
        for d in doc.dependencies.values():
            x, y = doc.workloads[d.source], doc.workloads[d.target]
            assert x.workload_class is not None and y.workload_class is not None
            assert x.disposition is not None and y.disposition is not None
            if not data_gravity_pair(x.workload_class, y.workload_class):
                continue
            if not (moves(x.disposition.kind) and moves(y.disposition.kind)):
                continue
            ai, data = (x, y) if x.workload_class is WorkloadClass.AI_GPU else (y, x)
            r_ai = rank.get(ai.wave_id, k + 1) if ai.wave_id else k + 1
            r_data = rank.get(data.wave_id, k + 1) if data.wave_id else k + 1
            if data_gravity_broken(r_ai, r_data, k):
                expected.add((ai.id, data.id))
        assert {v.workload_ids for v in _gravity(doc)} == expected, seed
        found += len(expected)
    assert found > 20  # the plans do break the rule
