"""The planner holds DATA-GRAVITY (issue 14, point 3): an AI workload never moves before the
data it reads, and waits, with the rule and the data's own reason, when that data cannot
move."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from migplan.core.assess import Assessment
from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, DispositionKind, Environment, GpuMode, WorkloadClass
from migplan.core.models import (
    Application,
    Blocker,
    Dependency,
    Disposition,
    GpuNeeds,
    Wave,
    Workload,
)
from migplan.core.planning.atoms import _bfs_order
from migplan.core.planning.planner import propose_waves
from migplan.core.planning.problem import build_problem
from migplan.core.planning.proposal import Proposal, proposal_command
from migplan.core.planning.unplaced import explain_unplaced
from migplan.core.settings import (
    CapacityRamp,
    Network,
    PlannerSettings,
    PlanSettings,
    WaveCapacity,
)

_TIB = 5 * 1024 * 1024  # 5 TiB in MiB: data-heavy by size alone


def _w(name: str, **kw: Any) -> Workload:
    base: dict[str, Any] = {
        "id": f"w-{name}",
        "name": name,
        "vcpu": 2,
        "memory_mib": 4096,
        "os_reported": "Red Hat Enterprise Linux 8 (64-bit)",
        "environment": Environment.PRODUCTION,
        "criticality": Criticality.LOW,
        "disposition": Disposition(kind=DispositionKind.REHOST_KUBEVIRT),
    }
    base.update(kw)
    return Workload(**base)


def _job(name: str = "train-07", **kw: Any) -> Workload:
    gpu = GpuNeeds(count=1, mode=GpuMode.CONTAINER)
    return _w(name, gpu=gpu, disposition=Disposition(kind=DispositionKind.CONTAINERIZE), **kw)


def _lake(name: str = "lake-01", **kw: Any) -> Workload:
    return _w(name, **{"storage_used_mib": _TIB, "storage_provisioned_mib": _TIB, **kw})


def _d(src: str, dst: str, weight: float = 1.0) -> Dependency:
    return Dependency(id=f"d-{src}-{dst}", source=f"w-{src}", target=f"w-{dst}", weight=weight)


def _settings(per_wave: int, **kw: Any) -> PlanSettings:
    return PlanSettings(
        capacity=WaveCapacity(
            workloads=CapacityRamp(start=per_wave, step=0, max=per_wave),
            storage_gib=kw.pop("storage_gib", None),
        ),
        planner=PlannerSettings(pilot_waves=0),
        **kw,
    )


def _rank(proposal: Proposal) -> dict[str, int]:
    order = {w.id: k for k, w in enumerate(proposal.waves)}
    return {wid.removeprefix("w-"): order[v] for wid, v in proposal.assignment.items()}


def _applied(doc: PlanDocument, proposal: Proposal) -> PlanDocument:
    doc.apply(proposal_command(doc, proposal))
    return doc


def _gravity(doc: PlanDocument) -> list[str]:
    return [v.message for v in Assessment(doc).violations if v.rule_id == "DATA-GRAVITY"]


def test_the_data_moves_first_even_when_it_depends_on_the_ai_job() -> None:
    # The lake depends on the job (it stores what the job writes back): PRECEDENCE alone
    # would move the job first; one workload per wave forces them apart.
    doc = PlanDocument.from_entities([_job(), _lake(), _d("lake-01", "train-07")], _settings(1))
    proposal = propose_waves(doc)
    rank = _rank(proposal)
    assert rank["lake-01"] < rank["train-07"]
    assert _gravity(_applied(doc, proposal)) == []


def test_a_cycle_between_the_job_and_its_data_keeps_the_data_first() -> None:
    entities = [
        _job(),
        _lake(),
        _w("feed-01"),
        _d("train-07", "lake-01"),
        _d("lake-01", "feed-01"),
        _d("feed-01", "train-07"),
        _d("lake-01", "train-07"),
    ]
    doc = PlanDocument.from_entities(entities, _settings(1))
    proposal = propose_waves(doc)
    rank = _rank(proposal)
    assert len(rank) == 3
    assert rank["lake-01"] < rank["train-07"]
    assert _gravity(_applied(doc, proposal)) == []


def test_data_pinned_to_a_later_wave_holds_the_job_back() -> None:
    later = Wave(id="v-later", name="Later", order=3)
    entities = [
        later,
        _job(),
        _lake(wave_id="v-later", pinned=True),
        _w("app-0"),
        _d("lake-01", "train-07"),  # PRECEDENCE alone would move the job first
    ]
    doc = PlanDocument.from_entities(entities, _settings(1))
    proposal = propose_waves(doc)
    rank = _rank(proposal)
    assert proposal.assignment["w-lake-01"] == "v-later"
    assert rank["train-07"] >= rank["lake-01"]
    assert _gravity(_applied(doc, proposal)) == []


_RDM = Blocker(rule_id="vmware.disk.rdm.detected", detail="Hard disk 2, physicalMode")


@pytest.mark.parametrize(
    ("lake", "rule_id", "settings"),
    [
        (_lake(), "CAPACITY", _settings(5, storage_gib=1000.0)),
        (_lake(blockers=(_RDM,)), "vmware.disk.rdm.detected", _settings(5)),
    ],
    ids=["too-big", "migration-blocker"],
)
def test_the_job_waits_with_the_rule_when_its_data_cannot_move(
    lake: Workload, rule_id: str, settings: PlanSettings
) -> None:
    entities = [_job(), lake, _w("web-01"), _d("train-07", "lake-01"), _d("web-01", "train-07")]
    doc = PlanDocument.from_entities(entities, settings)
    proposal = propose_waves(doc)
    out = {u.workload_id: u for u in proposal.unplaceable}
    assert out["w-lake-01"].rule_id == rule_id
    job = out["w-train-07"]
    assert job.rule_id == "DATA-GRAVITY"
    assert job.reason.startswith("reads lake-01 (data-heavy), which cannot move yet")
    assert f"({rule_id}: {out['w-lake-01'].reason}" in job.reason
    assert "w-web-01" in proposal.assignment  # what does not read the data still moves
    assert any("DATA-GRAVITY" in note for note in proposal.notes)
    # reading the applied plan back says the same
    again = {u.workload_id: u for u in explain_unplaced(_applied(doc, proposal))}
    assert again["w-train-07"].rule_id == "DATA-GRAVITY"
    assert again["w-train-07"].reason == job.reason


def test_data_left_behind_for_the_link_keeps_its_readers_behind() -> None:
    # The lake talks 80 Mbit/s to a database that stays: moved, it would overload the
    # 33 Mbit/s the link may carry for good, so it stays (LINK); its reader waits for it.
    stays = Disposition(kind=DispositionKind.RETAIN)
    small = {"storage_used_mib": 10 * 1024, "storage_provisioned_mib": 10 * 1024}
    entities = [
        _job(),
        _lake(**small, workload_class=WorkloadClass.DATA_HEAVY),  # a person says so
        _w("db-01", disposition=stays),
        *(_w(f"app-{i:02d}") for i in range(12)),
        _d("train-07", "lake-01"),
        _d("lake-01", "db-01", weight=10.0),
    ]
    settings = _settings(20, network=Network(link_mbps=100.0))
    doc = PlanDocument.from_entities(entities, settings)
    proposal = propose_waves(doc)
    out = {u.workload_id: u for u in proposal.unplaceable}
    assert out["w-lake-01"].rule_id == "LINK"
    assert out["w-train-07"].rule_id == "DATA-GRAVITY"
    assert "(LINK: " in out["w-train-07"].reason
    assert _gravity(_applied(doc, proposal)) == []


def test_chunks_of_a_group_too_big_for_one_wave_put_the_data_first() -> None:
    # breadth-first from a1 reaches the job before the lake: cut two by two, the job would
    # move one wave before its data
    entities = [
        _w("a1"),
        _job("job"),
        _lake("lake"),
        _w("m1"),
        _d("a1", "job"),
        _d("a1", "m1"),
        _d("job", "lake"),
    ]
    doc = PlanDocument.from_entities(entities, _settings(2))
    problem = build_problem(doc, set())
    names = [problem.name(v) for v in _bfs_order(problem, list(range(problem.n)))]
    assert names.index("lake") < names.index("job")
    assert names == ["a1", "m1", "lake", "job"]
    ai, data = problem.gravity
    assert [(problem.name(a), problem.name(d)) for a, d in zip(ai, data, strict=True)] == [
        ("job", "lake")
    ]
    assert np.array_equal(ai, [problem.graph.index["w-job"]])


def _two_labs(per_wave: int) -> PlanDocument:
    """Two applications, each with a job and a lake; each job also reads the other's lake."""
    apps = [Application(id=f"a-{x}", name=f"Lab {x}") for x in "AB"]
    small = {"storage_used_mib": 10 * 1024, "storage_provisioned_mib": 10 * 1024}
    entities: list[Any] = [*apps]
    for x, other in (("a", "b"), ("b", "a")):
        app = f"a-{x.upper()}"
        entities += [
            _job(f"job-{x}", application_id=app),
            _lake(
                f"lake-{x}", application_id=app, workload_class=WorkloadClass.DATA_HEAVY, **small
            ),
            _w(f"web-{x}", application_id=app),
            _d(f"job-{x}", f"lake-{x}"),
            _d(f"job-{x}", f"lake-{other}"),
        ]
    return PlanDocument.from_entities(entities, _settings(per_wave))


def test_applications_reading_each_others_data_move_together_when_they_fit() -> None:
    doc = _two_labs(6)
    proposal = propose_waves(doc)
    assert len(set(proposal.assignment.values())) == 1 and len(proposal.assignment) == 6
    assert _gravity(_applied(doc, proposal)) == []


def test_a_cycle_too_big_for_one_wave_leaves_one_job_waiting() -> None:
    doc = _two_labs(3)
    proposal = propose_waves(doc)
    out = {u.name: u for u in proposal.unplaceable}
    assert set(out) == {"job-a"}  # the rest moves, each application whole
    assert out["job-a"].rule_id == "DATA-GRAVITY" and "lake-b" in out["job-a"].reason
    planned = _applied(doc, proposal)
    assert _gravity(planned) == []
    assert not [v for v in Assessment(planned).violations if v.severity.value == "hard"]
    again = {u.name: u.rule_id for u in explain_unplaced(planned)}
    assert again == {"job-a": "DATA-GRAVITY"}


def test_a_job_and_its_data_in_one_application_not_planned_yet_are_just_that() -> None:
    doc = PlanDocument.from_entities(
        [
            Application(id="a-lab", name="Lab"),
            _job(application_id="a-lab"),
            _lake(application_id="a-lab"),
            _d("train-07", "lake-01"),
        ],
        _settings(5),
    )
    assert {u.name: u.rule_id for u in explain_unplaced(doc)} == {
        "train-07": "NOT-PLANNED",
        "lake-01": "NOT-PLANNED",
    }
