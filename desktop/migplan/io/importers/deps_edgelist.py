"""A generic edge list: ``source, target, port, protocol, weight`` under many names.

What people write by hand or script out of a firewall log or a flow collector. Each end may be
a name or an address (told apart by parsing), or both in separate columns (``source ip``).
``port`` may read ``443/tcp``. ``weight`` is traffic (MB/s when known) and ``count`` the number
of observations; both are optional.
"""

from __future__ import annotations

from migplan.core.enums import Protocol
from migplan.core.progress import Progress
from migplan.io.importers.deps_cells import (
    BadValue,
    DependencyImportOptions,
    bad_row,
    cell_text,
    parse_count,
    parse_port,
    parse_protocol,
    parse_weight,
    row_ref,
)
from migplan.io.importers.deps_types import (
    DependencyReport,
    EdgeAccumulator,
    Endpoint,
    normalize_ip,
)
from migplan.io.tables import Table, normalize_header

LABEL = "Dependency edge list"

SOURCE_NAMES = (
    "source", "src", "from", "client", "source name", "source host", "source hostname",
    "source server", "source server name", "src host", "src name", "from host", "client name",
    "client host", "caller", "consumer", "source node", "source workload", "source vm",
)  # fmt: skip
SOURCE_IPS = (
    "source ip", "src ip", "source address", "src addr", "client ip", "from ip",
    "source ip address", "srcip", "src_ip", "sourceip", "source_ip", "client_ip",
)  # fmt: skip
TARGET_NAMES = (
    "target", "dst", "dest", "destination", "to", "server", "target name", "target host",
    "target hostname", "destination name", "destination host", "destination server",
    "destination server name", "dst host", "dst name", "to host", "server name", "server host",
    "provider", "callee", "target node", "target workload", "target vm", "destination vm",
    "listener", "listener name", "listener device",
)  # fmt: skip
TARGET_IPS = (
    "target ip", "dst ip", "dest ip", "destination ip", "destination address", "dst addr",
    "server ip", "to ip", "target ip address", "dstip", "dst_ip", "destinationip",
    "destination_ip", "listener ip", "listener_ip",
)  # fmt: skip
PORT_NAMES = (
    "port", "dst port", "dest port", "destination port", "target port", "server port",
    "dport", "service port", "dst_port", "destinationport", "destination_port", "listener port",
)  # fmt: skip
PROTOCOL_NAMES = (
    "protocol", "proto", "transport", "ip protocol", "l4 protocol", "transportprotocol",
    "transport_protocol",
)  # fmt: skip
WEIGHT_NAMES = ("weight", "traffic", "traffic mb/s", "traffic (mb/s)", "mbps", "bandwidth")
COUNT_NAMES = (
    "count", "connections", "connection count", "hits", "occurrences", "sessions",
    "netstat_active_samples", "netstat # times port actively connected at discovery",
)  # fmt: skip
PROCESS_NAMES = (
    "process", "process name", "service", "program", "application process",
    "client_process_name", "client process",
)  # fmt: skip
#: Labels for edge lists whose headers say where they came from.
_FLAVOURS = (
    (("listener_ip", "client_ip"), "Device42 service communication"),
    (("listener ip", "client ip"), "Device42 service communication"),
    (("sourceip", "destinationip"), "AWS Application Discovery connections"),
    (("source_ip", "destination_ip"), "AWS Application Discovery connections"),
)


def label_for(headers: set[str]) -> str:
    """The origin label: a known tool's name when its headers show, else the generic one."""
    for needed, label in _FLAVOURS:
        if all(h in headers for h in needed):
            return label
    return LABEL


def matches(headers: set[str]) -> bool:
    """True when the headers name a source end and a target end."""
    has_source = any(h in headers for h in SOURCE_NAMES + SOURCE_IPS)
    has_target = any(h in headers for h in TARGET_NAMES + TARGET_IPS)
    return has_source and has_target


def read_edge_list(
    table: Table,
    acc: EdgeAccumulator,
    report: DependencyReport,
    options: DependencyImportOptions,
    progress: Progress,
) -> None:
    col = {
        "src": table.column(*SOURCE_NAMES),
        "src_ip": table.column(*SOURCE_IPS),
        "dst": table.column(*TARGET_NAMES),
        "dst_ip": table.column(*TARGET_IPS),
        "port": table.column(*PORT_NAMES),
        "protocol": table.column(*PROTOCOL_NAMES),
        "weight": table.column(*WEIGHT_NAMES),
        "count": table.column(*COUNT_NAMES),
        "process": table.column(*PROCESS_NAMES),
    }

    def text(row: list[object], key: str) -> str:
        return cell_text(table.cell(row, col[key]))

    def header(key: str) -> str:
        idx = col[key]
        return table.headers[idx] if idx is not None else key

    total = len(table.rows)
    label = label_for({normalize_header(h) for h in table.headers})
    for i, row in enumerate(table.rows):
        if i % 25_000 == 0:
            progress.step(i, total, f"Reading {table.path.name}")
        if not any(cell_text(v) for v in row):
            continue
        report.rows_read += 1
        source = _endpoint(text(row, "src"), text(row, "src_ip"))
        target = _endpoint(text(row, "dst"), text(row, "dst_ip"))
        if source is None or target is None:
            which = "source" if source is None else "target"
            report.skip_row(row_ref(table, i), f"no {which} name or address")
            continue
        try:
            port_cell = table.cell(row, col["port"])
            port = parse_port(port_cell, header("port"))
            protocol = parse_protocol(table.cell(row, col["protocol"]))
            if protocol is Protocol.UNKNOWN and "/" in cell_text(port_cell):
                protocol = parse_protocol(cell_text(port_cell).split("/", 1)[1])
            weight = parse_weight(table.cell(row, col["weight"]), header("weight"))
            count = parse_count(table.cell(row, col["count"]), header("count"))
        except BadValue as exc:
            bad_row(table, i, exc, report, options.skip_bad_rows)
            continue
        acc.add(
            source,
            target,
            port=port,
            protocol=protocol,
            process=text(row, "process"),
            count=count,
            weight=weight,
            ref=row_ref(table, i),
            label=label,
        )


def _endpoint(name: str, ip: str) -> Endpoint | None:
    """An end from a name column and/or an address column; a name that is an IP is an IP."""
    address = normalize_ip(ip)
    if not address and normalize_ip(name):
        address, name = normalize_ip(name), ""
    if not (name or address):
        return None
    return Endpoint(name, address)
