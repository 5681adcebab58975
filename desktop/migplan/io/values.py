"""Parsing the cell values real exports contain into numbers, booleans, dates and units.

Exports write numbers as text with thousands separators (``"16,384"``), European decimals in
semicolon CSVs (``1.234,5``), placeholders such as ``Not applicable`` in numeric columns,
booleans as ``'True'``/``'TRUE'``/``yes``, and units inside the header (``Memory (In MB)``,
``MemoryGiB``, ``Provisioned MiB``). Every parser returns ``None`` for "no value" and raises
``ValueError`` for a value it cannot read, so the caller can report the cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

#: Placeholders meaning "no value" in numeric and date columns.
EMPTY_MARKERS = frozenset(
    {"", "-", "--", "n/a", "na", "n.a.", "none", "null", "not applicable", "unknown", "#n/a"}
)

_TRUE = frozenset({"true", "yes", "y", "1", "on", "t", "x", "ja", "oui"})
_FALSE = frozenset({"false", "no", "n", "0", "off", "f", "nein", "non"})


def is_empty(value: object) -> bool:
    """True for None, blank text and the "no value" placeholders."""
    if value is None:
        return True
    if isinstance(value, str):
        return value.strip().casefold() in EMPTY_MARKERS
    if isinstance(value, float):
        return math.isnan(value)
    return False


def parse_float(value: object, *, decimal_comma: bool = False) -> float | None:
    """A float from a number or text such as ``16,384``, ``1 024``, ``12.5%`` or ``1.234,5``.

    With ``decimal_comma`` (semicolon CSVs from European Excel) ``,`` is the decimal mark and
    ``.`` groups thousands; otherwise ``,`` groups thousands. Booleans are refused.
    """
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            if math.isnan(value):
                return None
            raise ValueError(f"{value!r} is not a finite number")
        return float(value)
    if is_empty(value):
        return None
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.removesuffix("%")
    if decimal_comma:
        text = text.replace(".", "").replace(",", ".")
    elif "," in text:
        if re.fullmatch(r"[-+]?\d{1,3}(,\d{3})+(\.\d*)?", text):
            text = text.replace(",", "")
        elif re.fullmatch(r"[-+]?\d+,\d+", text):
            # "12,5" in a comma-separated file can only be a decimal comma (it was quoted).
            text = text.replace(",", ".")
        else:
            raise ValueError(f"{value!r} is not a number")
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{value!r} is not a finite number")
    return number


def parse_int(value: object, *, decimal_comma: bool = False) -> int | None:
    """An integer; ``4.0`` is accepted, ``4.5`` is rounded (and callers may report it)."""
    number = parse_float(value, decimal_comma=decimal_comma)
    if number is None:
        return None
    return round(number)


def parse_bool(value: object) -> bool | None:
    """``True``/``TRUE``/``yes``/``1`` and their opposites; None when empty."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"{value!r} is not a yes/no value")
    if value is None:
        return None
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    if text in EMPTY_MARKERS:
        return None
    raise ValueError(f"{value!r} is not a yes/no value")


_DATE_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y/%m/%d",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M",
    "%m/%d/%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y",
    "%d-%b-%Y",
    "%I:%M %p %d %B %Y",
)


def parse_datetime(value: object) -> dt.datetime | None:
    """A datetime from an Excel datetime, an ISO string, or the text formats exports use
    (``2018/01/16 16:43:22``, ``12/15/2024``, ``16-Jul-2026``, ``12:00 AM 21 July 2026``)."""
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if is_empty(value) or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a date")
    text = " ".join(str(value).split())
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
    raise ValueError(f"{value!r} is not a date")


# -- units ------------------------------------------------------------------------------

#: Size units to MiB. RVTools' "MB"/"KB" were always base 2 (formats.md 1.4); vendors that
#: write "MB" or "GB" mean the same in practice, so decimal and binary labels map alike.
_SIZE_TO_MIB: dict[str, float] = {
    "bytes": 1 / 1048576,
    "byte": 1 / 1048576,
    "b": 1 / 1048576,
    "kb": 1 / 1024,
    "kib": 1 / 1024,
    "mb": 1.0,
    "mib": 1.0,
    "gb": 1024.0,
    "gib": 1024.0,
    "tb": 1048576.0,
    "tib": 1048576.0,
}

_PAREN_UNIT_RE = re.compile(
    r"^(?P<base>.*?)[\s_.]*\(\s*(?:in\s+)?(?P<unit>bytes?|[kmgt]i?b)\s*\)\s*$", re.IGNORECASE
)
_WORD_UNIT_RE = re.compile(r"^(?P<base>.*?)[\s_.]+(?P<unit>bytes|[kmgt]i?b)\s*$", re.IGNORECASE)
# Glued camelCase units (``MemoryGiB``, ``TotalSizeInMB``) must be capitalised: "Thumb" is no unit.
_CAMEL_UNIT_RE = re.compile(r"^(?P<base>.*?[a-z])(?:In)?(?P<unit>Bytes|[KMGT]i?B|[KMGT]ib)\s*$")


@dataclass(frozen=True)
class HeaderUnit:
    """The unit a header names: its base (``Memory``), the label (``MB``) and the MiB factor."""

    base: str
    label: str
    to_mib: float


def size_unit(header: str) -> HeaderUnit | None:
    """The size unit at the end of ``header``, or None (``Memory (In MB)`` -> MB, 1.0)."""
    text = header.strip()
    m = _PAREN_UNIT_RE.match(text) or _WORD_UNIT_RE.match(text) or _CAMEL_UNIT_RE.match(text)
    if not m:
        return None
    label = m.group("unit")
    factor = _SIZE_TO_MIB.get(label.casefold())
    if factor is None:
        return None
    return HeaderUnit(m.group("base").strip(), label, factor)


def to_mib(value: float, unit: HeaderUnit | None) -> float:
    return value * unit.to_mib if unit is not None else value
