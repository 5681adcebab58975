"""Cell helpers shared by the table-based dependency parsers: text, ports, counts, columns.

A value that cannot be read (a port of ``https``, a count of ``many``) is an error naming the
file, sheet, row and column, unless the caller asked to skip bad rows, in which case the row
is reported as skipped with the same details.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from migplan.core.enums import Protocol
from migplan.io.errors import ImportFormatError
from migplan.io.importers.deps_types import DependencyReport, RowRef
from migplan.io.tables import Table


@dataclass(frozen=True)
class DependencyImportOptions:
    """Choices a user can make about a dependency import."""

    #: Skip (and report) rows with unreadable values instead of refusing the whole file.
    skip_bad_rows: bool = False
    #: For netstat/ss text and Get-NetTCPConnection CSVs: file name -> the host it was taken
    #: on, when the file does not say and its local addresses do not resolve.
    host_for_file: dict[str, str] = field(default_factory=dict)


class BadValue(ValueError):
    """A cell that cannot be read; carries the column for the error message."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def cell_text(value: object) -> str:
    """A cell as stripped text; integral floats (``443.0`` from a spreadsheet) lose the ``.0``."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_port(value: object, column: str) -> int | None:
    """A TCP/UDP port (0-65535), None when blank; ``443/tcp`` is read as 443."""
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    else:
        text = cell_text(value)
        if not text or text == "*":
            return None
        text = text.split("/", 1)[0].strip()
        if not (text.isascii() and text.isdigit()):
            raise BadValue(column, f"{cell_text(value)!r} is not a port number")
        number = int(text)
    if not 0 <= number <= 65535:
        raise BadValue(column, f"{number} is not a port number (0-65535)")
    return number


def parse_count(value: object, column: str) -> int:
    """A non-negative observation count (``1,024`` allowed); 1 when blank."""
    text = cell_text(value).replace(",", "").replace(" ", "")
    if not text:
        return 1
    try:
        number = float(text)
    except ValueError:
        raise BadValue(column, f"{cell_text(value)!r} is not a count") from None
    if number < 0 or not number.is_integer():
        raise BadValue(column, f"{cell_text(value)!r} is not a whole, non-negative count")
    return int(number)


def parse_weight(value: object, column: str) -> float | None:
    text = cell_text(value).replace(",", "").replace(" ", "")
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise BadValue(column, f"{cell_text(value)!r} is not a number") from None
    if number < 0 or number != number or number in (float("inf"), float("-inf")):
        raise BadValue(column, f"{cell_text(value)!r} is not a non-negative number")
    return number


_PROTOCOLS = {"tcp": Protocol.TCP, "6": Protocol.TCP, "udp": Protocol.UDP, "17": Protocol.UDP}


def parse_protocol(value: object) -> Protocol:
    text = cell_text(value).casefold()
    if not text:
        return Protocol.UNKNOWN
    return _PROTOCOLS.get(text.removesuffix("6") if text in ("tcp6", "udp6") else text,
                          Protocol.OTHER)  # fmt: skip


def require_columns(
    table: Table, wanted: Mapping[str, tuple[str, ...]], what: str
) -> dict[str, int]:
    """Indexes of the required columns (each found under any of its names), or one error
    saying which are missing and which headers the file has."""
    found: dict[str, int] = {}
    missing: list[str] = []
    for key, names in wanted.items():
        idx = table.column(*names)
        if idx is None:
            missing.append(names[0])
        else:
            found[key] = idx
    if missing:
        raise ImportFormatError(
            table.path,
            f"this looks like {what} but the column(s) {', '.join(repr(m) for m in missing)} "
            f"are missing; the headers found are: {', '.join(table.headers)}",
            sheet=_sheet(table),
        )
    return found


def _sheet(table: Table) -> str:
    """The sheet name for messages; a CSV's "sheet" is only its file stem, so it is left out."""
    return (
        ""
        if table.sheet == table.path.stem and table.path.suffix.lower() == ".csv"
        else (table.sheet)
    )


def row_ref(table: Table, index: int) -> RowRef:
    return RowRef(table.path.name, _sheet(table), table.row_number(index))


def row_refs(table: Table) -> Callable[[int], RowRef]:
    """``row_ref`` for many rows of one table (file and sheet worked out once)."""
    file, sheet, offset = table.path.name, _sheet(table), table.row_number(0)
    return lambda index: RowRef(file, sheet, offset + index)


def bad_row(
    table: Table, index: int, exc: BadValue, report: DependencyReport, skip: bool, rows: int = 1
) -> None:
    """Refuse the file for an unreadable value, or report the row (and ``rows - 1`` identical
    later ones) as skipped."""
    if not skip:
        raise ImportFormatError(
            table.path, str(exc), sheet=_sheet(table), row=table.row_number(index),
            column=exc.column,
        )  # fmt: skip
    report.skip_row(row_ref(table, index), str(exc), column=exc.column, rows=rows)
