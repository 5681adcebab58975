"""The fast row conversion (``RowConverter.convert``) gives exactly what the cell-by-cell
reference (``convert_cellwise``) gives: the same field values, attributes, reported issues and
errors, for rows of every cell type real exports hold."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.io.errors import ImportFormatError
from migplan.io.importers.mapping import auto_match
from migplan.io.importers.report import ImportReport
from migplan.io.importers.rows import RowConverter, RowRecord
from migplan.io.tables import MAX_CELL_CHARS, Table

#: RVTools-like headers: single and fallback text columns, numbers with units, power, a
#: yes/no column, one IP column, custom attributes, and a repeated header.
HEADERS = [
    "VM", "Powerstate", "Template", "CPUs", "Memory", "Provisioned MiB", "In Use MiB",
    "Primary IP Address", "OS according to the configuration file",
    "OS according to the VMware Tools", "VM UUID", "VM ID", "Annotation", "Cluster",
    "VI SDK Server", "Application", "Owner", "Owner", "",
]  # fmt: skip

_TEXT = st.sampled_from(["web01", " db02 ", "x", "   ", "\t", "Ünïcode ź", "a\nb", "0"])
_NUMBER = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(2**60), 2**60),
    st.sampled_from(["16,384", "1.5", "Not applicable", "-3", "n/a", "12 GB"]),
)
_POWER = st.sampled_from(["poweredOn", "poweredOff", "suspended", "weird", "", " on ", "N/A"])
_BOOL = st.sampled_from(["True", "FALSE", "yes", "maybe", "", "n/a", "1"])
_IP_TEXTS = ["10.0.0.1", "0.0.0.0", "169.254.1.1", "10.0.0.1, 10.0.0.2", "fe80::1", "::1",
             "junk", "10.0.0.1\n", " 10.0.0.3", "2001:db8::1", "300.1.1.1", "10.0.0.1/32"]  # fmt: skip
_IPS = st.sampled_from(_IP_TEXTS)
_ANY = st.one_of(
    st.just(""),
    st.none(),
    _TEXT,
    _NUMBER,
    st.booleans(),
    st.dates(),
    st.datetimes(),
    st.times(),
    st.just(dt.timedelta(hours=1)),
)
_CELL_FOR = {
    "Powerstate": st.one_of(_POWER, _ANY),
    "Template": st.one_of(_BOOL, _ANY),
    "CPUs": _NUMBER,
    "Memory": _NUMBER,
    "Provisioned MiB": _NUMBER,
    "In Use MiB": _NUMBER,
    "Primary IP Address": st.one_of(_IPS, _ANY),
}


def _converter(headers: list[str]) -> tuple[RowConverter, ImportReport]:
    table = Table(Path("inv.xlsx"), "vInfo", headers, [])
    report = ImportReport()
    return RowConverter(table, auto_match(headers), report), report


def _outcome(fn, row: list[object]) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    try:
        rec: RowRecord = fn(row, 7)
    except ImportFormatError as exc:
        return ("error", str(exc))
    supplied = {k: v for k, v in rec.supplied_by.items() if k in rec.values}
    return (rec.values, rec.attributes, supplied)


@st.composite
def rows(draw: st.DrawFn) -> list[object]:
    row = [draw(_CELL_FOR.get(h, _ANY)) for h in HEADERS]
    extra = draw(st.lists(_ANY, max_size=2))  # cells right of the last header
    return row + extra


@settings(max_examples=fuzz_examples(400), deadline=None)
@given(row=rows())
def test_fast_conversion_equals_cellwise(row: list[object]) -> None:
    fast, fast_report = _converter(HEADERS)
    slow, slow_report = _converter(HEADERS)
    assert _outcome(fast.convert, row) == _outcome(slow.convert_cellwise, row)
    # (the same issues; within one row they may come in another column order)
    assert sorted(i.describe() for i in fast_report.issues) == sorted(
        i.describe() for i in slow_report.issues
    )


def test_memoised_cells_are_reported_on_every_row() -> None:
    """A yes/no text that cannot be read is reported for each row it is in, not only the
    first (the fast path remembers parsed texts, never the reports)."""
    conv, report = _converter(["VM", "Template"])
    for n in range(3):
        conv.convert([f"vm{n}", "maybe"], n + 2)
    where = [(i.row, i.column) for i in report.issues]
    assert where == [(2, "Template"), (3, "Template"), (4, "Template")]


def test_long_cell_in_a_fallback_column_is_refused() -> None:
    conv, _ = _converter(HEADERS)
    row: list[object] = ["vm"] + [""] * (len(HEADERS) - 1)
    row[HEADERS.index("OS according to the configuration file")] = "Linux"
    row[HEADERS.index("OS according to the VMware Tools")] = "x" * (MAX_CELL_CHARS + 1)
    for fn in (conv.convert, conv.convert_cellwise):
        outcome = _outcome(fn, row)
        assert outcome[0] == "error"
        assert "OS according to the VMware Tools" in str(outcome[1])
        assert "row 7" in str(outcome[1])


# -- one definition of a valid workload (issue 10, point 8) ------------------------------


def _base_values() -> dict[str, object]:
    from migplan.core.ids import workload_id

    return {"id": workload_id("vm1", "", "name", "vm1"), "name": "vm1", "vcpu": 2}


def test_fast_path_checks_exactly_the_models_bounds() -> None:
    """Every bound of ``Workload`` (read from the model here, not written down again): at
    the bound the fast path and the model both accept; past it the fast path hands the row
    to full validation and the model refuses it."""
    import annotated_types
    import pytest
    from pydantic import ValidationError

    from migplan.core.models import Workload
    from migplan.io.importers.build import _plainly_valid

    checked = 0
    for name, info in Workload.model_fields.items():
        for rule in info.metadata:
            if isinstance(rule, annotated_types.MaxLen) and info.annotation is str:
                ok, bad = "x" * rule.max_length, "x" * (rule.max_length + 1)
            elif isinstance(rule, annotated_types.Ge) and info.annotation is int:
                ok, bad = rule.ge, rule.ge - 1
            else:
                continue
            values = {**_base_values(), name: ok}
            assert _plainly_valid(values), name
            Workload.model_validate(values)
            values[name] = bad
            assert not _plainly_valid(values), name
            with pytest.raises(ValidationError):
                Workload.model_validate(values)
            checked += 1
    assert checked >= 14  # name, the texts, notes and the four sizes at least


def test_a_changed_model_rule_changes_the_fast_path() -> None:
    import pytest
    from pydantic import ValidationError

    from migplan.core.models import Workload
    from migplan.io.importers.build import _plainly_valid

    values = {**_base_values(), "storage_provisioned_mib": 1000, "storage_used_mib": 2000}
    assert _plainly_valid(values)  # within the slack the model allows
    Workload.model_validate(values)
    stricter = staticmethod(lambda prov, used: "no" if used > prov else "")
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(Workload, "storage_problem", stricter)
        assert not _plainly_valid(values)
        with pytest.raises(ValidationError):
            Workload.model_validate(values)
    finally:
        mp.undo()
