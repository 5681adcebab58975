"""The shared vocabulary of the dependency importers: endpoints, observed edges, the report.

Every format parser turns its rows into ``ObservedEdge`` records between ``Endpoint``s (a name
and/or an address, not yet resolved to the plan) and adds them to an ``EdgeAccumulator``,
which folds identical observations (same endpoints, port and process: Azure's rows repeated
across time slots) into one record with a count. Resolution against the plan and building the
command happen afterwards, once per distinct edge rather than once per row.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import StrEnum
from typing import NamedTuple

from migplan.core.enums import Protocol
from migplan.io.importers.report import ImportReport


class EndpointKind(StrEnum):
    """What an endpoint may resolve to."""

    HOST = "host"  # a workload (or, failing that, an external node)
    APPLICATION = "application"  # an application by name (Konveyor, ServiceNow app CIs)
    ANY = "any"  # a workload first, else an application


class Endpoint(NamedTuple):
    """One side of an observed connection, as the file gave it (not yet resolved).

    A named tuple rather than a dataclass: endpoints are hashed several times per row and a
    tuple hashes in C.
    """

    name: str = ""
    ip: str = ""
    kind: EndpointKind = EndpointKind.HOST

    def label(self) -> str:
        if self.name and self.ip:
            return f"{self.name} ({self.ip})"
        return self.name or self.ip or "(blank)"


def normalize_ip(text: str) -> str:
    """The canonical form of an address, or "" when ``text`` is not one.

    Strips what exports add around addresses: ``/32`` host prefixes, IPv4-mapped ``::ffff:``
    forms, ``[..]`` brackets and IPv6 zone ids (``fe80::1%eth0``), as Device42's own queries do.
    """
    text = text.strip().strip("[]")
    if not text:
        return ""
    parts = text.split(".")
    # Fast path for plain dotted IPv4 (the common case; 20x quicker than ipaddress).
    if len(parts) == 4 and all(
        p.isascii() and p.isdigit() and len(p) <= 3 and int(p) <= 255 and (p == "0" or p[0] != "0")
        for p in parts
    ):
        return text
    if "/" in text:
        text = text.split("/", 1)[0]
    if "%" in text:
        text = text.split("%", 1)[0]
    try:
        addr = ipaddress.ip_address(text)
    except ValueError:
        return ""
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        return str(addr.ipv4_mapped)
    return str(addr)


def is_loopback(ip: str) -> bool:
    """True for 127.0.0.0/8 and ::1, given an address in ``normalize_ip`` form."""
    return ip.startswith("127.") or ip == "::1"


def is_unspecified(ip: str) -> bool:
    if not ip:
        return False
    try:
        return ipaddress.ip_address(ip).is_unspecified
    except ValueError:
        return False


def normalize_name(text: str) -> str:
    """A host name as the resolver compares it: trimmed, lower case, no trailing dot."""
    return text.strip().rstrip(".").casefold()


@dataclass(frozen=True, slots=True)
class RowRef:
    """Where an observation was first read: file name, sheet and 1-based row (or line)."""

    file: str
    sheet: str = ""
    row: int = 0

    def describe(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row:
            parts.append(f"row {self.row}")
        return ", ".join(parts)


@dataclass(slots=True)
class ObservedEdge:
    """``source`` was seen connecting to (depending on) ``target``, ``count`` times."""

    source: Endpoint
    target: Endpoint
    port: int | None
    protocol: Protocol
    process: str
    count: int
    #: Explicit traffic weight from the file; None when the format has none.
    weight: float | None
    ref: RowRef
    label: str


EdgeKey = tuple[Endpoint, Endpoint, int | None, Protocol, str, str]


class EdgeAccumulator:
    """Folds repeated observations into one record per (endpoints, port, protocol, process)."""

    def __init__(self) -> None:
        self.edges: dict[EdgeKey, ObservedEdge] = {}
        self.rows = 0

    def add(
        self,
        source: Endpoint,
        target: Endpoint,
        *,
        port: int | None,
        ref: RowRef,
        label: str,
        protocol: Protocol = Protocol.UNKNOWN,
        process: str = "",
        count: int = 1,
        weight: float | None = None,
    ) -> None:
        self.rows += 1
        key = (source, target, port, protocol, process, label)
        found = self.edges.get(key)
        if found is None:
            self.edges[key] = ObservedEdge(
                source, target, port, protocol, process, count, weight, ref, label
            )
            return
        found.count += count
        if weight is not None:
            found.weight = (found.weight or 0.0) + weight

    def __len__(self) -> int:
        return len(self.edges)


@dataclass
class DependencyReport(ImportReport):
    """The import report (``ImportReport``) plus what only dependency imports know.

    ``rows_read`` counts rows, ``observations`` distinct observed edges after folding rows
    repeated across time slots; ``imported`` and ``merged`` count plan edges added and grown.
    Every skipped row is an issue with its file, sheet, row and reason; ``skip_reasons``
    counts rows per reason for the summary.
    """

    #: File name -> the format it was read as.
    formats: dict[str, str] = field(default_factory=dict)
    observations: int = 0
    #: Edges already in the plan with an equal or larger count.
    unchanged: int = 0
    #: Endpoint resolutions by how they matched: name, dns, ip, application, external.
    resolved_by: dict[str, int] = field(default_factory=dict)
    #: Unresolved endpoints (kept as external nodes): label -> observations touching them.
    unresolved: dict[str, int] = field(default_factory=dict)
    #: Endpoints that matched more than one workload (kept as external nodes).
    ambiguous: dict[str, list[str]] = field(default_factory=dict)
    #: External node id -> the first unresolved endpoint that went to it.
    external_ends: dict[str, str] = field(default_factory=dict)
    #: External nodes already in the plan that unresolved endpoints went to.
    externals_reused: int = 0
    #: Rows left out, per reason (``skipped`` counts them all).
    skip_reasons: dict[str, int] = field(default_factory=dict)
    #: Distinct observations left out, per reason: one issue each (repeats of an observation
    #: across time slots are rows of one issue).
    skip_observations: dict[str, int] = field(default_factory=dict)

    def skip_row(self, ref: RowRef, reason: str, column: str = "", value: object = "",
                 rows: int = 1) -> None:  # fmt: skip
        """Record a row (or ``rows`` identical rows) left out, and why."""
        self.skip(reason, ref.file, ref.sheet, ref.row, column, value)
        self.skipped += rows
        self.skip_reasons[reason] = self.skip_reasons.get(reason, 0) + rows
        self.skip_observations[reason] = self.skip_observations.get(reason, 0) + 1

    def _head_lines(self, limit: int) -> list[str]:
        # The dependency counts are in ``notes`` (``finish``).
        return [f"Read {self.rows_read:,} row(s) of dependencies from {len(self.files)} file(s).",
                *(f"  {note}" for note in self.notes)]  # fmt: skip

    def finish(self) -> None:
        """Write the dependency-specific summary into ``notes``, so that it survives
        ``ImportReport.extend`` (the CLI folds this report into the inventory report)."""
        lines = [
            f"Dependencies: {self.imported} added, {self.merged} grown, {self.unchanged} "
            f"already in the plan ({self.observations} distinct observations).",
        ]
        by_format: dict[str, list[str]] = {}
        for file, label in self.formats.items():
            by_format.setdefault(label, []).append(file)
        for label, files in by_format.items():
            shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
            lines.append(f"Read as {label}: {shown}.")
        if self.resolved_by:
            matched = {k: n for k, n in self.resolved_by.items() if k != "external"}
            how = ", ".join(f"{n} by {k}" for k, n in sorted(matched.items())) or "none"
            lines.append(
                f"Endpoints matched: {how}; {self.resolved_by.get('external', 0)} went to "
                "external nodes."
            )
        if self.external_ends:
            # Unresolved endpoints are counted as the external nodes they went to, so that
            # they add up: each node is new, or was in the plan already.
            top = sorted(self.unresolved.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
            shown = ", ".join(label for label, _ in top)
            more = ", ..." if len(self.unresolved) > 5 else ""
            created = self.created.get("external nodes", 0)
            lines.append(
                f"{len(self.external_ends)} unresolved endpoint(s) kept as external nodes = "
                f"{created} created + {self.externals_reused} already in the plan (reused): "
                f"{shown}{more}."
            )
        if self.ambiguous:
            lines.append(
                f"{len(self.ambiguous)} endpoint(s) matched several workloads and were kept as "
                f"external nodes: {', '.join(sorted(self.ambiguous)[:5])}."
            )
        for reason, n in sorted(self.skip_reasons.items(), key=lambda kv: (-kv[1], kv[0])):
            seen = self.skip_observations.get(reason, n)
            if seen == n:
                lines.append(f"Skipped {_rows(n)}: {reason}.")
            else:
                # Issues are listed per observation; the rows count its repeats too.
                lines.append(f"Skipped {_rows(n)} ({seen:,} distinct, listed): {reason}.")
        self.notes[:0] = lines


def _rows(n: int) -> str:
    return f"{n:,} row" if n == 1 else f"{n:,} rows"
