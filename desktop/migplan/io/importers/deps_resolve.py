"""Resolving dependency endpoints to the plan's workloads, applications or external nodes.

A workload matches by name (case-insensitive; a short name matches an FQDN and the other way
round), by its DNS name, or by any of its IP addresses. When a name matches several workloads
(the same VM name in two vCenters) the address decides; when nothing decides, the endpoint is
ambiguous. Endpoints that match nothing, or are ambiguous, become external nodes: kept,
marked and counted, never dropped. Results are cached per endpoint, so a 300,000-row export
resolves each distinct endpoint once.
"""

from __future__ import annotations

from dataclasses import dataclass

from migplan.core.document import PlanDocument
from migplan.core.ids import WorkloadId, external_id
from migplan.core.models import ExternalNode
from migplan.io.importers.deps_types import (
    DependencyReport,
    Endpoint,
    EndpointKind,
    RowRef,
    normalize_ip,
    normalize_name,
)


@dataclass(frozen=True, slots=True)
class Resolution:
    node_id: str
    #: How it matched: "name", "dns", "ip", "application" or "external".
    how: str
    #: Workload names an ambiguous endpoint matched (empty otherwise).
    candidates: tuple[str, ...] = ()

    @property
    def external(self) -> bool:
        return self.how == "external"


def _short(name: str) -> str:
    return name.split(".", 1)[0]


class EndpointResolver:
    """Looks endpoints up in a plan; collects the external nodes it had to invent."""

    def __init__(self, doc: PlanDocument) -> None:
        self._doc = doc
        self._full: dict[str, dict[str, str]] = {}  # name or FQDN -> {workload id: how}
        self._short: dict[str, dict[str, str]] = {}  # short name -> {workload id: how}
        self._ip: dict[str, list[str]] = {}
        self._apps: dict[str, str] = {}
        self._ext_by_address: dict[str, str] = {}
        self._ext_by_name: dict[str, str] = {}
        self._cache: dict[Endpoint, Resolution] = {}
        #: External nodes not yet in the plan, by id.
        self.new_externals: dict[str, ExternalNode] = {}
        self._index()

    def _index(self) -> None:
        for wl in self._doc.workloads.values():
            for text, how in ((wl.name, "name"), (wl.dns_name, "dns")):
                name = normalize_name(text)
                if not name:
                    continue
                self._full.setdefault(name, {}).setdefault(wl.id, how)
                self._short.setdefault(_short(name), {}).setdefault(wl.id, how)
            for ip in wl.ips:
                self._ip.setdefault(ip, []).append(wl.id)
        for app in self._doc.applications.values():
            self._apps.setdefault(normalize_name(app.name), app.id)
        for ext in self._doc.externals.values():
            if ext.address:
                self._ext_by_address.setdefault(normalize_ip(ext.address) or ext.address, ext.id)
            self._ext_by_name.setdefault(normalize_name(ext.name), ext.id)

    def add_application(self, name: str, app_id: str) -> None:
        """Make an application created by this import resolvable by name."""
        self._apps[normalize_name(name)] = app_id
        self._cache.clear()

    def resolve(self, endpoint: Endpoint, context: RowRef | None = None) -> Resolution:
        """The node ``endpoint`` stands for; invents an external node when nothing matches."""
        found = self._cache.get(endpoint)
        if found is None:
            found = self._resolve(endpoint, context)
            self._cache[endpoint] = found
        return found

    def _resolve(self, ep: Endpoint, context: RowRef | None) -> Resolution:
        name, ip = normalize_name(ep.name), normalize_ip(ep.ip)
        if name and not ip and normalize_ip(name):
            name, ip = "", normalize_ip(name)
        if ep.kind is not EndpointKind.APPLICATION:
            hit = self._workload(name, ip)
            if hit is not None:
                return hit
        if ep.kind is not EndpointKind.HOST and name:
            app = self._apps.get(name)
            if app is not None:
                return Resolution(app, "application")
        return self._external(name, ip, ep, context)

    def _workload(self, name: str, ip: str) -> Resolution | None:
        by_ip = self._ip.get(ip, []) if ip else []
        if name:
            matches = self._full.get(name) or self._short.get(_short(name)) or {}
            if len(matches) == 1:
                wid, how = next(iter(matches.items()))
                return Resolution(wid, how)
            if len(matches) > 1:
                both = [w for w in matches if w in by_ip]
                if len(both) == 1:
                    return Resolution(both[0], matches[both[0]])
                return self._ambiguous(list(matches), name, ip)
        if len(by_ip) == 1:
            return Resolution(by_ip[0], "ip")
        if len(by_ip) > 1:
            return self._ambiguous(by_ip, name, ip)
        return None

    def _ambiguous(self, wids: list[str], name: str, ip: str) -> Resolution:
        names = tuple(sorted(self._doc.workloads[WorkloadId(w)].name for w in wids))
        ext = self._external(name, ip, Endpoint(name, ip), None, ambiguous=names)
        return Resolution(ext.node_id, "external", names)

    def _external(
        self,
        name: str,
        ip: str,
        ep: Endpoint,
        context: RowRef | None,
        ambiguous: tuple[str, ...] = (),
    ) -> Resolution:
        existing = (self._ext_by_address.get(ip) if ip else None) or (
            self._ext_by_name.get(name) if name and not ip else None
        )
        if existing is not None:
            return Resolution(existing, "external", ambiguous)
        eid = external_id(ip or name or "blank")
        if eid not in self.new_externals:
            why = (
                f"matches several workloads ({', '.join(ambiguous[:5])})"
                if ambiguous
                else "matched no workload"
            )
            note = f"Unresolved dependency endpoint: {why}."
            if context is not None:
                note += f" First seen in {context.describe()}."
            self.new_externals[eid] = ExternalNode(
                id=eid,
                name=(ep.name or ip or "(blank)")[:400],
                address=ip,
                notes=note,
            )
        return Resolution(eid, "external", ambiguous)


def record_resolutions(
    report: DependencyReport, resolver: EndpointResolver, uses: dict[Endpoint, int]
) -> None:
    """Count how endpoints resolved, weighted by the observations that use them; unresolved
    and ambiguous endpoints are listed by label."""
    for endpoint, n in uses.items():
        res = resolver.resolve(endpoint)
        report.resolved_by[res.how] = report.resolved_by.get(res.how, 0) + n
        if res.external:
            label = endpoint.label()
            report.unresolved[label] = report.unresolved.get(label, 0) + n
            report.external_ends.setdefault(res.node_id, label)
            if res.candidates:
                report.ambiguous[label] = list(res.candidates)


#: The share of a file's endpoints matching no workload from which the file is taken to
#: describe another estate (or one whose inventory is not imported yet). A real export names
#: clients and services outside the inventory, but its own servers (the sources an appliance
#: or agent watched) match: well under this share.
FOREIGN_SHARE = 0.8
#: Files naming fewer endpoints say too little for the warning.
FOREIGN_MIN_ENDPOINTS = 5


def warn_foreign_files(
    report: DependencyReport, resolver: EndpointResolver, ends: dict[str, set[Endpoint]]
) -> None:
    """Warn of each file whose endpoints mostly match no workload (nor application)."""
    for file, endpoints in ends.items():
        unmatched = sum(1 for ep in endpoints if resolver.resolve(ep).external)
        total = len(endpoints)
        if total >= FOREIGN_MIN_ENDPOINTS and unmatched >= FOREIGN_SHARE * total:
            report.warn(
                f"of {total:,} endpoints in {file}, {unmatched:,} match no workload in the "
                "plan: this export may belong to another estate or the inventory is not "
                "imported yet",
                file,
            )
