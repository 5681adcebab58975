"""Edits made in an exported workbook, read back into the plan as one undoable change.

A project manager moves workloads between waves, chooses dispositions, renames and re-dates
waves in the workbook ``xlsx.write_xlsx`` wrote, and gives it back. Only the columns named in
``xlsx.EDITABLE`` are read as edits; every other column is computed, and a cell that differs
from what the export would write now is reported as ignored (with how many cells and where),
never taken. Rows are matched by the ``Workload ID`` / ``Wave ID`` column, so sorting and
filtering the sheets does not matter. Moves a locked wave or a pinned workload refuses are
left out, each with its reason; the rest still applies.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from migplan.core.assess.assessment import Assessment
from migplan.core.commands import Command, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import DISPOSITION_SHORT, DispositionKind
from migplan.core.errors import CommandError
from migplan.core.locks import Move, check_moves
from migplan.core.models import Disposition, Wave
from migplan.core.progress import NullProgress, Progress
from migplan.io.errors import ImportFormatError
from migplan.io.reports.data import WaveTables, wave_tables
from migplan.io.reports.xlsx import (
    CHOSEN,
    EDITABLE,
    SUGGESTED,
    wave_rows,
    workload_rows,
)
from migplan.io.tables import Table, read_tables

_T = TypeVar("_T")

_DISPOSITION_BY_TEXT = {
    **{short.casefold(): kind for kind, short in DISPOSITION_SHORT.items()},
    **{kind.value: kind for kind in DispositionKind},
    **{kind.label.casefold(): kind for kind in DispositionKind},
}


@dataclass
class WorkbookEdits:
    """What the workbook changes, in sentences, and the one command that makes the change
    (None when nothing changes)."""

    path: Path
    command: Command | None = None
    changes: list[str] = field(default_factory=list)
    #: Cells not taken, and why: computed columns edited, unknown rows, refused moves.
    notes: list[str] = field(default_factory=list)

    def describe(self) -> str:
        lines = [
            f"{self.path.name}: "
            + (f"{len(self.changes)} change(s)" if self.changes else "no changes to the plan")
        ]
        lines += [f"  {c}" for c in self.changes]
        if self.notes:
            lines.append("Not taken:")
            lines += [f"  {n}" for n in self.notes]
        return "\n".join(lines)


def read_workbook_edits(
    doc: PlanDocument, path: Path | str, progress: Progress | None = None
) -> WorkbookEdits:
    """The edits of ``path`` (a workbook MigPlan exported) against ``doc``; ``doc`` is not
    changed. Raises ``ImportFormatError`` naming the file, sheet, row and column."""
    path = Path(path)
    progress = progress or NullProgress()
    progress.step(0, 3, f"Reading {path.name}")
    tables = {t.sheet: t for t in read_tables(path, sheets=list(EDITABLE))}
    for sheet in EDITABLE:
        if sheet not in tables:
            raise ImportFormatError(
                path, f"no '{sheet}' sheet: not a workbook MigPlan exported (File > Export)"
            )
    progress.step(1, 3, "Comparing with the plan")
    # Only the Waves and Workloads sheets are compared: their rows, not the whole report.
    report = wave_tables(doc, Assessment(doc))
    edits = WorkbookEdits(path)
    updates: dict[str, dict[str, Any]] = {}
    renamed = _wave_edits(doc, tables["Waves"], report, edits, updates)
    _workload_edits(doc, tables["Workloads"], report, edits, updates, renamed)
    progress.step(2, 3, "Preparing the change")
    if updates:
        edits.command = UpdateEntities(tuple(updates.items()), label=f"Update from {path.name}")
    return edits


# -- reading ------------------------------------------------------------------------------


def _columns(table: Table, header: list[str]) -> dict[str, int]:
    found = {name: table.column(name) for name in header}
    missing = [name for name in (header[0],) if found[name] is None]
    if missing:
        raise ImportFormatError(
            table.path,
            f"no '{missing[0]}' column: rows cannot be matched to the plan",
            sheet=table.sheet,
        )
    return {name: idx for name, idx in found.items() if idx is not None}


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _same(written: object, read: object) -> bool:
    """Whether a cell still holds what the export wrote (numbers compared as numbers)."""
    a, b = _text(written), _text(read)
    if a == b:
        return True
    try:
        return abs(float(a) - float(b)) < 1e-6 * max(1.0, abs(float(a)))
    except ValueError:
        return False


def _date(table: Table, index: int, column: str, value: object) -> dt.date | None:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(_text(value))
    except ValueError:
        raise ImportFormatError(
            table.path,
            f"'{value}' is not a date (write it as 2027-03-01)",
            sheet=table.sheet,
            row=table.row_number(index),
            column=column,
        ) from None


def _count_computed_edits(
    header: list[str],
    written: list[Any],
    cols: dict[str, int],
    row: list[object],
    editable: tuple[str, ...],
    ignored: Counter[str],
) -> None:
    """Count the cells of ``row`` outside the editable columns that no longer hold what the
    export wrote (``written``)."""
    for name, idx in cols.items():
        if name not in editable and not _same(written[header.index(name)], Table.cell(row, idx)):
            ignored[name] += 1


def _ignored(edits: WorkbookEdits, sheet: str, counts: Counter[str]) -> None:
    for column, n in sorted(counts.items()):
        edits.notes.append(
            f"{sheet}: {n} edited cell{'s' if n > 1 else ''} in '{column}' ignored: the column "
            "is computed from the plan"
        )


def _matched_rows(
    sheet: str,
    table: Table,
    written: tuple[list[str], list[list[Any]]],
    entities: Mapping[Any, _T],
    edits: WorkbookEdits,
    missing: Callable[[str, str], str],
) -> Iterator[tuple[int, list[object], _T, list[Any], dict[str, int]]]:
    """Each row of ``table`` whose ID (the first column the export wrote) names one of
    ``entities``: its index, cells, entity, what the export wrote for it and the columns
    found. A row naming no entity is noted (``missing(where, id)``); edited computed cells
    are counted and noted once the rows are read."""
    header, rows = written
    before = {row[0]: row for row in rows}
    cols = _columns(table, header)
    ignored: Counter[str] = Counter()
    for i, row in enumerate(table.rows):
        eid = _text(Table.cell(row, cols[header[0]]))
        found = entities.get(eid)
        if found is None:
            if eid:
                edits.notes.append(missing(f"{sheet}, row {table.row_number(i)}", eid))
            continue
        _count_computed_edits(header, before[eid], cols, row, EDITABLE[sheet], ignored)
        yield i, row, found, before[eid], cols
    _ignored(edits, sheet, ignored)


def _wave_edits(
    doc: PlanDocument,
    table: Table,
    report: WaveTables,
    edits: WorkbookEdits,
    updates: dict[str, dict[str, Any]],
) -> dict[str, Wave]:
    """Renames and dates of waves; returns the waves by their name in the workbook (for the
    Workloads sheet, where a wave is named)."""
    by_name = {w.name.casefold(): w for w in doc.waves.values()}
    rows = _matched_rows(
        "Waves",
        table,
        wave_rows(report),
        doc.waves,
        edits,
        lambda where, wid: f"{where}: no wave {wid} in the plan",
    )
    for i, row, wave, _before, cols in rows:
        change: dict[str, Any] = {}
        new_name = _text(Table.cell(row, cols["Wave"])) if "Wave" in cols else wave.name
        if new_name and new_name != wave.name:
            change["name"] = new_name
            edits.changes.append(f"Wave {wave.order} '{wave.name}' renamed '{new_name}'")
            by_name[new_name.casefold()] = wave
        for column, attr in (("Start", "start_date"), ("End", "end_date")):
            if column in cols:
                value = _date(table, i, column, Table.cell(row, cols[column]))
                if value != getattr(wave, attr):
                    change[attr] = value
                    edits.changes.append(
                        f"Wave {wave.order} '{wave.name}': {column.lower()} "
                        f"{getattr(wave, attr) or 'not set'} → {value or 'not set'}"
                    )
        if change:
            updates[wave.id] = change
    return by_name


def _workload_edits(
    doc: PlanDocument,
    table: Table,
    report: WaveTables,
    edits: WorkbookEdits,
    updates: dict[str, dict[str, Any]],
    waves_by_name: dict[str, Wave],
) -> None:
    header, _ = written = workload_rows(doc, report)
    by_order = {w.order: w for w in doc.waves.values()}
    rows = _matched_rows(
        "Workloads",
        table,
        written,
        doc.workloads,
        edits,
        lambda where, wid: f"{where}: no workload {wid} in the plan; left out",
    )
    for i, row, wl, before, cols in rows:
        where = f"Workloads, row {table.row_number(i)}"
        change: dict[str, Any] = {}
        # The wave: by name where the name was edited, else by order number.
        target = wl.wave_id
        name_cell = _text(Table.cell(row, cols["Wave"])) if "Wave" in cols else None
        order_cell = _text(Table.cell(row, cols["Wave order"])) if "Wave order" in cols else None
        name_before, order_before = (
            _text(before[header.index("Wave")]),
            _text(before[header.index("Wave order")]),
        )
        if name_cell is not None and name_cell != name_before:
            if not name_cell:
                target = None
            elif name_cell.casefold() in waves_by_name:
                target = waves_by_name[name_cell.casefold()].id
            else:
                edits.notes.append(
                    f"{where}, column 'Wave': no wave named '{name_cell}'; {wl.name} stays"
                )
        elif order_cell is not None and order_cell != order_before:
            try:
                found = by_order.get(int(float(order_cell))) if order_cell else None
            except ValueError:
                found = None
            if not order_cell:
                target = None
            elif found is not None:
                target = found.id
            else:
                edits.notes.append(
                    f"{where}, column 'Wave order': no wave number {order_cell}; {wl.name} stays"
                )
        if target != wl.wave_id:
            try:
                check_moves(doc, [Move(wl, target)])
            except CommandError as exc:
                edits.notes.append(f"{where}: {exc}")
            else:
                change["wave_id"] = target
                edits.changes.append(
                    f"{wl.name}: {_wave_label(doc, wl.wave_id)} → {_wave_label(doc, target)}"
                )
        # The disposition: a new value, or the same one now marked chosen, is a choice;
        # "suggested" drops a choice.
        if "Disposition" in cols:
            text = _text(Table.cell(row, cols["Disposition"]))
            status = (
                _text(Table.cell(row, cols["Disposition is"])).casefold()
                if ("Disposition is" in cols)
                else ""
            )
            text_before = _text(before[header.index("Disposition")])
            status_before = _text(before[header.index("Disposition is")])
            if text != text_before or status != status_before:
                kind = _DISPOSITION_BY_TEXT.get(text.casefold()) if text else None
                if text and kind is None:
                    edits.notes.append(
                        f"{where}, column 'Disposition': '{text}' is not one of "
                        f"{', '.join(DISPOSITION_SHORT.values())}; {wl.name} keeps its own"
                    )
                elif not text or (text == text_before and status == SUGGESTED):
                    if wl.disposition is not None:
                        change["disposition"] = None
                        edits.changes.append(f"{wl.name}: choice of disposition dropped")
                elif kind is not None:
                    chosen = Disposition(kind=kind, reason="set in the workbook", by_user=True)
                    if (
                        wl.disposition is None
                        or wl.disposition.kind != kind
                        or not (wl.disposition.by_user)
                    ):
                        change["disposition"] = chosen
                        edits.changes.append(f"{wl.name}: disposition {kind.short} ({CHOSEN})")
        if change:
            updates[wl.id] = change


def _wave_label(doc: PlanDocument, wave_id: Any) -> str:
    wave = doc.waves.get(wave_id) if wave_id else None
    return f"{wave.order}. {wave.name}" if wave else "no wave"
