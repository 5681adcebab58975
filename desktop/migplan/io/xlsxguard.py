"""Checks run on a workbook BEFORE a parser sees it: an xlsx is a zip of XML written by
someone else, so it may be a zip bomb, carry XML entity definitions, be an encrypted (password
protected) OLE2 container renamed to .xlsx, or simply be truncated.

The checks read only the zip directory, the first bytes of each XML part and the row numbers
of each worksheet (decompressed as a stream, counting the real bytes, because the sizes in a
zip directory can lie).
"""

from __future__ import annotations

import functools
import re
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

from migplan.io import xlsxsplit
from migplan.io.errors import ImportFormatError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")

#: Total uncompressed size of a workbook (a 100,000 x 93 vInfo is about 0.4 GB of XML).
MAX_UNCOMPRESSED_BYTES = 3 * 1024**3
#: Compression ratio above which a large part is taken for a bomb (real sheets: 5-60).
MAX_RATIO = 400
#: Parts smaller than this are not ratio-checked (tiny parts compress oddly).
RATIO_FLOOR_BYTES = 16 * 1024 * 1024
MAX_MEMBERS = 10_000
#: Rows in one worksheet (Excel's own limit is 1,048,576).
MAX_ROWS = 1_048_576
#: Dense cells a parser would allocate for one sheet (rows x columns of its bounding box).
MAX_DENSE_CELLS = 150_000_000
#: Bytes of an XML part read to find its root element (the prolog is tiny in real files).
PROLOG_BYTES = 64 * 1024

_DOCTYPE_RE = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_COMMENT_RE = re.compile(rb"<!--.*?-->", re.DOTALL)
_ROOT_RE = re.compile(rb"<[A-Za-z_]")
_ROW_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
# Cell references (``r="AB12"``); row elements carry digits only (``_ANY_REF_RE`` takes both).
_REF_RE = re.compile(rb' r="([A-Z]+)([0-9]+)"')
_ANY_REF_RE = re.compile(rb' r="[A-Z]*([0-9]+)"')
_NS = rb"(?:[A-Za-z_][\w.-]*:)?"
_VALUE_RE = xlsxsplit.VALUE_RE
_FORMULA = rb"(?:<" + _NS + rb"f\b[^>]*?(?:/>|>[^<]*</" + _NS + rb"f>)\s*)?"
# The rest of a cell's start tag (from after its reference) and what follows it.
_HOLDS_VALUE_RE = re.compile(rb"[^>]*(?<!/)>\s*" + _FORMULA + rb"<" + _NS + rb"(?:v|is)[\s/>]")
_NO_VALUE_RE = re.compile(rb"[^>]*(?:/>|(?<!/)>\s*" + _FORMULA + rb"</" + _NS + rb"c>)")
_COL2_VALUE_RE = re.compile(rb' r="[A-Z]{2}[0-9]+"' + _HOLDS_VALUE_RE.pattern)


def sniff_kind(path: Path) -> str:
    """``zip``, ``ole2`` or ``other`` from the file's first bytes."""
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head == OLE2_MAGIC:
        return "ole2"
    return "other"


def check_workbook_zip(
    path: Path, sheets: Sequence[str] | None = None, *, split: bool = False
) -> xlsxsplit.SplitBook | None:
    """Raise ``ImportFormatError`` unless ``path`` is a sane, unencrypted xlsx zip.

    Every XML part's prolog is checked; worksheets are scanned in full (real size, rows,
    width) only when they are among ``sheets`` (all when None), since the parser reads no
    other sheet. A real RVTools workbook has 27 tabs; an import reads at most 8.

    With ``split``, big worksheets among ``sheets`` are checked on a thread of their own and
    cut into chunks as they are (``xlsxsplit``): the book of chunks is returned at once (None
    when no sheet is big), and a fault found in a big sheet reaches its reader in place of
    the rows still to come.
    """
    kind = sniff_kind(path)
    if kind == "ole2":
        raise ImportFormatError(
            path,
            "the workbook is password-protected (encrypted); save it without a password "
            "in Excel and import it again",
        )
    if kind != "zip":
        raise ImportFormatError(path, "not a spreadsheet: an .xlsx file is a zip archive")
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            _check_directory(path, infos)
            names = {i.filename for i in infos}
            if "EncryptedPackage" in names or "[Content_Types].xml" not in names:
                raise ImportFormatError(path, "not an Excel workbook (no [Content_Types].xml)")
            parts = _sheet_parts(zf)
            skip = set()
            if sheets is not None and parts is not None:
                wanted = {" ".join(n.split()).casefold() for n in sheets}
                skip = {p for n, p in parts.items() if " ".join(n.split()).casefold() not in wanted}
            big: dict[str, str] = {}
            if split and parts is not None:
                big = {
                    p: n
                    for n, p in parts.items()
                    if p not in skip
                    and p in names
                    and p.endswith(".xml")
                    and zf.getinfo(p).file_size >= xlsxsplit.SPLIT_MIN_BYTES
                }
            for info in infos:
                if info.filename.endswith((".xml", ".rels", ".vml")) and info.filename not in big:
                    _check_xml_part(path, zf, info, full=info.filename not in skip)
            if not big:
                return None
            book = xlsxsplit.SplitBook(list(big.values()), _book_parts(zf), list(parts or ()))
    except BaseException as exc:
        raise _as_format_error(path, exc) from None
    # The big sheets are checked, and cut, on a thread of their own (see ``xlsxsplit``).
    todo = [i for i in infos if i.filename in big]
    book.start(lambda: _check_big_sheets(path, todo, big, book))
    return book


def _check_big_sheets(
    path: Path, infos: list[zipfile.ZipInfo], big: dict[str, str], book: xlsxsplit.SplitBook
) -> None:
    """Check the big worksheets (on the guard's thread), cutting each into chunks."""
    try:
        with zipfile.ZipFile(path) as zf:
            for info in infos:
                sheet = big[info.filename]
                splitter = xlsxsplit.SheetSplitter(book, sheet, info.file_size)
                rows = _check_xml_part(path, zf, info, splitter=splitter)
                book.sheet_checked(sheet, len(splitter.chunks) if splitter.finish() else 0, rows)
    except xlsxsplit.Stopped:
        raise
    except BaseException as exc:
        raise _as_format_error(path, exc) from None


def _as_format_error(path: Path, exc: BaseException) -> BaseException:
    if isinstance(exc, zipfile.BadZipFile | zlib.error | EOFError | OSError):
        return ImportFormatError(path, f"the file is truncated or corrupt ({exc})")
    # zipfile refuses damaged flag bits this way: a member marked encrypted, or compressed
    # in a way it does not implement.
    if isinstance(exc, RuntimeError) and "encrypted" in str(exc):
        return ImportFormatError(
            path, "a part of the workbook is marked encrypted: the file is damaged or protected"
        )
    if isinstance(exc, NotImplementedError):
        return ImportFormatError(
            path, f"the file is damaged or uses an unknown zip feature ({exc})"
        )
    if isinstance(exc, UnicodeDecodeError):
        # A member name flagged UTF-8 that is not (a damaged header).
        return ImportFormatError(path, "the file is truncated or corrupt (a damaged part name)")
    return exc


def _book_parts(zf: zipfile.ZipFile) -> tuple[bytes, bytes | None, bytes | None]:
    """The workbook part, the shared strings and the styles a book of chunks needs."""
    from defusedxml import ElementTree

    book = zf.read("xl/workbook.xml")
    found: dict[str, bytes | None] = {"sharedStrings": None, "styles": None}
    try:
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels")[: 16 * 1024 * 1024])
    except Exception:
        rels = None
    for rel in rels.iter() if rels is not None else ():
        kind = rel.get("Type", "").rsplit("/", 1)[-1]
        target = rel.get("Target", "")
        if kind in found and target:
            part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
            try:
                found[kind] = zf.read(part)
            except KeyError:
                continue
    return book, found["sharedStrings"], found["styles"]


def _check_directory(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise ImportFormatError(path, f"the workbook has more than {MAX_MEMBERS} parts")
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO:
            raise ImportFormatError(
                path,
                f"refused as a decompression bomb: part {info.filename} expands "
                f"{ratio:.0f} times (the bound is {MAX_RATIO} times)",
            )
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ImportFormatError(
            path,
            f"refused as a decompression bomb: {total / 1024**3:.1f} GiB uncompressed "
            f"(the bound is {MAX_UNCOMPRESSED_BYTES / 1024**3:.0f} GiB)",
        )


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str] | None:
    """Sheet name -> worksheet part (None when the mapping is unreadable)."""
    from defusedxml import ElementTree

    try:
        book = ElementTree.fromstring(zf.read("xl/workbook.xml")[: 16 * 1024 * 1024])
        rels = ElementTree.fromstring(zf.read("xl/_rels/workbook.xml.rels")[: 16 * 1024 * 1024])
    except Exception:
        return None
    targets = {
        r.get("Id"): r.get("Target", "") for r in rels.iter() if r.tag.endswith("}Relationship")
    }
    parts: dict[str, str] = {}
    for el in book.iter():
        if not el.tag.endswith("}sheet"):
            continue
        rid = next((v for k, v in el.attrib.items() if k.endswith("}id")), None)
        target = targets.get(rid, "")
        if not target:
            return None
        parts[el.get("name", "")] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return parts


def _check_xml_part(
    path: Path,
    zf: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    full: bool = True,
    splitter: xlsxsplit.SheetSplitter | None = None,
) -> int:
    """Check one part; for a worksheet, the last row that holds a value."""
    is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    seen = 0
    head = b""
    scan = _SheetScan(path, info.filename)
    tail = b""
    with zf.open(info) as fh:
        while True:
            chunk = fh.read(1024 * 1024)
            if not chunk:
                break
            seen += len(chunk)
            if seen > MAX_UNCOMPRESSED_BYTES:
                raise ImportFormatError(
                    path,
                    f"refused as a decompression bomb: part {info.filename} expands past "
                    f"{MAX_UNCOMPRESSED_BYTES / 1024**3:.0f} GiB",
                )
            if len(head) < PROLOG_BYTES:
                head += chunk[: PROLOG_BYTES - len(head)]
                if len(head) >= PROLOG_BYTES or len(chunk) < 1024 * 1024:
                    _check_prolog(path, info.filename, head)
            if not full:
                return 0
            window = tail + chunk
            # "!" is rare in sheet XML and found by memchr; "<!" would stop at every tag.
            if b"!" in window and _DOCTYPE_RE.search(window):
                _check_prolog(path, info.filename, window)
            tail = chunk[-64:]
            if not is_sheet:
                continue
            scan.feed(window)
            if splitter is not None:
                # The splitter (and so the parser) gets only bytes checked, of a sheet that
                # fits the bounds so far.
                _check_dense(path, info.filename, scan.value_row, scan.wide2)
                splitter.feed(chunk)
    if len(head) < PROLOG_BYTES:
        _check_prolog(path, info.filename, head)
    if is_sheet:
        _check_dense(path, info.filename, scan.value_row, scan.wide2)
    return scan.value_row


class _SheetScan:
    """The bounding box of the cells of a worksheet that hold a value, found as its bytes
    stream by (windows of about 1 MiB, each overlapping the one before by 64 bytes).

    Only cells with a value (a ``<v>`` or an inline string) cost a parser anything: a
    workbook saved by LibreOffice declares rows down to 1,048,576, with a dimension to match
    and styled cells without a value (``<c r="XFD1048576" s="1"/>``), and parsers skip all
    of that. A cell is placed by its own reference, whatever row element holds it: a hostile
    sheet may put ``ZZ1000000`` in row 2, and a parser would allocate a million rows for it.

    In the usual window the cells come in order and one regex search shows that none is far:
    the window's last value gives its last row, and no cell reference lies past it (cells up
    to 4,095 rows past pass unseen, so that the pattern is rebuilt rarely; that little is
    harmless). Only cells past it are looked at one by one, and a window without any value
    (the empty tail of a LibreOffice sheet) costs one search.
    """

    def __init__(self, path: Path, part: str) -> None:
        self.path = path
        self.part = part
        #: The last row holding a value so far.
        self.value_row = 0
        #: A value was seen in a column past Z (the parser's box may be 702 wide).
        self.wide2 = False
        #: The last row element seen (where a value with no reference of its own sits).
        self._row_element = 0

    def feed(self, window: bytes) -> None:
        first = _VALUE_RE.search(window)
        if first is None:
            self._row_element = max(self._row_element, _last_row(window))
            return
        last = self._last_value_row(window, first.start())
        self._row_element = max(self._row_element, _last_row(window))
        row = max(self.value_row, last)
        if _far_or_wide_cell(row | 4095).search(window) is not None:
            row = max(row, self._far_values(window, row | 4095))
        if row > MAX_ROWS:
            raise ImportFormatError(
                self.path,
                f"part {self.part} has more than {MAX_ROWS:,} rows (refused before reading)",
            )
        self.value_row = row
        if not self.wide2:
            self.wide2 = _COL2_VALUE_RE.search(window) is not None

    def _last_value_row(self, window: bytes, first: int) -> int:
        """The row of the last value in ``window`` (by the nearest reference before it: the
        cell's own, or the row's for a cell without one)."""
        at = first
        start = max(first, len(window) - 4096)
        while True:
            found = [m.start() for m in _VALUE_RE.finditer(window, start)]
            if found:
                at = found[-1]
                break
            if start == first:
                break
            start = max(first, start - 65536)
        ref = window.rfind(b' r="', 0, at)
        m = _ANY_REF_RE.match(window, ref) if ref >= 0 else None
        if m is None:
            # The cell starts before this window: at most the last row element seen.
            return max(self._row_element, self.value_row)
        return int(m.group(1))

    def _far_values(self, window: bytes, k: int) -> int:
        """The last row of the cells past row ``k`` that hold a value; refuses the part for a
        value past column ZZ."""
        row = 0
        for m in _far_or_wide_cell(k).finditer(window):
            ref = _REF_RE.match(window, m.start())
            if not _holds_value(window, ref.end() if ref else m.end()):
                continue
            if ref is None or len(ref.group(1)) > 2:
                raise ImportFormatError(
                    self.path,
                    f"part {self.part} uses columns past ZZ (more than 702 columns); "
                    "refused before reading",
                )
            row = max(row, int(ref.group(2)))
        return row


def _holds_value(window: bytes, at: int) -> bool:
    """Whether the cell whose start tag goes on at ``at`` holds a value; True when the
    window ends before that is known (a cell cut there is taken for one that does)."""
    if _HOLDS_VALUE_RE.match(window, at):
        return True
    return _NO_VALUE_RE.match(window, at) is None


def _check_dense(path: Path, part: str, max_row: int, wide2: bool) -> None:
    width = 702 if wide2 else 26
    if max_row * width > MAX_DENSE_CELLS:
        raise ImportFormatError(
            path,
            f"part {part} spans {max_row:,} rows by up to {width} columns, more than the "
            f"{MAX_DENSE_CELLS:,} cells the importer reads (refused before reading)",
        )


def _last_row(window: bytes) -> int:
    """The number of the last row element starting in ``window`` (rows come in order)."""
    at = window.rfind(b"<row ")
    if at < 0:
        at = window.rfind(b":row ")
        at = window.rfind(b"<", 0, at + 1) if at >= 0 else -1
    if at < 0:
        return 0
    m = _ROW_RE.match(window, at)
    return int(m.group(1)) if m else 0


@functools.lru_cache(maxsize=64)
def _far_or_wide_cell(k: int) -> re.Pattern[bytes]:
    """A pattern for a cell reference past column ZZ (three letters or more), or whose row
    number is greater than ``k``: a longer number, or one of the same length that is greater
    digit by digit (written as a trie, and with possessive quantifiers, so that a cell that
    does not match fails fast)."""
    digits = str(k)

    def greater_from(i: int) -> str:
        rest = len(digits) - i - 1
        here = int(digits[i])
        alts = [f"[{here + 1}-9][0-9]{{{rest}}}"] if here < 9 else []
        if rest:
            alts.append(f"{here}(?:{greater_from(i + 1)})")
        return "|".join(alts) or "(?!)"

    longer = f"[1-9][0-9]{{{len(digits)},}}"
    far = f'0*+(?:{longer}|{greater_from(0)})"'
    return re.compile(f' r="[A-Z]{{1,2}}+(?:[A-Z]|{far})'.encode())


def _check_prolog(path: Path, name: str, head: bytes) -> None:
    if _DOCTYPE_RE.search(head):
        raise ImportFormatError(
            path,
            f"part {name} declares a DTD or XML entities, which workbooks never need "
            "(refused: entity expansion attack)",
        )
    if len(head) >= PROLOG_BYTES and not _ROOT_RE.search(_COMMENT_RE.sub(b"", head)):
        raise ImportFormatError(path, f"part {name} has no XML root element in its first 64 KiB")
