"""File > Import: pick files, check the column mapping on a preview, review what the import
would merge and which values a person set it would change (the files are read there, off the
GUI thread with progress and cancel), read the report, then apply it as ONE undoable step."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from migplan.core.commands import Command
from migplan.core.document import PlanDocument
from migplan.core.errors import MigPlanError
from migplan.core.progress import Progress
from migplan.gui.dialogs import Ask
from migplan.gui.import_review import ReviewPage
from migplan.gui.style import plain_tooltip
from migplan.gui.tasks import BackgroundTask
from migplan.io.importers.apps import DEFAULT_APP_COLUMNS
from migplan.io.importers.mapping import (
    FIELDS,
    ColumnMapping,
    auto_match,
    list_presets,
    load_preset,
    save_preset,
)
from migplan.io.importers.pipeline import KIND_LABELS, ImportRequest, file_verdict, finish_import
from migplan.io.importers.report import ImportReport

NOT_MAPPED = "(not mapped)"
NO_APP_COLUMN = "(none)"
PREVIEW_ROWS = 12
#: Characters of a cell shown in the preview.
PREVIEW_CHARS = 200


def _preview_text(value: object) -> object:
    if isinstance(value, str) and len(value) > PREVIEW_CHARS:
        return value[: PREVIEW_CHARS - 1] + "\u2026"
    return value


_TITLES = {
    "name": "Name",
    "dns_name": "DNS name",
    "os_reported": "Operating system",
    "os_version": "OS version",
    "vcpu": "vCPU",
    "memory_mib": "Memory",
    "storage_provisioned_mib": "Provisioned storage",
    "storage_used_mib": "Used storage",
    "ips": "IP addresses",
    "is_template": "Template flag",
    "source_key": "Stable key (VM UUID)",
    "source_system": "Source system (vCenter)",
}


def field_title(name: str) -> str:
    return _TITLES.get(name, name.replace("_", " ").capitalize())


def default_presets_dir() -> Path:
    from PySide6.QtCore import QStandardPaths

    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppConfigLocation)
    return Path(base or Path.home() / ".config" / "migplan") / "mappings"


def describe_file(path: Path) -> tuple[str, str]:
    """What the wizard thinks a file is, for the file list, and for a file it cannot import
    the sentence saying why ("" otherwise)."""
    kind, why = file_verdict(path)
    return KIND_LABELS[kind], why


class FilesPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Files to import")
        self.setSubTitle(
            "RVTools exports, other inventory sheets (CSV or XLSX) and dependency exports. "
            "You can also drop files on the main window."
        )
        self.list = QListWidget(self)
        self.list.setObjectName("import-files")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        add = QPushButton("Add files…", self)
        add.setObjectName("import-add")
        add.clicked.connect(self._on_add_clicked)
        remove = QPushButton("Remove", self)
        remove.clicked.connect(self._on_remove_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(add)
        buttons.addWidget(remove)
        buttons.addStretch(1)
        #: Why the files flagged in the list cannot be imported, one sentence each.
        self.problems = QLabel(self)
        self.problems.setObjectName("import-problems")
        self.problems.setWordWrap(True)
        self.problems.setTextFormat(Qt.TextFormat.PlainText)
        self.problems.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addWidget(self.problems)
        layout.addLayout(buttons)

    def add_files(self, paths: list[Path]) -> None:
        known = set(self.paths())
        for path in paths:
            if path in known:
                continue
            why = ""
            try:
                kind, why = describe_file(path)
            except OSError as exc:
                kind = f"cannot be read: {exc.strerror or exc}"
            item = QListWidgetItem(f"{path.name}  —  {kind}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setData(Qt.ItemDataRole.UserRole + 1, kind)
            item.setData(Qt.ItemDataRole.UserRole + 2, why)
            item.setToolTip(plain_tooltip(why or str(path)))  # a file name may hold markup
            self.list.addItem(item)
        self._show_problems()
        self.completeChanged.emit()

    def flagged(self) -> list[str]:
        """The sentences of the files in the list that cannot be imported."""
        items = (self.list.item(i) for i in range(self.list.count()))
        return [why for item in items if (why := item.data(Qt.ItemDataRole.UserRole + 2))]

    def _show_problems(self) -> None:
        flagged = self.flagged()
        if flagged:
            self.problems.setText("\n".join(flagged) + "\nRemove these files to go on.")
        self.problems.setVisible(bool(flagged))

    def paths(self) -> list[Path]:
        return [
            Path(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())
        ]

    def kinds(self) -> dict[Path, str]:
        return {
            Path(self.list.item(i).data(Qt.ItemDataRole.UserRole)): self.list.item(i).data(
                Qt.ItemDataRole.UserRole + 1
            )
            for i in range(self.list.count())
        }

    def isComplete(self) -> bool:
        return self.list.count() > 0 and not self.flagged()

    def _on_add_clicked(self) -> None:
        self.add_files(Ask.import_paths(self))

    def _on_remove_clicked(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._show_problems()
        self.completeChanged.emit()


class MappingPage(QWizardPage):
    """The detected mapping of the first mapped inventory, which the user can override."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Columns")
        self.setSubTitle(
            "Check which column feeds each field. Unmapped columns are kept as attributes."
        )
        self.headers: list[str] = []
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        self.info.setTextFormat(Qt.TextFormat.PlainText)
        self.preview = QTableWidget(self)
        self.preview.setObjectName("import-preview")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setDefaultSectionSize(22)
        self.fields = QTableWidget(0, 2, self)
        self.fields.setObjectName("import-mapping")
        self.fields.setHorizontalHeaderLabels(["Field", "Column"])
        self.fields.verticalHeader().setVisible(False)
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fields.setColumnWidth(0, 170)
        self.app_column = QComboBox(self)
        self.app_column.setObjectName("import-app-column")
        self.templates = QCheckBox("Keep VM templates in the plan", self)
        self.presets = QComboBox(self)
        self.presets.setObjectName("import-presets")
        self.presets.activated.connect(self._on_preset_activated)
        save = QPushButton("Save mapping as preset…", self)
        save.setObjectName("import-save-preset")
        save.clicked.connect(self._on_save_preset_clicked)
        form = QFormLayout()
        form.addRow("Application column:", self.app_column)
        form.addRow("Mapping preset:", self.presets)
        form.addRow("", save)
        form.addRow("", self.templates)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.preview)
        bottom = QWidget(splitter)
        bottom_layout = QHBoxLayout(bottom)
        bottom_layout.setContentsMargins(0, 0, 0, 0)
        bottom_layout.addWidget(self.fields, 3)
        holder = QWidget(bottom)
        holder.setLayout(form)
        bottom_layout.addWidget(holder, 2)
        splitter.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.addWidget(self.info)
        layout.addWidget(splitter)

    def initializePage(self) -> None:
        self._refresh_presets()
        mapped = [
            p
            for p, k in self._wizard.files_page.kinds().items()
            if k == "inventory (column mapping)"
        ]
        rv = [p for p, k in self._wizard.files_page.kinds().items() if k == "RVTools inventory"]
        target = mapped[0] if mapped else (rv[0] if rv else None)
        self.headers, rows = [], []
        if target is not None:
            try:
                from migplan.io.importers.generic import choose_table
                from migplan.io.tables import HEADER_SCAN_ROWS, read_tables

                # Only the first rows are read (a big sheet's first chunk); the import reads
                # and checks the rest.
                head = HEADER_SCAN_ROWS + PREVIEW_ROWS
                table = (
                    choose_table(read_tables(target, check=False, head=head), None)
                    if mapped
                    else None
                )
                if rv and not mapped:
                    tables = (
                        read_tables(target, sheets=["vInfo"], check=False)
                        if target.suffix.lower() != ".csv"
                        else read_tables(target, check=False, head=head)
                    )
                    table = tables[0]
                assert table is not None
                self.headers = list(table.headers)
                rows = [
                    [_preview_text(v) for v in row]
                    for row in itertools.islice(table.iter_rows(), PREVIEW_ROWS)
                ]
                about = "" if table.complete else "about "
                sheet = f", sheet {table.message_sheet}" if table.message_sheet else ""
                self.info.setText(
                    f"Preview of {target.name}{sheet}: {about}{table.row_count:,} rows."
                )
                del table
            except (MigPlanError, OSError) as exc:
                self.info.setText(str(exc))
        else:
            self.info.setText("Only dependency exports: no columns to map.")
        self._fill_preview(rows)
        self.set_mapping(auto_match(self.headers) if self.headers else ColumnMapping())
        self.app_column.clear()
        self.app_column.addItem(NO_APP_COLUMN)
        self.app_column.addItems(self.headers)
        default = next(
            (
                h
                for d in DEFAULT_APP_COLUMNS
                for h in self.headers
                if h.strip().casefold() == d.casefold()
            ),
            None,
        )
        if default:
            self.app_column.setCurrentText(default)

    def _fill_preview(self, rows: list[list[object]]) -> None:
        self.preview.clear()
        self.preview.setColumnCount(len(self.headers))
        self.preview.setRowCount(len(rows))
        self.preview.setHorizontalHeaderLabels(self.headers)
        for r, row in enumerate(rows):
            for c, value in enumerate(row[: len(self.headers)]):
                self.preview.setItem(r, c, QTableWidgetItem("" if value is None else str(value)))

    def set_mapping(self, mapping: ColumnMapping) -> None:
        self.fields.setRowCount(len(FIELDS))
        for row, spec in enumerate(FIELDS):
            self.fields.setItem(row, 0, QTableWidgetItem(field_title(spec.name)))
            self.fields.item(row, 0).setFlags(Qt.ItemFlag.ItemIsEnabled)
            combo = QComboBox(self.fields)
            combo.setObjectName(f"map-{spec.name}")
            combo.addItem(NOT_MAPPED)
            combo.addItems(self.headers)
            chosen = mapping.columns.get(spec.name) or []
            combo.setCurrentText(chosen[0] if chosen else NOT_MAPPED)
            self.fields.setCellWidget(row, 1, combo)

    def mapping(self) -> ColumnMapping:
        overrides: dict[str, str | None] = {}
        for row, spec in enumerate(FIELDS):
            combo = self.fields.cellWidget(row, 1)
            assert isinstance(combo, QComboBox)
            text = combo.currentText()
            overrides[spec.name] = None if text == NOT_MAPPED else text
        base = auto_match(self.headers)
        mapping = base.with_overrides(overrides)
        # Keep every column a multi-column field (IP addresses) matched, unless changed.
        for name, columns in base.columns.items():
            if overrides.get(name) == (columns[0] if columns else None):
                mapping.columns[name] = columns
        return mapping

    def app_column_name(self) -> str | None:
        text = self.app_column.currentText()
        return None if text in (NO_APP_COLUMN, "") else text

    def _refresh_presets(self) -> None:
        self.presets.clear()
        self.presets.addItem("(detected automatically)")
        self.presets.addItems(list_presets(self._wizard.presets_dir))

    def _on_preset_activated(self, index: int) -> None:
        if index <= 0:
            self.set_mapping(auto_match(self.headers))
            return
        try:
            preset = load_preset(self._wizard.presets_dir, self.presets.itemText(index))
        except (MigPlanError, ValueError) as exc:
            Ask.show_error(self, "Cannot use preset", str(exc))
            return
        self.set_mapping(auto_match(self.headers, preset))

    def _on_save_preset_clicked(self) -> None:
        name = Ask.text(self, "Save mapping preset", "Preset name:")
        if not name:
            return
        try:
            save_preset(self._wizard.presets_dir, name, self.mapping())
        except (OSError, ValueError) as exc:
            Ask.show_error(self, "Cannot save preset", str(exc))
            return
        self._refresh_presets()
        self.presets.setCurrentText(name)


class ReportPage(QWizardPage):
    """Plans the import with the choices of the review in the background (dependency exports
    are read here), shows progress, then the report."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self._wizard = wizard
        self.setTitle("Import report")
        self.setSubTitle("Nothing is changed until you press Import; one Undo takes it all back.")
        self.progress = QProgressBar(self)
        self.progress.setObjectName("import-progress")
        self.status = QLabel(self)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("import-cancel")
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self.report_view = QPlainTextEdit(self)
        self.report_view.setObjectName("import-report")
        self.report_view.setReadOnly(True)
        self.report_view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        row = QHBoxLayout()
        row.addWidget(self.progress, 1)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.report_view)
        self.task: BackgroundTask | None = None
        self.command: Command | None = None
        self.report: ImportReport | None = None

    def initializePage(self) -> None:
        self.command, self.report = None, None
        self.report_view.clear()
        self.progress.setRange(0, 0)
        self.status.setText("Preparing the import…")
        self.cancel_button.setEnabled(True)
        review = self._wizard.review_page
        staged = review.staged
        assert staged is not None, "the review page is complete only once the files are read"
        decisions, take_file = review.decisions(), review.take_file()
        doc = self._wizard.doc

        def work(progress: Progress) -> tuple[Command | None, ImportReport]:
            return finish_import(doc, staged, progress, decisions=decisions, take_file=take_file)

        self.task = BackgroundTask(work, self)
        self.task.progressed.connect(self._on_task_progressed)
        self.task.succeeded.connect(self._on_task_succeeded)
        self.task.failed.connect(self._on_task_failed)
        self.task.cancelled.connect(self._on_task_cancelled)
        self.task.start()
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return self.command is not None

    def cleanupPage(self) -> None:
        # Back to the review: its choices may change, so a result still on its way is stale.
        task, self.task = self.task, None
        if task is not None and task.running:
            task.cancel()
            task.progressed.disconnect(self._on_task_progressed)
            task.succeeded.disconnect(self._on_task_succeeded)
            task.failed.disconnect(self._on_task_failed)
            task.cancelled.disconnect(self._on_task_cancelled)
        self.command, self.report = None, None

    def _on_task_progressed(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        self.status.setText(message)

    def _on_task_succeeded(self, result: Any) -> None:
        self.command, self.report = result
        self._finish_progress()
        assert self.report is not None
        self.report_view.setPlainText("\n".join(self.report.summary_lines(max_issues=200)))
        self.status.setText(
            "Ready to import."
            if self.command
            else "Nothing to import: the plan already has all of it."
        )
        self.completeChanged.emit()

    def _on_task_failed(self, message: str) -> None:
        self._finish_progress()
        self.status.setText("The import stopped; the plan is unchanged.")
        self.report_view.setPlainText(message)

    def _on_task_cancelled(self) -> None:
        self._finish_progress()
        self.status.setText(
            "Cancelled; the plan is unchanged. Go Back to change the files, or Cancel."
        )

    def _on_cancel_clicked(self) -> None:
        if self.task is not None and self.task.running:
            self.task.cancel()

    def _finish_progress(self) -> None:
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.cancel_button.setEnabled(False)


class ImportWizard(QWizard):
    def __init__(
        self, doc: PlanDocument, parent: QWidget | None = None, presets_dir: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("import-wizard")
        self.setWindowTitle("Import into the plan")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, False)
        self.setButtonText(QWizard.WizardButton.FinishButton, "Import")
        self.doc = doc
        self.presets_dir = presets_dir or default_presets_dir()
        self.files_page = FilesPage(self)
        self.mapping_page = MappingPage(self)
        self.review_page = ReviewPage(self)
        self.report_page = ReportPage(self)
        for page in (self.files_page, self.mapping_page, self.review_page, self.report_page):
            self.addPage(page)
        self.resize(1100, 720)

    def request(self) -> ImportRequest:
        kinds = self.files_page.kinds()
        return ImportRequest(
            files=self.files_page.paths(),
            mapping=self.mapping_page.mapping() if self.mapping_page.headers else None,
            app_column=self.mapping_page.app_column_name(),
            include_templates=self.mapping_page.templates.isChecked(),
            dependency_files=[p for p, k in kinds.items() if k == "dependency export"],
            label=f"Import {len(kinds)} file{'s' if len(kinds) != 1 else ''}",
        )

    def reject(self) -> None:
        self.review_page.cancel_reading()
        task = self.report_page.task
        if task is not None and task.running:
            task.cancel()
        super().reject()

    @property
    def command(self) -> Command | None:
        return self.report_page.command
