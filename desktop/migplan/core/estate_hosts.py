"""Legacy hosts for a generated estate: one ``Host`` per host name its workloads run on.

The CPU shapes come from a hash of each host's name, not from the estate's random stream, so
adding hosts changes nothing else of an estate generated from the same seed. The shapes mix
hosts below the 16-core-per-CPU licence minimum with larger ones, as real estates do.
"""

from __future__ import annotations

import hashlib

from migplan.core.document import PlanDocument
from migplan.core.ids import HostId, host_id
from migplan.core.models import Host

#: (CPUs, cores per CPU, memory GiB) a generated host may have.
SHAPES: tuple[tuple[int, int, float], ...] = (
    (2, 8, 384.0),
    (2, 12, 512.0),
    (2, 16, 768.0),
    (2, 24, 1024.0),
    (2, 32, 1536.0),
    (1, 16, 256.0),
)


def _shape(name: str) -> tuple[int, int, float]:
    digest = hashlib.blake2b(name.encode("utf-8"), digest_size=4).digest()
    return SHAPES[int.from_bytes(digest, "big") % len(SHAPES)]


def add_hosts(doc: PlanDocument) -> None:
    """Give ``doc`` a host for every (vCenter, host name) of its workloads and link each
    workload to its host. For generators and examples only: it bypasses the commands."""
    hosts: dict[tuple[str, str], Host] = {}
    for wid in sorted(doc.workloads):
        wl = doc.workloads[wid]
        if not wl.host:
            continue
        key = (wl.source_system, wl.host)
        host = hosts.get(key)
        if host is None:
            cpus, per_cpu, memory = _shape(wl.host)
            hid: HostId = host_id(wl.host, wl.source_system)
            host = Host(
                id=hid,
                name=wl.host,
                source_system=wl.source_system,
                datacenter=wl.datacenter,
                cluster=wl.cluster,
                cpus=cpus,
                cores_per_cpu=per_cpu,
                memory_gib=memory,
            )
            hosts[key] = host
        doc.workloads[wid] = wl.with_changes(host_id=host.id)
    doc.insert_many(hosts.values())
