"""Phase risk: gates block a wave without touching its band; factors, bands, confidence."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest

from migplan.core.assess import Confidence, PhaseRisk, RiskBand, score_plan
from migplan.core.assess.risk import band_of
from migplan.core.assess.risk_rubrics import FACTORS, PHASE_IDS, WORKLOAD_IDS, RiskModel
from migplan.core.enums import Criticality, DispositionKind, Environment, GpuMode, OsFamily
from migplan.core.models import Disposition, Entity, GpuNeeds, TimeWindow
from migplan.core.settings import GpuPool, PlanSettings, RiskSettings

from .factories import app, dep, make_doc, vid, wave, wid, wl

_CONTAINER = Disposition(kind=DispositionKind.CONTAINERIZE)


def _w(name: str, **kw: Any) -> Entity:
    base: dict[str, Any] = {"application_id": "a-A", "wave_id": vid(1), "disposition": _CONTAINER}
    base.update(kw)
    return wl(name, **base)


def _risk(*extra: Entity, settings: PlanSettings | None = None, rank: int = 1) -> PhaseRisk:
    given = {getattr(e, "id", "") for e in extra}
    ents: list[Entity] = [app("A"), *(wave(r) for r in (1, 2, 3) if vid(r) not in given)]
    names = {getattr(e, "name", "") for e in extra}
    if "a1" not in names:
        ents.append(_w("a1"))
    if "a2" not in names:
        ents.append(_w("a2"))
    ents += [*extra]
    if not any(getattr(e, "source", "") == "w-a1" for e in extra):
        ents.append(dep("a1", "a2", port=8080))
    return score_plan(make_doc(*ents, settings=settings))[vid(rank)]


def _gates(risk: PhaseRisk) -> set[str]:
    return {g.gate_id for g in risk.gates}


def _blocked_not_banded(risk: PhaseRisk, settings: PlanSettings | None = None) -> bool:
    """A gate blocks the wave and leaves its band to the score."""
    model = RiskModel((settings or PlanSettings()).risk)
    return risk.blocked and risk.band is band_of(risk.score, model)


def test_quiet_plan_is_low_and_confident() -> None:
    risk = _risk()
    assert risk.gates == () and not risk.blocked
    assert risk.band is RiskBand.LOW
    assert risk.confidence is Confidence.HIGH and not risk.unknown
    assert risk.crossing_count == 0 and risk.crossings == ()
    assert 0 < risk.score < 35
    assert abs(sum(risk.points.values()) - risk.score) < 1e-9


def test_rubrics_have_five_levels_and_weights_sum_to_100() -> None:
    model = RiskSettings()
    assert sum(model.workload_weights.values()) == 100
    assert sum(model.phase_weights.values()) == 100
    assert set(model.workload_weights) == set(WORKLOAD_IDS)
    assert set(model.phase_weights) == set(PHASE_IDS)
    assert all(len(f.rubric) == 5 and all(f.rubric) for f in FACTORS.values())


def test_gate_f3_data_cannot_fit_the_window() -> None:
    cut = dt.datetime(2027, 1, 8, 20)
    short = wave(1, cutover_window=TimeWindow(start=cut, end=cut + dt.timedelta(hours=1)))
    big = _w("a1", storage_provisioned_mib=2 * 1024 * 1024, storage_used_mib=0)
    risk = _risk(big, short)
    assert "F3=4" in _gates(risk) and _blocked_not_banded(risk)
    assert risk.factors["F3"] == 4
    small = _w("a1", storage_provisioned_mib=10 * 1024, storage_used_mib=0)
    assert "F3=4" not in _gates(_risk(small, short))


def test_gate_f6_unresolved_residency() -> None:
    risk = _risk(_w("a1", notes="customer data: residency unresolved"))
    assert "F6=4" in _gates(risk) and _blocked_not_banded(risk)
    regulated = _risk(_w("a1", tags=("pci",)))
    assert "F6=4" not in _gates(regulated) and regulated.factors["F6"] == 2


def test_gate_f7_passthrough_vm_that_needs_ha() -> None:
    pools = PlanSettings(gpu_pools=(GpuPool(name="p", mode=GpuMode.PASSTHROUGH, gpus=8),))
    gpu = GpuNeeds(count=1, mode=GpuMode.PASSTHROUGH)
    vm = Disposition(kind=DispositionKind.REHOST_KUBEVIRT)
    crit = _w("a1", gpu=gpu, disposition=vm, criticality=Criticality.MISSION_CRITICAL)
    risk = _risk(crit, settings=pools)
    assert "F7=4" in _gates(risk) and _blocked_not_banded(risk, pools)
    plain = _risk(_w("a1", gpu=gpu, disposition=vm), settings=pools)
    assert "F7=4" not in _gates(plain) and plain.factors["F7"] == 2


def test_f7_gpu_capacity_below_demand_scores_3() -> None:
    pools = PlanSettings(gpu_pools=(GpuPool(name="p", mode=GpuMode.CONTAINER, gpus=1),))
    gpu = GpuNeeds(count=2, mode=GpuMode.CONTAINER)
    assert _risk(_w("a1", gpu=gpu), settings=pools).factors["F7"] == 3
    fits = PlanSettings(gpu_pools=(GpuPool(name="p", mode=GpuMode.CONTAINER, gpus=2),))
    assert _risk(_w("a1", gpu=gpu), settings=fits).factors["F7"] == 1


def test_gate_c2_link_over_capacity() -> None:
    waiting = _w("b1", application_id=None, wave_id=vid(2))
    risk = _risk(waiting, dep("a1", "b1", port=443, weight=200.0))
    assert "C2=4" in _gates(risk) and risk.factors["C2"] == 4
    assert risk.crossing_count == 1 and risk.crossings[0].mbps == 1600.0
    light = _risk(waiting, dep("a1", "b1", port=443, weight=1.0))
    assert "C2=4" not in _gates(light) and light.factors["C2"] == 0
    assert light.factors["C1"] == 1


def test_gate_critical_two_way_crossing() -> None:
    b1 = _w("b1", application_id=None, wave_id=vid(2), criticality=Criticality.HIGH)
    there, back = dep("a1", "b1", port=443), dep("b1", "a1", port=443)
    risk = _risk(b1, there, back)
    assert "CRIT-BIDIR" in _gates(risk) and risk.factors["C1"] == 4
    assert all(c.bidirectional for c in risk.crossings)
    one_way = _risk(b1, there)
    assert "CRIT-BIDIR" not in _gates(one_way)
    low = _w("b1", application_id=None, wave_id=vid(2))
    assert "CRIT-BIDIR" not in _gates(_risk(low, there, back))


def test_gates_from_critical_conditions() -> None:
    split = _risk(_w("a2", wave_id=vid(2)))
    assert "APP-SPLIT" in _gates(split) and _blocked_not_banded(split)
    mixed = _risk(_w("a2", environment=Environment.TEST))
    assert "ENV-MIX" in _gates(mixed) and _blocked_not_banded(mixed)


def test_bands_follow_settings() -> None:
    score = _risk().score
    medium = PlanSettings(risk=RiskSettings(band_medium=score - 1, band_high=score + 1))
    assert _risk(settings=medium).band is RiskBand.MEDIUM
    high = PlanSettings(risk=RiskSettings(band_medium=score - 2, band_high=score - 1))
    assert _risk(settings=high).band is RiskBand.HIGH


def test_weights_come_from_settings_and_explain_points() -> None:
    heavy = _w("a1", criticality=Criticality.MISSION_CRITICAL)
    base = _risk(heavy)
    assert base.top[0].factor_id == "F1" and base.top[0].workload_id == wid("a1")
    assert base.top[0].text == "a1 is mission-critical."
    # Without F1 in workload risk, F1 still sets the wave's impact: mission-critical is level
    # 4 of 4, nobody depends on the wave (C5 = 0), so 100% of the impact's share (0.25).
    no_f1 = PlanSettings(risk=RiskSettings(workload_weights={"F1": 0.0}))
    assert _risk(heavy, settings=no_f1).points["F1"] == pytest.approx(25.0)
    thresholds = {"mix.impact": 0.0, "mix.max": 0.35, "mix.mean": 0.15, "mix.coupling": 0.25}
    neither = PlanSettings(risk=RiskSettings(workload_weights={"F1": 0.0}, thresholds=thresholds))
    assert _risk(heavy, settings=neither).points["F1"] == 0.0
    line = f"a1 is mission-critical ({base.top[0].points:.1f} points: business criticality, F1)."
    assert line in base.explain()


def test_confidence_and_unknown() -> None:
    unmapped = _risk(_w("a1", application_id=None), _w("a2", application_id=None))
    assert unmapped.confidence is Confidence.LOW  # unmapped: all of the wave
    assert unmapped.missing == ("application mapping",)
    bare: dict[str, Any] = {
        "application_id": None,
        "os_family": OsFamily.UNKNOWN,
        "os_distro": "",
        "os_version": "",
        "vcpu": 0,
        "criticality": Criticality.UNKNOWN,
        "storage_provisioned_mib": 0,
        "storage_used_mib": 0,
    }
    risk = score_plan(make_doc(wave(1), _w("z1", **bare)))[vid(1)]
    assert risk.confidence is Confidence.LOW
    assert set(risk.missing) == {"criticality", "operating system", "sizes", "application mapping"}
    assert risk.unknown and risk.unknown_share >= 0.15


def test_f1_criticality_and_environment() -> None:
    assert _risk(_w("a1", criticality=Criticality.HIGH)).factors["F1"] == 3
    sandbox = [_w(n, environment=Environment.DEVELOPMENT) for n in ("a1", "a2")]
    assert _risk(*sandbox).factors["F1"] == 0


def test_f9_team_experience_grows_with_waves_done() -> None:
    ents: list[Entity] = [app("A"), wave(1), wave(2), wave(3)]
    ents += [_w(f"a{r}", wave_id=vid(r), application_id=None) for r in (1, 2, 3)]
    risks = score_plan(make_doc(*ents))
    assert [risks[vid(r)].factors["F9"] for r in (1, 2, 3)] == [2, 1, 0]


def test_f5_first_of_a_kind_fades_with_repetition() -> None:
    win = {"os_family": OsFamily.WINDOWS, "os_distro": "windows-server", "os_version": "2019"}
    ents: list[Entity] = [wave(r) for r in (1, 2, 3)]
    ents += [wl(f"w{r}", wave_id=vid(r), disposition=_CONTAINER, **win) for r in (1, 2)]
    ents += [wl(f"x{i}", wave_id=vid(3), disposition=_CONTAINER, **win) for i in range(2)]
    risks = score_plan(make_doc(*ents))
    assert risks[vid(1)].factors["F5"] == 3  # Windows nodes: a new platform capability
    assert risks[vid(2)].factors["F5"] == 1
    assert risks[vid(3)].factors["F5"] == 1  # two done before


def test_f8_data_gravity() -> None:
    lake = wl("lake01", attributes={"Role": "data-lake"}, wave_id=vid(3))
    near = _risk(lake, dep("a1", "lake01", port=2049, weight=100.0))
    assert near.factors["F8"] == 4
    quiet = _risk(lake, dep("a1", "lake01", port=2049, weight=1.0))
    assert quiet.factors["F8"] == 0


def test_c3_latency_sensitive_crossing() -> None:
    waiting = _w("b1", application_id=None, wave_id=vid(2))
    risk = _risk(waiting, dep("a1", "b1", port=443, latency_sensitive=True))
    assert risk.factors["C3"] == 3  # 5 ms added of a 10 ms budget
    landed = _risk(waiting, dep("a1", "b1", port=443, latency_sensitive=True), rank=2)
    assert landed.factors["C3"] == 0  # both ends on the new platform once b1 lands
    assert _risk(waiting, dep("a1", "b1", port=443)).factors["C3"] == 0


@pytest.mark.parametrize(("hours", "score"), [(0.1, 0), (10.0, 4)])
def test_c4_size_vs_team_capacity(hours: float, score: int) -> None:
    from migplan.core.settings import WaveCapacity

    cap = PlanSettings(
        capacity=WaveCapacity(engineers=1, hours_per_day=1, working_days_per_wave=1,
                              engineer_hours_per_workload=hours)
    )  # fmt: skip
    assert _risk(settings=cap).factors["C4"] == score


# -- issue 9, point 7: waves told apart -------------------------------------------------------


def test_band_follows_score_when_a_gate_trips() -> None:
    # Unresolved residency (F6 = 4) on one low-criticality workload: F6 weighs 10 of 100, so
    # even counted at the worst workload and the mean it adds at most (0.35 + 0.15) * 10 = 5
    # points, and the impact of low-criticality workloads (F1 = 1) 0.25 * 25: far below
    # band_medium (35). The wave is blocked, and LOW.
    risk = _risk(_w("a1", notes="customer data: residency unresolved"))
    assert risk.blocked and _gates(risk) == {"F6=4"}
    assert risk.score < 35 and risk.band is RiskBand.LOW
    assert risk.gates[0].message == "a1 has unresolved data residency."
    # The band is the score's, over the whole range, CRITICAL included.
    model = RiskModel(RiskSettings(band_medium=35, band_high=60, band_critical=80))
    # scores show in whole points: the band is the one of the number shown
    bands = [band_of(s, model) for s in (0, 34.4, 34.6, 59.4, 59.6, 79.4, 79.6, 100)]
    assert bands == [RiskBand.LOW, RiskBand.LOW, RiskBand.MEDIUM, RiskBand.MEDIUM,
                     RiskBand.HIGH, RiskBand.HIGH, RiskBand.CRITICAL, RiskBand.CRITICAL]  # fmt: skip


def test_link_gate_speaks_plainly() -> None:
    # 200 MB/s = 1,600 Mbit/s across a 1,000 Mbit/s link of which a third (333) is usable.
    waiting = _w("b1", application_id=None, wave_id=vid(2))
    risk = _risk(waiting, dep("a1", "b1", port=443, weight=200.0))
    gate = next(g for g in risk.gates if g.gate_id == "C2=4")
    assert gate.message == (
        "The hybrid link would carry 1,600 Mbit/s while this phase runs, more than the "
        "333 Mbit/s it can spare."
    )
    assert risk.band is band_of(risk.score, RiskModel(RiskSettings()))


def test_confidence_low_and_names_criticality_when_it_is_unknown_everywhere() -> None:
    unknown = [_w(n, criticality=Criticality.UNKNOWN) for n in ("a1", "a2")]
    risk = _risk(*unknown)
    assert risk.confidence is Confidence.LOW
    assert risk.missing == ("criticality",)
    assert [g.text for g in risk.gaps] == ["criticality unknown for 2 of 2 workloads"]
    assert "criticality unknown for 2 of 2 workloads" in risk.confidence_text()
    # one input missing for a share between 10% and 50% of the wave: medium
    ents: list[Entity] = [app("A"), wave(1)]
    ents += [_w(f"k{i}") for i in range(8)]
    ents += [_w(f"u{i}", owner="") for i in range(2)]
    some = score_plan(make_doc(*ents))[vid(1)]
    assert some.confidence is Confidence.MEDIUM and some.missing == ("owner",)


def test_owner_of_the_application_counts_and_unresolved_endpoints_lower_confidence() -> None:
    from migplan.core.ids import DependencyId, ExternalId
    from migplan.core.models import Dependency, ExternalNode

    ents: list[Entity] = [app("A", owner="payments team"), wave(1)]
    ents += [wl(f"a{i}", wave_id=vid(1), owner="", application_id="a-A") for i in range(2)]
    assert score_plan(make_doc(*ents))[vid(1)].confidence is Confidence.HIGH
    ext = ExternalNode(id=ExternalId("x-10.0.0.9"), name="10.0.0.9")
    link = Dependency(id=DependencyId("d-x"), source="w-a0", target="x-10.0.0.9")
    risk = score_plan(make_doc(*ents, ext, link))[vid(1)]
    assert risk.missing == ("dependencies",) and risk.confidence is Confidence.LOW
    assert risk.gaps[0].text.endswith("for 1 of 2 workloads")


def _foundation_plan(dependants: int, estate: int) -> dict[Any, PhaseRisk]:
    """Wave 1: a leaf; wave 2: dns01; wave 3: ``dependants`` workloads that need dns01 (one
    through a dependency on dns01's application), padded to ``estate`` workloads."""
    ents: list[Entity] = [app("Directory"), wave(1), wave(2), wave(3)]
    ents += [wl("leaf", wave_id=vid(1)), wl("dns01", wave_id=vid(2), application_id="a-Directory")]
    users = [f"u{i}" for i in range(dependants)]
    ents += [wl(u, wave_id=vid(3)) for u in users]
    ents += [wl(f"p{i}", wave_id=vid(3)) for i in range(estate - 2 - dependants)]
    ents += [dep(u, "dns01", port=53) for u in users[1:]]
    from migplan.core.ids import DependencyId
    from migplan.core.models import Dependency

    ents.append(Dependency(id=DependencyId("d-app"), source=f"w-{users[0]}", target="a-Directory"))
    return score_plan(make_doc(*ents))


def test_foundation_that_most_depend_on_scores_above_a_leaf_wave() -> None:
    risks = _foundation_plan(dependants=6, estate=10)
    foundation, leaf = risks[vid(2)], risks[vid(1)]
    # 6 of 10 workloads (60%, one of them through the application) depend on wave 2: at or
    # above the last C5 threshold (50%), so 4; nobody depends on the leaf: 0.
    assert foundation.factors["C5"] == 4 and leaf.factors["C5"] == 0
    # The leaf is the team's first wave (F9 = 2 against 1), yet the foundation scores higher.
    assert leaf.factors["F9"] > foundation.factors["F9"]
    assert foundation.score > leaf.score
    c5 = next(c for c in foundation.top if c.factor_id == "C5")
    assert c5.text == (
        "This wave moves what 6 of the estate's 10 workloads (60%) depend on directly; "
        "dns01 alone serves 6 of them."
    )
    # 2 of 10 (20%) is at or above 15% and below 30%: level 2
    assert _foundation_plan(dependants=2, estate=10)[vid(2)].factors["C5"] == 2


def _precedence(b1_wave: int | None, **kw: Any) -> PhaseRisk:
    """a1 (wave 1) depends on b1, which moves in ``b1_wave`` (None: in no wave)."""
    b1 = _w("b1", application_id=None, wave_id=vid(b1_wave) if b1_wave else None)
    return _risk(b1, dep("a1", "b1", port=5432, **kw))


def test_moving_before_a_dependency_scores_higher() -> None:
    late, never = _precedence(2), _precedence(None)
    # one dependency on a later wave: weighted count 1, at the first C6 threshold (1)
    assert late.factors["C6"] == 1 and never.factors["C6"] == 0  # no wave is not later
    assert {f: late.factors[f] for f in late.factors if f != "C6"} == {
        f: never.factors[f] for f in never.factors if f != "C6"
    }
    assert late.score > never.score
    assert late.findings["C6"] == (
        "1 of this wave's dependencies would be on workloads still waiting for a later wave, "
        "such as a1 on b1 (Wave 2)."
    )
    assert "C6" not in never.findings
    # a hard dependency counts double: 2, still below the second threshold (3)
    assert _precedence(2, hard=True).factors["C6"] == 1
    assert _precedence(1).factors["C6"] == 0  # same wave: nothing moves later


_CODE = re.compile(r"\b(?:[FC][1-9]|CRIT-BIDIR|APP-SPLIT|ENV-MIX)\b")


def _reads_as_sentence(line: str) -> bool:
    """Starts with a word (or a workload name), ends with a full stop, and names factor
    codes only in a closing parenthesis."""
    body = re.sub(r"\s*\([^()]*\)\.$", ".", line)
    return (
        line.endswith(".")
        and not _CODE.match(line)
        and not _CODE.search(body)
        and not re.search(r"\d - ", line)
        and len(line.split()) >= 3
    )


def test_explanations_are_sentences_with_codes_last() -> None:
    waiting = _w("b1", application_id=None, wave_id=vid(2), criticality=Criticality.HIGH)
    risks = [
        _risk(waiting, dep("a1", "b1", port=443, weight=200.0), dep("b1", "a1", port=443)),
        _risk(_w("a1", notes="residency unresolved", criticality=Criticality.MISSION_CRITICAL)),
        _precedence(2),
        _foundation_plan(6, 10)[vid(2)],
    ]
    for risk in risks:
        lines = risk.explain()
        assert lines[0].startswith("Risk ") and len(lines) > 2
        for line in lines:
            assert _reads_as_sentence(line), line
        for c in risk.top:
            assert _reads_as_sentence(c.text) and not c.text.startswith(c.factor_id)
        for text in risk.findings.values():
            assert _reads_as_sentence(text), text
        for g in risk.gates:
            assert _reads_as_sentence(g.message), g.message


def test_risk_model_1_settings_get_model_2_defaults_and_keep_changes() -> None:
    from migplan.core.settings import DEFAULT_PHASE_WEIGHTS, DEFAULT_RISK_THRESHOLDS

    saved: dict[str, Any] = {
        "phase_weights": {"C1": 40.0, "C2": 30.0, "C3": 20.0, "C4": 10.0},
        "band_medium": 35.0,
        "band_high": 60.0,
        "thresholds": {"mix.max": 0.5, "mix.mean": 0.3, "mix.coupling": 0.2, "C1.1": 2.0},
    }
    old = RiskSettings.model_validate(saved)
    assert old.model == 2 and old.band_critical == 80.0
    assert old.phase_weights == DEFAULT_PHASE_WEIGHTS
    assert old.thresholds["mix.impact"] == DEFAULT_RISK_THRESHOLDS["mix.impact"]
    assert old.thresholds["mix.max"] == DEFAULT_RISK_THRESHOLDS["mix.max"]
    assert old.thresholds["C1.1"] == 2.0  # changed by the user: kept
    tuned = RiskSettings.model_validate({**saved, "phase_weights": {"C1": 50.0}})
    assert tuned.phase_weights == {"C1": 50.0}
    again = RiskSettings.model_validate(old.model_dump())
    assert again == old


def test_no_table_shows_a_band_that_disagrees_with_the_score(small_estate: Any) -> None:
    """The complaint of issue 9: "22 RED next to 24 LOW". Read as a table would show them."""
    shown = [(int(f"{r.score:.0f}"), r.band, r.blocked) for r in score_plan(small_estate).values()]
    assert any(blocked for _, _, blocked in shown)  # the generated estate trips gates
    for score, band, _ in shown:
        expected = (
            RiskBand.CRITICAL if score >= 80 else RiskBand.HIGH if score >= 60
            else RiskBand.MEDIUM if score >= 35 else RiskBand.LOW
        )  # fmt: skip
        assert band is expected, (score, band)
    ranked = sorted(shown, key=lambda row: row[0])
    order = list(RiskBand)
    assert [order.index(b) for _, b, _ in ranked] == sorted(order.index(b) for _, b, _ in ranked)
