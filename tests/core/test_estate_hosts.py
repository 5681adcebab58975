from __future__ import annotations

from migplan.core.economics.licences import legacy_costs
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.estate_hosts import SHAPES, add_hosts


def test_hosts_for_a_generated_estate_change_nothing_else() -> None:
    spec = EstateSpec(workloads=80, waves=3, seed=4)
    plain, hosted = generate_estate(spec), generate_estate(spec)
    add_hosts(hosted)
    assert hosted.hosts
    for wid, wl in hosted.workloads.items():
        host = hosted.hosts[wl.host_id] if wl.host_id else None
        assert host is not None and (host.name, host.source_system) == (wl.host, wl.source_system)
        assert wl.with_changes(host_id=None) == plain.workloads[wid]
    assert {(h.cpus, h.cores_per_cpu, h.memory_gib) for h in hosted.hosts.values()} <= set(SHAPES)
    again = generate_estate(spec)
    add_hosts(again)
    assert again == hosted
    assert legacy_costs(hosted).licensed_cores_total > 0
