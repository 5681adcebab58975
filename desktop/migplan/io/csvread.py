"""Reading CSV/TSV text exports the way they come out of Excel, PowerShell and vendor tools.

Encodings: UTF-8 (with or without BOM), UTF-16 with a BOM (what "Unicode text" saves), and
cp1252 as the fallback for files from Western-European Windows. Delimiters ``,`` ``;`` and tab
are sniffed from the header line; ``;`` implies a decimal comma (European Excel). A PowerShell
``#TYPE ...`` first line is skipped, quoted cells may span lines.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass
from pathlib import Path

from migplan.io.errors import ImportFormatError

#: CSV files larger than this are refused before being read.
MAX_CSV_BYTES = 2 * 1024**3
MAX_CSV_ROWS = 5_000_000


@dataclass(frozen=True)
class CsvText:
    text: str
    encoding: str
    delimiter: str
    #: 1-based line number of the first line kept (2 when a ``#TYPE`` line was skipped).
    first_line: int


def decode(path: Path, raw: bytes) -> tuple[str, str]:
    """The text of ``raw`` and the encoding used."""
    if raw.startswith(codecs.BOM_UTF8):
        return _strict(path, raw[3:], "utf-8"), "utf-8-sig"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(path, raw, "utf-16"), "utf-16"
    if b"\x00" in raw[:4096]:
        # UTF-16 without a BOM: every other byte of ASCII text is zero.
        even_zeros = raw[:4096:2].count(0)
        odd_zeros = raw[1:4096:2].count(0)
        if odd_zeros > even_zeros:
            return _strict(path, raw, "utf-16-le"), "utf-16-le"
        if even_zeros > odd_zeros:
            return _strict(path, raw, "utf-16-be"), "utf-16-be"
        raise ImportFormatError(path, "not a text file (it contains binary data)")
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace"), "cp1252"


def _strict(path: Path, raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            path, f"the text is not valid {encoding} at byte {exc.start}"
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """The delimiter of a header line: the most frequent of tab, ``;`` and ``,`` outside quotes."""
    counts = {"\t": 0, ";": 0, ",": 0}
    quoted = False
    for ch in header_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def load_text(path: Path) -> CsvText:
    """Read, decode and sniff a CSV file."""
    size = path.stat().st_size
    if size > MAX_CSV_BYTES:
        raise ImportFormatError(
            path,
            f"the file is {size / 1024**3:.1f} GiB; the bound is {MAX_CSV_BYTES // 1024**3} GiB",
        )
    raw = path.read_bytes()
    text, encoding = decode(path, raw)
    first_line = 1
    if text[:5].upper() == "#TYPE":
        cut = text.find("\n")
        text = text[cut + 1 :] if cut >= 0 else ""
        first_line = 2
    newline = text.find("\n")
    header = text[: newline if newline >= 0 else len(text)]
    delimiter = "\t" if path.suffix.lower() == ".tsv" else sniff_delimiter(header)
    return CsvText(text, encoding, delimiter, first_line)


def parse_rows(path: Path, data: CsvText) -> list[list[str]]:
    """All records of the text, quoted multi-line cells joined; ragged rows kept ragged."""
    return _parse(path, data, None)[0]


def parse_head(path: Path, data: CsvText, limit: int) -> tuple[list[list[str]], float]:
    """The first ``limit`` records, and the share of the text they take (for estimates)."""
    rows, used = _parse(path, data, limit)
    return rows, used / max(1, len(data.text))


def _parse(path: Path, data: CsvText, limit: int | None) -> tuple[list[list[str]], int]:
    # The cell-length bound is applied afterwards, with the cell named (tables.check_cells).
    if csv.field_size_limit() < MAX_CSV_BYTES:
        csv.field_size_limit(MAX_CSV_BYTES)
    stream = io.StringIO(data.text, newline="")
    reader = csv.reader(
        stream,
        delimiter=data.delimiter,
        skipinitialspace=True,
        strict=False,
    )
    rows: list[list[str]] = []
    try:
        for record in reader:
            rows.append(record)
            if limit is not None and len(rows) >= limit:
                return rows, stream.tell()
            if len(rows) > MAX_CSV_ROWS:
                raise ImportFormatError(path, f"more than {MAX_CSV_ROWS:,} rows (the bound)")
    except csv.Error as exc:
        raise ImportFormatError(
            path, f"not readable as CSV ({exc})", row=reader.line_num + data.first_line - 1
        ) from None
    return rows, len(data.text)
