"""A big worksheet read in chunks on a worker thread (``xlsxsplit``) gives exactly the rows a
read of the whole sheet gives; unusual sheets are read whole; malformed ones are refused with
a message naming the file and sheet; no temporary file is left behind."""

from __future__ import annotations

import datetime as dt
import gc
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.core.progress import CallbackProgress, Cancelled
from migplan.io import xlsxguard, xlsxsplit
from migplan.io.errors import ImportFormatError
from migplan.io.importers.inventory import import_inventory
from migplan.io.tables import Table, read_tables

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.fixture(autouse=True)
def own_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Temporary files go to a directory of the test's own (a running app may have some)."""
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))


@pytest.fixture
def split_small(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split every wanted sheet, in chunks of about 400 bytes of XML."""
    monkeypatch.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(xlsxsplit, "CHUNK_BYTES", 400)


def _whole(path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Table]:
    with monkeypatch.context() as m:
        m.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 1 << 62)
        return read_tables(path)


def _shape(tables: list[Table]) -> list[tuple[object, ...]]:
    """What a reader sees: sheet, headers, header row and the rows without trailing blanks."""

    def trim(row: list[object]) -> list[object]:
        end = len(row)
        while end and row[end - 1] in ("", None):
            end -= 1
        return row[:end]

    return [(t.sheet, t.headers, t.header_row, [trim(r) for r in t.rows]) for t in tables]


def _leftovers() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("migplan-split-*"))


def _book(path: Path, sheets: list[str] | None = None) -> dict[str, int] | None:
    """The sheets of ``path`` the guard splits, with their chunk counts (None: none)."""
    book = xlsxguard.check_workbook_zip(path, sheets, split=True)
    if book is None:
        return None
    split = book.wait()
    book.discard()
    return split or None


_CELL = st.one_of(
    st.none(),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=12),
    st.sampled_from(["  padded ", "poweredOn", "ź Ł", "True"]),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 1, 1)),
    st.datetimes(min_value=dt.datetime(1990, 1, 1), max_value=dt.datetime(2090, 1, 1)).map(
        lambda d: d.replace(microsecond=0)
    ),
)


@settings(
    max_examples=fuzz_examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rows=st.lists(st.lists(_CELL, min_size=0, max_size=7), min_size=1, max_size=60),
    lead=st.integers(0, 3),
    epoch1904=st.booleans(),
)
def test_split_read_equals_whole_read(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    rows: list[list[object]],
    lead: int,
    epoch1904: bool,
) -> None:
    from openpyxl import Workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    wb = Workbook()
    ws = wb.active
    ws.title = "vInfo"
    if epoch1904:
        wb.epoch = CALENDAR_MAC_1904
    ws.append(["VM", "CPUs", "When", "Note", "Flag", "Size", "Owner"])
    for row in rows:
        ws.append(row)
    if lead:
        ws.insert_rows(1, lead)  # the header row further down, as Live Optics writes it
    path = tmp_path / "inv.xlsx"
    wb.save(path)
    whole = _shape(_whole(path, monkeypatch))
    with monkeypatch.context() as m:
        m.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 0)
        m.setattr(xlsxsplit, "CHUNK_BYTES", 300)
        with zipfile.ZipFile(path) as zf:
            size = zf.getinfo("xl/worksheets/sheet1.xml").file_size
        assert _book(path) is not None or size < 2_000  # (a small sheet is one chunk)
        split = _shape(read_tables(path))
    assert split == whole
    assert not _leftovers()


def _raw(path: Path, sheet_xml: str, root: str = "worksheet", ns: str = "") -> Path:
    """A workbook with one sheet whose XML is given (``ns``: a namespace prefix to use)."""
    pfx = f"{ns}:" if ns else ""
    decl = f'xmlns:{ns}="{MAIN}"' if ns else f'xmlns="{MAIN}"'
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><{pfx}{root} {decl}>'
        f'<{pfx}dimension ref="A1:B999"/><{pfx}sheetData>{sheet_xml}</{pfx}sheetData>'
        f'<{pfx}mergeCells count="1"><{pfx}mergeCell ref="A1:B1"/></{pfx}mergeCells>'
        f"</{pfx}{root}>"
    )
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg = "http://schemas.openxmlformats.org/package/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="r1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{MAIN}" xmlns:r="{rel}"><sheets>'
            '<sheet name="vInfo" sheetId="1" r:id="r1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg}"><Relationship Id="r1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        zf.writestr("xl/worksheets/sheet1.xml", body)
    return path


def _rows_xml(n: int, ns: str = "", start: int = 1) -> str:
    pfx = f"{ns}:" if ns else ""
    out = []
    for r in range(start, start + n):
        a = "VM" if r == 1 else f"vm{r:04d}"
        b = "CPUs" if r == 1 else str(r % 7)
        kind = ' t="inlineStr"'
        out.append(
            f'<{pfx}row r="{r}"><{pfx}c r="A{r}"{kind}><{pfx}is><{pfx}t>{a}</{pfx}t></{pfx}is>'
            f'</{pfx}c><{pfx}c r="B{r}"{kind if r == 1 else ""}>'
            + (f"<{pfx}is><{pfx}t>{b}</{pfx}t></{pfx}is>" if r == 1 else f"<{pfx}v>{b}</{pfx}v>")
            + f"</{pfx}c></{pfx}row>"
        )
    return "".join(out)


@pytest.mark.parametrize("ns", ["", "x"])
def test_namespace_prefixes_and_sheet_tail(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_small: None, ns: str
) -> None:
    path = _raw(tmp_path / "ns.xlsx", _rows_xml(120, ns), ns=ns)
    book = _book(path)
    assert book is not None and book["vInfo"] > 5
    (table,) = read_tables(path)
    assert table.headers == ["VM", "CPUs"]
    assert len(table.rows) == 119 and table.rows[-1] == ["vm0120", 120 % 7]
    assert _shape([table]) == _shape(_whole(path, monkeypatch))
    assert not _leftovers()


def test_rows_without_numbers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_small: None
) -> None:
    """A row without its number follows the row before it: fine inside a chunk, but a chunk
    cannot start with one, so a sheet of such rows is read whole."""
    one = _raw(tmp_path / "one.xlsx", _rows_xml(60).replace('<row r="30">', "<row>"))
    (table,) = read_tables(one)
    assert len(table.rows) == 59 and table.rows[28][0] == "vm0030"
    assert _shape([table]) == _shape(_whole(one, monkeypatch))
    xml = _rows_xml(60)
    for r in range(2, 61):
        xml = xml.replace(f'<row r="{r}">', "<row>")
    every = _raw(tmp_path / "every.xlsx", xml)
    assert _book(every) is None
    assert len(read_tables(every)[0].rows) == 59


def test_rows_out_of_order_are_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_small: None
) -> None:
    # Rows 1-40, then 80-120, then 41-79: a cut between 120 and 41 is refused.
    xml = _rows_xml(40) + _rows_xml(41, start=80) + _rows_xml(39, start=41)
    path = _raw(tmp_path / "order.xlsx", xml)
    assert _book(path) is None
    (table,) = read_tables(path)
    assert [r[0] for r in table.rows] == [f"vm{r:04d}" for r in range(2, 121)]


def test_cell_stored_out_of_place_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_small: None
) -> None:
    # Row 100 holds a cell that says it is in row 3: a whole read would place it there, but
    # a chunk cannot be placed before rows already handed over.
    xml = _rows_xml(120).replace('<c r="B100">', '<c r="B3">', 1)
    path = _raw(tmp_path / "odd.xlsx", xml)
    with pytest.raises(ImportFormatError) as err:
        read_tables(path)[0].rows  # noqa: B018
    assert "odd.xlsx, sheet vInfo" in str(err.value) and "malformed" in str(err.value)
    gc.collect()
    assert not _leftovers()


def test_table_dropped_early_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_small: None
) -> None:
    path = _raw(tmp_path / "drop.xlsx", _rows_xml(300))
    tables = read_tables(path)
    assert tables[0].row_count >= 1
    del tables
    gc.collect()
    for _ in range(100):  # the worker notices and stops
        if not _leftovers():
            break
        time.sleep(0.05)
    assert not _leftovers()


@pytest.mark.parametrize(
    "name", ["rvtools_3x.xlsx", "rvtools_4.0.7_mb.xlsx", "rvtools_4.7_mib.xlsx", "liveoptics.xlsx"]
)
def test_imports_read_in_chunks_equal_whole_reads(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    with monkeypatch.context() as m:
        m.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 1 << 62)
        whole = import_inventory([FIXTURES / name])
    with monkeypatch.context() as m:
        m.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 0)
        m.setattr(xlsxsplit, "CHUNK_BYTES", 500)
        split = import_inventory([FIXTURES / name])
    assert [w.model_dump() for w in split.workloads] == [w.model_dump() for w in whole.workloads]
    assert split.report.to_dict() == whole.report.to_dict()


def test_cloned_uuids_keyed_by_vm_id_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gen: object
) -> None:
    """Clones sharing a VM UUID are keyed by VM ID even when the clone comes chunks later."""
    vms = gen.make_vms(40, seed=3)  # type: ignore[attr-defined]
    vms[35].uuid = vms[2].uuid  # a clone far from its original
    path = gen.write_rvtools_xlsx(tmp_path / "clones.xlsx", vms)  # type: ignore[attr-defined]
    with monkeypatch.context() as m:
        m.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 1 << 62)
        whole = import_inventory([path])
    with monkeypatch.context() as m:
        m.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 0)
        m.setattr(xlsxsplit, "CHUNK_BYTES", 500)
        split = import_inventory([path])
    assert [w.id for w in split.workloads] == [w.id for w in whole.workloads]
    keys = {w.name: w.source_key for w in split.workloads}
    assert keys[vms[2].name] != keys[vms[35].name]


def test_cancel_while_reading_in_chunks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancelling mid-sheet stops the import and the worker, and leaves no temporary file."""
    monkeypatch.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(xlsxsplit, "CHUNK_BYTES", 4000)
    path = _raw(tmp_path / "big.xlsx", _rows_xml(6001))
    seen: list[tuple[int, int, str]] = []
    progress = CallbackProgress(None, 0)

    def cancel_at_2000(done: int, total: int, message: str) -> None:
        seen.append((done, total, message))
        if done >= 2000:
            progress.cancel()

    progress._callback = cancel_at_2000  # the test drives the callback
    with pytest.raises(Cancelled):
        import_inventory([path], progress=progress)
    rows = [(d, t) for d, t, m in seen if m.startswith("Reading big.xlsx:") and t > 1]
    assert [d for d, _ in rows] == [0, 2000]
    # The total is estimated from the first chunk, before the sheet has been read.
    assert all(abs(t - 6000) <= 60 for _, t in rows)
    gc.collect()

    def workers() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "migplan-xlsx"]

    for _ in range(100):  # the worker notices and stops
        if not _leftovers() and not workers():
            break
        time.sleep(0.05)
    assert not _leftovers()
    assert not workers()


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name in ("migplan-xlsx", "migplan-guard")]


def _settled() -> bool:
    """True once the reading threads have stopped and their files are gone."""
    gc.collect()
    for _ in range(100):
        if not _leftovers() and not _threads():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def split_1mb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Split every sheet in chunks of about 4 KB (the guard reads 1 MiB at a time, so a
    sheet of 12,000 rows is checked in two steps, the first handed over before the second)."""
    monkeypatch.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(xlsxsplit, "CHUNK_BYTES", 4000)


def test_fault_found_after_rows_were_handed_over(tmp_path: Path, split_1mb: None) -> None:
    """The guard finds a cell past ZZ near the end, after the first rows were converted:
    the reader gets the error in place of the rows still to come, and nothing is left."""
    path = _raw(
        tmp_path / "late.xlsx", _rows_xml(12000).replace('<c r="B11500">', '<c r="AAA11500">')
    )
    taken: list[list[object]] = []
    with pytest.raises(ImportFormatError) as err:
        for row in read_tables(path, check=False)[0].iter_rows():
            taken.append(row)
    assert "late.xlsx: part xl/worksheets/sheet1.xml uses columns past ZZ" in str(err.value)
    assert 0 < len(taken) < 11500  # rows came before the fault was found
    with pytest.raises(ImportFormatError, match="past ZZ"):
        import_inventory([path])
    assert _settled()


def test_corrupt_data_inside_a_big_sheet(tmp_path: Path, split_1mb: None) -> None:
    path = _raw(tmp_path / "bad.xlsx", _rows_xml(12000))
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for at in range(start + info.compress_size * 3 // 4, start + info.compress_size * 3 // 4 + 64):
        data[at] ^= 0x5A
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFormatError) as err:
        import_inventory([path])
    assert "bad.xlsx: the file is truncated or corrupt" in str(err.value)
    assert _settled()


def test_sheet_read_whole_after_rows_were_handed_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, split_1mb: None
) -> None:
    """Rows 9,000 on have no numbers: once the guard meets one at a cut, the sheet is read
    whole; the rows already converted are its first rows, so the import carries on."""
    xml = _rows_xml(12000)
    for r in range(9000, 12001):
        xml = xml.replace(f'<row r="{r}">', "<row>", 1)
    path = _raw(tmp_path / "tail.xlsx", xml)
    assert _book(path) is None
    split = import_inventory([path])
    with monkeypatch.context() as m:
        m.setattr(xlsxsplit, "SPLIT_MIN_BYTES", 1 << 62)
        whole = import_inventory([path])
    assert len(split.workloads) == 11999
    assert [w.model_dump() for w in split.workloads] == [w.model_dump() for w in whole.workloads]
    assert _shape(read_tables(path)) == _shape(_whole(path, monkeypatch))
    assert _settled()


def test_rows_out_of_order_after_rows_were_handed_over(tmp_path: Path, split_1mb: None) -> None:
    """Rows 15,000-20,000 stored before rows 9,001-14,999, found once rows 1-9,000 and
    15,000 on were handed over. Taken all at once, the sheet is read whole; taken row by row
    (rows 9,001 on were given as empty), the reader gets a clear error rather than rows
    placed twice."""
    xml = _rows_xml(9000) + _rows_xml(5001, start=15000) + _rows_xml(5999, start=9001)
    path = _raw(tmp_path / "order.xlsx", xml)
    (table,) = read_tables(path)
    assert [r[0] for r in table.rows] == [f"vm{r:04d}" for r in range(2, 20001)]
    with pytest.raises(ImportFormatError) as err:
        for _row in read_tables(path, check=False)[0].iter_rows():
            pass
    assert str(err.value).endswith(
        "order.xlsx, sheet vInfo: its rows are stored out of order; open the workbook in "
        "Excel and save it again"
    )
    assert _settled()
