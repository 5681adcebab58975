"""Broken files never escape as anything but ``ImportFormatError`` (no traceback for users)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.io.errors import ImportFormatError
from migplan.io.importers.inventory import import_inventory

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "imports"
_GOOD = (FIXTURES / "rvtools_trimmed.xlsx").read_bytes()
_CSV = (FIXTURES / "azure_import.csv").read_bytes()


def _import(path: Path) -> None:
    try:
        import_inventory([path])
    except ImportFormatError as exc:
        assert path.name in str(exc)


@settings(
    max_examples=fuzz_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(flips=st.lists(st.tuples(st.integers(0, len(_GOOD) - 1), st.integers(0, 255)), max_size=8))
def test_damaged_workbook(tmp_path: Path, flips: list[tuple[int, int]]) -> None:
    data = bytearray(_GOOD)
    for at, byte in flips:
        data[at] = byte
    path = tmp_path / "damaged.xlsx"
    path.write_bytes(bytes(data))
    _import(path)


@pytest.mark.parametrize("byte", [1, 32])
def test_damaged_zip_flags_are_reported_not_fatal(tmp_path: Path, byte: int) -> None:
    """A flipped flag byte in a member header makes zipfile raise RuntimeError (encrypted)
    or NotImplementedError (patched data): found by the fuzz test above."""
    data = bytearray(_GOOD)
    data[20222] = byte
    path = tmp_path / "flags.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFormatError, match=r"flags\.xlsx"):
        import_inventory([path])


@settings(
    max_examples=fuzz_examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(cut=st.integers(0, len(_CSV)), noise=st.binary(max_size=64))
def test_damaged_csv(tmp_path: Path, cut: int, noise: bytes) -> None:
    path = tmp_path / "damaged.csv"
    path.write_bytes(_CSV[:cut] + noise + _CSV[cut:])
    _import(path)


@pytest.mark.parametrize("big", ["1e308", "-5", "9" * 40])
def test_absurd_numbers_are_reported_not_fatal(tmp_path: Path, big: str) -> None:
    path = tmp_path / "n.csv"
    path.write_text(f"Name,Memory (GB),CPUs\nsrv,{big},{big}\n", encoding="utf-8")
    result = import_inventory([path])
    (wl,) = result.workloads
    assert wl.memory_mib == 0 and wl.vcpu == 0
    assert {i.column for i in result.report.issues} == {"Memory (GB)", "CPUs"}


def test_damaged_part_name_is_reported_not_fatal(tmp_path: Path) -> None:
    """Found by ``test_damaged_workbook``: a member name flagged UTF-8 that is not makes
    zipfile raise UnicodeDecodeError."""
    data = bytearray(_GOOD)
    data[202], data[225] = 8, 128
    path = tmp_path / "names.xlsx"
    path.write_bytes(bytes(data))
    with pytest.raises(ImportFormatError, match=r"names\.xlsx"):
        import_inventory([path])
