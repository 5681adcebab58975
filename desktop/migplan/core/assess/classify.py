"""Workload class: legacy, AI-GPU, data-heavy or shared service, with the reasons why.

The class steers planning: shared services go to a foundation wave (or stay and are bridged),
AI-GPU workloads need GPU pools, data-heavy ones pull their consumers along (data gravity).
Evidence, strongest first:

1. the user's override (``Workload.workload_class``) always wins;
2. GPU needs (count, model, mode: passthrough, vGPU, MIG) or AI words in role/tags/name;
3. a shared-service role (DNS, directory, NTP, syslog, backup, monitoring...), in the
   role attributes, tags or name parts; or inbound dependencies on a shared-service port
   (53, 88, 389, 636, 123, 514, 10000, 9100...) from several clients; or a hub in the graph
   (Flexera's "RSG-95th" rule: degree above the 95th percentile and touching at least a
   tenth of all workloads);
4. lots of data (storage above a threshold) or a data role (data lake, warehouse, HDFS...).

One pass over the dependencies; 10,000 workloads and 65,000 dependencies take well under a
second.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

from migplan.core.assess.text import haystack, name_tokens, role_text, tag_set
from migplan.core.document import PlanDocument
from migplan.core.enums import GpuMode, WorkloadClass
from migplan.core.ids import WorkloadId
from migplan.core.models import Workload

#: Well-known ports of shared infrastructure services.
SHARED_PORTS: dict[int, str] = {
    53: "DNS",
    88: "Kerberos (AD)",
    389: "LDAP (AD)",
    636: "LDAPS (AD)",
    3268: "AD global catalog",
    3269: "AD global catalog",
    123: "NTP",
    514: "syslog",
    6514: "syslog over TLS",
    161: "SNMP",
    162: "SNMP traps",
    10000: "backup (NDMP)",
    1556: "backup (NetBackup)",
    9102: "backup (Bacula)",
    9392: "backup (Veeam)",
    9100: "monitoring (node exporter)",
    5666: "monitoring (NRPE)",
    10050: "monitoring (Zabbix agent)",
    10051: "monitoring (Zabbix)",
}
#: Distinct clients on a shared-service port that make a workload a shared service.
MIN_SHARED_CLIENTS = 3
#: Flexera "RSG-95th": degree above this percentile ...
HUB_PERCENTILE = 95.0
#: ... and touching at least this share of all workloads.
HUB_MIN_SHARE = 0.10
#: Storage (GiB) from which a workload is data-heavy by size alone.
DATA_HEAVY_GIB = 4096.0
#: Storage (GiB) from which a database is data-heavy.
DATA_HEAVY_DB_GIB = 1024.0

_SHARED_ROLE = re.compile(
    r"\bdns\b|\bbind9?\b|active directory|domain controller|\bad ?ds\b|\bldap\b|kerberos|"
    r"\bntp\b|chrony|time server|syslog|log collector|splunk|logstash|backup|veeam|netbackup|"
    r"commvault|monitoring|nagios|zabbix|prometheus|\bscom\b|\bdhcp\b|\bproxy\b|\bpki\b|"
    r"certificate authority|shared[- ]service"
)
_SHARED_NAME_PARTS = frozenset(
    {
        "dns",
        "dc",
        "adds",
        "ldap",
        "ntp",
        "syslog",
        "backup",
        "bkp",
        "nagios",
        "zabbix",
        "dhcp",
        "proxy",
        "pki",
    }
)
_AI_ROLE = re.compile(
    r"\bgpu\b|cuda|training|inference|\bml\b|\bai\b|tensorflow|pytorch|triton|llm|"
    r"machine learning|deep learning"
)
_AI_TAGS = frozenset({"gpu", "ai", "ml", "ai-gpu"})
_DATA_ROLE = re.compile(
    r"data[- ]?lake|warehouse|hadoop|hdfs|\bdwh\b|object store|minio|\bceph\b|big ?data|"
    r"data[- ]heavy|datalake"
)
_DB_ROLE = re.compile(r"mssql|sql server|oracle|postgres|mysql|mariadb|mongo|\bdb2\b|database")


@dataclass(frozen=True)
class ClassFinding:
    """The class of one workload and the evidence for it."""

    workload_class: WorkloadClass
    reasons: tuple[str, ...]
    #: True when the user set the class by hand.
    overridden: bool = False


@dataclass(frozen=True)
class GraphEvidence:
    """What the dependency graph says about shared services, computed once per document."""

    #: Workload -> {port label: distinct clients} for shared-service ports it serves.
    shared_ports: dict[str, dict[str, int]]
    #: Workload -> distinct neighbours (either direction), only for hubs.
    hubs: dict[str, int]
    hub_threshold: float


def graph_evidence(doc: PlanDocument) -> GraphEvidence:
    """Shared-service ports served and hub degrees, from one pass over the dependencies."""
    workloads = doc.workloads
    clients: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    neighbours: dict[str, set[str]] = defaultdict(set)
    for dep in doc.dependencies.values():
        src, dst = dep.source, dep.target
        if src in workloads and dst in workloads:
            neighbours[src].add(dst)
            neighbours[dst].add(src)
        if dep.port in SHARED_PORTS and dst in workloads:
            clients[dst][SHARED_PORTS[dep.port]].add(src)
    shared = {
        wid: {label: len(c) for label, c in by_port.items() if len(c) >= MIN_SHARED_CLIENTS}
        for wid, by_port in clients.items()
    }
    shared = {wid: ports for wid, ports in shared.items() if ports}
    degrees = sorted(len(n) for n in neighbours.values())
    degrees = [0] * (len(workloads) - len(degrees)) + degrees
    threshold = 0.0
    hubs: dict[str, int] = {}
    if degrees:
        rank = min(len(degrees) - 1, int(len(degrees) * HUB_PERCENTILE / 100.0))
        threshold = max(float(degrees[rank]), HUB_MIN_SHARE * len(workloads))
        hubs = {wid: len(n) for wid, n in neighbours.items() if len(n) > threshold}
    return GraphEvidence(shared, hubs, threshold)


def classify_workload(workload: Workload, evidence: GraphEvidence | None = None) -> ClassFinding:
    """The class of one workload; without ``evidence`` only its own fields are used."""
    if workload.workload_class is not None:
        return ClassFinding(workload.workload_class, ("set by the user",), overridden=True)
    roles = role_text(workload)
    text = haystack(workload, roles)
    tags = tag_set(workload)
    parts = set(name_tokens(workload))

    gpu = workload.gpu
    if gpu is not None and (gpu.count > 0 or gpu.mode is not GpuMode.NONE):
        model = f" {gpu.model}" if gpu.model else ""
        return ClassFinding(
            WorkloadClass.AI_GPU, (f"needs {gpu.count} x{model} GPU ({gpu.mode.value})",)
        )
    if tags & _AI_TAGS or _AI_ROLE.search(roles) or "gpu" in parts:
        return ClassFinding(WorkloadClass.AI_GPU, ("AI/GPU role, tag or name",))

    reasons: list[str] = []
    m = _SHARED_ROLE.search(roles) or _SHARED_ROLE.search(" ".join(tags))
    if m:
        reasons.append(f"shared-service role or tag ({m.group(0)})")
    elif parts & _SHARED_NAME_PARTS:
        reasons.append(f"shared-service name ({', '.join(sorted(parts & _SHARED_NAME_PARTS))})")
    if evidence is not None:
        for label, n in sorted(evidence.shared_ports.get(workload.id, {}).items()):
            reasons.append(f"serves {label} to {n} workloads")
        if workload.id in evidence.hubs:
            reasons.append(
                f"hub: {evidence.hubs[workload.id]} neighbours "
                f"(threshold {evidence.hub_threshold:.0f}, 95th percentile rule)"
            )
    if reasons:
        return ClassFinding(WorkloadClass.SHARED_SERVICE, tuple(reasons))

    gib = workload.storage_gib
    if gib >= DATA_HEAVY_GIB:
        return ClassFinding(WorkloadClass.DATA_HEAVY, (f"{gib:,.0f} GiB of storage",))
    m = _DATA_ROLE.search(text)
    if m:
        return ClassFinding(WorkloadClass.DATA_HEAVY, (f"data role or tag ({m.group(0)})",))
    if gib >= DATA_HEAVY_DB_GIB and _DB_ROLE.search(roles):
        return ClassFinding(WorkloadClass.DATA_HEAVY, (f"database with {gib:,.0f} GiB",))
    return ClassFinding(WorkloadClass.LEGACY, ("no GPU, shared-service or data evidence",))


def classify_workloads(doc: PlanDocument) -> dict[WorkloadId, ClassFinding]:
    """The class of every workload in ``doc``; the user's override wins."""
    evidence = graph_evidence(doc)
    return {wid: classify_workload(wl, evidence) for wid, wl in doc.workloads.items()}


def shared_service_ids(doc: PlanDocument) -> set[WorkloadId]:
    """Workloads classed as shared services (by evidence or by the user)."""
    return {
        wid
        for wid, found in classify_workloads(doc).items()
        if found.workload_class is WorkloadClass.SHARED_SERVICE
    }
