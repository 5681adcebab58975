"""The shared table reader: encodings, dialects, workbooks and hostile files."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.io import tables, xlsxguard
from migplan.io.errors import ImportFormatError
from migplan.io.tables import normalize_header, read_tables
from migplan.io.values import parse_bool, parse_datetime, parse_float, parse_int, size_unit

# -- a minimal hand-written xlsx, so tests can put anything in the XML -------------------

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="vInfo" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def raw_xlsx(path: Path, sheet_xml: str, prolog: str = "") -> Path:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{sheet_xml}</sheetData></worksheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/worksheets/sheet1.xml", body)
    return path


def openpyxl_xlsx(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


# -- headers and values ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  In Use  MiB ", "in use mib"),
        ("*Server name", "server name"),
        ("PrimaryIPAddress(optional)", "primaryipaddress"),
        ("min Required EVC Mode Key ", "min required evc mode key"),
        (" Image Backup", "image backup"),
        ("OS according to the VMware tools", "os according to the vmware tools"),
    ],
)
def test_normalize_header(raw: str, expected: str) -> None:
    assert normalize_header(raw) == expected


def test_value_parsers() -> None:
    assert parse_int("16,384") == 16384
    assert parse_float("1.234,5", decimal_comma=True) == 1234.5
    assert parse_float("Not applicable") is None
    assert parse_float("N/A") is None
    assert parse_float("") is None
    assert parse_float("12.5%") == 12.5
    with pytest.raises(ValueError):
        parse_float("twelve")
    assert parse_bool("TRUE") is True and parse_bool("False") is False
    assert parse_bool("yes") is True and parse_bool("1") is True and parse_bool("") is None
    with pytest.raises(ValueError):
        parse_bool("maybe")
    assert parse_datetime("2018/01/16 16:43:22") == dt.datetime(2018, 1, 16, 16, 43, 22)
    assert parse_datetime("16-Jul-2026") == dt.datetime(2026, 7, 16)


@pytest.mark.parametrize(
    ("header", "base", "factor"),
    [
        ("Memory (In MB)", "Memory", 1.0),
        ("MemoryGiB", "Memory", 1024.0),
        ("Provisioned Memory (MB)", "Provisioned Memory", 1.0),
        ("Provisioned MiB", "Provisioned", 1.0),
        ("Video Ram KiB", "Video Ram", 1 / 1024),
        ("Provisioned Memory (Bytes)", "Provisioned Memory", 1 / 1048576),
        ("RAM.TotalSizeInMB", "RAM.TotalSize", 1.0),
    ],
)
def test_size_units(header: str, base: str, factor: float) -> None:
    unit = size_unit(header)
    assert unit is not None and unit.base == base and unit.to_mib == pytest.approx(factor)


@pytest.mark.parametrize("header", ["Memory", "Thumb", "CPUs", "Number of disks"])
def test_no_size_unit(header: str) -> None:
    assert size_unit(header) is None


@settings(max_examples=fuzz_examples(60), deadline=None)
@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_round_trip(n: int) -> None:
    assert parse_int(f"{n:,}") == n
    assert parse_int(f"{n:,}".replace(",", "."), decimal_comma=True) == n


# -- CSV -------------------------------------------------------------------------------

HEADER = "VM,Powerstate,Memory,Annotation"
BODY = 'web01,poweredOn,"16,384","line one\nline two, with ""quotes"""'


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(f"{HEADER}\r\n{BODY}\r\nmünchen01,poweredOff,512,Café\r\n".encode(encoding))
    (table,) = read_tables(path)
    assert table.headers == ["VM", "Powerstate", "Memory", "Annotation"]
    assert table.rows[0][3] == 'line one\nline two, with "quotes"'
    assert parse_int(table.rows[0][2]) == 16384
    assert table.rows[1][0] == "münchen01" and table.rows[1][3] == "Café"
    assert table.row_number(1) == 3


def test_csv_semicolon_and_type_line(tmp_path: Path) -> None:
    path = tmp_path / "conns.csv"
    path.write_text(
        "#TYPE Microsoft.Management.Infrastructure.CimInstance#ROOT/StandardCimv2/MSFT_NetTCPConnection\n"
        '"Name";"Load";"Size"\n"a";"1,5";"1.024,25"\n',
        encoding="utf-8",
    )
    (table,) = read_tables(path)
    assert table.delimiter == ";" and table.decimal_comma
    assert table.headers == ["Name", "Load", "Size"]
    assert table.header_row == 2
    assert parse_float(table.rows[0][2], decimal_comma=table.decimal_comma) == 1024.25


def test_csv_tab_and_ragged_rows(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("a\tb\tc\n1\t2\n3\t4\t5\t6\n", encoding="utf-8")
    (table,) = read_tables(path)
    assert table.delimiter == "\t"
    assert table.rows == [["1", "2"], ["3", "4", "5", "6"]]
    assert Table_cell(table, 0, 2) == ""


def Table_cell(table: tables.Table, r: int, c: int) -> object:
    return table.cell(table.rows[r], c)


def test_csv_huge_cell_named(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_text("VM,Annotation\nweb01," + "x" * (10 * 1024 * 1024) + "\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        read_tables(path)
    message = str(err.value)
    assert "big.csv" in message and "row 2" in message and "'Annotation'" in message
    assert "100,000" in message


def test_empty_csv_has_no_usable_sheet(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("\n\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"empty\.csv: no usable sheet"):
        read_tables(path)


# -- workbooks -------------------------------------------------------------------------


def test_xlsx_sheets_types_and_selection(tmp_path: Path) -> None:
    when = dt.datetime(2024, 5, 1, 12, 30)
    path = openpyxl_xlsx(
        tmp_path / "w.xlsx",
        {
            "vInfo": [["VM", " CPUs", "Template", "PowerOn"], ["a", 2, "False", when], [], []],
            "Empty": [],
            "vHost": [["Host"], ["esx1"]],
        },
    )
    found = read_tables(path)
    assert [t.sheet for t in found] == ["vInfo", "vHost"]
    vinfo = found[0]
    assert vinfo.rows == [["a", 2, "False", when]]
    assert vinfo.column("cpus") == 1 and vinfo.column("Memory", "CPUS") == 1
    only = read_tables(path, sheets=["VINFO"])
    assert [t.sheet for t in only] == ["vInfo"]
    with pytest.raises(ImportFormatError, match="no usable sheet"):
        read_tables(path, sheets=["vDisk"])


def test_header_row_found_below_title_rows(tmp_path: Path) -> None:
    path = openpyxl_xlsx(
        tmp_path / "lo.xlsx",
        {"Details": [["Live Optics export"], [], ["Project", "Name", "Date"], ["1", "x", "y"]]},
    )
    (table,) = read_tables(path)
    assert table.headers == ["Project", "Name", "Date"] and table.header_row == 3
    assert table.row_number(0) == 4


def test_formula_cached_value_read_not_evaluated(tmp_path: Path) -> None:
    path = raw_xlsx(
        tmp_path / "f.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>VM</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>CPUs</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c>'
        '<c r="B2"><f>WEBSERVICE("http://example.invalid")+1</f><v>7</v></c></row>',
    )
    (table,) = read_tables(path)
    assert table.rows == [["a", 7]]


# -- hostile input ---------------------------------------------------------------------


def test_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "photo.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    with pytest.raises(ImportFormatError, match=r"photo\.xlsx: not a spreadsheet"):
        read_tables(path)


def test_truncated_zip(tmp_path: Path) -> None:
    good = openpyxl_xlsx(
        tmp_path / "g.xlsx", {"vInfo": [["VM"], *[[f"vm{i}"] for i in range(500)]]}
    )
    bad = tmp_path / "cut.xlsx"
    bad.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(ImportFormatError, match=r"cut\.xlsx: the file is truncated or corrupt"):
        read_tables(bad)


def test_password_protected_ole2(tmp_path: Path) -> None:
    path = tmp_path / "secret.xlsx"
    path.write_bytes(xlsxguard.OLE2_MAGIC + b"\x00" * 4000)
    with pytest.raises(ImportFormatError, match=r"secret\.xlsx: .*password-protected"):
        read_tables(path)


def test_entity_expansion_refused(tmp_path: Path) -> None:
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>'
    path = raw_xlsx(
        tmp_path / "lol.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>',
        prolog=lol,
    )
    with pytest.raises(ImportFormatError, match=r"lol\.xlsx: .*entit"):
        read_tables(path)


def test_decompression_bomb_refused_from_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsxguard, "RATIO_FLOOR_BYTES", 1024 * 1024)
    path = raw_xlsx(
        tmp_path / "bomb.xlsx", '<row r="1"><c r="A1"><v>1</v></c></row>' + " " * (8 * 1024 * 1024)
    )
    with pytest.raises(
        ImportFormatError, match=r"bomb\.xlsx: refused as a decompression bomb.*bound is 400"
    ):
        read_tables(path)


def test_total_size_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsxguard, "MAX_UNCOMPRESSED_BYTES", 2000)
    path = openpyxl_xlsx(tmp_path / "big.xlsx", {"vInfo": [["VM"], ["a"]]})
    with pytest.raises(ImportFormatError, match=r"decompression bomb.*bound"):
        read_tables(path)


def test_sparse_far_cell_refused(tmp_path: Path) -> None:
    path = raw_xlsx(
        tmp_path / "far.xlsx",
        '<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>',
    )
    with pytest.raises(ImportFormatError, match=r"far\.xlsx: .*refused before reading"):
        read_tables(path)


_READ_LIMITED = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))  # a regression fails, not OOMs
from migplan.io import xlsxsplit
from migplan.io.errors import ImportFormatError
from migplan.io.tables import read_tables
if sys.argv[2] == "split":
    xlsxsplit.SPLIT_MIN_BYTES, xlsxsplit.CHUNK_BYTES = 0, 200
try:
    print(len(read_tables(sys.argv[1])[0].rows))
except ImportFormatError as exc:
    print(exc)
"""


@pytest.mark.parametrize("mode", ["whole", "split"])
@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("ZZ1000000", r"spans 1,000,000 rows by up to 702 columns"),
        ("B5000000", r"more than 1,048,576 rows"),
        ("B0000009000000", r"more than 1,048,576 rows"),
        ("ABCD2", r"uses columns past ZZ"),
    ],
)
def test_cell_stored_past_its_row_refused(
    tmp_path: Path, mode: str, cell: str, expected: str
) -> None:
    """A cell is placed by its own reference: one far cell inside row 2 would make the parser
    allocate millions of rows (it was killed for lack of memory before the guard knew)."""
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>vm{r}</t></is></c></row>'
        for r in range(3, 40)
    )
    path = raw_xlsx(
        tmp_path / "far.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>VM</t></is></c></row>'
        f'<row r="2"><c r="A2"><v>1</v></c><c r="{cell}"><v>4</v></c></row>{rows}',
    )
    env = {**os.environ, "PYTHONPATH": str(Path(tables.__file__).parents[2])}
    out = subprocess.run(
        [sys.executable, "-c", _READ_LIMITED, str(path), mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert re.search(rf"far\.xlsx: part xl/worksheets/sheet1\.xml .*{expected}", out.stdout)


@settings(max_examples=fuzz_examples(300), deadline=None)
@given(
    k=st.one_of(st.integers(0, 2_000_000), st.sampled_from([0, 9, 99, 4095, 999_999])),
    n=st.integers(0, 3_000_000),
    column=st.sampled_from(["A", "CO", "ZZ", "AAA"]),
    zeros=st.sampled_from(["", "0", "000"]),
)
def test_far_or_wide_cell_pattern(k: int, n: int, column: str, zeros: str) -> None:
    found = xlsxguard._far_or_wide_cell(k).search(f'<c r="{column}{zeros}{n}" t="s">'.encode())
    assert (found is not None) == (n > k or len(column) > 2)


def test_row_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(xlsxguard, "MAX_ROWS", 50)
    path = openpyxl_xlsx(
        tmp_path / "rows.xlsx", {"vInfo": [["VM"], *[[f"vm{i}"] for i in range(60)]]}
    )
    with pytest.raises(ImportFormatError, match="more than 50 rows"):
        read_tables(path)


def test_huge_xlsx_cell_named(tmp_path: Path) -> None:
    path = raw_xlsx(
        tmp_path / "cell.xlsx",
        '<row r="1"><c r="A1" t="inlineStr"><is><t>VM</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>Annotation</t></is></c></row>'
        '<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c>'
        f'<c r="B2" t="inlineStr"><is><t>{"y" * 10_000_000}</t></is></c></row>',
    )
    with pytest.raises(ImportFormatError) as err:
        read_tables(path)
    assert "cell.xlsx, sheet vInfo, row 2, column 'Annotation'" in str(err.value)


def test_only_chosen_sheets_are_scanned_in_full(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(xlsxguard, "MAX_ROWS", 50)
    path = openpyxl_xlsx(
        tmp_path / "tabs.xlsx",
        {"vInfo": [["VM"], ["a"]], "vFileInfo": [["File"], *[[f"f{i}"] for i in range(80)]]},
    )
    (table,) = read_tables(path, sheets=["vInfo"])
    assert table.rows == [["a"]]
    with pytest.raises(ImportFormatError, match="more than 50 rows"):
        read_tables(path)


def test_csv_head_reads_the_first_rows_and_estimates_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "servers.csv"
    lines = ["Server;CPUs;Memory (MB)"] + [
        f"srv{i:05d};{i % 8 + 1};{1024 * (i % 4 + 1)}" for i in range(5000)
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    (head,) = read_tables(path, head=22)
    assert head.headers == ["Server", "CPUs", "Memory (MB)"]
    assert [r[0] for r in head.rows] == [f"srv{i:05d}" for i in range(21)]
    assert not head.complete and abs(head.row_count - 5000) <= 250
    (full,) = read_tables(path)
    assert full.complete and full.row_count == 5000 and full.rows[:21] == head.rows
