"""Workbooks that declare more than they hold (issue 10): LibreOffice saves empty rows down
to row 1,048,576, a dimension to match and styled cells without a value. The guard bounds
the cells that hold a value, and the readers allocate nothing for the rest."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from migplan.io import tables
from migplan.io.errors import ImportFormatError
from migplan.io.tables import read_tables

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006"
_CT = (
    f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{_PKG}/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_R_NS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{_NS}" xmlns:r="{_R_NS}">'
    '<sheets><sheet name="vInfo" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}/relationships">'
    f'<Relationship Id="rId1" Type="{_R_NS}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_R_NS}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{_NS}">'
    '<fonts count="1"><font/></fonts><fills count="1"><fill/></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf/><xf numFmtId="0"/></cellXfs></styleSheet>'
)
HEADERS = ["VM", "CPUs", "Memory", "Provisioned MiB", "Annotation"]
LAST = 1_048_576


def value_rows(n: int) -> str:
    """A header and ``n`` machines, values in columns A-E and AB (two letters)."""
    head = "".join(
        f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{h}</t></is></c>'
        for i, h in enumerate(HEADERS)
    )
    body = "".join(
        f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>vm{r:04}</t></is></c>'
        f'<c r="B{r}"><v>2</v></c><c r="C{r}" s="1"><v>4096</v></c>'
        f'<c r="D{r}"><f>C{r}*2</f><v>8192</v></c><c r="E{r}" s="1"/></row>'
        for r in range(2, n + 2)
    )
    return f'<row r="1">{head}<c r="AB1" t="inlineStr"><is><t>Folder</t></is></c></row>{body}'


def libreoffice_tail(first: int, step: int = 1) -> str:
    """What LibreOffice writes below the data: formatted rows without a value down to the
    last row, some with styled cells (two-letter columns too), and a styled last cell."""
    rows = "".join(
        f'<row r="{r}" s="1" customFormat="true" ht="12.8" hidden="false"/>'
        if r % 3
        else f'<row r="{r}" customFormat="false"><c r="A{r}" s="1"/><c r="ZZ{r}" s="1"></c></row>'
        for r in range(first, LAST, step)
    )
    return f'{rows}<row r="{LAST}"><c r="AMJ{LAST}" s="1"/><c r="XFD{LAST}" s="1"/></row>'


def workbook(path: Path, sheet_data: str, dimension: str = f"A1:XFD{LAST}") -> Path:
    body = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">'
        f'<dimension ref="{dimension}"/><sheetData>{sheet_data}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", _CT)
        zf.writestr("_rels/.rels", _RELS)
        zf.writestr("xl/workbook.xml", _WB)
        zf.writestr("xl/_rels/workbook.xml.rels", _WB_RELS)
        zf.writestr("xl/styles.xml", _STYLES)
        zf.writestr("xl/worksheets/sheet1.xml", body)
    return path


def test_declared_rows_and_styled_far_cells_import(tmp_path: Path) -> None:
    path = workbook(tmp_path / "lo.xlsx", value_rows(200) + libreoffice_tail(202, step=997))
    (table,) = read_tables(path)
    assert table.headers == [*HEADERS, *[""] * 22, "Folder"]
    assert len(table.rows) == 200
    assert table.rows[0][:4] == ["vm0002", 2, 4096, 8192]
    assert table.rows[-1][0] == "vm0201"


@pytest.mark.parametrize(
    ("cell", "why"),
    [
        (f'<c r="XFD{LAST}"><v>1</v></c>', "uses columns past ZZ"),
        # An empty inline string is a value to a parser (it allocates the box for it).
        (f'<c r="ZZ{LAST}" t="inlineStr"><is><t></t></is></c>', "spans 1,048,576 rows by up"),
        (f'<c r="ZZ{LAST}" s="1"><f>A1</f><v>0</v></c>', "spans 1,048,576 rows by up"),
        (f'<c r="B{LAST + 1}"><v>1</v></c>', "more than 1,048,576 rows"),
    ],
)
def test_far_cells_with_a_value_are_still_refused(tmp_path: Path, cell: str, why: str) -> None:
    path = workbook(tmp_path / "far.xlsx", value_rows(20) + f'<row r="22">{cell}</row>')
    with pytest.raises(ImportFormatError, match=rf"far\.xlsx: .*{why}.*refused before reading"):
        read_tables(path)


def test_far_cells_without_a_value_are_not_counted(tmp_path: Path) -> None:
    """Styled, formula-only and empty-element cells far away hold nothing a parser keeps."""
    cells = (
        f'<c r="ZZ{LAST}" s="1"/><c r="ZZ{LAST - 1}" s="2"></c>'
        f'<c r="ZY{LAST - 2}" t="s" s="1"/><c r="XFD{LAST}"><f>A1</f></c>'
    )
    path = workbook(tmp_path / "styled.xlsx", value_rows(20) + f'<row r="22">{cells}</row>')
    (table,) = read_tables(path)
    assert len(table.rows) == 20


def test_a_value_without_a_reference_is_placed_by_its_row(tmp_path: Path) -> None:
    """A cell may leave out its reference; it then sits in its row, which is what counts."""
    path = workbook(
        tmp_path / "norefs.xlsx",
        value_rows(20) + f'<row r="{LAST}"><c r="ZZ{LAST}" s="1"/><c><v>1</v></c></row>',
    )
    with pytest.raises(ImportFormatError, match="spans 1,048,576 rows by up to 702"):
        read_tables(path)


_READ_LIMITED = """
import resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))  # 1M x 702 cells would not fit
from migplan.io import xlsxsplit
from migplan.io.tables import read_tables
if sys.argv[2] == "split":
    xlsxsplit.SPLIT_MIN_BYTES, xlsxsplit.CHUNK_BYTES = 0, 4 << 20
else:
    xlsxsplit.SPLIT_MIN_BYTES = 1 << 40
(table,) = read_tables(sys.argv[1])
print(len(table.rows), table.rows[-1][0])
"""


@pytest.mark.parametrize("mode", ["whole", "split"])
def test_every_row_declared_reads_in_bounded_memory(tmp_path: Path, mode: str) -> None:
    """Every row down to 1,048,576 written, as LibreOffice does: both readers (the whole
    sheet, and the sheet cut in chunks) read 200 machines under a 1 GiB address space."""
    path = workbook(tmp_path / "every.xlsx", value_rows(200) + libreoffice_tail(202))
    env = {**os.environ, "PYTHONPATH": str(Path(tables.__file__).parents[2])}
    out = subprocess.run(
        [sys.executable, "-c", _READ_LIMITED, str(path), mode],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.split() == ["200", "vm0201"]


_REFUSED_SPLIT = """
import sys
from migplan.io import xlsxsplit
from migplan.io.errors import ImportFormatError
from migplan.io.tables import read_tables
xlsxsplit.SPLIT_MIN_BYTES, xlsxsplit.CHUNK_BYTES = 0, 1 << 20
try:
    read_tables(sys.argv[1])
except ImportFormatError as exc:
    print(exc)
"""


def test_a_far_value_found_while_cutting_refuses_cleanly(tmp_path: Path) -> None:
    """The value that breaks the bound comes after chunks were written: the refusal names the
    part, and the chunk left half written is closed (no complaint when the process ends)."""
    path = workbook(
        tmp_path / "late.xlsx",
        value_rows(200)
        + libreoffice_tail(202, step=3).rsplit('<row r="1048576">', 1)[0]
        + f'<row r="{LAST}"><c r="ZZ{LAST}"><v>1</v></c></row>',
    )
    env = {**os.environ, "PYTHONPATH": str(Path(tables.__file__).parents[2])}
    out = subprocess.run(
        [sys.executable, "-c", _REFUSED_SPLIT, str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "spans 1,048,576 rows by up to 702 columns" in out.stdout
    assert out.stderr == ""
