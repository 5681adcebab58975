"""The inventory table: a ``QAbstractTableModel`` over the session's workloads.

It holds no state of its own beyond the row order (workload ids); every value is read from
the document when Qt asks, and every edit goes through a core command so it can be undone.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from migplan.core.changes import ChangeSummary
from migplan.core.commands import UpdateEntities
from migplan.core.enums import EntityKind
from migplan.core.errors import CommandError
from migplan.core.ids import WorkloadId
from migplan.gui.analysis import AnalysisService
from migplan.gui.dnd import APPLICATIONS_MIME, WORKLOADS_MIME, ids_mime
from migplan.gui.session import DocumentSession
from migplan.gui.style import plain_tooltip
from migplan.gui.workload_columns import COLUMNS, Column

SORT_ROLE = Qt.ItemDataRole.UserRole + 1
ID_ROLE = Qt.ItemDataRole.UserRole + 2
#: The value behind an editable cell (enum or id), for the combo editor to preselect.
VALUE_ROLE = Qt.ItemDataRole.UserRole + 3
#: Every column's text of the row, lower-case: what the filter box matches.
SEARCH_ROLE = Qt.ItemDataRole.UserRole + 4

Index = QModelIndex | QPersistentModelIndex
__all__ = ["WORKLOADS_MIME", "WorkloadTableModel"]


class WorkloadTableModel(QAbstractTableModel):
    #: An edit was refused (a locked wave, a pinned workload, a bad value): the sentence why.
    refused = Signal(str)

    def __init__(self, session: DocumentSession, analysis: AnalysisService | None = None) -> None:
        super().__init__(session)
        self._session = session
        self._analysis = analysis
        self._ids: list[WorkloadId] = []
        self._row_of: dict[str, int] = {}
        self._sort_column = 0
        self._sort_order = Qt.SortOrder.AscendingOrder
        #: Lower-case text of every column per workload, for the filter box (built lazily).
        self._search: dict[str, str] = {}
        self.columns: tuple[Column, ...] = COLUMNS
        #: The last refused edit, shown by the view (tests read it too).
        self.last_error = ""
        session.reset.connect(self._rebuild)
        session.changed.connect(self._on_session_changed)
        if analysis is not None:
            # Fit, class and suggestion change with the workload's own row (already refreshed
            # from the change summary) or, after a structural edit, anywhere.
            analysis.rebuilt.connect(self._on_analysis_updated)
        self._rebuild()

    # -- structure ----------------------------------------------------------------------

    def _rebuild(self) -> None:
        self.beginResetModel()
        self._ids = self._sorted_ids(list(self._session.doc.workloads))
        self._row_of = {wid: row for row, wid in enumerate(self._ids)}
        self._search.clear()
        self.endResetModel()

    def _sorted_ids(self, ids: list[WorkloadId]) -> list[WorkloadId]:
        """``ids`` in the current sort order (name breaks ties, so the order is stable)."""
        doc = self._session.doc
        column = self.columns[self._sort_column]
        key_of = column.sort or column.display
        assessment = self._analysis.assessment if self._analysis else None
        if column.assess is not None and assessment is not None:
            assess_sort = column.assess[1]

            def key_of(_d: Any, w: Any) -> Any:
                return assess_sort(assessment, w)

        workloads = doc.workloads
        names = [(workloads[i].name.casefold(), i) for i in ids]
        names.sort()
        keyed = [i for _, i in names]
        if column.key != "name":
            keyed.sort(key=lambda i: _sortable(key_of(doc, workloads[i])))
        if self._sort_order == Qt.SortOrder.DescendingOrder:
            keyed.reverse()
        return keyed

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python over precomputed keys: 10k rows in milliseconds, where a proxy
        calling back into Python for every comparison took seconds."""
        if not 0 <= column < len(self.columns):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old_ids = self._ids
        self._ids = self._sorted_ids(old_ids)
        self._row_of = {wid: row for row, wid in enumerate(self._ids)}
        old_persistent = self.persistentIndexList()
        new_persistent = [
            self.index(self._row_of[old_ids[i.row()]], i.column())
            if 0 <= i.row() < len(old_ids)
            else QModelIndex()
            for i in old_persistent
        ]
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()

    def search_text(self, row: int) -> str:
        """Every column's text of ``row``, lower-case, for the filter box."""
        wid = self._ids[row]
        text = self._search.get(wid)
        if text is None:
            doc = self._session.doc
            wl = doc.workloads[wid]
            assessment = self._analysis.assessment if self._analysis else None
            parts = [
                str(c.assess[0](assessment, wl) if c.assess and assessment else c.display(doc, wl))
                for c in self.columns
            ]
            text = "\x1f".join(parts).casefold()
            self._search[wid] = text
        return text

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        if summary.structural(EntityKind.WORKLOAD):
            self._rebuild()
            return
        if summary.touches(EntityKind.APPLICATION) or summary.touches(EntityKind.WAVE):
            # Names shown in the Application and Wave columns may have changed.
            self._search.clear()
            self._emit_all()
            return
        updated = summary.updated.get(EntityKind.WORKLOAD, set())
        for wid in updated:
            self._search.pop(wid, None)
        rows = sorted(self._row_of[i] for i in updated if i in self._row_of)
        if rows:
            last = self.columnCount() - 1
            # One signal per contiguous run keeps a 10k-row bulk edit cheap.
            start = prev = rows[0]
            for row in [*rows[1:], None]:
                if row is not None and row == prev + 1:
                    prev = row
                    continue
                self.dataChanged.emit(self.index(start, 0), self.index(prev, last))
                if row is not None:
                    start = prev = row

    def _on_analysis_updated(self) -> None:
        for col, column in enumerate(self.columns):
            if (column.assess is not None or column.key == "disposition") and self._ids:
                self.dataChanged.emit(self.index(0, col), self.index(len(self._ids) - 1, col))
        self._search.clear()

    def _emit_all(self) -> None:
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, self.columnCount() - 1)
            )

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def workload_id(self, row: int) -> WorkloadId:
        return self._ids[row]

    def row_of(self, workload_id: str) -> int:
        return self._row_of.get(workload_id, -1)

    # -- data ---------------------------------------------------------------------------

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.columns):
            column = self.columns[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return column.title
            if role == Qt.ItemDataRole.ToolTipRole and column.key == "application":
                return "Drag an Application cell onto a wave to move the whole application"
            if role == Qt.ItemDataRole.ToolTipRole and column.editable:
                return f"{column.title} (double-click a cell to change it)"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._ids)):
            return None
        if role == SEARCH_ROLE:
            return self.search_text(index.row())
        doc = self._session.doc
        wl = doc.workloads.get(self._ids[index.row()])
        if wl is None:
            return None
        column = self.columns[index.column()]
        if column.assess is not None:
            return self._assess_data(column, wl, role)
        suggestion = self._suggestion(column, wl)
        if suggestion:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"suggested: {suggestion}"
            if role == Qt.ItemDataRole.ForegroundRole:
                return QColor("#7a7f8a")
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            value = column.display(doc, wl)
            return value if isinstance(value, int | float) else str(value)
        if role == SORT_ROLE:
            return (column.sort or column.display)(doc, wl)
        if role == ID_ROLE:
            return wl.id
        if role == VALUE_ROLE and column.editable:
            value = getattr(wl, column.field)
            if column.key == "disposition":
                return value.kind.value if value is not None else None
            return value
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return _tooltip(column.tooltip(doc, wl))
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align_right:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and wl.is_template:
            return QColor("#888888")
        if (
            role == Qt.ItemDataRole.FontRole
            and column.key == "disposition"
            and wl.disposition
            and wl.disposition.by_user
        ):
            font = QFont()
            font.setBold(True)
            return font
        return None

    def _suggestion(self, column: Column, wl: Any) -> str:
        """The planner's suggested disposition, shown (greyed) where the user chose none."""
        if column.key != "disposition" or wl.disposition is not None or self._analysis is None:
            return ""
        assessment = self._analysis.assessment
        fit = assessment.fits.get(wl.id) if assessment else None
        return fit.suggested.short if fit else ""

    def _assess_data(self, column: Column, wl: Any, role: int) -> Any:
        assessment = self._analysis.assessment if self._analysis else None
        if assessment is None or column.assess is None:
            return None
        display, sort, tooltip = column.assess
        if role == Qt.ItemDataRole.DisplayRole:
            return display(assessment, wl)
        if role == SORT_ROLE:
            return sort(assessment, wl)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(tooltip(assessment, wl))
        if role == ID_ROLE:
            return wl.id
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled
        )
        if self.columns[index.column()].editable:
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def mimeTypes(self) -> list[str]:
        return [WORKLOADS_MIME, APPLICATIONS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:  # type: ignore[override]
        """The workloads of the rows of ``indexes`` (``gui.dnd``)."""
        rows = sorted({i.row() for i in indexes if i.isValid()})
        return ids_mime(self._ids[r] for r in rows)

    def application_mime_data(self, indexes: list[QModelIndex]) -> QMimeData:
        """The applications of the rows of ``indexes``, whole: a drag started on the
        Application column carries them (and all their workloads)."""
        doc = self._session.doc
        rows = sorted({i.row() for i in indexes if i.isValid()})
        apps = list(
            dict.fromkeys(
                a for r in rows if (a := doc.workloads[self._ids[r]].application_id) is not None
            )
        )
        chosen = set(apps)
        members = [w.id for w in doc.workloads.values() if w.application_id in chosen]
        return ids_mime(members, apps)

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or not index.isValid():
            return False
        column = self.columns[index.column()]
        if not column.editable:
            return False
        return self.set_values([self._ids[index.row()]], column, value)

    def set_values(self, workload_ids: list[WorkloadId], column: Column, value: Any) -> bool:
        """Set one column's value on several workloads as a single undoable step."""
        field_value = column.to_field(value) if column.to_field else value
        doc = self._session.doc
        changes = [
            (wid, {column.field: field_value})
            for wid in workload_ids
            if getattr(doc.workloads[wid], column.field) != field_value
        ]
        if not changes:
            return False
        what = (
            f"{len(changes)} workloads" if len(changes) > 1 else doc.workloads[changes[0][0]].name
        )
        label = f"Set {column.title.lower()} of {what}"
        try:
            self._session.execute(UpdateEntities(tuple(changes), label))
        except CommandError as exc:
            self.last_error = str(exc)
            self.refused.emit(self.last_error)
            return False
        self.last_error = ""
        return True


def _sortable(value: Any) -> Any:
    """Numbers before text, text case-insensitively; tuples as they are."""
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, tuple):
        return (1, value)
    return (2, str(value).casefold())


def _tooltip(text: str) -> str | None:
    """Every tooltip of the table as plain text: names, OS strings, file names and reasons
    come from imported files, and Qt would take ``<img src=...>`` in them for markup."""
    return plain_tooltip(text) if text else None
