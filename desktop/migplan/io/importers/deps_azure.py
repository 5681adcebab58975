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

import datetime as dt
from operator import itemgetter

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
    row_refs,
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
    """True for the headers of an Azure Migrate dependency export (either variant).

    Loose on purpose: a file with Azure's source/destination columns and its time slot but
    no port is still read as Azure, so the error names the missing column.
    """
    has_source = "source server name" in headers or "source ip" in headers
    has_target = "destination server name" in headers or "destination ip" in headers
    azure_only = {"time slot", "timeslot", "destination port", "connection count"} & headers
    return has_source and has_target and bool(azure_only)


_KEY_FIELDS = ("src_name", "src_ip", "dst_name", "dst_ip", "port", "dst_process", "src_process")


def read_azure(
    table: Table,
    acc: EdgeAccumulator,
    report: DependencyReport,
    options: DependencyImportOptions,
    progress: Progress,
) -> None:
    """Add every row of ``table`` to ``acc``; rows without a usable end are reported.

    Rows are first grouped by their raw cells (a real export repeats each connection once per
    time slot), so parsing, validation and endpoint lookup run once per distinct connection.
    """
    cols = require_columns(table, _REQUIRED, LABEL)
    idx = {key: table.column(*names) for key, names in _OPTIONAL.items()}
    idx.update(cols)
    if idx["src_name"] is None and idx["src_ip"] is None:
        require_columns(table, {"src": ("Source server name", "Source IP")}, LABEL)
    present = [(name, i) for name in _KEY_FIELDS if (i := idx[name]) is not None]
    groups = _group_rows(table, present, idx["count"], idx["slot"], report, options, progress)
    endpoints: dict[tuple[str, str], Endpoint] = {}

    def endpoint(name: str, ip: str) -> Endpoint:
        found = endpoints.get((name, ip))
        if found is None:
            found = endpoints[(name, ip)] = Endpoint(name, normalize_ip(ip) or ip)
        return found

    port_header = table.headers[cols["port"]]
    ref = row_refs(table)
    # Where each present column's value goes among the seven key fields.
    positions = [_KEY_FIELDS.index(name) for name, _ in present]
    for key, (count, first, rows) in groups.items():
        values = key.split(_SEP) if isinstance(key, str) else key
        if len(values) != len(present):  # a cell held the separator (a control character)
            report.rows_read += rows
            report.skip_row(ref(first), "a cell holds a control character (U+001F)", rows=rows)
            continue
        cells = [""] * len(_KEY_FIELDS)
        for pos, value in zip(positions, values, strict=True):
            cells[pos] = value.strip() if type(value) is str else cell_text(value)
        if not any(cells):
            continue
        report.rows_read += rows
        src_name, src_ip, dst_name, dst_ip, port_text, dst_process, src_process = cells
        if not (src_name or src_ip):
            report.skip_row(ref(first), "no source server name or IP", rows=rows)
            continue
        if not (dst_name or dst_ip):
            report.skip_row(ref(first), "no destination server name or IP", rows=rows)
            continue
        try:
            port = parse_port(port_text, port_header)
        except BadValue as exc:
            bad_row(table, first, exc, report, options.skip_bad_rows, rows)
            continue
        acc.add(
            endpoint(src_name, src_ip),
            endpoint(dst_name, dst_ip),
            port=port,
            protocol=Protocol.UNKNOWN,  # the export does not say
            process=_process(dst_process, src_process),
            count=count,
            ref=ref(first),
            label=LABEL,
        )


_SEP = "\x1f"


def _group_rows(
    table: Table,
    present: list[tuple[str, int]],
    count_idx: int | None,
    slot_idx: int | None,
    report: DependencyReport,
    options: DependencyImportOptions,
    progress: Progress,
) -> dict[str | tuple[object, ...], list[int]]:
    """Raw key cells -> [observations, index of the first row, rows].

    Hashing the key cells is most of the cost at 300,000 rows (every cell is a fresh string
    whose hash is computed once), so the usual export (all text, no count column, no ragged
    rows) is keyed by its cells joined into one string: one hash per row instead of seven.
    """
    progress.step(0, 2, f"Grouping the rows of {table.path.name}")
    slots: set[object] = set()
    groups: dict[str | tuple[object, ...], list[int]]
    if count_idx is None:
        try:
            groups = _group_joined(table, present, slot_idx, slots)
        except (TypeError, IndexError):  # a non-text cell (xlsx) or a ragged row
            slots.clear()
            groups = _group_slowly(table, present, None, slot_idx, slots, report, options)
    else:
        groups = _group_slowly(table, present, count_idx, slot_idx, slots, report, options)
    slots.discard("")
    if slots:
        report.notes.append(f"{table.path.name}: {_describe_slots(slots)}.")
    progress.step(1, 2, f"Grouped the rows of {table.path.name}")
    return groups


def _group_joined(
    table: Table, present: list[tuple[str, int]], slot_idx: int | None, slots: set[object]
) -> dict[str | tuple[object, ...], list[int]]:
    getter = itemgetter(*(i for _, i in present))
    join = _SEP.join
    groups: dict[str | tuple[object, ...], list[int]] = {}
    for i, row in enumerate(table.rows):
        key = join(getter(row))
        entry = groups.get(key)
        if entry is None:
            groups[key] = [1, i, 1]
        else:
            entry[0] += 1
            entry[2] += 1
    if slot_idx is not None:
        slots.update(map(itemgetter(slot_idx), table.rows))
    return groups


def _group_slowly(
    table: Table,
    present: list[tuple[str, int]],
    count_idx: int | None,
    slot_idx: int | None,
    slots: set[object],
    report: DependencyReport,
    options: DependencyImportOptions,
) -> dict[str | tuple[object, ...], list[int]]:
    """Row by row: ragged rows, and the ``Connection Count`` variant (a count per row)."""
    groups: dict[str | tuple[object, ...], list[int]] = {}
    count_header = table.headers[count_idx] if count_idx is not None else ""
    for i, row in enumerate(table.rows):
        key = tuple(row[j] if j < len(row) else "" for _, j in present)
        count = 1
        if count_idx is not None:
            try:
                count = parse_count(table.cell(row, count_idx), count_header)
            except BadValue as exc:
                report.rows_read += 1
                bad_row(table, i, exc, report, options.skip_bad_rows)
                continue
            if count == 0:
                report.rows_read += 1
                report.skip_row(row_ref(table, i), "connection count is 0")
                continue
        if slot_idx is not None and slot_idx < len(row):
            slots.add(row[slot_idx])
        entry = groups.get(key)
        if entry is None:
            groups[key] = [count, i, 1]
        else:
            entry[0] += count
            entry[2] += 1
    return groups


def _describe_slots(slots: set[object]) -> str:
    """``observations from 12 time slot(s), 2024-12-15 to 2024-12-18`` (dates when readable:
    ``12/15/2024 12:00-18:00`` slots, ``16-Jul-2026`` days, or spreadsheet dates)."""
    days: set[dt.date] = set()
    for slot in slots:
        if isinstance(slot, dt.datetime | dt.date):
            days.add(slot.date() if isinstance(slot, dt.datetime) else slot)
            continue
        text = str(slot).strip().split(" ", 1)[0]
        for fmt in ("%m/%d/%Y", "%d-%b-%Y", "%Y-%m-%d"):
            try:
                days.add(dt.datetime.strptime(text, fmt).date())
                break
            except ValueError:
                continue
    span = f", {min(days)} to {max(days)}" if days else ""
    return f"observations from {len(slots)} time slot(s){span}"


def _process(destination: str, source: str) -> str:
    """The serving process when known (what a migration must carry), else the client's."""
    if destination and destination.casefold() != _UNKNOWN_PROCESS:
        return destination
    if source and source.casefold() != _UNKNOWN_PROCESS:
        return source
    return ""


def header_set(table: Table) -> set[str]:
    return {normalize_header(h) for h in table.headers}
