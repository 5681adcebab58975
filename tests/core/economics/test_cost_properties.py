"""Properties of ``plan_costs`` on random dated plans: the parts add up, the legacy side only
shrinks, the target only grows, and moving never costs the legacy side more than staying."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.core.assess.factories import wl
from tests.fuzzing import fuzz_examples

from migplan.core.document import PlanDocument
from migplan.core.economics.costs import plan_costs
from migplan.core.enums import DispositionKind
from migplan.core.ids import host_id, wave_id
from migplan.core.models import Disposition, Host, Wave
from migplan.core.settings import CostSettings, LicenceSettings, PlanSettings
from migplan.core.target_settings import NodePool, TargetCluster, TargetSettings

_TARGET = TargetSettings(
    clusters=(
        TargetCluster(
            name="t",
            pools=(NodePool(name="general", cores=16, memory_gib=64, price_per_node_month=900),),
        ),
    )
)
_VM = st.tuples(
    st.integers(0, 3),  # host
    st.integers(0, 4),  # wave order, 0: no wave
    st.sampled_from(list(DispositionKind)),
    st.integers(1, 32),  # vCPU
    st.integers(0, 2048),  # GiB of data
)


@settings(max_examples=fuzz_examples(60), deadline=None)
@given(
    vms=st.lists(_VM, max_size=20),
    lengths=st.lists(st.integers(1, 60), min_size=4, max_size=4),
    gaps=st.lists(st.integers(0, 40), min_size=4, max_size=4),
    renewal=st.dates(dt.date(2026, 6, 1), dt.date(2028, 6, 1)),
    term=st.integers(1, 3),
)
def test_the_parts_add_up_and_each_side_moves_one_way(
    vms: list[tuple[int, int, DispositionKind, int, int]],
    lengths: list[int],
    gaps: list[int],
    renewal: dt.date,
    term: int,
) -> None:
    doc = PlanDocument(
        PlanSettings(
            target=_TARGET,
            licences=LicenceSettings(renewal_date=renewal, term_years=term),
            costs=CostSettings(transfer_per_gib=0.03, legacy_host_per_month=400),
        )
    )
    hosts = [
        Host(id=host_id(f"esx-{i}", "vc"), name=f"esx-{i}", cpus=2, cores_per_cpu=8 + 8 * i)
        for i in range(4)
    ]
    doc.hosts.update({h.id: h for h in hosts})
    day = dt.date(2027, 1, 4)
    for order in (1, 2, 3, 4):
        day += dt.timedelta(days=gaps[order - 1])
        end = day + dt.timedelta(days=lengths[order - 1] - 1)
        w = Wave(id=wave_id(str(order)), name=f"Wave {order}", order=order,
                 start_date=day, end_date=end)  # fmt: skip
        doc.waves[w.id] = w
        day = end + dt.timedelta(days=1)
    for i, (h, order, kind, vcpu, gib) in enumerate(vms):
        w = wl(
            f"n{i}",
            host_id=hosts[h].id,
            wave_id=wave_id(str(order)) if order else None,
            disposition=Disposition(kind=kind),
            vcpu=vcpu,
            storage_provisioned_mib=gib * 1024,
            storage_used_mib=gib * 1024,
        )
        doc.workloads[w.id] = w
    costs = plan_costs(doc)
    months = costs.months
    assert months and costs.findings == ()
    assert costs.total == pytest.approx(
        costs.licences + costs.legacy_hosts + costs.target + costs.transfer
    )
    assert sum(m.total for m in months) == pytest.approx(costs.total)
    assert costs.transfer == pytest.approx(sum(m.transfer for m in months))
    for before, after in itertools.pairwise(months):
        assert (after.month - before.month).days in (28, 29, 30, 31)
        assert after.licensed_cores <= before.licensed_cores
        assert after.nodes["t/general"] >= before.nodes["t/general"]
    # Moving never makes the legacy side cost more than staying, over the same months.
    assert costs.legacy_saved >= -1e-6
    assert costs.licences <= costs.legacy_if_nothing_moved + 1e-6
    # The dual running is part of what the target costs.
    assert costs.dual_running <= costs.target + 1e-6
