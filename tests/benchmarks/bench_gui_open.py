"""Open a 10,000-workload plan in the main window, sort and filter it, and edit 10k rows.

Run: ``QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_gui_open.py``.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings, Qt

from migplan.core.enums import Environment
from migplan.core.estate import EstateSpec, generate_estate
from migplan.gui.app import make_app
from migplan.gui.main_window import MainWindow
from migplan.io.planfile import save_plan


def timed(label: str, fn) -> None:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    fn()
    print(f"{label:<44} {time.perf_counter() - t:7.3f} s")


def main() -> None:
    app = make_app()
    doc = generate_estate(EstateSpec(workloads=10_000, dependencies=50_000, waves=40, seed=1))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.migplan"
        save_plan(doc, path)
        window = MainWindow(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window.show()
        t0 = time.perf_counter()
        timed(
            "open 10k-workload plan (load + table)",
            lambda: (window.open_path(path, ask=False), app.processEvents()),
        )
        while window.analysis.building:  # the assessment runs in the background, window live
            app.processEvents()
        print(
            f"{'  ... assessment ready (background) after':<44} {time.perf_counter() - t0:7.3f} s"
        )
        view = window.inventory
        col = view.column_index("memory")
        timed(
            "sort by memory",
            lambda: (
                view.table.sortByColumn(col, Qt.SortOrder.DescendingOrder),
                app.processEvents(),
            ),
        )
        timed("filter 'db'", lambda: (view.filter_edit.setText("db"), app.processEvents()))
        view.filter_edit.clear()
        ids = [view.model.workload_id(r) for r in range(view.model.rowCount())]
        env = next(c for c in view.model.columns if c.key == "environment")
        timed(
            "bulk edit environment of 10k workloads",
            lambda: (view.model.set_values(ids, env, Environment.TEST), app.processEvents()),
        )
        timed("undo it", lambda: (window.session.undo_stack.undo(), app.processEvents()))
        waves = window.session.doc.waves_in_order()
        times = []
        for i in range(5):
            one = [ids[i]]
            target = next(w for w in waves if w.id != window.session.doc.workloads[ids[i]].wave_id)
            t = time.perf_counter()
            window.waves.move_workloads(one, target.id)
            app.processEvents()
            times.append(time.perf_counter() - t)
        print(
            f"{'move one workload (live risk), 5 moves':<44} {min(times):7.3f} s best, {sorted(times)[2]:.3f} s median"
        )
        timed("propose waves for 10k workloads (GUI)", lambda: _propose(window, app))
        window.session.undo_stack.setClean()
        window.close()


def _propose(window: MainWindow, app) -> None:  # type: ignore[no-untyped-def]
    task = window.propose_waves()
    while task is not None and task.running:
        app.processEvents()
    app.processEvents()


if __name__ == "__main__":
    main()
