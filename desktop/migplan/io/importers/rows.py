"""Turning the rows of one table into workload field values and attributes, through a
``ColumnMapping``. Shared by every inventory importer.

Nothing is dropped: a cell that feeds a field is reachable through that field; every other
non-empty cell (unmapped columns, fallback columns not used, values that could not be parsed)
is kept verbatim as an attribute named after its header. Values that cannot be parsed are
reported with file, sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import is_not, itemgetter
from typing import Any, cast

from migplan.core.enums import PowerState
from migplan.core.models import AttributeValue
from migplan.core.progress import NullProgress, Progress
from migplan.io.importers.mapping import FIELD_BY_NAME, ColumnMapping, column_unit
from migplan.io.importers.report import ImportReport, UnitConversion
from migplan.io.tables import MAX_CELL_CHARS, Table, too_long
from migplan.io.values import is_empty, parse_bool, parse_float

_POWER = {
    "poweredon": PowerState.ON,
    "on": PowerState.ON,
    "running": PowerState.ON,
    "true": PowerState.ON,
    "started": PowerState.ON,
    "active": PowerState.ON,
    "poweredoff": PowerState.OFF,
    "off": PowerState.OFF,
    "stopped": PowerState.OFF,
    "false": PowerState.OFF,
    "deallocated": PowerState.OFF,
    "inactive": PowerState.OFF,
    "suspended": PowerState.SUSPENDED,
    "paused": PowerState.SUSPENDED,
    "saved": PowerState.SUSPENDED,
}
_IP_SPLIT_RE = re.compile(r"[\s,;|]+")


@dataclass(slots=True)
class RowRecord:
    """One data row: typed field values, the attributes kept, and where it came from."""

    row: int
    values: dict[str, Any]
    attributes: dict[str, AttributeValue]
    #: Field -> header of the column that supplied it.
    supplied_by: dict[str, str] = field(default_factory=dict)
    #: The row's cells as read.
    raw: list[object] = field(default_factory=list)


def attribute_value(value: object) -> AttributeValue:
    """A cell as an attribute: text stripped, whole floats as ints, dates in ISO form."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool) or value is None or isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    return str(value)


def power_state(value: object) -> PowerState:
    if isinstance(value, bool):
        return PowerState.ON if value else PowerState.OFF
    return _POWER.get(str(value).strip().replace(" ", "").casefold(), PowerState.UNKNOWN)


_EMPTIES = repeat("")
#: Counts and sizes (MiB) at or above this are data errors (and would not fit the plan).
_MAX_NUMBER = float(2**53)


#: Addresses ``split_ips`` drops as noise (unspecified, link-local).
_NOISE_IPS = ("0.", "169.254.")
#: Markers in ``RowConverter._memo`` (no value / not parsed yet).
_MISSING: Any = object()
_UNSEEN: Any = object()

_IPV4_RE = re.compile(
    r"^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$"
)


def split_ips(value: object) -> tuple[list[str], list[str]]:
    """The valid IP addresses in a cell and the tokens that are not addresses (link-local and
    unspecified addresses are dropped as noise, but reported: ``is_noise_ip`` tells them).

    Lists are split on space , ; | and lose the brackets and quotes exports put around them:
    Azure Migrate writes ``[10.0.0.4,2001:db8::4];[10.1.0.5]`` (one bracketed list per
    network adapter); ``/32`` host prefixes go too."""
    good: list[str] = []
    bad: list[str] = []
    for token in _IP_SPLIT_RE.split(str(value)):
        token = token.strip().strip("\"'[]()").removesuffix("/32")
        if not token:
            continue
        if _IPV4_RE.match(token):
            # Already canonical dotted quad (the common case; ipaddress is slow).
            if token.startswith(_NOISE_IPS):
                bad.append(token)
            else:
                good.append(token)
            continue
        try:
            addr = ipaddress.ip_address(token.split("%")[0])
        except ValueError:
            bad.append(token)
            continue
        if addr.is_unspecified or addr.is_link_local:
            bad.append(token)
            continue
        good.append(str(addr))
    return good, bad


def is_noise_ip(token: str) -> bool:
    """True for a link-local or unspecified address (it names no host beyond its link)."""
    try:
        addr = ipaddress.ip_address(token.split("%")[0])
    except ValueError:
        return False
    return addr.is_unspecified or addr.is_link_local


class RowConverter:
    """Converts rows of ``table`` through ``mapping``, reporting into ``report``."""

    def __init__(self, table: Table, mapping: ColumnMapping, report: ImportReport) -> None:
        self.table = table
        self.report = report
        self.file = table.path.name
        index = {h: i for i, h in enumerate(table.headers)}
        self.fields: list[tuple[str, str, list[tuple[int, str, float]]]] = []
        used: set[int] = set()
        for name, headers in mapping.columns.items():
            spec = FIELD_BY_NAME[name]
            cols: list[tuple[int, str, float]] = []
            for header in headers:
                idx = index.get(header)
                if idx is None:
                    continue
                factor = 1.0
                if spec.kind == "size":
                    unit = column_unit(mapping, name, header)
                    factor = unit.to_mib
                    report.convert(
                        UnitConversion(
                            self.file, table.message_sheet, header, unit.label, name, factor
                        )
                    )
                cols.append((idx, header, factor))
                used.add(idx)
            if cols:
                self.fields.append((name, spec.kind, cols))
        self.report.mappings[table.label] = {n: c[0][1] for n, _, c in self.fields}
        self.fast_text = [
            (n, c[0][0], c[0][1]) for n, k, c in self.fields if k == "text" and len(c) == 1
        ]
        self.fast_numbers = [
            (n, k, c[0][0], c[0][1], c[0][2])
            for n, k, c in self.fields
            if k in ("int", "size") and len(c) == 1
        ]
        fast = {f[0] for f in self.fast_text} | {f[0] for f in self.fast_numbers}
        self.fast_supplied = {n: c[0][1] for n, _, c in self.fields if n in fast}
        # Single-column power and yes/no fields: the few distinct texts of such a column are
        # parsed once each (``_memo``); text fields with fallback columns, and a single IP
        # column, have their own fast paths. Everything else goes cell by cell.
        self.fast_memo = [
            (n, k, c[0][0], c[0][1])
            for n, k, c in self.fields
            if k in ("power", "bool") and len(c) == 1
        ]
        self.fast_multi_text = [
            (n, [(i, h) for i, h, _ in c]) for n, k, c in self.fields if k == "text" and len(c) > 1
        ]
        self.fast_ips = [
            (n, c[0][0], c[0][1]) for n, k, c in self.fields if k == "ips" and len(c) == 1
        ]
        fast |= {f[0] for f in self.fast_memo} | {f[0] for f in self.fast_multi_text}
        fast |= {f[0] for f in self.fast_ips}
        self.other_fields = [f for f in self.fields if f[0] not in fast]
        self._memo: dict[tuple[str, str], tuple[Any, AttributeValue] | None] = {}
        # Attribute names are the headers; a repeated header gets " (2)", " (3)" so that no
        # cell overwrites another.
        self.attr_cols: list[tuple[int, str]] = []
        taken: set[str] = set()
        for i, h in enumerate(table.headers):
            if i in used:
                continue
            name = h.strip() or f"Column {i + 1}"
            n = 2
            while name in taken:
                name = f"{h.strip() or 'Column'} ({n})"
                n += 1
            taken.add(name)
            self.attr_cols.append((i, name))
        self.attr_names = tuple(h for _, h in self.attr_cols)
        self.attr_get: Callable[[list[object]], tuple[object, ...]] | None = (
            itemgetter(*(i for i, _ in self.attr_cols)) if len(self.attr_cols) >= 2 else None
        )
        kept = [h for _, h in self.attr_cols]
        if kept:
            report.keep_attributes(table.label, kept)
        self.width = len(table.headers)

    def records(self, progress: Progress | None = None) -> Iterator[RowRecord]:
        progress = progress or NullProgress()
        table = self.table
        first = table.row_number(0)
        convert = self.convert
        n = -1
        # (rows of a big sheet are converted while the rest of it is still being read)
        for n, row in enumerate(table.iter_rows()):
            if n % 2000 == 0:
                progress.step(n, table.row_count, f"Reading {table.label}")
            if not any(row) and not any(v != "" and v is not None for v in row):
                continue
            yield convert(row, first + n)
        progress.step(n + 1, n + 1, f"Read {table.label}")

    def convert(self, row: list[object], row_no: int) -> RowRecord:
        """One row: the hot loop of a large import, with the common cases of each cell type
        taken on fast paths. ``convert_cellwise`` is what it must equal (tests compare them)."""
        width = len(row)
        if width < self.width or self.attr_get is None:
            return self.convert_cellwise(row, row_no)
        # One pass over every cell, kept in C: pick the attribute cells, pair them with their
        # headers, drop the empty ones (CPython has one empty string object; any other empty
        # text is caught by the fix-up below), then fix up the few values that are not plain
        # text.
        cells: tuple[Any, ...] = self.attr_get(row)
        attrs: dict[str, AttributeValue] = dict(
            compress(zip(self.attr_names, cells, strict=True), map(is_not, cells, _EMPTIES))
        )
        # Text needs no fix-up unless it is empty, too long, or has whitespace to strip
        # (str.strip returns the very same object when there is none: an identity test).
        for key in [
            k
            for k, v in attrs.items()
            if v.__class__ is not str or v.strip() is not v or not v or len(v) > MAX_CELL_CHARS
        ]:
            value = attrs[key]
            if type(value) is float:
                if value.is_integer() and abs(value) < 2**53:
                    attrs[key] = int(value)
            elif value is None or value == "":
                del attrs[key]
            else:
                if type(value) is str and len(value) > MAX_CELL_CHARS:
                    raise too_long(self.table, value, row_no, key)
                attrs[key] = attribute_value(value)
        if width > self.width:
            self._extra_columns(row, row_no, attrs)
        values: dict[str, Any] = {}
        supplied = dict(self.fast_supplied)
        for name, idx, header in self.fast_text:
            raw = row[idx]
            if raw.__class__ is str:
                if raw and len(raw) <= MAX_CELL_CHARS:
                    text = raw.strip()
                    if text:
                        values[name] = text
                        continue
                elif not raw:
                    continue
            elif raw is None:
                continue
            self._cell(name, "text", header, 1.0, raw, row_no, values, attrs, supplied)
        for name, kind, idx, header, factor in self.fast_numbers:
            raw = row[idx]
            if raw.__class__ is float or raw.__class__ is int:
                number = cast(float, raw) * factor
                if 0 <= number < _MAX_NUMBER:
                    values[name] = round(number)
                    continue
            if raw == "" or raw is None:
                continue
            self._cell(name, kind, header, factor, raw, row_no, values, attrs, supplied)
        for name, kind, idx, header in self.fast_memo:
            raw = row[idx]
            if raw.__class__ is str:
                if not raw:
                    continue
                outcome = self._memo.get((name, raw), _UNSEEN)
                if outcome is _UNSEEN:
                    outcome = self._memo[name, raw] = self._outcome(kind, raw)
                if outcome is not None:
                    value, kept = outcome
                    if value is not _MISSING:
                        values[name] = value
                        supplied[name] = header
                    if kept is not _MISSING:
                        attrs[header] = kept
                    continue
            elif raw is None:
                continue
            self._cell(name, kind, header, 1.0, raw, row_no, values, attrs, supplied)
        for name, cols in self.fast_multi_text:
            for idx, header in cols:
                raw = row[idx]
                if raw == "" or raw is None:
                    continue
                if name in values:
                    # A fallback column not needed for this row: keep it verbatim.
                    self._keep(header, raw, row_no, attrs)
                    continue
                if raw.__class__ is str and len(raw) <= MAX_CELL_CHARS:
                    text = raw.strip()
                    if text:
                        values[name] = text
                        supplied[name] = header
                        continue
                self._cell(name, "text", header, 1.0, raw, row_no, values, attrs, supplied)
        for name, idx, header in self.fast_ips:
            raw = row[idx]
            if raw.__class__ is str:
                if not raw:
                    continue
                if _IPV4_RE.fullmatch(raw) and not raw.startswith(_NOISE_IPS):
                    values[name] = (raw,)
                    supplied[name] = header
                    continue
            elif raw is None:
                continue
            self._ips(row, row_no, [(idx, header, 1.0)], values, attrs, supplied)
        self._fields(self.other_fields, row, row_no, values, attrs, supplied)
        return RowRecord(row_no, values, attrs, supplied, row)

    def convert_cellwise(self, row: list[object], row_no: int) -> RowRecord:
        """The reference conversion, one cell at a time (also used for ragged rows)."""
        width = len(row)
        attrs: dict[str, AttributeValue] = {}
        for i, header in self.attr_cols:
            if i < width:
                v = row[i]
                if v != "" and v is not None:
                    if type(v) is str and len(v) > MAX_CELL_CHARS:
                        raise too_long(self.table, v, row_no, header)
                    attrs[header] = attribute_value(v)
        self._extra_columns(row, row_no, attrs)
        values: dict[str, Any] = {}
        supplied: dict[str, str] = {}
        self._fields(self.fields, row, row_no, values, attrs, supplied)
        return RowRecord(row_no, values, attrs, supplied, row)

    def _extra_columns(self, row: list[object], row_no: int, attrs: dict[str, Any]) -> None:
        """Cells right of the last header, as ``Column N`` attributes."""
        for i in range(self.width, len(row)):
            v = row[i]
            if type(v) is str and len(v) > MAX_CELL_CHARS:
                raise too_long(self.table, v, row_no, f"Column {i + 1}")
            if v != "" and v is not None:
                attrs[f"Column {i + 1}"] = attribute_value(v)

    def _keep(self, header: str, raw: object, row_no: int, attrs: dict[str, Any]) -> None:
        if type(raw) is str and len(raw) > MAX_CELL_CHARS:
            raise too_long(self.table, raw, row_no, header)
        attrs[header] = attribute_value(raw)

    def _fields(
        self,
        fields: list[tuple[str, str, list[tuple[int, str, float]]]],
        row: list[object],
        row_no: int,
        values: dict[str, Any],
        attrs: dict[str, AttributeValue],
        supplied: dict[str, str],
    ) -> None:
        width = len(row)
        for name, kind, cols in fields:
            if kind == "ips":
                self._ips(row, row_no, cols, values, attrs, supplied)
                continue
            for idx, header, factor in cols:
                raw = row[idx] if idx < width else ""
                if raw == "" or raw is None:
                    continue
                if name in values:
                    # A fallback column not needed for this row: keep it verbatim.
                    self._keep(header, raw, row_no, attrs)
                    continue
                self._cell(name, kind, header, factor, raw, row_no, values, attrs, supplied)

    def _cell(
        self,
        name: str,
        kind: str,
        header: str,
        factor: float,
        raw: object,
        row_no: int,
        values: dict[str, Any],
        attrs: dict[str, AttributeValue],
        supplied: dict[str, str],
    ) -> None:
        """One non-empty cell of a mapped column into ``values`` (or, unusable, ``attrs``)."""
        if type(raw) is str and len(raw) > MAX_CELL_CHARS:
            raise too_long(self.table, raw, row_no, header)
        try:
            parsed = self._parse(kind, raw, factor)
        except ValueError as exc:
            # The value is not used (the row is): a correction, not a skipped row.
            self.report.correct(
                f"{exc}; kept as an attribute",
                self.file,
                self.table.message_sheet,
                row_no,
                header,
                raw,
            )
            attrs[header] = attribute_value(raw)
            return
        if parsed is None:
            attrs[header] = attribute_value(raw)
            return
        values[name] = parsed
        supplied[name] = header
        if kind == "power" and parsed is PowerState.UNKNOWN:
            attrs[header] = attribute_value(raw)

    def _outcome(self, kind: str, raw: str) -> tuple[Any, AttributeValue] | None:
        """What ``_cell`` does with the text ``raw`` of a power or yes/no column, as (field
        value, attribute kept), either ``_MISSING``; None when ``_cell`` must see it (a long
        cell, or one it reports)."""
        if len(raw) > MAX_CELL_CHARS:
            return None
        try:
            parsed = self._parse(kind, raw, 1.0)
        except ValueError:
            return None
        if parsed is None:
            return _MISSING, attribute_value(raw)
        if kind == "power" and parsed is PowerState.UNKNOWN:
            return parsed, attribute_value(raw)
        return parsed, _MISSING

    def _parse(self, kind: str, raw: object, factor: float) -> Any:
        if kind == "text":
            text = attribute_value(raw)
            return str(text) if text not in ("", None) else None
        if kind in ("int", "size"):
            number = parse_float(raw, decimal_comma=self.table.decimal_comma)
            if number is None:
                return None
            if number < 0:
                raise ValueError(f"{raw!r} is negative")
            scaled = number * (factor if kind == "size" else 1.0)
            if scaled >= _MAX_NUMBER:
                raise ValueError(f"{raw!r} is implausibly large")
            return round(scaled)
        if kind == "bool":
            return parse_bool(raw)
        if kind == "power":
            if is_empty(raw):
                return None
            return power_state(raw)
        if kind == "list":
            parts = [p.strip() for p in re.split(r"[,;]", str(raw)) if p.strip()]
            return tuple(parts) or None
        raise AssertionError(kind)

    def _ips(
        self,
        row: list[object],
        row_no: int,
        cols: list[tuple[int, str, float]],
        values: dict[str, Any],
        attrs: dict[str, AttributeValue],
        supplied: dict[str, str],
    ) -> None:
        found: list[str] = list(values.get("ips", ()))
        for idx, header, _ in cols:
            raw = row[idx] if idx < len(row) else ""
            if raw == "" or raw is None:
                continue
            good, bad = split_ips(raw)
            if bad:
                attrs[header] = attribute_value(raw)
                noise = [t for t in bad if is_noise_ip(t)]
                wrong = [t for t in bad if t not in noise]
                why = []
                if wrong:
                    why.append(f"not a usable IP address: {', '.join(wrong)}")
                if noise:
                    why.append(
                        f"link-local or unspecified, left out: {', '.join(noise)} (it names no "
                        "host beyond its own link)"
                    )
                self.report.correct(
                    "; ".join(why) + "; the cell is kept as an attribute",
                    self.file,
                    self.table.message_sheet,
                    row_no,
                    header,
                    raw,
                )
            for ip in good:
                if ip not in found:
                    found.append(ip)
            supplied.setdefault("ips", header)
        if found:
            values["ips"] = tuple(found)
