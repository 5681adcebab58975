"""The safe low-level reader every importer builds on: a file in, a list of ``Table`` out.

CSV/TSV/TXT go through ``csvread`` (encoding, delimiter and ``#TYPE`` handling); xlsx/xlsm
are checked by ``xlsxguard`` (bombs, entities, encryption, truncation) before python-calamine
reads them. Calamine reads the values Excel cached and never evaluates a formula. Every
problem becomes one ``ImportFormatError`` naming the file (and sheet, row, column).
"""

from __future__ import annotations

import contextlib
import re
import weakref
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, cast

from migplan.core.progress import NullProgress, Progress
from migplan.io import csvread, xlsxguard, xlsxsplit
from migplan.io.errors import ImportFormatError

CSV_SUFFIXES = frozenset({".csv", ".tsv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
XLS_SUFFIXES = frozenset({".xls"})
#: The longest cell kept (the plan's longest text field); longer cells refuse the file.
MAX_CELL_CHARS = 100_000
#: Rows scanned for the header row (Live Optics' ``Details`` starts at row 4).
HEADER_SCAN_ROWS = 10

_SPACES_RE = re.compile(r"\s+")
_OPTIONAL_RE = re.compile(r"\(\s*optional\s*\)", re.IGNORECASE)


def normalize_header(header: object) -> str:
    """The form headers are matched in: stripped, single-spaced, casefolded, without the
    template markers (a leading ``*`` for mandatory, ``(optional)``)."""
    text = "" if header is None else str(header)
    text = _OPTIONAL_RE.sub(" ", text)
    text = _SPACES_RE.sub(" ", text).strip().lstrip("*^").strip()
    return text.casefold()


class Table:
    """One sheet (or CSV file): headers as written, then data rows (ragged rows kept).

    ``rows[i]`` is spreadsheet row ``header_row + 1 + i``; values are str, int, float, bool
    or datetime (calamine's types) and ``""`` for an empty cell.

    The rows of a big worksheet may still be arriving (``more``: batches read on another
    core, see ``xlsxsplit``): ``iter_rows`` yields them as they come; ``rows`` waits for all.
    """

    def __init__(
        self,
        path: Path,
        sheet: str,
        headers: list[str],
        rows: list[list[object]],
        header_row: int = 1,
        decimal_comma: bool = False,
        encoding: str = "",
        delimiter: str = "",
        *,
        more: Iterator[list[list[object]]] | None = None,
        expected_rows: Callable[[], int] | None = None,
        whole: Callable[[], list[list[object]]] | None = None,
        partial: bool = False,
    ) -> None:
        self.path = path
        self.sheet = sheet
        self.headers = headers
        self._rows = rows
        self.header_row = header_row
        #: True for semicolon-delimited CSV, where ``,`` is the decimal mark.
        self.decimal_comma = decimal_comma
        self.encoding = encoding
        self.delimiter = delimiter
        self._more = more
        self._expected = expected_rows
        #: Reads the sheet whole, when the split read gives up (``xlsxsplit.ReadWhole``).
        self._whole = whole
        self._yielded = 0
        #: Only the first rows were read (``read_tables(head=...)``).
        self._partial = partial
        self._index: dict[str, int] = {}
        for i, header in enumerate(self.headers):
            self._index.setdefault(normalize_header(header), i)

    def __repr__(self) -> str:
        return f"Table({self.label!r}, {len(self.headers)} columns, {len(self._rows)} rows)"

    @property
    def rows(self) -> list[list[object]]:
        """Every data row (waiting for rows still being read)."""
        while self._pull():
            pass
        return self._rows

    @rows.setter
    def rows(self, rows: list[list[object]]) -> None:
        self._rows = rows
        self._more = None

    def iter_rows(self) -> Iterator[list[object]]:
        """The data rows, each as soon as it has been read."""
        i = 0
        rows = self._rows
        while True:
            while i < len(rows):
                yield rows[i]
                i += 1
            self._yielded = i
            if not self._pull():
                return
            rows = self._rows

    @property
    def complete(self) -> bool:
        """True once every row has been read (``row_count`` is exact)."""
        return self._more is None and not self._partial

    @property
    def row_count(self) -> int:
        """The number of data rows (an estimate while rows are still being read)."""
        if self.complete or self._expected is None:
            return len(self._rows)
        return max(self._expected(), len(self._rows))

    def _pull(self) -> bool:
        """Take the next batch of rows being read; False when there are no more."""
        if self._more is None:
            return False
        try:
            batch = next(self._more)
        except StopIteration:
            self._more = None
            _trim_empty_tail(self._rows)
            return False
        except xlsxsplit.ReadWhole:
            self._more = None
            self._read_whole()
            return True
        except BaseException:
            self._more = None
            raise
        self._rows.extend(batch)
        return True

    def _read_whole(self) -> None:
        """Carry on from a read of the whole sheet; the rows already handed out must be the
        first rows of it (a split read gives the rows of a whole read, but it may have
        placed rows stored out of order elsewhere)."""
        assert self._whole is not None
        whole = _table_from_values(self.path, self.sheet, self._whole())
        given = self._yielded
        if (whole.headers, whole.header_row) != (self.headers, self.header_row) or [
            _trim_row(r) for r in whole.rows[:given]
        ] != [_trim_row(r) for r in self._rows[:given]]:
            raise ImportFormatError(
                self.path,
                "its rows are stored out of order; open the workbook in Excel and save it again",
                sheet=self.sheet,
            )
        self._rows = whole.rows

    @property
    def normalized_headers(self) -> list[str]:
        return [normalize_header(h) for h in self.headers]

    def column(self, *names: str) -> int | None:
        """Index of the first of ``names`` present (compared normalised), else None."""
        for name in names:
            idx = self._index.get(normalize_header(name))
            if idx is not None:
                return idx
        return None

    def row_number(self, index: int) -> int:
        """The 1-based spreadsheet row of ``rows[index]``."""
        return self.header_row + 1 + index

    @staticmethod
    def cell(row: list[object], idx: int | None) -> object:
        if idx is None or idx >= len(row):
            return ""
        return row[idx]

    @property
    def message_sheet(self) -> str:
        """The sheet to name in messages: none for a CSV, whose "sheet" is its file stem."""
        if self.delimiter and self.sheet == self.path.stem:
            return ""
        return self.sheet

    @property
    def label(self) -> str:
        return f"{self.path.name}:{self.sheet}" if self.sheet else self.path.name


def _trim_row(row: list[object]) -> list[object]:
    end = len(row)
    while end and row[end - 1] in ("", None):
        end -= 1
    return row[:end]


def _trim_empty_tail(rows: list[list[object]]) -> None:
    """Drop trailing empty rows (formatting that reaches far down carries nothing)."""
    end = len(rows)
    while end and not any(v != "" and v is not None for v in rows[end - 1]):
        end -= 1
    del rows[end:]


def read_tables(
    path: Path | str,
    sheets: Sequence[str] | None = None,
    progress: Progress | None = None,
    *,
    check: bool = True,
    head: int | None = None,
) -> list[Table]:
    """Every usable sheet of ``path`` (or only ``sheets``, matched case-insensitively).

    With ``head``, a CSV file is parsed for its first ``head`` lines only, for a look at its
    headers and first rows (``Table.complete`` is False, ``row_count`` an estimate); a
    workbook's big sheets are read as they are taken in any case.

    A sheet is usable when it has a header row; empty sheets are left out. Raises
    ``ImportFormatError`` for anything that cannot be read, and when no sheet is usable.
    With ``check=False`` the cell-length bound is left to the caller (``check_cells``), which
    an importer that touches every cell anyway can apply for free.
    """
    path = Path(path)
    progress = progress or NullProgress()
    if not path.is_file():
        raise ImportFormatError(path, "no such file")
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES and xlsxguard.sniff_kind(path) == "other":
        tables = [_read_csv(path, head)]
    elif suffix in XLSX_SUFFIXES or suffix in XLS_SUFFIXES or suffix in CSV_SUFFIXES:
        # (a workbook saved under a .csv name is read as the workbook it is)
        tables = _read_workbook(path, sheets, progress)
    else:
        kind = xlsxguard.sniff_kind(path)
        if kind == "other":
            tables = [_read_csv(path, head)]
        else:
            tables = _read_workbook(path, sheets, progress)
    tables = [t for t in tables if t.headers]
    if not tables:
        wanted = f" (looked for {', '.join(sheets)})" if sheets else ""
        raise ImportFormatError(path, f"no usable sheet: nothing with a header row{wanted}")
    if check:
        for table in tables:
            check_cells(table)
    return tables


def _read_csv(path: Path, head: int | None = None) -> Table:
    data = csvread.load_text(path)
    share = 1.0
    if head is None:
        rows = csvread.parse_rows(path, data)
    else:
        rows, share = csvread.parse_head(path, data, head)
    header_idx = _header_index(rows)
    headers = [str(h) for h in rows[header_idx]] if rows else []
    body: list[list[object]] = [list(r) for r in rows[header_idx + 1 :]]
    while body and not any(body[-1]):
        body.pop()
    partial = share < 1.0
    # (the records read, header included, scaled to the whole text)
    estimate = max(len(body), round(len(rows) / share) - header_idx - 1) if partial else 0
    return Table(
        path=path,
        sheet=path.stem,
        headers=_trim_headers(headers),
        rows=body,
        header_row=header_idx + data.first_line,
        decimal_comma=data.delimiter == ";",
        encoding=data.encoding,
        delimiter=data.delimiter,
        expected_rows=(lambda: estimate) if partial else None,
        partial=partial,
    )


def _read_workbook(path: Path, sheets: Sequence[str] | None, progress: Progress) -> list[Table]:
    suffix = path.suffix.lower()
    kind = xlsxguard.sniff_kind(path)
    book: xlsxsplit.SplitBook | None = None
    if kind == "zip" or suffix in XLSX_SUFFIXES:
        book = xlsxguard.check_workbook_zip(path, sheets, split=True)
    elif kind != "ole2":
        raise ImportFormatError(path, "not a spreadsheet")
    if book is not None:
        book.acquire()  # held while the tables are set up; each chunk reader holds it too
    try:
        workbook: Any = None
        names = book.names if book is not None else []
        chosen = _choose_sheets(names, sheets)
        if book is None or any(name not in book.sheets for name in chosen):
            # (Opening reads the workbook's small parts, all checked by now; no worksheet.
            # When every sheet wanted is split, it is not needed: its shared strings take a
            # while to read.)
            workbook = _open_workbook(path)
            names = list(workbook.sheet_names)
            chosen = _choose_sheets(names, sheets)
        with workbook or contextlib.nullcontext():
            tables: list[Table] = []
            for n, name in enumerate(chosen):
                progress.step(n, len(chosen), f"Reading {path.name}: {name}")
                if book is not None and name in book.sheets:
                    tables.append(_streamed_table(path, name, book))
                    continue
                tables.append(_table_from_values(path, name, _sheet_values(workbook, path, name)))
            progress.step(len(chosen), len(chosen), f"Read {path.name}")
        return tables
    finally:
        if book is not None:
            book.release()


def _open_workbook(path: Path) -> Any:
    import python_calamine as pc

    try:
        return pc.CalamineWorkbook.from_path(str(path))
    except pc.PasswordError:
        raise ImportFormatError(path, "the workbook is password-protected") from None
    except Exception as exc:  # calamine raises several unrelated types for broken files
        raise ImportFormatError(path, f"not a readable spreadsheet ({_short(exc)})") from None


def _sheet_values(workbook: Any, path: Path, name: str) -> list[list[object]]:
    try:
        sheet = workbook.get_sheet_by_name(name)
        if sheet.height > xlsxguard.MAX_ROWS:
            raise ImportFormatError(
                path, f"more than {xlsxguard.MAX_ROWS:,} rows (the bound)", sheet=name
            )
        return cast(list[list[object]], sheet.to_python(skip_empty_area=False))
    except ImportFormatError:
        raise
    except Exception as exc:
        raise ImportFormatError(
            path, f"the sheet cannot be read ({_short(exc)})", sheet=name
        ) from None


def _whole_sheet(path: Path, name: str) -> list[list[object]]:
    """Every row of one sheet, read whole (once the guard has checked it)."""
    with _open_workbook(path) as workbook:
        return _sheet_values(workbook, path, name)


def _streamed_table(path: Path, name: str, book: xlsxsplit.SplitBook) -> Table:
    """The table of a big sheet: its first chunk read now, the rest as it is checked and
    parsed (or the whole sheet, when it is not split after all)."""
    feed = xlsxsplit.ChunkFeed(book, path, name)
    batches = feed.batches()
    try:
        first = next(batches, [])
    except xlsxsplit.ReadWhole:
        return _table_from_values(path, name, _whole_sheet(path, name))
    header_idx = _header_index(first) if first else 0
    headers = (
        _trim_headers(["" if h is None else str(h) for h in first[header_idx]]) if first else []
    )
    table = Table(
        path,
        name,
        headers,
        first[header_idx + 1 :],
        header_idx + 1,
        more=batches,
        expected_rows=lambda: max(0, book.expected[name] - header_idx - 1),
        whole=lambda: _whole_sheet(path, name),
    )
    weakref.finalize(table, feed.stop)
    return table


def _choose_sheets(names: list[str], wanted: Sequence[str] | None) -> list[str]:
    if wanted is None:
        return names
    by_norm = {normalize_header(n): n for n in names}
    return [by_norm[w] for w in (normalize_header(x) for x in wanted) if w in by_norm]


def _table_from_values(path: Path, sheet: str, values: Sequence[Sequence[object]]) -> Table:
    header_idx = _header_index(values)
    if not values:
        return Table(path, sheet, [], [], 1)
    headers = _trim_headers(["" if h is None else str(h) for h in values[header_idx]])
    # Calamine hands over fresh lists: keep them (a copy of 100,000 rows costs seconds).
    body = cast(list[list[object]], values[header_idx + 1 :])
    _trim_empty_tail(body)
    return Table(path, sheet, headers, body, header_idx + 1)


def _header_index(rows: Sequence[Sequence[object]]) -> int:
    """The first row of the first ``HEADER_SCAN_ROWS`` that looks like a header: mostly
    text, and at least half as wide as the widest row scanned."""
    head = rows[:HEADER_SCAN_ROWS]
    widths = [sum(1 for v in r if v not in ("", None)) for r in head]
    widest = max(widths, default=0)
    for i, row in enumerate(head):
        cells = [v for v in row if v not in ("", None)]
        if not cells or len(cells) * 2 < widest:
            continue
        if sum(isinstance(v, str) for v in cells) * 2 >= len(cells):
            return i
    return 0


def _trim_headers(headers: list[str]) -> list[str]:
    end = len(headers)
    while end and not headers[end - 1].strip():
        end -= 1
    return headers[:end]


def too_long(table: Table, value: str, row: int, column: str) -> ImportFormatError:
    """The error for a cell over ``MAX_CELL_CHARS`` (``row`` is the spreadsheet row)."""
    return ImportFormatError(
        table.path,
        f"a cell holds {len(value):,} characters; the bound is {MAX_CELL_CHARS:,}",
        sheet=table.message_sheet,
        row=row,
        column=column,
    )


def check_cells(table: Table) -> None:
    """Refuse the table when a cell is longer than ``MAX_CELL_CHARS`` (naming the cell)."""
    limit = MAX_CELL_CHARS
    for i, row in enumerate(table.rows):
        for j, value in enumerate(row):
            if type(value) is str and len(value) > limit:
                column = table.headers[j] if j < len(table.headers) else f"#{j + 1}"
                raise too_long(table, value, table.row_number(i), column)


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]
