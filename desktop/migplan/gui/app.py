"""Starting the application: QApplication set-up, the window, and headless screenshots."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from migplan import __version__
from migplan.gui.main_window import MainWindow
from migplan.gui.style import apply_style


def make_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    QCoreApplication.setOrganizationName("MigPlan")
    QCoreApplication.setApplicationName("MigPlan")
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication(argv if argv is not None else sys.argv[:1])
    apply_style(app)
    sys.excepthook = excepthook
    return app


def excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """What happens to an error nobody foresaw anywhere in the window (a slot, a menu action,
    a save): one message box naming the log file that holds its traceback; the window goes
    on, and the document is as the last completed command left it."""
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, exc, tb)
        return
    from migplan.crashlog import unexpected
    from migplan.gui.dialogs import Ask

    message = unexpected(exc.with_traceback(tb), "MigPlan")
    try:
        Ask.show_error(QApplication.activeWindow(), "Something went wrong", message)
    except Exception:  # no window to show it in: at least the line on stderr
        print(f"migplan: {message}", file=sys.stderr)


def open_window(path: Path | None, settings: QSettings | None = None) -> MainWindow:
    window = MainWindow(settings)
    if path is not None:
        window.open_path(path, ask=False)
    return window


def run_app(path: Path | None) -> int:
    app = make_app()
    window = open_window(None)
    window.show()
    # The window is on screen first, then the plan is read behind its progress (a plan of
    # 10,000 workloads takes seconds; before, a bare progress dialog stood on an empty screen).
    if path is not None:
        QTimer.singleShot(0, lambda: window.open_path(path, ask=False))
    else:
        QTimer.singleShot(0, window.offer_untitled_recovery)
    return app.exec()


def screenshot(
    path: Path | None, out: Path, size: tuple[int, int] = (1360, 820), tab: str = "inventory"
) -> int:
    """Render the window with ``path`` loaded to ``out`` (PNG) and return an exit code.

    Never waits for a person: the plan is read first, and a file that cannot be read is one
    message and exit 2, with no picture. Settings and autosaves live in a temporary folder
    for the run (no dialog about an earlier autosave; nothing beside ``out`` is touched)."""
    import tempfile

    from migplan.core.errors import MigPlanError
    from migplan.io.planfile import load_plan

    doc = None
    if path is not None:
        try:
            doc = load_plan(path)
        except MigPlanError as exc:
            print(f"migplan: {exc}", file=sys.stderr)
            return 2
    app = make_app()
    with tempfile.TemporaryDirectory(prefix="migplan-screenshot-") as scratch:
        settings = QSettings(str(Path(scratch) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings, autosave_dir=Path(scratch) / "autosave")
        if doc is not None:
            window.session.replace(doc, path)
        return _render(app, window, out, size, tab)


def _render(
    app: QApplication, window: MainWindow, out: Path, size: tuple[int, int], tab: str
) -> int:
    window.resize(*size)
    window.show()
    while window.analysis.building:  # a large plan is assessed in the background
        app.processEvents()
    if window.inventory.proxy.rowCount():
        # Show a selected workload, so the picture shows the details panel filled in.
        window.inventory.table.selectRow(min(3, window.inventory.proxy.rowCount() - 1))
    pages = {
        "inventory": window.inventory,
        "waves": window.waves,
        "dependencies": window.graph,
        "capacity": window.capacity,
    }
    window.tabs.setCurrentWidget(pages[tab.split("-")[0]])
    if tab == "dependencies-workloads":
        window.graph.level.setCurrentIndex(window.graph.level.findData("workloads"))
    if tab == "waves" and window.waves.model.rowCount():
        window.waves.table.selectRow(0)
    busy_until = time.monotonic() + 10
    unplaced = window.waves.unplaced
    while unplaced.isVisible() and unplaced.service.is_busy and time.monotonic() < busy_until:
        app.processEvents()  # the Not in a wave list is worked out in the background
    deadline = time.monotonic() + 0.5
    while time.monotonic() < deadline:  # let deferred layout (the graph's fit) run
        app.processEvents()
    ok = window.grab().save(str(out), "PNG")
    window.session.undo_stack.setClean()
    window.close()
    if not ok:
        print(f"migplan: could not write {out}", file=sys.stderr)
        return 2
    print(f"wrote {out}")
    return 0
