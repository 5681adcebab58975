"""Reading one large worksheet on two cores, while it is still being checked.

python-calamine parses a worksheet in one call, on one core, and releases the GIL while it
does; converting the cells it returns takes the GIL. Read one after the other, a 100,000-row
RVTools ``vInfo`` costs the guard's pass over the sheet, the parse and the conversion. Here
the three overlap:

- the guard (``xlsxguard``) checks the big worksheets on a thread of its own (it must read
  every byte before any parser may see them); ``SheetSplitter`` cuts each, as it streams by,
  at row boundaries into chunks of about ``CHUNK_BYTES`` of XML;
- ``SplitBook`` writes the chunks into segments: small uncompressed workbooks beside the
  original shared strings and styles. A segment is handed to the worker thread whenever the
  worker is idle, so that it has work from the first chunk on and opens few segments;
- the worker has calamine parse the chunks in order; the importer takes the rows of each
  chunk as it comes (``ChunkFeed`` and ``Table.iter_rows``), placed where a read of the whole
  sheet puts them (``sheet.start`` gives each chunk's first row and column).

A chunk reaches calamine only once the guard has checked every byte of it. Anything unexpected
(a row without its ``r`` number at a cut, rows out of order across a cut, an unusual root
element) means the sheet is read whole once the guard has checked it (``ReadWhole``). A fault
the guard finds later in the sheet reaches the reader as the error it is, in place of the rows
still to come. Tests compare the rows of split and whole reads cell for cell.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import queue
import re
import tempfile
import threading
import weakref
import zipfile
from collections.abc import Callable, Iterator
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
#: A cell's value: ``<v>`` (numbers, shared strings, booleans, errors, formula results) or
#: ``<is>`` (an inline string). Parsers skip a cell with neither, however styled.
VALUE_RE = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:v|is)[\s/>]")

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


class ReadWhole(Exception):
    """The sheet was not split after all: read it whole (the guard has checked it)."""


class Stopped(Exception):
    """The book was discarded while the guard was still cutting it."""


#: Parsed chunks the worker may hold ahead of the reader of a sheet (the reader of another
#: sheet it waits for is never kept waiting by this).
AHEAD = 3

_LIVE: weakref.WeakSet[SplitBook] = weakref.WeakSet()


class SplitBook:
    """The chunks of the big worksheets of one workbook: written by the guard's thread as it
    checks them, in segments, and parsed on a worker thread (see the module text).

    Readers ``acquire`` and ``release`` it; when the last lets go, the threads stop and the
    temporary files go (those of a process that ends early go at exit)."""

    def __init__(
        self,
        sheets: list[str],
        parts: tuple[bytes, bytes | None, bytes | None],
        names: list[str],
    ) -> None:
        #: Every sheet of the workbook, in its order.
        self.names = names
        #: The sheets being split, by the name the workbook gives them.
        self.sheets = list(sheets)
        #: Sheet -> data rows expected (an estimate until the sheet has been checked).
        self.expected: dict[str, int] = dict.fromkeys(sheets, 0)
        #: Sheet -> the chunks it was cut into, once checked (0: not split, read whole).
        self.split: dict[str, int] = {}
        self._workbook_xml, self._shared, self._styles = parts
        self._out: dict[str, queue.Queue[tuple[str, Any]]] = {s: queue.Queue() for s in sheets}
        self._todo: queue.Queue[tuple[Any, ...]] = queue.Queue()
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self._guard_done = threading.Event()
        self._waiting_for: str | None = None
        self._files: set[Path] = set()
        self._lock = threading.Lock()
        self._users = 0
        self._count = 0
        self._segment: zipfile.ZipFile | None = None
        #: The chunk being written into the segment, if any.
        self._writer: IO[bytes] | None = None
        self._segment_path: Path | None = None
        self._segment_chunks: list[tuple[str, str]] = []
        self._worker = threading.Thread(target=self._parse, name="migplan-xlsx", daemon=True)
        _LIVE.add(self)

    # -- the guard's side (its own thread) -----------------------------------------------

    def start(self, guard: Callable[[], None]) -> None:
        """Run ``guard`` (which checks and cuts the sheets) on a thread, and the worker."""
        self._worker.start()
        threading.Thread(target=self._run_guard, args=(guard,), name="migplan-guard",
                         daemon=True).start()  # fmt: skip

    def _run_guard(self, guard: Callable[[], None]) -> None:
        failed = False
        try:
            guard()
        except Stopped:
            pass
        except BaseException as exc:  # reported to the readers, in place of rows
            failed = True
            self._todo.put(("error", exc))
        finally:
            if (failed or self._stop.is_set()) and self._segment is not None:
                # The chunk being written first: a zip cannot be closed while it is open
                # (and would complain when collected).
                for part in (self._writer, self._segment):
                    with contextlib.suppress(OSError, ValueError):
                        if part is not None:
                            part.close()
                self._segment = None
                self._writer = None
            self._guard_done.set()
            self._todo.put(("done",))
            if self._stop.is_set():
                self._delete_all()

    @property
    def stopped(self) -> bool:
        return self._stop.is_set()

    def open_chunk(self) -> tuple[str, IO[bytes]]:
        """A new chunk sheet to write (close it before the next is opened)."""
        if self._segment is None:
            with self._lock:  # (``discard`` either sees the file or stops this first)
                if self._stop.is_set():
                    raise Stopped()
                fd, name = tempfile.mkstemp(prefix="migplan-split-", suffix=".xlsx")
                os.close(fd)
                self._segment_path = Path(name)
                self._files.add(self._segment_path)
            self._segment = zipfile.ZipFile(self._segment_path, "w", zipfile.ZIP_STORED)
        elif self._stop.is_set():
            raise Stopped()
        name = f"c{self._count}"
        self._count += 1
        self._writer = self._segment.open(f"xl/worksheets/{name}.xml", "w")
        return name, self._writer

    def chunk_done(self, sheet: str, name: str) -> None:
        """The chunk ``name`` of ``sheet`` is written (and every byte of it checked)."""
        self._segment_chunks.append((sheet, name))
        if self._idle.is_set():
            self.hand_off()

    def hand_off(self) -> None:
        """Close the segment being written and give it to the worker."""
        if self._segment is None:
            return
        if not self._segment_chunks:
            return  # (a chunk is still being written into it)
        assert self._segment_path is not None
        self._finish_segment(self._segment, [n for _, n in self._segment_chunks])
        self._idle.clear()
        self._todo.put(("segment", self._segment_path, self._segment_chunks))
        self._segment = None
        self._segment_path = None
        self._segment_chunks = []

    def sheet_checked(self, sheet: str, chunks: int, rows: int) -> None:
        """The guard is done with ``sheet``, cut into ``chunks`` (0: not split after all):
        its last chunks go to the worker, then the end (or word to read it whole)."""
        self.hand_off()
        self.expected[sheet] = rows
        self.split[sheet] = chunks
        self._todo.put(("end" if chunks else "whole", sheet))

    def _finish_segment(self, zf: zipfile.ZipFile, names: list[str]) -> None:
        """Write the workbook, relationships and content types around the chunks."""
        pr = '<workbookPr date1904="1"/>' if _DATE1904_RE.search(self._workbook_xml) else ""
        sheets = "".join(
            f'<sheet name="{n}" sheetId="{i + 1}" r:id="{n}"/>' for i, n in enumerate(names)
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="'
            f'{_MAIN_NS.decode()}" xmlns:r="{_REL_NS}">{pr}<sheets>{sheets}</sheets></workbook>',
        )
        rels = [
            f'<Relationship Id="{n}" Type="{_REL_NS}/worksheet" Target="worksheets/{n}.xml"/>'
            for n in names
        ]
        overrides = [_SHEET_CT.format(name=n) for n in names]
        for part, data, kind in (("sharedStrings", self._shared, "sharedStrings"),
                                 ("styles", self._styles, "styles")):  # fmt: skip
            if data is None:
                continue
            zf.writestr(f"xl/{part}.xml", data)
            rels.append(f'<Relationship Id="{part}" Type="{_REL_NS}/{kind}" Target="{part}.xml"/>')
            overrides.append(
                f'<Override PartName="/xl/{part}.xml" ContentType="application/vnd.openxmlformats'
                f'-officedocument.spreadsheetml.{kind}+xml"/>'
            )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="'
            f'http://schemas.openxmlformats.org/package/2006/relationships">{"".join(rels)}'
            "</Relationships>",
        )
        zf.writestr("[Content_Types].xml", _CT.format(overrides="".join(overrides)))
        zf.writestr("_rels/.rels", _RELS)
        zf.close()

    # -- the worker ------------------------------------------------------------------------

    def _parse(self) -> None:
        import python_calamine as pc

        ended: set[str] = set()
        try:
            while not self._stop.is_set():
                if self._todo.empty():
                    self._idle.set()
                item = self._todo.get()
                kind = item[0]
                if kind == "segment":
                    _, path, chunks = item
                    try:
                        with pc.CalamineWorkbook.from_path(str(path)) as workbook:
                            for sheet, name in chunks:
                                if self._stop.is_set():
                                    return
                                parsed = workbook.get_sheet_by_name(name)
                                self._deliver(sheet, ("sheet", parsed))
                    finally:
                        self._delete(path)
                elif kind in ("end", "whole"):
                    self._deliver(item[1], (kind, None))
                    ended.add(item[1])
                elif kind == "error":
                    self._fail(item[1], ended)
                    return
                else:  # "done" or "stop"
                    return
        except Exception as exc:  # (calamine refusing a chunk)
            self._fail(exc, ended)
        finally:
            self._idle.set()

    def _deliver(self, sheet: str, item: tuple[str, Any]) -> None:
        out = self._out[sheet]
        out.put(item)
        # Keep only a few chunks ahead of the reader, unless it waits for another sheet.
        while out.qsize() > AHEAD and self._waiting_for in (None, sheet):
            if self._stop.wait(0.02):
                return

    def _fail(self, exc: BaseException, ended: set[str]) -> None:
        for sheet, out in self._out.items():
            if sheet not in ended:
                out.put(("error", exc))

    # -- the readers' side -----------------------------------------------------------------

    def take(self, sheet: str) -> tuple[str, Any]:
        """The next item for ``sheet``: ("sheet", parsed chunk), ("end" | "whole", None) or
        ("error", exception)."""
        out = self._out[sheet]
        try:
            return out.get_nowait()
        except queue.Empty:
            pass
        self._waiting_for = sheet
        try:
            while True:
                try:
                    return out.get(timeout=0.5)
                except queue.Empty:
                    if self._stop.is_set():
                        return ("error", RuntimeError("the reading was stopped"))
        finally:
            self._waiting_for = None

    def wait(self) -> dict[str, int]:
        """Wait for the guard; the sheets it split, with their chunk counts (for tests)."""
        self._guard_done.wait()
        return {s: n for s, n in self.split.items() if n}

    def acquire(self) -> None:
        with self._lock:
            self._users += 1

    def release(self) -> None:
        """One reader is done with the book; the threads and files go when the last one is."""
        with self._lock:
            self._users -= 1
            last = self._users <= 0
        if last:
            self.discard()

    def discard(self) -> None:
        """Stop both threads and delete every file (the guard deletes what it still writes
        when it stops)."""
        with self._lock:
            self._stop.set()
        self._todo.put(("stop",))
        self._delete_all()

    def _delete_all(self) -> None:
        with self._lock:
            files = list(self._files)
        for path in files:
            self._delete(path)

    def _delete(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)
        with self._lock:
            self._files.discard(path)


@atexit.register
def _discard_all() -> None:
    for book in list(_LIVE):
        book.discard()


class SheetSplitter:
    """Cuts one worksheet part, fed as its XML streams by, into chunk sheets of ``book``.

    Whole rows are written straight to the chunk being filled (no copy of the sheet is
    kept); only the row still arriving is carried over to the next piece."""

    def __init__(self, book: SplitBook, sheet: str, part_size: int, chunk_bytes: int = 0) -> None:
        self.book = book
        self.sheet = sheet
        self.part_size = part_size
        self.chunk_bytes = chunk_bytes or CHUNK_BYTES
        self._fed = 0
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
        """The next piece of the part (every byte of it already checked by the guard)."""
        if self.book.stopped:
            raise Stopped()
        self._fed += len(data)
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
        if VALUE_RE.search(block, 0, end) is None:
            # Rows without a value (LibreOffice declares them down to row 1,048,576) give a
            # parser nothing, and chunks are placed by their first cell: leave them out.
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
        if len(self.chunks) == 1:  # rows to expect, for progress: from the first chunk's
            self.book.expected[self.sheet] = self.part_size * self._last // max(1, self._fed)
        self.book.chunk_done(self.sheet, self._name)

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

    def finish(self) -> bool:
        """Write the last chunk; False when the part is not split after all (too small or
        unusual): it is then read whole."""
        if not self.ok or not self._prefix or not (self.chunks or self._out):
            self._give_up()
            return False
        block = self._carry
        end = block.rfind(self._end_tag)
        if end < 0 or not self._in_order(block, 0, end):
            self._give_up()
            return False
        if end:
            self._write(block[:end])
        if self._out is not None:
            self._close_chunk()
        self._carry = b""
        return True

    def _give_up(self) -> None:
        self.ok = False
        self._head = b""
        self._carry = b""
        if self._out is not None:  # (the book is written on; its chunks are not used)
            out, self._out = self._out, None
            with contextlib.suppress(OSError, ValueError):
                out.close()


class ChunkFeed:
    """Rows of one split sheet, chunk by chunk as the worker parses them, placed as a
    whole-sheet read places them (on the reader's thread)."""

    def __init__(self, book: SplitBook, source: Path, sheet: str) -> None:
        self.book = book
        self.source = source
        self.sheet = sheet
        self._stopped = False
        book.acquire()

    def stop(self) -> None:
        """The rows are no longer wanted (the book goes when its last reader stops)."""
        if not self._stopped:
            self._stopped = True
            self.book.release()

    def batches(self) -> Iterator[list[list[object]]]:
        """Lists of rows; raises ``ReadWhole`` when the sheet was not split after all."""
        next_row = 0
        try:
            while True:
                kind, item = self.book.take(self.sheet)
                if kind == "end":
                    return
                if kind == "whole":
                    raise ReadWhole()
                if kind == "error":
                    if isinstance(item, ImportFormatError):
                        raise item
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
