"""Workload class: legacy, AI-GPU, data-heavy, shared service or platform VM, with the
evidence for it.

The class steers planning: shared services go to a foundation wave (or stay and are bridged),
AI-GPU workloads need GPU pools, data-heavy ones pull their consumers along (data gravity).
Evidence, strongest first:

1. the user's override (``Workload.workload_class``) always wins;
   a name the source platform gives its own VMs (``platform``: vCLS, Horizon instant-clone
   internals) makes a platform VM, which is not planned;
2. GPU needs (count, model, mode: passthrough, vGPU, MIG) or AI words in role/tags/name;
3. a shared service is **proved by the dependency graph**, by one of the named rules in
   ``SHARED_RULES``: it serves a shared-service port (53, 88, 389, 123, 514, 10000, 9100...)
   to clients of several applications, or clients from many applications use it, or it is a
   hub (Flexera's "RSG-95th" rule) whose neighbours span several applications; or a person
   tagged it ``shared-service``. A role or a name token (``proxy``, ``dns``, ``backup``) only
   *suggests* it: an application's own ``api-proxy`` serves that application, so it stays
   with it, and the finding says why;
4. lots of data (storage above a threshold) or a data role (data lake, warehouse, HDFS...).

One pass over the dependencies; 10,000 workloads and 65,000 dependencies take well under a
second.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from migplan.core.assess.platform import platform_pattern
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
#: Distinct clients on a shared-service port that make a workload a shared service ...
MIN_SHARED_CLIENTS = 3
#: ... when they belong to at least this many applications.
MIN_SHARED_PORT_APPS = 2
#: Clients from this many other applications (and at least ``REACH_SHARE`` of all
#: applications) make a workload a shared service whatever its port.
MIN_REACH_APPS = 5
REACH_SHARE = 0.10
#: A hub's neighbours must span this many applications.
MIN_HUB_APPS = 3
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
class SharedRule:
    """A named way the evidence proves a shared service."""

    rule_id: str
    statement: str


SHARED_RULES: dict[str, SharedRule] = {
    r.rule_id: r
    for r in (
        SharedRule(
            "SS-PORT",
            f"serves a shared-service port (DNS, directory, NTP, syslog, backup, monitoring) "
            f"to at least {MIN_SHARED_CLIENTS} clients of {MIN_SHARED_PORT_APPS} or more "
            "applications",
        ),
        SharedRule(
            "SS-REACH",
            f"used by workloads of at least {MIN_REACH_APPS} other applications, and of at "
            f"least {REACH_SHARE:.0%} of all applications",
        ),
        SharedRule(
            "SS-HUB",
            "a hub: more neighbours than 95% of workloads and at least a tenth of the estate, "
            f"in {MIN_HUB_APPS} or more applications (Flexera's 95th-percentile rule)",
        ),
        SharedRule("SS-TAG", "tagged shared-service by a person"),
    )
}


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

    #: Workload -> {port label: distinct clients} for shared-service ports it serves to
    #: clients of several applications.
    shared_ports: dict[str, dict[str, int]]
    #: Workload -> distinct neighbours (either direction), only for hubs.
    hubs: dict[str, int]
    hub_threshold: float
    #: Workload -> applications (other than its own) its clients belong to, when there are
    #: enough of them for the SS-REACH rule.
    reach: dict[str, int] = field(default_factory=dict)
    #: Workload -> (clients, applications of the clients); every workload with clients.
    clients: dict[str, tuple[int, int]] = field(default_factory=dict)
    reach_threshold: float = float(MIN_REACH_APPS)


def _app_key(workloads: Mapping[WorkloadId, Workload], wid: str) -> str:
    """The application a workload belongs to; an unmapped workload counts as its own."""
    app = workloads[wid].application_id  # type: ignore[index]
    return app if app is not None else f"~{wid}"


def graph_evidence(doc: PlanDocument) -> GraphEvidence:
    """Who uses whom, from one pass over the dependencies (see ``SHARED_RULES``)."""
    workloads = doc.workloads
    port_clients: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    neighbours: dict[str, set[str]] = defaultdict(set)
    client_set: dict[str, set[str]] = defaultdict(set)
    for dep in doc.dependencies.values():
        src, dst = dep.source, dep.target
        if src in workloads and dst in workloads:
            neighbours[src].add(dst)
            neighbours[dst].add(src)
            client_set[dst].add(src)
            if dep.port in SHARED_PORTS:
                port_clients[dst][SHARED_PORTS[dep.port]].add(src)
    key = {wid: _app_key(workloads, wid) for wid in {*client_set, *neighbours}}
    shared: dict[str, dict[str, int]] = {}
    for wid, by_port in port_clients.items():
        ports = {
            label: len(c)
            for label, c in by_port.items()
            if len(c) >= MIN_SHARED_CLIENTS and len({key[x] for x in c}) >= MIN_SHARED_PORT_APPS
        }
        if ports:
            shared[wid] = ports
    all_apps = {_app_key(workloads, wid) for wid in workloads}
    reach_min = max(float(MIN_REACH_APPS), REACH_SHARE * len(all_apps))
    clients: dict[str, tuple[int, int]] = {}
    reach: dict[str, int] = {}
    for wid, found in client_set.items():
        apps = {key[x] for x in found}
        clients[wid] = (len(found), len(apps))
        foreign = len(apps - {key[wid]})
        if foreign >= reach_min:
            reach[wid] = foreign
    degrees = sorted(len(n) for n in neighbours.values())
    degrees = [0] * (len(workloads) - len(degrees)) + degrees
    threshold = 0.0
    hubs: dict[str, int] = {}
    if degrees:
        rank = min(len(degrees) - 1, int(len(degrees) * HUB_PERCENTILE / 100.0))
        threshold = max(float(degrees[rank]), HUB_MIN_SHARE * len(workloads))
        hubs = {
            wid: len(n)
            for wid, n in neighbours.items()
            if len(n) > threshold and len({key[x] for x in n}) >= MIN_HUB_APPS
        }
    return GraphEvidence(shared, hubs, threshold, reach, clients, reach_min)


def classify_workload(workload: Workload, evidence: GraphEvidence | None = None) -> ClassFinding:
    """The class of one workload; without ``evidence`` only its own fields are used."""
    if workload.workload_class is not None:
        return ClassFinding(workload.workload_class, ("set by the user",), overridden=True)
    platform = platform_finding(workload)
    if platform is not None:
        return platform
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

    found = _shared_finding(workload, roles, tags, parts, evidence)
    if found is not None:
        return found
    hint = _shared_hint(workload, roles, tags, parts, evidence)

    gib = workload.storage_gib
    if gib >= DATA_HEAVY_GIB:
        return ClassFinding(WorkloadClass.DATA_HEAVY, (f"{gib:,.0f} GiB of storage", *hint))
    m = _DATA_ROLE.search(text)
    if m:
        return ClassFinding(WorkloadClass.DATA_HEAVY, (f"data role or tag ({m.group(0)})", *hint))
    if gib >= DATA_HEAVY_DB_GIB and _DB_ROLE.search(roles):
        return ClassFinding(WorkloadClass.DATA_HEAVY, (f"database with {gib:,.0f} GiB", *hint))
    return ClassFinding(WorkloadClass.LEGACY, ("no GPU, shared-service or data evidence", *hint))


def platform_finding(workload: Workload) -> ClassFinding | None:
    """The platform-VM finding from the workload's name alone (``platform``), else None."""
    found = platform_pattern(workload.name)
    if found is None:
        return None
    return ClassFinding(WorkloadClass.PLATFORM, (f"{found.kind}: {found.reason}",))


def is_platform_vm(workload: Workload) -> bool:
    """True for a platform VM: set so by the user, or found by name unless the user set
    another class (the planner leaves these out, rule PLATFORM-VM)."""
    if workload.workload_class is not None:
        return workload.workload_class is WorkloadClass.PLATFORM
    return platform_pattern(workload.name) is not None


def _shared_finding(
    workload: Workload,
    roles: str,
    tags: set[str],
    parts: set[str],
    evidence: GraphEvidence | None,
) -> ClassFinding | None:
    """A shared-service finding when a rule of ``SHARED_RULES`` proves it, else None."""
    reasons: list[str] = []
    if "shared-service" in tags:
        reasons.append("tagged shared-service")
    if evidence is not None:
        for label, n in sorted(evidence.shared_ports.get(workload.id, {}).items()):
            reasons.append(f"serves {label} to {n} workloads of several applications")
        if workload.id in evidence.reach:
            reasons.append(f"used by workloads of {evidence.reach[workload.id]} other applications")
        if workload.id in evidence.hubs:
            reasons.append(
                f"hub: {evidence.hubs[workload.id]} neighbours in several applications "
                f"(threshold {evidence.hub_threshold:.0f}, 95th percentile rule)"
            )
    if not reasons:
        return None
    suggested = _suggestion(roles, tags, parts)
    return ClassFinding(
        WorkloadClass.SHARED_SERVICE, (*reasons, *([suggested] if suggested else []))
    )


def _suggestion(roles: str, tags: set[str], parts: set[str]) -> str:
    m = _SHARED_ROLE.search(roles) or _SHARED_ROLE.search(" ".join(tags))
    if m:
        return f"its role suggests a shared service ({m.group(0)})"
    if parts & _SHARED_NAME_PARTS:
        return (
            f"its name suggests a shared service ({', '.join(sorted(parts & _SHARED_NAME_PARTS))})"
        )
    return ""


def _shared_hint(
    workload: Workload,
    roles: str,
    tags: set[str],
    parts: set[str],
    evidence: GraphEvidence | None,
) -> tuple[str, ...]:
    """Why a workload whose role or name suggests a shared service is not classed one."""
    suggested = _suggestion(roles, tags, parts)
    if not suggested:
        return ()
    if evidence is None:
        return (suggested + ", not proved by dependencies (none known)",)
    n, apps = evidence.clients.get(workload.id, (0, 0))
    if n == 0:
        why = "no workload is known to use it"
    else:
        who = "one application" if apps == 1 else f"{apps} applications"
        why = f"its {n} client{'s' if n != 1 else ''} belong to {who}"
    return (f"{suggested}, but the dependencies do not show one: {why}",)


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
