"""Reading one large worksheet on two cores.

python-calamine parses a worksheet in one call, on one core, and releases the GIL while it
does; converting the cells it returns takes the GIL. Read one after the other, a 100,000-row
RVTools ``vInfo`` costs the parse plus the conversion. Here the parse of one part of the sheet
runs while the rows of the part before are converted:

- ``SheetSplitter``: while ``xlsxguard`` streams a big worksheet part (it must read every byte
  anyway, before any parser may see the file), the part is cut at row boundaries into chunks of
  about ``CHUNK_BYTES`` of XML, each written as a worksheet of a small uncompressed workbook
  beside the original shared strings and styles (``SplitBook``).
- ``ChunkFeed``: a worker thread has calamine parse the chunks in order; the importer takes the
  rows of each chunk as it comes (``Table.iter_rows``), placed where a read of the whole sheet
  puts them (``sheet.start`` gives each chunk's first row and column).

Anything unexpected (a row without its ``r`` number, rows out of order across a cut, an unusual
root element) means the sheet is not split and is read whole, as before. Tests compare the rows
of split and whole reads cell for cell.
"""

from __future__ import annotations

import contextlib
import os
import queue
import re
import tempfile
import threading
import zipfile
from collections.abc import Iterator
from operator import ge
from pathlib import Path
from typing import IO, Any

from migplan.io.errors import ImportFormatError

#: Worksheet parts at least this large (uncompressed) are split (about 6,000 RVTools rows).
SPLIT_MIN_BYTES = 24 * 1024 * 1024
#: XML per chunk: small enough that the last chunk's conversion (not overlapped) is short.
CHUNK_BYTES = 16 * 1024 * 1024
#: How far into a part its ``<sheetData>`` may start.
MAX_PREFIX_BYTES = 8 * 1024 * 1024

_MAIN_NS = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_SHEETDATA_RE = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)sheetData\b[^>]*?(/?)>")
_ROOT_RE = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)worksheet\b")
_DIMENSION_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?dimension\b[^>]*/>")
_ROW_R_RE = re.compile(rb'[^>]*?\br="(\d+)"')
_DATE1904_RE = re.compile(rb'\bdate1904="(?:1|true)"')

_CT = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>{overrides}</Types>'
)
_SHEET_CT = (
    '<Override PartName="/xl/worksheets/{name}.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


class SplitBook:
    """The uncompressed workbook of chunks written while a workbook is checked."""

    def __init__(self, source: Path) -> None:
        fd, name = tempfile.mkstemp(prefix="migplan-split-", suffix=".xlsx")
        os.close(fd)
        self.source = source
        self.path = Path(name)
        self._zip: zipfile.ZipFile | None = zipfile.ZipFile(self.path, "w", zipfile.ZIP_STORED)
        #: Sheet name (as the workbook names it) -> its chunk sheets, in order.
        self.sheets: dict[str, list[str]] = {}
        #: Sheet name -> the number of its last row.
        self.rows: dict[str, int] = {}
        self._count = 0
        self._users = 0
        self._lock = threading.Lock()

    def open_chunk(self) -> tuple[str, IO[bytes]]:
        """A new chunk sheet to write (close it before the next is opened)."""
        assert self._zip is not None
        name = f"c{self._count}"
        self._count += 1
        return name, self._zip.open(f"xl/worksheets/{name}.xml", "w")

    def finish(self, workbook_xml: bytes, shared: bytes | None, styles: bytes | None) -> None:
        """Write the workbook, relationships and content types around the chunks."""
        assert self._zip is not None
        names = [n for chunks in self.sheets.values() for n in chunks]
        pr = '<workbookPr date1904="1"/>' if _DATE1904_RE.search(workbook_xml) else ""
        sheets = "".join(
            f'<sheet name="{n}" sheetId="{i + 1}" r:id="{n}"/>' for i, n in enumerate(names)
        )
        self._zip.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="'
            f'{_MAIN_NS.decode()}" xmlns:r="{_REL_NS}">{pr}<sheets>{sheets}</sheets></workbook>',
        )
        rels = [
            f'<Relationship Id="{n}" Type="{_REL_NS}/worksheet" Target="worksheets/{n}.xml"/>'
            for n in names
        ]
        overrides = [_SHEET_CT.format(name=n) for n in names]
        for part, data, kind in (("sharedStrings", shared, "sharedStrings"),
                                 ("styles", styles, "styles")):  # fmt: skip
            if data is None:
                continue
            self._zip.writestr(f"xl/{part}.xml", data)
            rels.append(f'<Relationship Id="{part}" Type="{_REL_NS}/{kind}" Target="{part}.xml"/>')
            overrides.append(
                f'<Override PartName="/xl/{part}.xml" ContentType="application/vnd.openxmlformats'
                f'-officedocument.spreadsheetml.{kind}+xml"/>'
            )
        self._zip.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="'
            f'http://schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}'
            "</Relationships>",
        )
        self._zip.writestr("[Content_Types].xml", _CT.format(overrides="".join(overrides)))
        self._zip.writestr("_rels/.rels", _RELS)
        self._zip.close()
        self._zip = None

    def acquire(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        """One reader is done with the book; the file goes when the last one is."""
        with self._lock:
            self._users -= 1
            last = self._users <= 0
        if last:
            self.discard()

    def discard(self) -> None:
        if self._zip is not None:
            with contextlib.suppress(OSError, ValueError):
                self._zip.close()
            self._zip = None
        self.path.unlink(missing_ok=True)


class SheetSplitter:
    """Cuts one worksheet part, fed as its XML streams by, into chunk sheets of ``book``.

    Whole rows are written straight to the chunk being filled (no copy of the sheet is
    kept); only the row still arriving is carried over to the next piece."""

    def __init__(self, book: SplitBook, part: str, chunk_bytes: int = 0) -> None:
        self.book = book
        self.part = part
        self.chunk_bytes = chunk_bytes or CHUNK_BYTES
        self.ok = True
        self.chunks: list[str] = []
        self._head = b""
        self._prefix = b""
        self._carry = b""
        self._row_tag = b""
        self._end_tag = b""
        self._close = b""
        self._numbers = _ROW_R_RE
        self._last = 0
        self._out: IO[bytes] | None = None
        self._name = ""
        self._size = 0

    def feed(self, data: bytes) -> None:
        if not self.ok:
            return
        if not self._prefix:
            self._head += data
            data = self._start()
            if not self._prefix:
                return
        block = self._carry + data if self._carry else data
        at = self._last_row_start(block)
        if at <= 0:  # (one row longer than the pieces fed so far)
            self._carry = block
            return
        self._carry = block[at:]
        self._rows(block, at)

    def _start(self) -> bytes:
        """Find ``<sheetData>`` in the head of the part; what follows it (when found)."""
        m = _SHEETDATA_RE.search(self._head)
        if m is None:
            if len(self._head) > MAX_PREFIX_BYTES:
                self._give_up()
            return b""
        root = _ROOT_RE.search(self._head, 0, m.start())
        if m.group(2) == b"/" or root is None or _MAIN_NS not in self._head[: m.start()]:
            self._give_up()
            return b""
        ns, root_ns = m.group(1), root.group(1)
        self._row_tag = b"<" + ns + b"row"
        self._numbers = re.compile(re.escape(self._row_tag) + rb'\b[^>]*?\br="(\d+)"')
        self._end_tag = b"</" + ns + b"sheetData>"
        self._close = self._end_tag + b"</" + root_ns + b"worksheet>"
        # The dimension element is a hint a parser may size its storage by: not per chunk.
        self._prefix = _DIMENSION_RE.sub(b"", self._head[: m.end()])
        rest = self._head[m.end() :]
        self._head = b""
        return rest

    def _is_row(self, block: bytes, at: int) -> bool:
        after = block[at + len(self._row_tag) : at + len(self._row_tag) + 1]
        return after in (b" ", b">", b"\t", b"\n", b"\r", b"/")

    def _last_row_start(self, block: bytes) -> int:
        at = len(block)
        while True:
            at = block.rfind(self._row_tag, 0, at)
            if at < 0 or self._is_row(block, at):
                return at

    def _row_start(self, block: bytes, pos: int, end: int) -> int:
        """Where the first row element at or after ``pos`` (and before ``end``) starts."""
        while True:
            at = block.find(self._row_tag, pos, end)
            if at < 0 or self._is_row(block, at):
                return at
            pos = at + len(self._row_tag)

    def _rows(self, block: bytes, end: int) -> None:
        """Write the whole rows ``block[:end]``, closing a chunk at a row start whenever it is
        full (the first chunk is small, so that converting starts soon)."""
        if not self._in_order(block, 0, end):
            self._give_up()
            return
        view = memoryview(block)
        pos = 0
        while True:
            target = self.chunk_bytes if self.chunks else self.chunk_bytes // 4
            if self._size + end - pos < target:
                break
            cut = self._row_start(block, max(pos, pos + target - self._size), end)
            if cut < 0:
                break
            if _ROW_R_RE.match(block, cut + len(self._row_tag)) is None:
                # A chunk cannot start with a row without its number: read the sheet whole.
                self._give_up()
                return
            if cut > pos:
                self._write(view[pos:cut])
            if self._out is not None:
                self._close_chunk()
            pos = cut
        if end > pos:
            self._write(view[pos:end])

    def _write(self, data: memoryview | bytes) -> None:
        if self._out is None:
            self._name, self._out = self.book.open_chunk()
            self._out.write(self._prefix)
        self._out.write(data)
        self._size += len(data)

    def _close_chunk(self) -> None:
        assert self._out is not None
        self._out.write(self._close)
        self._out.close()
        self._out = None
        self.chunks.append(self._name)
        self._size = 0

    def _in_order(self, buf: bytes, start: int, end: int) -> bool:
        """True when the numbered rows of ``buf[start:end]`` follow every row before, in
        order (a whole read places rows by number; chunks are placed one after another)."""
        numbers = [int(n) for n in self._numbers.findall(buf, start, end)]
        if not numbers:
            return True
        if numbers[0] <= self._last or any(map(ge, numbers, numbers[1:])):
            return False
        self._last = numbers[-1]
        return True

    def finish(self) -> list[str] | None:
        """The chunk sheets, or None when the part is not split (too small or unusual)."""
        if not self.ok or not self._prefix or not self.chunks:
            self._give_up()
            return None
        block = self._carry
        end = block.rfind(self._end_tag)
        if end < 0 or not self._in_order(block, 0, end):
            self._give_up()
            return None
        if end:
            self._write(block[:end])
        if self._out is not None:
            self._close_chunk()
        self._carry = b""
        return self.chunks

    def _give_up(self) -> None:
        self.ok = False
        self._head = b""
        self._carry = b""
        if self._out is not None:  # (the book is written on; its chunks are not used)
            out, self._out = self._out, None
            with contextlib.suppress(OSError, ValueError):
                out.close()


class ChunkFeed:
    """Rows of one split sheet: a worker thread parses the chunks in order; ``batches`` (on
    the caller's thread) turns each into rows placed as a whole-sheet read places them."""

    def __init__(self, book: SplitBook, chunks: list[str], source: Path, sheet: str) -> None:
        self.book = book
        self.chunks = chunks
        self.source = source
        self.sheet = sheet
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=2)
        self._stop = threading.Event()
        book.acquire()
        self._thread = threading.Thread(target=self._parse, name="migplan-xlsx", daemon=True)
        self._thread.start()

    def _parse(self) -> None:
        import python_calamine as pc

        try:
            with pc.CalamineWorkbook.from_path(str(self.book.path)) as workbook:
                for name in self.chunks:
                    if self._stop.is_set():
                        return
                    self._put(("sheet", workbook.get_sheet_by_name(name)))
            self._put(("end", None))
        except Exception as exc:  # reported on the reading thread
            self._put(("error", exc))
        finally:
            self.book.release()

    def _put(self, item: tuple[str, Any]) -> None:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return
            except queue.Full:
                continue

    def stop(self) -> None:
        """Stop parsing (the rows are no longer wanted)."""
        self._stop.set()

    def batches(self) -> Iterator[list[list[object]]]:
        next_row = 0
        try:
            while True:
                kind, item = self._queue.get()
                if kind == "end":
                    self._thread.join()  # (the worker lets go of the file as it ends)
                    return
                if kind == "error":
                    text = str(item).strip().splitlines()[0] if str(item).strip() else ""
                    raise ImportFormatError(
                        self.source,
                        f"the sheet cannot be read ({text[:200] or type(item).__name__})",
                        sheet=self.sheet,
                    )
                start = item.start
                if start is None:
                    continue
                first, col = start
                rows: list[list[object]] = item.to_python(skip_empty_area=True)
                del item
                if first < next_row:
                    raise ImportFormatError(
                        self.source,
                        f"a cell of row {first + 1} is stored after row {next_row}; the "
                        "workbook is malformed (open it in Excel and save it again)",
                        sheet=self.sheet,
                    )
                if col:
                    pad = [""] * col
                    rows = [pad + r for r in rows]
                if first > next_row:
                    rows[0:0] = [[] for _ in range(first - next_row)]
                next_row += len(rows)
                yield rows
        finally:
            self.stop()
