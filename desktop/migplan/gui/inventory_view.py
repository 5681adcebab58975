"""The inventory panel: a filter box, the sortable workload table, and bulk edits."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelection,
    QItemSelectionModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QAction, QDrag, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from migplan.core.commands import AddEntities, UpdateEntities
from migplan.core.enums import OriginKind, WorkloadClass
from migplan.core.errors import CommandError
from migplan.core.ids import WorkloadId, dependency_id
from migplan.core.models import Dependency, EdgeOrigin
from migplan.gui.analysis import AnalysisService
from migplan.gui.debounce import debounced
from migplan.gui.dnd import APPLICATIONS_MIME, drag_label, dropped_ids
from migplan.gui.frozen_column import FrozenColumnView
from migplan.gui.session import DocumentSession
from migplan.gui.workload_model import ID_ROLE, SEARCH_ROLE, VALUE_ROLE, WorkloadTableModel

Index = QModelIndex | QPersistentModelIndex

HIDDEN_COLUMNS_KEY = "inventory/hidden_columns"
COLUMN_WIDTHS_KEY = "inventory/column_widths"


def _json_value(raw: object, kind: type) -> Any:
    """A settings value written by ``save_columns`` (JSON text); ``kind()`` if unreadable."""
    try:
        value = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        value = None
    return value if isinstance(value, kind) else kind()


class WorkloadProxy(QSortFilterProxyModel):
    """Filters on every column's text; sorting is done by the source model (see its ``sort``).

    The proxy keeps the source order, so it never calls back into Python per comparison. The
    filter is Qt's own, on the row's search text (``SEARCH_ROLE``): with no filter typed it
    asks nothing of Python (a Python ``filterAcceptsRow`` cost 0.5 s on the window's thread
    each time a 100,000-workload import reset the table).
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFilterRole(SEARCH_ROLE)
        self.setFilterKeyColumn(0)
        self.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_filter_text(self, text: str) -> None:
        self.setFilterFixedString(text.strip().casefold())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if isinstance(model, WorkloadTableModel):
            model.sort(column, order)


class ChoiceDelegate(QStyledItemDelegate):
    """A combo box editor listing the column's choices; commits as soon as one is picked."""

    def __init__(self, table_model: WorkloadTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._table_model = table_model

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = self._table_model.columns[index.column()]
        if column.choices is None:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.setObjectName(f"editor-{column.key}")
        for label, value in column.choices(self._session_doc()):
            combo.addItem(label, value)
        combo.activated.connect(lambda _i, c=combo: self._commit(c))
        return combo

    def _session_doc(self) -> Any:
        return self._table_model._session.doc

    def _commit(self, combo: QComboBox) -> None:
        self.commitData.emit(combo)
        self.closeEditor.emit(combo, QStyledItemDelegate.EndEditHint.NoHint)

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        if isinstance(editor, QComboBox):
            current = index.data(VALUE_ROLE)
            for i in range(editor.count()):
                if editor.itemData(i) == current:
                    editor.setCurrentIndex(i)
                    break
            return
        super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
            return
        super().setModelData(editor, model, index)


class InventoryTable(QTableView):
    """The workload table as a drag source: selected rows drag their workloads; a drag
    started on an Application cell drags the selected rows' applications, whole."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.frozen: FrozenColumnView | None = None
        # Per pixel, so columns slide under the frozen Name column rather than jump.
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)

    def freeze_name_column(self) -> FrozenColumnView:
        """Keep column 0 (Name) in view while the others scroll sideways (after setModel)."""
        self.frozen = FrozenColumnView(self, self.startDrag)
        self.frozen.update_geometry()
        return self.frozen

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.frozen is not None:
            self.frozen.update_geometry()

    def updateGeometries(self) -> None:
        super().updateGeometries()
        if self.frozen is not None:
            self.frozen.update_geometry()

    def scrollTo(
        self,
        index: Index,
        hint: QAbstractItemView.ScrollHint = QAbstractItemView.ScrollHint.EnsureVisible,
    ) -> None:
        """Column 0 is always in view: scrolling to it moves up or down only, never sideways
        (which would throw away where the user had scrolled to)."""
        if self.frozen is None or index.column() != 0:
            super().scrollTo(index, hint)
            return
        across = self.horizontalScrollBar().value()
        super().scrollTo(index, hint)
        self.horizontalScrollBar().setValue(across)

    def moveCursor(
        self, cursorAction: QAbstractItemView.CursorAction, modifiers: Qt.KeyboardModifier
    ) -> QModelIndex:
        current = super().moveCursor(cursorAction, modifiers)
        if (
            self.frozen is not None
            and cursorAction == QAbstractItemView.CursorAction.MoveLeft
            and current.column() > 0
            and self.visualRect(current).topLeft().x() < self.frozen.columnWidth(0)
        ):
            # A cell moved to under the frozen column is scrolled out from under it.
            shift = self.visualRect(current).topLeft().x() - self.frozen.columnWidth(0)
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() + shift)
        return current

    def _source(self) -> tuple[QSortFilterProxyModel, WorkloadTableModel]:
        proxy = self.model()
        assert isinstance(proxy, QSortFilterProxyModel)
        source = proxy.sourceModel()
        assert isinstance(source, WorkloadTableModel)
        return proxy, source

    def drag_mime(self) -> QMimeData | None:
        """What a drag from here carries now: the selection's workloads, or its applications
        when the drag starts on the Application column (``gui.dnd`` formats)."""
        proxy, source = self._source()
        rows = [proxy.mapToSource(i) for i in self.selectionModel().selectedRows()]
        if not rows:
            return None
        pressed = self.currentIndex()
        if pressed.isValid() and source.columns[pressed.column()].key == "application":
            mime = source.application_mime_data(rows)
            if mime.hasFormat(APPLICATIONS_MIME):
                return mime
        return source.mimeData(rows)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        mime = self.drag_mime()
        if mime is None:
            return
        kind, ids = dropped_ids(mime)
        doc = self._source()[1]._session.doc
        if kind == "applications":
            names = [doc.applications[a].name for a in ids if a in doc.applications]  # type: ignore[index]
            text = f"application {names[0]}" if len(names) == 1 else f"{len(names)} applications"
        else:
            text = doc.workloads[ids[0]].name if len(ids) == 1 else f"{len(ids)} workloads"  # type: ignore[index]
        drag = QDrag(self)
        drag.setMimeData(mime)
        drag.setPixmap(drag_label(text, self.devicePixelRatioF()))
        drag.exec(Qt.DropAction.MoveAction)


class InventoryView(QWidget):
    """What the user sees of the inventory; emits ``message`` for the status bar."""

    message = Signal(str)

    def __init__(
        self,
        session: DocumentSession,
        analysis: AnalysisService | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._session = session
        self.model = WorkloadTableModel(session, analysis)
        self.proxy = WorkloadProxy(self)
        self.proxy.setSourceModel(self.model)

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("inventory-filter")
        self.filter_edit.setPlaceholderText("Filter workloads: name, application, OS, wave, owner…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._on_filter_text_changed)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("inventory-count")

        self.table = InventoryTable(self)
        self.table.setObjectName("inventory-table")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for i, column in enumerate(self.model.columns):
            self.table.setColumnWidth(i, column.width)
        self.table.setItemDelegate(ChoiceDelegate(self.model, self.table))
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._on_table_context_menu)
        # Name stays in view however far right the user scrolls (18 columns).
        self.table.freeze_name_column()
        # Right-click a column title: show or hide columns (remembered, see remember_columns).
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._on_header_context_menu)
        self._settings: QSettings | None = None
        self._save_timer = debounced(self, 400, self.save_columns)

        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.table)

        for signal in (
            self.proxy.rowsInserted,
            self.proxy.rowsRemoved,
            self.proxy.modelReset,
            self.proxy.layoutChanged,
        ):
            signal.connect(self._update_count)
        self.model.refused.connect(self.message)
        self._update_count()

        select_all = QAction("Select all", self)
        select_all.setShortcut(QKeySequence.StandardKey.SelectAll)
        select_all.triggered.connect(self.table.selectAll)
        self.table.addAction(select_all)

    # -- queries used by the window and tests --------------------------------------------

    def selected_ids(self) -> list[WorkloadId]:
        rows = {i.row() for i in self.table.selectionModel().selectedRows()}
        return [self.proxy.index(r, 0).data(ID_ROLE) for r in sorted(rows)]

    def select_ids(self, ids: list[str]) -> int:
        """Select the rows of ``ids`` (clearing the filter if it hides them); return how many."""
        wanted = [i for i in ids if self.model.row_of(i) >= 0]
        if wanted and any(self.proxy_row_of(i) < 0 for i in wanted):
            self.filter_edit.clear()
        selection = QItemSelection()
        for wid in wanted:
            row = self.proxy_row_of(wid)
            selection.select(
                self.proxy.index(row, 0), self.proxy.index(row, self.proxy.columnCount() - 1)
            )
        self.table.selectionModel().select(
            selection, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        if wanted:
            # The jump scrolls to what it selected: the first of them in the table's order,
            # which also becomes the current row (the keyboard goes on from there).
            top = self.proxy.index(min(self.proxy_row_of(i) for i in wanted), 0)
            self.table.selectionModel().setCurrentIndex(
                top, QItemSelectionModel.SelectionFlag.NoUpdate
            )
            self.table.scrollTo(top, QAbstractItemView.ScrollHint.PositionAtCenter)
            # Again once laid out: a jump from another tab brings the docks back, and the
            # table shrinks after this call (the row it scrolled to could end up below).
            kept = QPersistentModelIndex(top)
            QTimer.singleShot(0, self, lambda: self._scroll_to(kept))
        return len(wanted)

    def _scroll_to(self, index: QPersistentModelIndex) -> None:
        if index.isValid():
            self.table.scrollTo(
                self.proxy.index(index.row(), 0), QAbstractItemView.ScrollHint.PositionAtCenter
            )

    # -- columns: which are shown, and how wide (remembered across sessions) ---------------

    def remember_columns(self, settings: QSettings) -> None:
        """Restore the columns shown and their widths from ``settings``, and keep them there."""
        self._settings = settings
        hidden = _json_value(settings.value(HIDDEN_COLUMNS_KEY), list)
        widths = _json_value(settings.value(COLUMN_WIDTHS_KEY), dict)
        for i, column in enumerate(self.model.columns):
            width = widths.get(column.key)
            if isinstance(width, int) and 20 <= width <= 2000:
                self.table.setColumnWidth(i, width)
            self.table.setColumnHidden(i, i > 0 and column.key in hidden)
        self.table.horizontalHeader().sectionResized.connect(self._on_header_section_resized)

    def save_columns(self) -> None:
        if self._settings is None:
            return
        self._save_timer.stop()
        columns = self.model.columns
        hidden = [c.key for i, c in enumerate(columns) if self.table.isColumnHidden(i)]
        # A hidden column's width is 0 to Qt: its last width is kept.
        old = _json_value(self._settings.value(COLUMN_WIDTHS_KEY), dict)
        widths = {
            c.key: (
                old.get(c.key, c.width)
                if self.table.isColumnHidden(i)
                else self.table.columnWidth(i)
            )
            for i, c in enumerate(columns)
        }
        self._settings.setValue(HIDDEN_COLUMNS_KEY, json.dumps(hidden))
        self._settings.setValue(COLUMN_WIDTHS_KEY, json.dumps(widths, sort_keys=True))
        self._settings.sync()

    def set_column_shown(self, key: str, shown: bool) -> None:
        i = self.column_index(key)
        if i == 0:
            return  # Name is always shown (and frozen)
        if shown and self.table.isColumnHidden(i):
            self.table.setColumnHidden(i, False)
            if self.table.columnWidth(i) < 20:
                self.table.setColumnWidth(i, self.model.columns[i].width)
        elif not shown:
            self.table.setColumnHidden(i, True)
        self.save_columns()

    def reset_columns(self) -> None:
        for i, column in enumerate(self.model.columns):
            self.table.setColumnHidden(i, False)
            self.table.setColumnWidth(i, column.width)
        self.save_columns()

    def column_menu(self) -> QMenu:
        """Every column, ticked when shown; Name cannot be hidden."""
        menu = QMenu(self)
        menu.setObjectName("column-menu")
        for i, column in enumerate(self.model.columns):
            action = menu.addAction(column.title)
            action.setObjectName(f"column-{column.key}")
            action.setCheckable(True)
            action.setChecked(not self.table.isColumnHidden(i))
            action.setEnabled(i > 0)
            action.toggled.connect(lambda on, k=column.key: self.set_column_shown(k, on))
        menu.addSeparator()
        reset = menu.addAction("Show all columns at their usual widths")
        reset.setObjectName("column-reset")
        reset.triggered.connect(self.reset_columns)
        return menu

    def _on_header_context_menu(self, pos: Any) -> None:
        header = self.table.horizontalHeader()
        self.column_menu().exec(header.mapToGlobal(pos))

    def _on_header_section_resized(self, index: int, old: int, new: int) -> None:
        if new > 0:  # hiding a column "resizes" it to 0
            self._save_timer.start()

    def proxy_row_of(self, workload_id: str) -> int:
        source_row = self.model.row_of(workload_id)
        if source_row < 0:
            return -1
        return self.proxy.mapFromSource(self.model.index(source_row, 0)).row()

    def column_index(self, key: str) -> int:
        return next(i for i, c in enumerate(self.model.columns) if c.key == key)

    # -- handlers -------------------------------------------------------------------------

    def _on_filter_text_changed(self, text: str) -> None:
        self.proxy.set_filter_text(text)
        self._update_count()

    def _update_count(self, *args: object) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(
            f"{total:,} workloads" if shown == total else f"{shown:,} of {total:,} workloads"
        )

    def _on_table_context_menu(self, pos: Any) -> None:
        menu = self.build_bulk_menu()
        if menu is not None:
            menu.exec(self.table.viewport().mapToGlobal(pos))

    def build_bulk_menu(self) -> QMenu | None:
        """The right-click menu: set a column's value on every selected workload at once."""
        ids = self.selected_ids()
        if not ids:
            return None
        menu = QMenu(self)
        menu.setObjectName("bulk-menu")
        if len(ids) == 2:
            doc = self._session.doc
            a, b = (doc.workloads[i] for i in ids)
            for src, dst in ((a, b), (b, a)):
                action = menu.addAction(f"Add dependency: {src.name} depends on {dst.name}")
                action.setObjectName(f"add-dependency-{src.id}")
                action.triggered.connect(
                    lambda _c=False, s=src.id, t=dst.id: self.add_dependency(s, t)
                )
            menu.addSeparator()
        doc = self._session.doc
        in_wave = [i for i in ids if doc.workloads[i].wave_id is not None]
        pin = menu.addAction(f"Pin {len(in_wave)} selected to their wave (the planner keeps them)")
        pin.setObjectName("bulk-pin")
        pin.setEnabled(bool(in_wave))
        pin.triggered.connect(lambda: self._set_pinned(in_wave, True))
        unpin = menu.addAction("Unpin selected")
        unpin.setObjectName("bulk-unpin")
        unpin.triggered.connect(lambda: self._set_pinned(ids, False))
        menu.addSeparator()
        self._add_class_menu(menu, ids)
        for column in self.model.columns:
            if not column.editable or column.choices is None:
                continue
            sub = menu.addMenu(f"Set {column.title.lower()} of {len(ids)} selected")
            sub.setObjectName(f"bulk-{column.key}")
            for label, value in column.choices(self._session.doc):
                action = sub.addAction(label)
                action.triggered.connect(
                    lambda _c=False, col=column, v=value: self._bulk_set(col, v)
                )
        return menu

    def _add_class_menu(self, menu: QMenu, ids: list[WorkloadId]) -> None:
        """Workload class ▸ Automatic / a class: the user's word over the evidence."""
        sub = menu.addMenu("Workload class")
        sub.setObjectName("bulk-workload-class")
        doc = self._session.doc
        current = {doc.workloads[i].workload_class for i in ids}
        choices: list[tuple[str, WorkloadClass | None]] = [("Automatic (from evidence)", None)]
        choices += [(c.label, c) for c in WorkloadClass]
        for label, value in choices:
            action = sub.addAction(label)
            action.setObjectName(f"class-{value.value if value else 'automatic'}")
            action.setCheckable(True)
            action.setChecked(current == {value})
            action.triggered.connect(lambda _c=False, v=value: self.set_workload_class(ids, v))

    def set_workload_class(self, ids: list[WorkloadId], value: WorkloadClass | None) -> bool:
        """Set (or, with None, clear) the class of ``ids`` as one undoable step."""
        doc = self._session.doc
        changing = [i for i in ids if doc.workloads[i].workload_class != value]
        if not changing:
            return False
        what = (
            doc.workloads[changing[0]].name if len(changing) == 1 else f"{len(changing)} workloads"
        )
        label = (
            f"Set the class of {what} to {value.label}"
            if value is not None
            else f"Let the evidence class {what}"
        )
        try:
            self._session.execute(UpdateEntities.same(changing, label, workload_class=value))
        except CommandError as exc:
            self.message.emit(str(exc))
            return False
        return True

    def add_dependency(self, source: str, target: str) -> bool:
        """Draw a dependency by hand (``source`` depends on ``target``), as one undoable step."""
        doc = self._session.doc
        dep = Dependency(
            id=dependency_id("hand", source, target),
            source=source,
            target=target,
            **EdgeOrigin(kind=OriginKind.MANUAL, label="drawn in the inventory").as_fields(),
        )
        if dep.id in doc.dependencies:
            self.message.emit("That dependency was already drawn by hand")
            return False
        label = f"Add dependency {doc.workloads[source].name} → {doc.workloads[target].name}"  # type: ignore[index]
        try:
            self._session.execute(AddEntities((dep,), label))
        except CommandError as exc:
            self.message.emit(str(exc))
            return False
        return True

    def _set_pinned(self, ids: list[WorkloadId], pinned: bool) -> None:
        doc = self._session.doc
        changing = [i for i in ids if doc.workloads[i].pinned != pinned]
        if not changing:
            return
        verb = "Pin" if pinned else "Unpin"
        try:
            self._session.execute(
                UpdateEntities.same(changing, f"{verb} {len(changing)} workloads", pinned=pinned)
            )
        except CommandError as exc:
            self.message.emit(str(exc))

    def _bulk_set(self, column: Any, value: Any) -> None:
        # A refusal (a locked wave, a pinned workload) reaches the user through ``refused``.
        self.model.set_values(self.selected_ids(), column, value)
