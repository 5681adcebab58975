"""A table's first column kept in view while the others scroll sideways (Qt's "Frozen
Column" example): a second ``QTableView`` over the table's left edge showing only column 0,
sharing its model, selection and vertical scrolling. The owner table forwards its geometry
(``update_geometry``) and keeps its own column 0 under the overlay, so sorting, selection
and keyboard moves behave as one table."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView


class FrozenColumnView(QTableView):
    """The overlay: column 0 of ``table``; drags, right-clicks and header clicks are the
    table's own (``start_drag``, the table's context menu, its sort)."""

    def __init__(self, table: QTableView, start_drag: Callable[[Qt.DropAction], None]) -> None:
        super().__init__(table)
        self.setObjectName("frozen-name-column")
        self._table = table
        self._start_drag = start_drag
        self.setModel(table.model())
        self.setSelectionModel(table.selectionModel())
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.verticalHeader().hide()
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionBehavior(table.selectionBehavior())
        self.setSelectionMode(table.selectionMode())
        self.setAlternatingRowColors(table.alternatingRowColors())
        self.setWordWrap(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragEnabled(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setStyleSheet("QTableView#frozen-name-column { border: none; }")
        self.verticalHeader().setDefaultSectionSize(table.verticalHeader().defaultSectionSize())
        self._hide_other_columns()
        model = table.model()
        model.columnsInserted.connect(self._hide_other_columns)
        model.modelReset.connect(self._hide_other_columns)
        # One vertical position for both.
        self.verticalScrollBar().valueChanged.connect(table.verticalScrollBar().setValue)
        table.verticalScrollBar().valueChanged.connect(self.verticalScrollBar().setValue)
        table.horizontalHeader().sectionResized.connect(self._on_table_section_resized)
        table.verticalHeader().sectionResized.connect(self._on_table_row_resized)
        # Sorting is the table's: a click on this header sorts it by name, the indicator
        # follows the table's.
        self.horizontalHeader().setSectionsClickable(True)
        self.horizontalHeader().setSortIndicatorShown(True)
        self.horizontalHeader().sectionClicked.connect(self._on_header_section_clicked)
        table.horizontalHeader().sortIndicatorChanged.connect(self._on_table_sort_changed)
        self._on_table_sort_changed(
            table.horizontalHeader().sortIndicatorSection(),
            table.horizontalHeader().sortIndicatorOrder(),
        )
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.customContextMenuRequested.connect(self._on_context_menu_requested)
        self.horizontalHeader().setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.horizontalHeader().customContextMenuRequested.connect(
            self._on_header_context_menu_requested
        )
        table.viewport().stackUnder(self)
        self.setColumnWidth(0, table.columnWidth(0))
        self.show()

    def _hide_other_columns(self, *args: object) -> None:
        for col in range(1, self.model().columnCount()):
            self.setColumnHidden(col, True)
        self.setColumnWidth(0, self._table.columnWidth(0))

    def update_geometry(self) -> None:
        table = self._table
        frame = table.frameWidth()
        x = frame + (table.verticalHeader().width() if table.verticalHeader().isVisible() else 0)
        self.setGeometry(
            x,
            frame,
            table.columnWidth(0),
            table.viewport().height() + table.horizontalHeader().height(),
        )
        self.horizontalHeader().setFixedHeight(table.horizontalHeader().height())

    def _on_table_section_resized(self, index: int, old: int, new: int) -> None:
        if index == 0:
            self.setColumnWidth(0, new)
            self.update_geometry()

    def _on_table_row_resized(self, row: int, old: int, new: int) -> None:
        self.setRowHeight(row, new)

    def _on_header_section_clicked(self, index: int) -> None:
        header = self._table.horizontalHeader()
        ascending = Qt.SortOrder.AscendingOrder
        order = (
            Qt.SortOrder.DescendingOrder
            if header.sortIndicatorSection() == 0 and header.sortIndicatorOrder() == ascending
            else ascending
        )
        self._table.sortByColumn(0, order)

    def _on_table_sort_changed(self, section: int, order: Qt.SortOrder) -> None:
        header = self.horizontalHeader()
        header.setSortIndicatorShown(section == 0)
        header.setSortIndicator(0 if section == 0 else -1, order)

    def _on_context_menu_requested(self, pos: QPoint) -> None:
        target = self._table.viewport().mapFromGlobal(self.viewport().mapToGlobal(pos))
        self._table.customContextMenuRequested.emit(target)

    def _on_header_context_menu_requested(self, pos: QPoint) -> None:
        header = self._table.horizontalHeader()
        target = header.mapFromGlobal(self.horizontalHeader().mapToGlobal(pos))
        header.customContextMenuRequested.emit(target)

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        self._start_drag(supportedActions)
