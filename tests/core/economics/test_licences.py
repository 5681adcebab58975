"""Legacy licences per phase, with every number worked by hand in the test (issue 14, 7).

The estate: three hosts, seven VMs, three waves, licences renewed on 1 April 2027 (in the
middle of the plan) at the quoted VCF list price of 350 USD per core per year.

| host | CPUs x cores | licensed cores (16 minimum per CPU) | VMs |
|---|---|---|---|
| esx-a | 2 x 8  | 2 x max(8, 16)  = 32 | a1 wave 1, a2 wave 1, vCLS agent (no wave) |
| esx-b | 2 x 24 | 2 x max(24, 16) = 48 | b1 wave 2, b2 wave 3, b3 retired (no wave) |
| esx-c | 1 x 16 | 1 x max(16, 16) = 16 | c1 wave 2, c2 retained (in wave 3) |

Waves: 1 runs 2027-01-04..2027-02-26, 2 runs 2027-03-01..2027-05-28, 3 runs
2027-06-01..2027-09-30.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migplan.core.commands import AddEntities, RemoveEntities, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.economics.licences import (
    RULES,
    LicenceSettings,
    legacy_costs,
    licensed_cores,
    next_renewal,
)
from migplan.core.enums import DispositionKind
from migplan.core.errors import CommandError
from migplan.core.ids import HostId, host_id, wave_id, workload_id
from migplan.core.models import Disposition, Host, Wave, Workload
from migplan.core.settings import PlanSettings

RENEWAL = dt.date(2027, 4, 1)
PRICE = 350.0
MOVE = DispositionKind.REHOST_KUBEVIRT


def host(name: str, cpus: int, cores: int) -> Host:
    return Host(id=host_id(name, "vc"), name=name, cpus=cpus, cores_per_cpu=cores)


A, B, C = host("esx-a", 2, 8), host("esx-b", 2, 24), host("esx-c", 1, 16)
W1 = Wave(id=wave_id("1"), name="Wave 1", order=1,
          start_date=dt.date(2027, 1, 4), end_date=dt.date(2027, 2, 26))  # fmt: skip
W2 = Wave(id=wave_id("2"), name="Wave 2", order=2,
          start_date=dt.date(2027, 3, 1), end_date=dt.date(2027, 5, 28))  # fmt: skip
W3 = Wave(id=wave_id("3"), name="Wave 3", order=3,
          start_date=dt.date(2027, 6, 1), end_date=dt.date(2027, 9, 30))  # fmt: skip


def vm(name: str, on: Host, wave: Wave | None, kind: DispositionKind = MOVE) -> Workload:
    return Workload(
        id=workload_id(name),
        name=name,
        host=on.name,
        host_id=on.id,
        wave_id=wave.id if wave else None,
        disposition=Disposition(kind=kind),
    )


def estate(renewal: dt.date | None = RENEWAL) -> PlanDocument:
    lic = LicenceSettings(price_per_core_year=PRICE, renewal_date=renewal)
    return PlanDocument.from_entities(
        [
            A, B, C, W1, W2, W3,
            vm("a1", A, W1, DispositionKind.CONTAINERIZE),
            vm("a2", A, W1),
            # vCenter's cluster agent: a platform VM, it goes with the platform.
            Workload(id=workload_id("vcls"), name="vCLS-4c1f", host_id=A.id),
            vm("b1", B, W2),
            vm("b2", B, W3),
            vm("b3", B, None, DispositionKind.RETIRE),
            vm("c1", C, W2),
            vm("c2", C, W3, DispositionKind.RETAIN),
        ],
        PlanSettings(licences=lic),
    )  # fmt: skip


def test_licensed_cores_follow_the_16_core_minimum_per_cpu() -> None:
    lic = LicenceSettings()
    assert lic.min_cores_per_cpu == 16 and lic.price_per_core_year == 350.0
    # Broadcom KB 313548's own example: 2 x 8 -> 32, 2 x 24 -> 48, 80 in all.
    assert licensed_cores(A, lic) == 2 * 16 == 32
    assert licensed_cores(B, lic) == 2 * 24 == 48
    assert licensed_cores(C, lic) == 16
    assert licensed_cores(host("x", 2, 12), lic) == 32  # economics-and-ai.md: 2 x 12 -> 32
    assert licensed_cores(host("x", 2, 8), LicenceSettings(min_cores_per_cpu=8)) == 16
    assert licensed_cores(host("x", 0, 0), lic) is None


def test_hosts_emptied_cores_freed_and_savings_per_phase_by_hand() -> None:
    costs = legacy_costs(estate())
    assert costs.hosts_known
    assert costs.licensed_cores_total == 32 + 48 + 16 == 96
    assert costs.already_empty == ()
    p1, p2, p3 = costs.phases
    # Wave 1 moves a1 and a2; the vCLS agent holds nothing: esx-a empties on 26 Feb 2027,
    # before the 1 April renewal, so its 32 cores save from that renewal: 32 x 350.
    assert p1.hosts_emptied == (A.id,)
    assert (p1.licensed_cores_freed, p1.licensed_cores) == (32, 96 - 32)
    assert p1.saving_per_year == 32 * 350 == 11_200
    assert p1.emptied_on == dt.date(2027, 2, 26) and p1.saving_from == RENEWAL
    # Wave 2 moves b1 and c1, but b2 (wave 3) is still on esx-b and c2 on esx-c.
    assert p2.hosts_emptied == () and p2.licensed_cores_freed == 0 and p2.licensed_cores == 64
    assert p2.saving_from is None
    # Wave 3 moves b2 (b3 is retired): esx-b empties on 30 Sep 2027, after the renewal:
    # it saves from the next one, a year later. c2 is retained: esx-c never empties.
    assert p3.hosts_emptied == (B.id,)
    assert (p3.licensed_cores_freed, p3.licensed_cores) == (48, 64 - 48)
    assert p3.saving_per_year == 48 * 350 == 16_800
    assert p3.saving_from == dt.date(2028, 4, 1)
    assert costs.never_emptied == (C.id,)
    assert {h.host_id: h.kept_by for h in costs.hosts}[C.id] == (workload_id("c2"),)
    # Totals.
    assert costs.licensed_cores_freed == 80 and costs.licensed_cores_at_end == 16
    assert costs.saving_per_year == 80 * 350 == 28_000
    # Calendar: 4 Jan to 30 Sep 2027. esx-a is licensed 53 days (4 Jan to 26 Feb), esx-b
    # and esx-c the whole 269 days; a month is 365.25 / 12 days.
    assert (costs.plan_start, costs.plan_end) == (dt.date(2027, 1, 4), dt.date(2027, 9, 30))
    month = 365.25 / 12
    assert costs.licensed_core_months == pytest.approx((32 * 53 + 48 * 269 + 16 * 269) / month)
    assert costs.licensed_core_months == pytest.approx(621.34, abs=0.01)
    # Saved within the plan: esx-a's 32 cores from 1 April to 30 Sep (182 days); esx-b's
    # saving starts in 2028, after the plan.
    assert costs.saving_to_plan_end == pytest.approx(32 * 350 * 182 / 365.25)
    assert [f.rule_id for f in costs.findings] == []


def test_a_host_emptied_on_the_renewal_day_saves_from_it_and_a_day_later_a_term_later() -> None:
    lic = LicenceSettings(renewal_date=RENEWAL)
    assert next_renewal(RENEWAL, lic) == RENEWAL
    assert next_renewal(RENEWAL + dt.timedelta(days=1), lic) == dt.date(2028, 4, 1)
    assert next_renewal(dt.date(2026, 1, 1), lic) == RENEWAL
    three = LicenceSettings(renewal_date=RENEWAL, term_years=3)
    assert next_renewal(dt.date(2027, 4, 2), three) == dt.date(2030, 4, 1)
    assert next_renewal(RENEWAL, LicenceSettings()) is None


def test_a_retained_vm_keeps_its_host_even_in_a_wave_and_moving_it_frees_the_host() -> None:
    doc = estate()
    assert legacy_costs(doc).never_emptied == (C.id,)
    doc.apply(UpdateEntities(((workload_id("c2"), {"disposition": Disposition(kind=MOVE)}),)))
    costs = legacy_costs(doc)
    assert costs.never_emptied == ()
    assert costs.phases[2].hosts_emptied == (B.id, C.id)
    assert costs.phases[2].licensed_cores_freed == 48 + 16
    assert costs.licensed_cores_at_end == 0


def test_a_vm_in_no_wave_keeps_its_host() -> None:
    doc = estate()
    doc.apply(UpdateEntities(((workload_id("a2"), {"wave_id": None}),)))
    costs = legacy_costs(doc)
    assert costs.phases[0].hosts_emptied == ()
    assert A.id in costs.never_emptied


def test_without_a_renewal_date_savings_per_year_are_known_not_when_they_start() -> None:
    costs = legacy_costs(estate(renewal=None))
    assert costs.saving_per_year == 28_000
    assert all(p.saving_from is None for p in costs.phases)
    assert costs.saving_to_plan_end is None
    assert [f.rule_id for f in costs.findings] == ["LIC-RENEWAL-UNSET"]


def test_without_hosts_nothing_is_invented() -> None:
    doc = PlanDocument.from_entities([W1, Workload(id=workload_id("x"), name="x", wave_id=W1.id)])
    costs = legacy_costs(doc)
    assert not costs.hosts_known
    assert costs.phases == () and costs.licensed_cores_total == 0
    assert [f.rule_id for f in costs.findings] == ["LIC-HOSTS-UNKNOWN"]
    assert "Hosts unknown" in costs.findings[0].message


def test_unknown_cores_undated_waves_and_unlinked_vms_are_named() -> None:
    doc = estate()
    bare = Host(id=host_id("esx-d", "vc"), name="esx-d")
    undated = Wave(id=wave_id("4"), name="Wave 4", order=4)
    doc.apply(AddEntities((bare, undated, Workload(id=workload_id("lost"), name="lost"))))
    costs = legacy_costs(doc)
    assert {f.rule_id for f in costs.findings} == {
        "LIC-HOST-CORES-UNKNOWN",
        "LIC-WORKLOAD-NO-HOST",
        "LIC-UNDATED",
    }
    assert costs.licensed_cores_total == 96  # esx-d has no figure, not an invented one
    assert costs.already_empty == (bare.id,) and costs.already_empty_cores == 0
    assert costs.licensed_core_months is None and costs.saving_to_plan_end is None
    assert all(f.rule_id in RULES for f in costs.findings)


def test_a_workload_cannot_name_a_host_the_plan_lacks_and_removing_a_host_detaches() -> None:
    doc = estate()
    with pytest.raises(CommandError, match="host"):
        doc.apply(
            AddEntities((Workload(id=workload_id("z"), name="z", host_id=HostId("h-none-1")),))
        )
    inverse, _ = doc.apply(RemoveEntities((A.id,)))
    assert doc.workloads[workload_id("a1")].host_id is None
    doc.apply(inverse)
    assert doc == estate()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_licensed_cores_in_use_never_increase_from_one_phase_to_the_next(
    data: st.DataObject,
) -> None:
    n_hosts = data.draw(st.integers(1, 5))
    hosts = [
        host(f"h{i}", data.draw(st.integers(0, 4)), data.draw(st.integers(0, 64)))
        for i in range(n_hosts)
    ]
    waves = [
        Wave(id=wave_id(str(i)), name=f"W{i}", order=i, end_date=dt.date(2027, 1, 1 + i))
        for i in range(1, data.draw(st.integers(1, 5)) + 1)
    ]
    kinds = st.sampled_from(list(DispositionKind))
    vms = [
        vm(
            f"vm{j}",
            data.draw(st.sampled_from(hosts)),
            data.draw(st.none() | st.sampled_from(waves)),
            data.draw(kinds),
        )
        for j in range(data.draw(st.integers(0, 12)))
    ]
    lic = LicenceSettings(renewal_date=dt.date(2027, 1, 3))
    doc = PlanDocument.from_entities([*hosts, *waves, *vms], PlanSettings(licences=lic))
    costs = legacy_costs(doc)
    in_use = [costs.licensed_cores_total - costs.already_empty_cores]
    in_use += [p.licensed_cores for p in costs.phases]
    assert all(b <= a for a, b in itertools.pairwise(in_use))
    assert in_use[-1] == costs.licensed_cores_at_end >= 0
    # Every host is counted once: emptied in one phase, already empty, or never.
    emptied = [h for p in costs.phases for h in p.hosts_emptied]
    assert sorted([*emptied, *costs.already_empty, *costs.never_emptied]) == sorted(
        h.id for h in hosts
    )
    # A host holding a retained VM never empties.
    retained = {w.host_id for w in vms if w.disposition and w.disposition.kind.value == "retain"}
    assert retained <= set(costs.never_emptied)


def consolidation_estate(**licences: object) -> PlanDocument:
    """Three hosts whose VMs partly stay: r1 (16 GiB) and r3 (32 GiB) can join r2 (128 GiB).

    | host | cores | memory | VMs |
    |---|---|---|---|
    | h1 | 2 x 16 = 32 | 256 GiB | r1 retained, m1 moves in wave 1 |
    | h2 | 2 x 16 = 32 | 256 GiB | r2 retained, m2 moves in wave 2 |
    | h3 | 1 x 16 = 16 | 128 GiB | r3 retained |
    """
    hosts = [
        Host(id=host_id(n, "vc"), name=n, cpus=c, cores_per_cpu=16, memory_gib=m)
        for n, c, m in (("h1", 2, 256.0), ("h2", 2, 256.0), ("h3", 1, 128.0))
    ]
    h1, h2, h3 = hosts

    def on(name: str, host: Host, wave: Wave | None, kind: DispositionKind, gib: int) -> Workload:
        return vm(name, host, wave, kind).with_changes(memory_mib=gib * 1024)

    stay = DispositionKind.RETAIN
    doc = PlanDocument.from_entities(
        [
            *hosts, W1, W2,
            on("r1", h1, None, stay, 16), on("m1", h1, W1, MOVE, 8),
            on("r2", h2, None, stay, 128), on("m2", h2, W2, MOVE, 8),
            on("r3", h3, None, stay, 32),
        ]
    )  # fmt: skip
    doc.settings = PlanSettings(licences=LicenceSettings(renewal_date=RENEWAL, **licences))
    return doc


def test_vms_that_stay_are_consolidated_so_their_hosts_empty() -> None:
    """LIC-RETAINED-CONSOLIDATED, worked by hand: at 80 % fill h2 can take 204.8 GiB; it
    holds r2 (128), so r1 (16) and r3 (32) fit beside it. h1 empties with m1 after wave 1,
    h3 (nothing leaves it) after the last wave; h2 keeps running."""
    costs = legacy_costs(consolidation_estate())
    by_name = {h.name: h for h in costs.hosts}
    assert [by_name[n].emptied_after for n in ("h1", "h2", "h3")] == [1, None, 2]
    assert by_name["h1"].consolidated == (workload_id("r1"),)
    assert by_name["h3"].consolidated == (workload_id("r3"),)
    assert by_name["h2"].kept_by == (workload_id("r2"),)
    assert [p.licensed_cores for p in costs.phases] == [80 - 32, 80 - 32 - 16]
    [found] = [f for f in costs.findings if f.rule_id == "LIC-RETAINED-CONSOLIDATED"]
    assert found.message.startswith("2 VM(s) that stay on the legacy side are moved off 2 host")
    assert "LIC-RETAINED-CONSOLIDATED" in RULES


def test_a_lower_fill_keeps_more_hosts_and_off_keeps_every_host_with_a_vm_that_stays() -> None:
    # At 50 %, h2 takes 128 GiB: full with r2. h3 (64 GiB of room, r3 holds 32) is the next
    # keeper by staying memory and takes r1; only h1 empties.
    half = legacy_costs(consolidation_estate(consolidate_fill=0.5))
    assert [h.emptied_after for h in half.hosts] == [1, None, None]
    off = legacy_costs(consolidation_estate(consolidate_retained=False))
    assert [h.emptied_after for h in off.hosts] == [None, None, None]
    assert off.licensed_cores_freed == 0
