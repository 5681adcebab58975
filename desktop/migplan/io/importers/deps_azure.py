"""Azure Migrate agentless dependency export (CSV from *Manage dependencies > Export*).

Real header: ``Time slot, Source server name, Source IP, Source application, Source process,
Destination server name, Destination IP, Destination application, Destination process,
Destination port``. Each row is one dependency seen in one six-hour slot, with no protocol and
no connection count, so identical rows across slots fold into a count. Server names are blank
for servers without dependency analysis (most destinations); ``Unknown process`` is a value.
The unverified variant (``Date, Source Appliance Name, ... Destination Port, Connection
Count``) gives the count directly.
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
    require_columns,
    row_ref,
)
from migplan.io.importers.deps_types import (
    DependencyReport,
    EdgeAccumulator,
    Endpoint,
    normalize_ip,
)
from migplan.io.tables import Table, normalize_header

LABEL = "Azure Migrate dependency export"
_UNKNOWN_PROCESS = "unknown process"
_PROGRESS_EVERY = 25_000

_REQUIRED = {
    "dst_ip": ("Destination IP",),
    "port": ("Destination port",),
}
_OPTIONAL = {
    "src_name": ("Source server name",),
    "src_ip": ("Source IP",),
    "src_process": ("Source process",),
    "dst_name": ("Destination server name",),
    "dst_process": ("Destination process",),
    "slot": ("Time slot", "Timeslot", "Date"),
    "count": ("Connection Count",),
}


def matches(headers: set[str]) -> bool:
    """True for the headers of an Azure Migrate dependency export (either variant)."""
    has_source = "source server name" in headers or "source ip" in headers
    return has_source and "destination ip" in headers and "destination port" in headers


def read_azure(
    table: Table,
    acc: EdgeAccumulator,
    report: DependencyReport,
    options: DependencyImportOptions,
    progress: Progress,
) -> None:
    """Add every row of ``table`` to ``acc``; rows without a usable end are reported."""
    cols = require_columns(table, _REQUIRED, LABEL)
    opt = {key: table.column(*names) for key, names in _OPTIONAL.items()}
    if opt["src_name"] is None and opt["src_ip"] is None:
        require_columns(table, {"src": ("Source server name", "Source IP")}, LABEL)
    endpoints: dict[tuple[str, str], Endpoint] = {}
    slots: set[str] = set()
    total = len(table.rows)
    width = len(table.headers)
    ci_dst_ip, ci_port = cols["dst_ip"], cols["port"]
    ci = {k: (-1 if v is None else v) for k, v in opt.items()}

    def get(row: list[object], idx: int) -> str:
        if idx < 0 or idx >= len(row):
            return ""
        value = row[idx]
        return value.strip() if type(value) is str else cell_text(value)

    def endpoint(name: str, ip: str) -> Endpoint:
        key = (name, ip)
        found = endpoints.get(key)
        if found is None:
            found = endpoints[key] = Endpoint(name, normalize_ip(ip) or ip)
        return found

    for i, row in enumerate(table.rows):
        if i % _PROGRESS_EVERY == 0:
            progress.step(i, total, f"Reading {table.path.name}")
        if len(row) < width and not any(cell_text(v) for v in row):
            continue
        report.rows_read += 1
        src_name, src_ip = get(row, ci["src_name"]), get(row, ci["src_ip"])
        dst_name, dst_ip = get(row, ci["dst_name"]), get(row, ci_dst_ip)
        if not (src_name or src_ip):
            report.skip_row(row_ref(table, i), "no source server name or IP")
            continue
        if not (dst_name or dst_ip):
            report.skip_row(row_ref(table, i), "no destination server name or IP")
            continue
        try:
            port = parse_port(table.cell(row, ci_port), table.headers[ci_port])
            count = (
                parse_count(row[ci["count"]], table.headers[ci["count"]])
                if 0 <= ci["count"] < len(row)
                else 1
            )
        except BadValue as exc:
            bad_row(table, i, exc, report, options.skip_bad_rows)
            continue
        if count == 0:
            report.skip_row(row_ref(table, i), "connection count is 0")
            continue
        if ci["slot"] >= 0:
            slots.add(get(row, ci["slot"]))
        acc.add(
            endpoint(src_name, src_ip),
            endpoint(dst_name, dst_ip),
            port=port,
            protocol=Protocol.UNKNOWN,  # the export does not say
            process=_process(get(row, ci["dst_process"]), get(row, ci["src_process"])),
            count=count,
            ref=row_ref(table, i),
            label=LABEL,
        )
    if slots:
        report.notes.append(f"{table.path.name}: observations from {len(slots)} time slot(s).")


def _process(destination: str, source: str) -> str:
    """The serving process when known (what a migration must carry), else the client's."""
    if destination and destination.casefold() != _UNKNOWN_PROCESS:
        return destination
    if source and source.casefold() != _UNKNOWN_PROCESS:
        return source
    return ""


def header_set(table: Table) -> set[str]:
    return {normalize_header(h) for h in table.headers}
