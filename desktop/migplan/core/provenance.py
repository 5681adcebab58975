"""Where each value of a workload came from: a file (file, sheet, row, column) or a person.

A person's edit marks the field ``curated`` (``UpdateEntities``); an import records on each
``SourceRef`` the fields its row gave and the columns they came from. The newest source that
gave a field is where its value came from: sources are kept in the order they were merged.
"""

from __future__ import annotations

from dataclasses import dataclass

from migplan.core.models import FILE_FIELDS, SourceRef, Workload


@dataclass(frozen=True)
class FieldOrigin:
    field: str
    #: True when a person set the value (it is ``curated``).
    by_person: bool = False
    #: The row that gave the value, when it came from a file.
    source: SourceRef | None = None
    #: The column of that row ("" when not recorded).
    column: str = ""

    def describe(self) -> str:
        """ "set by a person", "export.xlsx, sheet vInfo, row 12, column 'Owner'", or "not
        from any file" for a value no file gave."""
        if self.by_person:
            return "set by a person"
        if self.source is None:
            return "not from any file"
        where = self.source.describe()
        return f"{where}, {column_phrase(self.column)}" if self.column else where


def column_phrase(column: str) -> str:
    """ "column 'CPUs'", or a derivation as it reads ("the sum of the VM's disks in vDisk
    'Capacity MiB' ...": a value computed from other sheets records how, not one column)."""
    if column.startswith(("the ", "vInfo's ")):
        return column
    return f"column {column!r}"


def field_origin(wl: Workload, name: str) -> FieldOrigin:
    if name in wl.curated:
        return FieldOrigin(name, by_person=True)
    for source in reversed(wl.sources):
        column = source.column_of(name)
        if column is not None:
            return FieldOrigin(name, source=source, column=column)
    return FieldOrigin(name)


def origins(wl: Workload) -> list[FieldOrigin]:
    """The origin of every field a file can fill, in the model's order (``host_id`` is the
    link the import makes from ``host``, whose origin is the one to show)."""
    return [field_origin(wl, name) for name in FILE_FIELDS if name not in _NOT_SHOWN]


_NOT_SHOWN = frozenset({"attributes", "host_id"})
