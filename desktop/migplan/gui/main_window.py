"""The main window: menus, the open plan's views, recent files, and unsaved-change guards."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QWidget,
)

from migplan import __version__
from migplan.core.changes import ChangeSummary
from migplan.core.document import PlanDocument
from migplan.core.errors import MigPlanError
from migplan.core.progress import Progress
from migplan.gui.analysis import AnalysisService
from migplan.gui.autosave import Autosaver
from migplan.gui.capacity_view import CapacityView
from migplan.gui.details_panel import DetailsPanel
from migplan.gui.dialogs import Ask, SaveChoice
from migplan.gui.first_steps import FirstStepsPanel
from migplan.gui.graph_view import GraphView
from migplan.gui.import_wizard import ImportWizard
from migplan.gui.inventory_view import InventoryView
from migplan.gui.session import DocumentSession
from migplan.gui.settings_dialog import SettingsDialog, open_settings_dialog
from migplan.gui.tasks import BackgroundTask, progress_dialog, wait_for
from migplan.gui.wave_board import WaveBoard
from migplan.gui.waves_view import WavesView
from migplan.gui.workbook_update import WorkbookUpdateDialog
from migplan.gui.workload_model import ID_ROLE

if TYPE_CHECKING:
    from migplan.gui.print_report import ReportPrinter
    from migplan.io.reports.data import PlanReport

MAX_RECENT = 8
#: Optimise waves' whole run: proposing, then the solver (``core.planning.optimize``).
OPTIMISE_BUDGET_S = 60.0
RECENT_KEY = "recent_files"


class MainWindow(QMainWindow):
    def __init__(
        self,
        settings: QSettings | None = None,
        parent: QWidget | None = None,
        autosave_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main-window")
        self.settings = settings or QSettings("MigPlan", "MigPlan")
        self.session = DocumentSession(self)
        self.autosaver = Autosaver(self.session, autosave_dir)
        self.import_wizard: ImportWizard | None = None
        self.workbook_dialog: WorkbookUpdateDialog | None = None
        self.plan_task: BackgroundTask | None = None
        self.export_task: BackgroundTask | None = None
        self._report_printer: ReportPrinter | None = None
        self.session.changed.connect(self._on_session_changed)
        self.session.reset.connect(self._refresh_status)
        self.session.path_changed.connect(self._update_title)
        self.session.undo_stack.cleanChanged.connect(self._update_title)

        self.analysis = AnalysisService(self.session, dialog_parent=self)
        self.inventory = InventoryView(self.session, self.analysis, self)
        self.inventory.message.connect(self.show_message)
        self.inventory.remember_columns(self.settings)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("main-tabs")
        self.tabs.setDocumentMode(True)
        # Hovering a tab during a drag switches to it (drag workloads to the Waves tab).
        self.tabs.tabBar().setChangeCurrentOnDrag(True)
        self.tabs.tabBar().setAcceptDrops(True)
        self.tabs.addTab(self.inventory, "Inventory")
        self.waves = WavesView(self.session, self.analysis, self)
        self.waves.message.connect(self.show_message)
        self.waves.show_workloads.connect(self.show_workloads)
        self.tabs.addTab(self.waves, "Waves && risk")
        self.graph = GraphView(self.session, self, self.analysis)
        self.graph.show_workloads.connect(self.show_workloads)
        self.graph.message.connect(self.show_message)
        self.tabs.addTab(self.graph, "Dependencies")
        self.capacity = CapacityView(self.session, self.analysis, self)
        self.tabs.addTab(self.capacity, "Capacity && cost")
        self.tabs.currentChanged.connect(self._on_tabs_current_changed)
        self._details_wanted = True
        # An empty plan shows how to start instead of empty tables.
        self.first_steps = FirstStepsPanel(self)
        self.first_steps.import_requested.connect(lambda: self.import_files([]))
        self.first_steps.example_requested.connect(self.open_path)
        self.first_steps.open_requested.connect(self.open_dialog)
        self.first_steps.guide_requested.connect(self.show_user_guide)
        self.central = QStackedWidget(self)
        self.central.addWidget(self.first_steps)
        self.central.addWidget(self.tabs)
        self.setCentralWidget(self.central)
        self.session.reset.connect(self._show_first_steps_if_empty)
        self.session.changed.connect(self._show_first_steps_if_empty)

        self.details = DetailsPanel(self.session, self, self.analysis)
        self.details_dock = QDockWidget("Details", self)
        self.details_dock.setObjectName("details-dock")
        self.details_dock.setWidget(self.details)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.details_dock)
        self.resizeDocks([self.details_dock], [370], Qt.Orientation.Horizontal)
        # The wave board sits under the inventory (the details panel keeps the right side).
        self.board = WaveBoard(self.session, self.analysis, self.waves.wave_actions, self)
        self.board_dock = QDockWidget("Wave board", self)
        self.board_dock.setObjectName("board-dock")
        self.board_dock.setWidget(self.board)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.board_dock)
        self.resizeDocks([self.board_dock], [280], Qt.Orientation.Vertical)
        self._board_wanted = True
        # The details follow the selection: one workload, or a summary of several.
        self.inventory.table.selectionModel().selectionChanged.connect(
            self._on_inventory_selection_changed
        )
        # With nothing selected, the current row's (a click or an arrow key moves both: the
        # details are built once, on the selection's signal).
        self.inventory.table.selectionModel().currentRowChanged.connect(
            self._on_inventory_current_row_changed
        )
        self.setAcceptDrops(True)

        self.counts_label = QLabel(self)
        self.counts_label.setObjectName("status-counts")
        self.statusBar().addPermanentWidget(self.counts_label)

        self._build_actions()
        self._build_menus()
        self._update_title()
        self._refresh_status()
        self._show_first_steps_if_empty()
        self.resize(1360, 820)

    # -- actions and menus --------------------------------------------------------------

    def _action(
        self, text: str, slot: object, shortcut: QKeySequence.StandardKey | str | None = None
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(shortcut)
        action.triggered.connect(slot)
        return action

    def _build_actions(self) -> None:
        keys = QKeySequence.StandardKey
        self.new_action = self._action("&New plan", self.new_plan, keys.New)
        self.open_action = self._action("&Open…", self.open_dialog, keys.Open)
        self.save_action = self._action("&Save", self.save, keys.Save)
        self.save_as_action = self._action("Save &as…", self.save_as, keys.SaveAs)
        self.import_action = self._action("&Import…", lambda: self.import_files([]), "Ctrl+I")
        self.export_pdf_action = self._action(
            "Export phase plan as &PDF…", lambda: self.export("pdf"), "Ctrl+Shift+P"
        )
        self.export_xlsx_action = self._action(
            "Export to &Excel…", lambda: self.export("xlsx"), "Ctrl+Shift+E"
        )
        self.compare_action = self._action("&Compare with…", self.compare_with)
        self.merge_action = self._action("&Merge…", self.merge_with)
        self.properties_action = self._action("P&lan properties…", self.show_properties)
        self.update_from_workbook_action = self._action(
            "&Update from Excel workbook…", self.update_from_workbook
        )
        self.update_from_workbook_action.setObjectName("update-from-workbook")
        # No Ctrl+P: it proposes waves (the planner's key since the first release).
        self.print_action = self._action("Prin&t…", lambda: self.report_printer.print_())
        self.print_preview_action = self._action(
            "Print pre&view…", lambda: self.report_printer.preview()
        )
        self.propose_action = self._action("&Propose waves…", self.propose_waves, "Ctrl+P")
        self.optimize_action = self._action(
            "", lambda: self.propose_waves(optimize_s=self.optimise_budget_s)
        )
        self.set_optimise_budget(OPTIMISE_BUDGET_S)
        self.preview_dialog: QDialog | None = None
        self.quit_action = self._action("&Quit", self.close, keys.Quit)
        self.settings_dialog: SettingsDialog | None = None
        self.compare_dialog: QDialog | None = None
        self.merge_dialog: QDialog | None = None
        self.properties_dialog: QDialog | None = None
        self.settings_action = self._action("Se&ttings…", self.edit_settings, "Ctrl+,")
        self.settings_action.setObjectName("plan-settings")
        self.guide_dialog: QDialog | None = None
        self.about_dialog: QMessageBox | None = None
        self.guide_action = self._action("&User guide", self.show_user_guide, keys.HelpContents)
        self.about_action = self._action("&About MigPlan", self.show_about)
        stack = self.session.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(keys.Undo)
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(keys.Redo)
        # Also on the window itself, so the shortcuts work wherever the focus is.
        self.addActions(
            [
                self.new_action,
                self.open_action,
                self.save_action,
                self.save_as_action,
                self.import_action,
                self.export_pdf_action,
                self.export_xlsx_action,
                self.propose_action,
                self.settings_action,
                self.guide_action,
                self.quit_action,
                self.undo_action,
                self.redo_action,
            ]
        )

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = bar.addMenu("&File")
        self.file_menu.addAction(self.new_action)
        self.file_menu.addAction(self.open_action)
        self.recent_menu = QMenu("Open &recent", self)
        self.recent_menu.setObjectName("recent-menu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.file_menu.addMenu(self.recent_menu)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.import_action)
        self.file_menu.addAction(self.export_pdf_action)
        self.file_menu.addAction(self.export_xlsx_action)
        self.file_menu.addAction(self.update_from_workbook_action)
        self.file_menu.addAction(self.print_preview_action)
        self.file_menu.addAction(self.print_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.compare_action)
        self.file_menu.addAction(self.merge_action)
        self.file_menu.addAction(self.properties_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.save_action)
        self.file_menu.addAction(self.save_as_action)
        self.file_menu.addSeparator()
        self.file_menu.addAction(self.quit_action)
        self.edit_menu = bar.addMenu("&Edit")
        self.edit_menu.addAction(self.undo_action)
        self.edit_menu.addAction(self.redo_action)
        self.plan_menu = bar.addMenu("&Plan")
        self.plan_menu.addAction(self.propose_action)
        self.plan_menu.addAction(self.optimize_action)
        self.plan_menu.addSeparator()
        self.plan_menu.addAction(self.settings_action)
        self.view_menu = bar.addMenu("&View")
        self.view_menu.addAction(self.details_dock.toggleViewAction())
        self.view_menu.addAction(self.board_dock.toggleViewAction())
        self.help_menu = bar.addMenu("&Help")
        self.help_menu.addAction(self.guide_action)
        self.help_menu.addAction(self.about_action)
        self._fill_recent_menu()

    def set_optimise_budget(self, seconds: float) -> None:
        """Optimise waves runs for at most ``seconds``, and its menu item says so."""
        self.optimise_budget_s = seconds
        self.optimize_action.setText(f"&Optimise waves (up to {seconds:g} s)…")
        self.optimize_action.setToolTip(
            f"Propose, then let the solver improve the waves for at most {seconds:g} s in all; "
            "it stops sooner only when it proves no better plan exists"
        )

    # -- settings, help and first steps ---------------------------------------------------

    def edit_settings(self) -> SettingsDialog:
        """Plan > Settings (window-modal, not blocking); OK is one undo step."""
        self.settings_dialog = open_settings_dialog(self, self.session, self.show_message)
        return self.settings_dialog

    def show_user_guide(self) -> QDialog:
        from migplan.gui.help import UserGuideDialog

        dialog = UserGuideDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.guide_dialog = dialog
        dialog.show()
        return dialog

    def show_about(self) -> QMessageBox:
        from migplan.gui.help import about_box

        box = about_box(self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.about_dialog = box
        box.open()
        return box

    def _show_first_steps_if_empty(self, *args: object) -> None:
        doc = self.session.doc
        empty = not (doc.workloads or doc.applications or doc.waves)
        self.central.setCurrentWidget(self.first_steps if empty else self.tabs)

    # -- compare, merge and plan properties ---------------------------------------------------

    def compare_with(self) -> QDialog | None:
        """File > Compare with…: another version of the plan against the open one."""
        from migplan.gui.compare_dialog import open_compare

        self.compare_dialog = open_compare(self, self.session, self._load, self._wait)
        return self.compare_dialog

    def merge_with(self) -> QDialog | None:
        """File > Merge…: the open plan (ours) with a base and their version; one undo step."""
        from migplan.gui.merge_dialog import open_merge

        self.merge_dialog = open_merge(
            self, self.session, self._load, self._wait, self.show_message
        )
        return self.merge_dialog

    def show_properties(self) -> QDialog:
        from migplan.gui.plan_properties import PlanPropertiesDialog

        dialog = PlanPropertiesDialog(self, self.session.doc.settings, self.settings)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.properties_dialog = dialog
        dialog.open()
        return dialog

    # -- recent files ---------------------------------------------------------------------

    def recent_files(self) -> list[Path]:
        value = self.settings.value(RECENT_KEY, [])
        items = [value] if isinstance(value, str) else list(value or [])
        return [Path(p) for p in items if p]

    def _remember(self, path: Path) -> None:
        resolved = str(path.resolve())
        items = [str(p) for p in self.recent_files() if str(p) != resolved]
        self.settings.setValue(RECENT_KEY, [resolved, *items][:MAX_RECENT])
        self.settings.sync()
        self._fill_recent_menu()

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = self.recent_files()
        for i, path in enumerate(recent, start=1):
            action = self.recent_menu.addAction(f"&{i} {path.name}  —  {path.parent}")
            action.setData(str(path))
            action.setEnabled(path.exists())
            action.triggered.connect(lambda _c=False, p=path: self.open_path(p))
        if not recent:
            empty = self.recent_menu.addAction("No recent plans")
            empty.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            clear = self.recent_menu.addAction("Clear list")
            clear.triggered.connect(self._clear_recent)

    def _clear_recent(self) -> None:
        self.settings.setValue(RECENT_KEY, [])
        self._fill_recent_menu()

    # -- file operations --------------------------------------------------------------------

    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded or unchanged)."""
        if not self.session.modified:
            return True
        choice = Ask.unsaved_changes(self, self.session.display_name)
        if choice is SaveChoice.SAVE:
            return self.save()
        if choice is SaveChoice.DISCARD:
            # Discarded on purpose: never offered back at the next start.
            self.autosaver.discard()
            return True
        return False

    def new_plan(self) -> None:
        if self.maybe_save():
            self.session.replace(PlanDocument(), None)

    def open_dialog(self) -> None:
        if not self.maybe_save():
            return
        start = self.session.path.parent if self.session.path else None
        path = Ask.open_path(self, start)
        if path is not None:
            self.open_path(path, ask=False)

    def open_path(self, path: Path, ask: bool = True) -> bool:
        """Load ``path``; on failure show why and keep the current document as it was."""
        if ask and not self.maybe_save():
            return False
        doc = self._load(path, "Cannot open plan")
        if doc is None:
            return False
        recovered = False
        autosave = self.autosaver.recoverable(path)
        if autosave is not None and Ask.recover(self, path.name):
            copy = self._load(autosave, "Cannot recover the autosaved copy")
            if copy is not None:
                doc, recovered = copy, True
        self.session.replace(doc, path)
        self._remember(path)
        if recovered:
            # Unsaved again: the recovered changes are not in the file yet. They are written
            # back to the autosave at once (opening cleared it), so a second crash before the
            # next save loses nothing.
            self.session.mark_recovered()
            self.autosaver.autosave_now()
            self.show_message(f"Recovered unsaved changes of {path.name}; save to keep them")
        else:
            self.autosaver.discard(path)
            self.show_message(f"Opened {path.name}")
        return True

    def offer_untitled_recovery(self) -> bool:
        """At a start with no file: an autosave of a plan never saved (an import not saved
        yet is the likeliest loss) is offered; True when it was recovered."""
        candidate = self.autosaver.untitled()
        if candidate is None or not Ask.recover(self, "an unsaved plan"):
            return False
        doc = self._load(candidate, "Cannot recover the autosaved copy")
        if doc is None:
            return False
        self.session.replace(doc, None)
        self.session.mark_recovered()
        self.autosaver.autosave_now()
        self.show_message("Recovered an unsaved plan; save it to keep it")
        return True

    def _load(self, path: Path, failure: str) -> PlanDocument | None:
        """Read ``path`` on a worker, the window turning, with progress and Cancel after
        300 ms; None (the message shown, unless cancelled) when it cannot be had."""
        from migplan.io.planfile import load_plan

        done, doc = self._wait(
            lambda progress: load_plan(path, progress=progress),
            ("Opening", f"Reading {path.name}", f"Opening {path.name}"),
            failure,
            f"Opening {path.name} cancelled; nothing changed",
        )
        return doc if done else None

    def _wait(
        self,
        fn: Callable[[Progress], Any],
        words: tuple[str, str, str],
        failure: str,
        cancelled: str = "",
    ) -> tuple[bool, Any]:
        """``fn`` on a worker, the window turning (``wait_for``); ``words`` are the progress
        dialog's title, its label and the name of the work in an unforeseen error's message.
        (True, its value), or (False, None) once the error or the cancel has been said."""
        title, label, what = words
        outcome = wait_for(fn, self, title, label, what=what)
        if outcome.cancelled:
            if cancelled:
                self.show_message(cancelled)
            return False, None
        if outcome.error is not None:
            Ask.show_error(self, failure, outcome.error)
            return False, None
        return True, outcome.value

    def save(self) -> bool:
        if self.session.path is None:
            return self.save_as()
        return self._save_to(self.session.path)

    def save_as(self) -> bool:
        suggested = self.session.path or Path.home() / f"{self.session.doc.settings.name}.migplan"
        path = Ask.save_path(self, suggested)
        return self._save_to(path) if path is not None else False

    def _save_to(self, path: Path) -> bool:
        from migplan.gui.saved_versions import with_saved_version
        from migplan.io.planfile import save_plan

        # The log of saved versions gains this save (not an undo step: only saving changes
        # it); a save that fails or is cancelled puts the settings back as they were.
        doc = self.session.doc
        unsaved_settings = doc.settings
        doc.settings = with_saved_version(self.session, path, self.settings)
        # A snapshot, written on a worker while the window turns (the progress dialog keeps
        # the plan from being edited meanwhile, so the file is the plan as shown).
        snapshot = self.session.doc.snapshot()
        done, _ = self._wait(
            lambda progress: save_plan(snapshot, path, progress=progress),
            ("Saving", f"Saving {path.name}", f"Saving {path.name}"),
            "Cannot save plan",
            f"Not saved: cancelled; {path.name} is as it was",
        )
        if not done:
            doc.settings = unsaved_settings
            return False
        self.session.mark_saved(path)
        self._remember(path)
        self.show_message(f"Saved {path.name}")
        return True

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.maybe_save():
            self.autosaver.discard()
            event.accept()
        else:
            event.ignore()

    # -- drag and drop --------------------------------------------------------------------

    @staticmethod
    def _local_paths(event: QDragEnterEvent | QDropEvent) -> list[Path]:
        mime = event.mimeData()
        if not mime.hasUrls():
            return []
        return [Path(u.toLocalFile()) for u in mime.urls() if u.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._local_paths(event):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = self._local_paths(event)
        if not paths:
            return
        event.acceptProposedAction()
        plans = [p for p in paths if p.suffix.lower() == ".migplan"]
        if plans:
            self.open_path(plans[0])
            return
        self.import_files(paths)

    def import_files(self, paths: list[Path]) -> ImportWizard:
        """Open the import wizard (window-modal, not blocking) with ``paths`` already listed."""
        wizard = ImportWizard(self.session.doc, self)
        wizard.files_page.add_files(paths)
        wizard.accepted.connect(lambda: self._apply_import(wizard))
        wizard.finished.connect(wizard.deleteLater)
        self.import_wizard = wizard
        wizard.open()
        return wizard

    def _apply_import(self, wizard: ImportWizard) -> None:
        command = wizard.command
        if command is None:
            return
        try:
            summary = self.session.execute(command)
        except MigPlanError as exc:
            Ask.show_error(self, "Cannot import", str(exc))
            return
        self.show_message(f"Imported: {summary.describe()}")

    # -- export ---------------------------------------------------------------------------

    def export(self, kind: str) -> BackgroundTask | None:
        """Ask where, gather what the window shows (GUI thread), write it in the background."""
        from migplan.io.reports.data import build_report

        base = (
            self.session.path.with_suffix(f".{kind}")
            if self.session.path
            else Path.home() / f"{self.session.doc.settings.name}.{kind}"
        )
        title = "Export phase plan (PDF)" if kind == "pdf" else "Export to Excel"
        filter_ = "PDF (*.pdf)" if kind == "pdf" else "Excel workbook (*.xlsx)"
        path = Ask.export_path(self, title, base, filter_)
        if path is None:
            return None
        # The file shows the plan as it was when Export was chosen.
        doc, report = self.report_snapshot()

        def work(progress: Progress) -> Path:
            whole = report or build_report(doc)
            if kind == "pdf":
                from migplan.io.reports.pdf import write_pdf

                write_pdf(doc, path, whole)
            else:
                from migplan.io.reports.xlsx import write_xlsx

                write_xlsx(doc, path, whole)
            return path

        task = BackgroundTask(work, self)
        task.succeeded.connect(lambda p: self.show_message(f"Exported {Path(p).name}"))
        task.failed.connect(lambda msg: Ask.show_error(self, "Cannot export", msg))
        self.export_task = task
        self.show_message(f"Writing {path.name}…")
        task.start()
        return task

    def report_snapshot(self) -> tuple[PlanDocument, PlanReport | None]:
        """A snapshot of the plan for a worker to write (milliseconds: entities are
        immutable), so the user edits on meanwhile, and its report from what the window has
        already computed for this revision, gathered here on its thread (the assessment
        changes with each edit); None when that is out of date: the worker builds its own."""
        from migplan.io.reports.data import build_report

        live = self.session.doc
        assessment = self.analysis.current_for(live)
        doc = live.snapshot()
        if assessment is None:
            return doc, None
        unplaced = self.waves.unplaced.service.current_for(live)
        return doc, build_report(doc, assessment, unplaced=unplaced)

    @property
    def report_printer(self) -> ReportPrinter:
        """File > Print and Print Preview: the phase plan PDF's pages (``print_report``)."""
        if self._report_printer is None:
            from migplan.gui.print_report import ReportPrinter

            self._report_printer = ReportPrinter(self)
        return self._report_printer

    def update_from_workbook(self) -> WorkbookUpdateDialog | None:
        """File > Update from Excel workbook: read a workbook exported earlier and edited,
        show what it changes, apply it as one undo step."""
        from migplan.io.reports.workbook_edits import read_workbook_edits

        start = self.session.path.parent if self.session.path else None
        path = Ask.workbook_path(self, start)
        if path is None:
            return None
        doc = self.session.doc
        done, edits = self._wait(
            lambda progress: read_workbook_edits(doc, path, progress),
            ("Reading the workbook", f"Reading {path.name}", f"Reading {path.name}"),
            "Cannot read the workbook",
        )
        if not done:
            return None
        dialog = WorkbookUpdateDialog(edits, self)
        dialog.accepted.connect(lambda: self._apply_workbook(dialog))
        dialog.finished.connect(dialog.deleteLater)
        self.workbook_dialog = dialog
        dialog.open()
        return dialog

    def _apply_workbook(self, dialog: WorkbookUpdateDialog) -> None:
        command = dialog.edits.command
        if command is None:
            return
        try:
            self.session.execute(command)
        except MigPlanError as exc:
            Ask.show_error(self, "Cannot apply the workbook's changes", str(exc))
            return
        self.show_message(
            f"Updated from {dialog.edits.path.name}: {len(dialog.edits.changes)} changes"
        )

    # -- planning ---------------------------------------------------------------------------

    def propose_waves(self, optimize_s: float = 0.0) -> BackgroundTask | None:
        """Plan on a worker (window-modal progress, Cancel changes nothing), then show what
        would change (``ProposalPreview``, worked out on the worker too); Apply is one undo
        step named "Propose waves" or "Optimise waves". ``optimize_s`` is the whole run's
        time budget when optimising.

        Locked waves and pinned workloads are kept; the result replaces the other waves.
        """
        doc = self.session.doc
        if not doc.workloads:
            self.show_message("Nothing to plan: the plan has no workloads")
            return None
        from migplan.gui.proposal_run import plan_work

        label = "Optimise waves" if optimize_s > 0 else "Propose waves"
        work = plan_work(doc, self.analysis.current_for(doc), label, optimize_s)
        revision = doc.revision
        task = BackgroundTask(work, self)
        self.plan_task = task
        dialog = progress_dialog(
            task,
            self,
            "Planning",
            f"{label}…",
            "plan-progress",
            describe=lambda message: message or f"{label}…",
        )

        def succeeded(result: Any) -> None:
            dialog.reset()
            if self.session.doc is not doc or doc.revision != revision:
                self.show_message("The plan changed while planning; nothing was applied")
                return
            self._show_proposal_preview(*result)

        def failed(message: str) -> None:
            dialog.reset()
            Ask.show_error(self, "Planning failed", message)

        task.succeeded.connect(succeeded)
        task.failed.connect(failed)
        task.cancelled.connect(
            lambda: (dialog.reset(), self.show_message("Planning cancelled; nothing changed"))
        )
        task.start()
        return task

    def _show_proposal_preview(self, proposal: Any, preview: Any) -> None:
        """The preview, window-modal; Apply runs the proposal's command as one undo step."""
        from migplan.gui.proposal_preview import ProposalPreviewDialog

        doc = self.session.doc
        dialog = ProposalPreviewDialog(preview, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        self.preview_dialog = dialog

        def apply() -> None:
            if self.session.doc is not doc or doc.revision != preview.revision:
                self.show_message("The plan changed since the preview; nothing was applied")
                return
            from migplan.core.planning.proposal import proposal_command

            try:
                self.session.execute(proposal_command(doc, proposal, preview.label))
            except MigPlanError as exc:
                Ask.show_error(self, f"Cannot apply: {preview.label.lower()}", str(exc))
                return
            self.tabs.setCurrentWidget(self.waves)
            # The Not in a wave list updates by itself; what the planner wants said up
            # front stays on screen until the user dismisses it.
            self.waves.show_notes(proposal.notes)
            self.show_message(f"{preview.label}: applied ({len(preview.moves):,} workloads moved)")

        dialog.accepted.connect(apply)
        dialog.finished.connect(lambda _result: setattr(self, "preview_dialog", None))
        dialog.rejected.connect(
            lambda: self.show_message(f"{preview.label}: discarded; nothing changed")
        )
        dialog.open()

    def show_workloads(self, ids: list[str]) -> None:
        self.tabs.setCurrentWidget(self.inventory)
        shown = self.inventory.select_ids(ids)
        self.show_message(f"Selected {shown} workloads")

    def _on_tabs_current_changed(self, index: int) -> None:
        """The details panel and the wave board belong to the inventory; other tabs get the room."""
        on_inventory = self.tabs.widget(index) is self.inventory
        if not on_inventory:
            self._details_wanted = self.details_dock.isVisible() or not self.isVisible()
            self.details_dock.hide()
            self._board_wanted = self.board_dock.isVisible() or not self.isVisible()
            self.board_dock.hide()
        else:
            if self._details_wanted:
                self.details_dock.show()
            if self._board_wanted:
                self.board_dock.show()

    # -- selection ----------------------------------------------------------------------

    def _on_inventory_current_row_changed(self, *args: object) -> None:
        if not self.inventory.table.selectionModel().hasSelection():
            self._on_inventory_selection_changed()

    def _on_inventory_selection_changed(self, *args: object) -> None:
        ids = self.inventory.selected_ids()
        if not ids:
            current = self.inventory.table.currentIndex()
            ids = [current.data(ID_ROLE)] if current.isValid() else []
        self.details.show_selection(ids)

    # -- status -----------------------------------------------------------------------------

    def show_message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _on_session_changed(self, summary: ChangeSummary) -> None:
        self._refresh_status()

    def _refresh_status(self) -> None:
        counts = self.session.doc.counts()
        self.counts_label.setText(
            f"{counts['workloads']:,} workloads · {counts['applications']:,} applications · "
            f"{counts['dependencies']:,} dependencies · {counts['waves']:,} waves"
        )

    def _update_title(self, *args: object) -> None:
        name = self.session.doc.settings.name
        file_name = self.session.display_name
        self.setWindowTitle(f"{file_name}[*] — {name} — MigPlan {__version__}")
        self.setWindowModified(self.session.modified)

    @property
    def title_text(self) -> str:
        """The title as a window manager shows it (``[*]`` replaced by the modified mark)."""
        return self.windowTitle().replace("[*]", "*" if self.isWindowModified() else "")
