"""The import report: what was read, imported, merged and skipped, and every value that was
skipped or corrected with its file, sheet, row and column. JSON-serialisable for
``--report-json`` and for the GUI's report page; ``summary_lines`` is what the CLI prints."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

IssueAction = Literal["skipped", "corrected", "warning"]


@dataclass(frozen=True)
class Issue:
    """One skipped or corrected value (or row, when ``column`` is empty)."""

    action: IssueAction
    reason: str
    file: str
    sheet: str = ""
    row: int = 0
    column: str = ""
    value: str = ""

    def where(self, *, row: bool = True) -> str:
        """File, sheet, row (unless ``row`` is False) and column, as far as known."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row and row:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column!r}")
        return ", ".join(parts)

    def describe(self) -> str:
        shown = f" (value {self.value!r})" if self.value else ""
        return f"{self.where()}: {self.action}: {self.reason}{shown}"


@dataclass(frozen=True)
class UnitConversion:
    file: str
    sheet: str
    column: str
    unit: str
    field: str
    factor: float


@dataclass(frozen=True)
class FieldChange:
    """A field a re-import changed on an existing workload."""

    workload_id: str
    name: str
    field: str
    old: Any
    new: Any


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    #: Human-readable notes, e.g. the RVTools version and vCenter of each file.
    notes: list[str] = field(default_factory=list)
    rows_read: int = 0
    imported: int = 0
    merged: int = 0
    skipped: int = 0
    #: Counts of things created by kind (workloads, applications, dependencies, externals).
    created: Counter[str] = field(default_factory=Counter)
    added: list[str] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    conversions: list[UnitConversion] = field(default_factory=list)
    #: Columns kept verbatim as attributes, per ``file:sheet``.
    attribute_columns: dict[str, list[str]] = field(default_factory=dict)
    #: The column each field was read from, per ``file:sheet``.
    mappings: dict[str, dict[str, str]] = field(default_factory=dict)

    # -- recording ----------------------------------------------------------------------

    def skip(self, reason: str, file: str, sheet: str = "", row: int = 0, column: str = "",
             value: object = "") -> None:  # fmt: skip
        self.issues.append(Issue("skipped", reason, file, sheet, row, column, _text(value)))

    def correct(self, reason: str, file: str, sheet: str = "", row: int = 0, column: str = "",
                value: object = "") -> None:  # fmt: skip
        self.issues.append(Issue("corrected", reason, file, sheet, row, column, _text(value)))

    def warn(self, reason: str, file: str, sheet: str = "", row: int = 0, column: str = "",
             value: object = "") -> None:  # fmt: skip
        self.issues.append(Issue("warning", reason, file, sheet, row, column, _text(value)))

    def convert(self, conversion: UnitConversion) -> None:
        if conversion not in self.conversions:
            self.conversions.append(conversion)

    def keep_attributes(self, where: str, columns: list[str]) -> None:
        self.attribute_columns.setdefault(where, [])
        for column in columns:
            if column not in self.attribute_columns[where]:
                self.attribute_columns[where].append(column)

    def extend(self, other: ImportReport) -> ImportReport:
        """Fold ``other`` (another file's report) into this one."""
        self.files += [f for f in other.files if f not in self.files]
        self.notes += other.notes
        self.rows_read += other.rows_read
        self.imported += other.imported
        self.merged += other.merged
        self.skipped += other.skipped
        self.created.update(other.created)
        self.added += other.added
        self.changed += other.changed
        self.missing += other.missing
        self.issues += other.issues
        for conv in other.conversions:
            self.convert(conv)
        for where, cols in other.attribute_columns.items():
            self.keep_attributes(where, cols)
        self.mappings.update(other.mappings)
        return self

    # -- output -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["created"] = dict(sorted(self.created.items()))
        data["changed"] = [
            {**asdict(c), "old": _jsonable(c.old), "new": _jsonable(c.new)} for c in self.changed
        ]
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str)

    def summary_lines(self, max_issues: int = 20) -> list[str]:
        lines = [
            f"Read {self.rows_read:,} rows from {len(self.files)} file(s): "
            f"{self.imported:,} imported, {self.merged:,} merged, {self.skipped:,} skipped."
        ]
        lines += [f"  {note}" for note in self.notes]
        if self.created:
            made = ", ".join(f"{n:,} {k}" for k, n in sorted(self.created.items()))
            lines.append(f"  Created: {made}.")
        if self.added or self.changed or self.missing:
            changed_wl = len({c.workload_id for c in self.changed})
            lines.append(
                f"  Plan: {len(self.added):,} added, {changed_wl:,} changed "
                f"({len(self.changed):,} fields), {len(self.missing):,} missing from the new files "
                "(kept)."
            )
        for conv in self.conversions:
            where = " ".join(p for p in (conv.file, conv.sheet) if p)
            lines.append(
                f"  Unit: {where} {conv.column!r} read as {conv.unit} -> {conv.field}"
                + (f" (x{conv.factor:g})" if conv.factor != 1 else "")
            )
        kept = sum(len(c) for c in self.attribute_columns.values())
        if kept:
            lines.append(f"  {kept} column(s) kept as attributes.")
        if self.issues:
            counts = Counter(i.action for i in self.issues)
            lines.append(
                "  Issues: " + ", ".join(f"{n:,} {a}" for a, n in sorted(counts.items())) + "."
            )
            kinds = Counter((i.where(row=False), i.action, i.reason) for i in self.issues)
            if len(kinds) < len(self.issues):
                # Many alike (9,000 templates in one export): one line a kind first.
                for (where, action, reason), n in kinds.most_common(max_issues):
                    lines.append(f"    {n:,} x {where}: {action}: {reason}")
                if len(kinds) > max_issues:
                    lines.append(f"    ... and {len(kinds) - max_issues} more kinds")
                lines.append("  Each one:")
            for issue in self.issues[:max_issues]:
                lines.append(f"    {issue.describe()}")
            if len(self.issues) > max_issues:
                lines.append(
                    f"    ... and {len(self.issues) - max_issues:,} more (see the JSON report)"
                )
        return lines


def _text(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:197] + "..."


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
