"""The import report: what was read, imported, merged and skipped, and every value that was
skipped or corrected with its file, sheet, row and column. JSON-serialisable for
``--report-json`` and for the GUI's report page; ``summary_lines`` is what the CLI prints."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from migplan.core.errors import field_label

IssueAction = Literal["skipped", "corrected", "warning"]
_ROW_RE = re.compile(r"\brows? \d[\d,]*")


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

    def describe(self) -> str:
        """In plain words: which column, the unit it was read in and why."""
        from migplan.io.values import size_unit

        where = ", ".join(p for p in (self.file, f"sheet {self.sheet}" if self.sheet else "") if p)
        target = field_label(self.field)
        head = f"{where}, column {self.column!r} -> {target}"
        unit = self.unit
        if size_unit(self.column) is None:
            return f"{head}: the header names no unit, read as {unit}"
        if unit.casefold() in ("kb", "mb", "gb", "tb"):
            binary = unit[0].upper() + "iB"
            return (
                f"{head}: headed {unit}, read as {binary} (exports such as RVTools report "
                f"mebibytes in columns headed MB)"
            )
        return f"{head}: read as {unit}"


@dataclass(frozen=True)
class FieldChange:
    """A field a re-import changed on an existing workload."""

    workload_id: str
    name: str
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class Conflict:
    """A value a person set that a file now gives differently."""

    workload_id: str
    name: str
    field: str
    #: The person's value (kept unless ``taken``).
    kept: Any
    #: The file's value.
    offered: Any
    #: The row that offers it.
    source: str
    #: True when the file's value was taken (accepted by the user).
    taken: bool = False


@dataclass
class ImportReport:
    files: list[str] = field(default_factory=list)
    #: Human-readable notes, e.g. the RVTools version and vCenter of each file.
    notes: list[str] = field(default_factory=list)
    #: Inventory rows read; rows_read == len(added) + merged + skipped once the import is
    #: planned into a document (``merge.plan_import``).
    rows_read: int = 0
    #: Rows that became workloads (before they are added to or merged into the plan).
    imported: int = 0
    #: Rows merged into a workload already there (same source again, or another source).
    merged: int = 0
    #: Of ``merged``: rows matched to a workload of another source (``reconcile``).
    merged_across: int = 0
    skipped: int = 0
    #: Counts of things created by kind (workloads, applications, dependencies, externals).
    created: Counter[str] = field(default_factory=Counter)
    added: list[str] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    #: Values a person set that the files give differently.
    conflicts: list[Conflict] = field(default_factory=list)
    #: Values two sources give differently (the one already in the plan stays).
    disagreements: list[FieldChange] = field(default_factory=list)
    #: Workloads matched (or possibly matching) a workload of another source.
    matches: list[Any] = field(default_factory=list)
    #: Names of workloads by id, for the lists of the report.
    names: dict[str, str] = field(default_factory=dict)
    #: The report of the dependency exports of the same import, if any.
    dependencies: ImportReport | None = None
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
        self.merged_across += other.merged_across
        self.skipped += other.skipped
        self.created.update(other.created)
        self.added += other.added
        self.changed += other.changed
        self.missing += other.missing
        self.conflicts += other.conflicts
        self.disagreements += other.disagreements
        self.matches += other.matches
        self.names.update(other.names)
        self.issues += other.issues
        for conv in other.conversions:
            self.convert(conv)
        for where, cols in other.attribute_columns.items():
            self.keep_attributes(where, cols)
        self.mappings.update(other.mappings)
        return self

    # -- output -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        deps = self.dependencies
        self.dependencies = None
        try:
            data = asdict(self)
        finally:
            self.dependencies = deps
        data["created"] = dict(sorted(self.created.items()))
        data["changed"] = [
            {**asdict(c), "old": _jsonable(c.old), "new": _jsonable(c.new)} for c in self.changed
        ]
        data["disagreements"] = [
            {**asdict(c), "old": _jsonable(c.old), "new": _jsonable(c.new)}
            for c in self.disagreements
        ]
        data["conflicts"] = [
            {**asdict(c), "kept": _jsonable(c.kept), "offered": _jsonable(c.offered)}
            for c in self.conflicts
        ]
        data["matches"] = [asdict(m) for m in self.matches]
        data["skipped_by_reason"] = self.skipped_by_reason()
        data["dependencies"] = deps.to_dict() if deps is not None else None
        return data

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False, default=str)

    def skipped_by_reason(self) -> dict[str, int]:
        """Rows skipped per reason (row numbers inside a reason are generalised)."""
        counts: Counter[str] = Counter()
        for issue in self.issues:
            if issue.action == "skipped":
                counts[_ROW_RE.sub("row N", issue.reason)] += 1
        return dict(counts.most_common())

    def _name(self, wid: str) -> str:
        return self.names.get(wid, wid)

    def _names(self, ids: list[str], limit: int) -> str:
        shown = ", ".join(self._name(i) for i in ids[:limit])
        return shown + (f" and {len(ids) - limit:,} more" if len(ids) > limit else "")

    def summary_lines(self, max_issues: int = 20) -> list[str]:
        """What the CLI prints and the wizard shows: the counts (which add up), the names
        that matter, then every issue."""
        lines: list[str] = []
        if self.rows_read or self.files or not self.dependencies:
            lines += self._head_lines(max_issues)
            lines += self._issue_lines(max_issues)
        if self.dependencies is not None:
            lines += self.dependencies.summary_lines(max_issues)
        return lines

    def _head_lines(self, limit: int) -> list[str]:
        added = len(self.added)
        lines = [
            f"Read {self.rows_read:,} row(s) from {len(self.files)} file(s): {added:,} added, "
            f"{self.merged:,} merged into workloads already there, {self.skipped:,} skipped."
        ]
        lines += [f"  {note}" for note in self.notes]
        if self.merged:
            same = self.merged - self.merged_across
            how = Counter(m.evidence.split(" ")[1] if m.evidence.startswith("same ") else "decided"
                          for m in self.matches if m.status == "matched")  # fmt: skip
            detail = ", ".join(f"{n:,} by {k.replace('name', 'name and IP')}"
                               for k, n in how.most_common())  # fmt: skip
            lines.append(
                f"  Merged: {same:,} from the same source again, {self.merged_across:,} matched "
                f"to a workload of another source" + (f" ({detail})" if detail else "") + "."
            )
        ambiguous = [m for m in self.matches if m.status == "ambiguous"]
        if ambiguous:
            lines.append(
                f"  Ambiguous: {len(ambiguous):,} workload(s) may be one already there, but "
                "nothing confirms it; imported as workloads of their own until you merge them:"
            )
            for m in ambiguous[:limit]:
                cands = ", ".join(self._name(c) for c in m.candidates[:3])
                lines.append(f"    {m.name} ({m.source}): {m.evidence}; could be {cands}")
        if self.conflicts:
            taken = sum(c.taken for c in self.conflicts)
            lines.append(
                f"  Conflicts: {len(self.conflicts):,} value(s) set by a person differ from the "
                f"file; {len(self.conflicts) - taken:,} kept, {taken:,} taken from the file:"
            )
            for c in self.conflicts[:limit]:
                verb = "took the file's" if c.taken else "kept"
                lines.append(
                    f"    {c.name} {field_label(c.field)}: person {_shown(c.kept)}, file "
                    f"{_shown(c.offered)} ({verb}; {c.source})"
                )
        if self.changed:
            per: dict[str, list[str]] = {}
            for change in self.changed:
                per.setdefault(change.workload_id, []).append(change.field.split(".")[0])
            lines.append(
                f"  Changed: {len(per):,} workload(s), {len(self.changed):,} value(s): "
                + "; ".join(
                    f"{self._name(w)} ({', '.join(field_label(f) for f in dict.fromkeys(fs))})"
                    for w, fs in list(per.items())[:limit]
                )
                + (f"; and {len(per) - limit:,} more" if len(per) > limit else "")
            )
        if self.added and (self.merged or len(self.added) <= limit):
            lines.append(f"  Added: {self._names(self.added, limit)}.")
        if self.missing:
            lines.append(
                f"  Missing from the new files (kept in the plan): {len(self.missing):,}: "
                f"{self._names(self.missing, limit)}."
            )
        if self.disagreements:
            lines.append(
                f"  Sources disagree on {len(self.disagreements):,} value(s); the value already "
                "in the plan stays: "
                + "; ".join(
                    f"{d.name} {field_label(d.field)} {_shown(d.old)} vs {_shown(d.new)}"
                    for d in self.disagreements[:limit]
                )
            )
        if self.skipped:
            reasons = self.skipped_by_reason()
            lines.append(
                "  Skipped: "
                + "; ".join(f"{n:,} x {r}" for r, n in list(reasons.items())[:limit])
                + "."
            )
        if self.created:
            made = ", ".join(f"{n:,} {k}" for k, n in sorted(self.created.items()))
            lines.append(f"  Created: {made}.")
        for conv in self.conversions:
            lines.append(f"  Unit: {conv.describe()}")
        kept = sum(len(c) for c in self.attribute_columns.values())
        if kept:
            lines.append(f"  {kept} column(s) kept as attributes.")
        return lines

    def _issue_lines(self, max_issues: int) -> list[str]:
        lines: list[str] = []
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


def _shown(value: object) -> str:
    if isinstance(value, tuple | list):
        value = ", ".join(map(str, value))
    return repr(_text(getattr(value, "value", value)))


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
