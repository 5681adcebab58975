"""Capacity & cost: per phase, what the target needs and what the legacy side frees, the
same figures as ``migplan stats --json`` (issue 14, point 6)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from migplan.core.commands import SetSettings
from migplan.gui.main_window import MainWindow


def cell(window: MainWindow, row: int, column: str) -> str:
    item = window.capacity.table.item(row, window.capacity.columns.index(column))
    assert item is not None
    return item.text()


def test_each_phase_shows_hosts_emptied_cores_freed_and_the_saving(
    qtbot: Any, window: MainWindow, example_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from migplan.cli import main

    assert window.open_path(example_copy, ask=False)
    window.tabs.setCurrentWidget(window.capacity)
    doc = window.session.doc
    qtbot.waitUntil(lambda: window.capacity.table.rowCount() == len(doc.waves))
    # Wave 2 empties two hosts; their cores by the 16-per-CPU minimum, at 350 USD a year
    # each, saved from the renewal on 1 April 2027 (the wave ends before it).
    wave = doc.waves_in_order()[1]
    emptied = [
        h for h in doc.hosts.values()
        if any(w.host_id == h.id for w in doc.workloads.values())
        and all(w.wave_id == wave.id for w in doc.workloads.values() if w.host_id == h.id)
    ]  # fmt: skip
    cores = sum(h.cpus * max(h.cores_per_cpu, 16) for h in emptied)
    assert cell(window, 1, "Wave") == f"2. {wave.name}"
    assert cell(window, 1, "Hosts emptied") == f"{len(emptied)} hosts"
    assert cell(window, 1, "Cores freed") == f"{cores:,}"
    assert cell(window, 1, "Saving a year") == f"{cores * 350:,} USD from 2027-04-01"
    tip = window.capacity.table.item(1, window.capacity.columns.index("Hosts emptied")).toolTip()
    assert all(h.name in tip for h in emptied)
    # The same numbers as migplan stats --json, computed once.
    capsys.readouterr()
    assert main(["stats", str(example_copy), "--json"]) == 0
    phases = json.loads(capsys.readouterr().out)["phases"]
    shown = [int(cell(window, r, "Licensed cores").replace(",", "")) for r in range(len(phases))]
    assert shown == [p["licensed_cores"] for p in phases]
    assert [cell(window, r, "Data to copy") for r in range(len(phases))] == [
        f"{p['data_gib']:,.0f} GiB" for p in phases
    ]
    assert window.capacity.totals.text().startswith("Legacy side: ")
    # A dearer licence: the saving follows the settings.
    licences = doc.settings.licences.model_copy(update={"price_per_core_year": 500.0})
    window.session.execute(SetSettings(doc.settings.model_copy(update={"licences": licences})))
    qtbot.waitUntil(
        lambda: cell(window, 1, "Saving a year") == f"{cores * 500:,} USD from 2027-04-01"
    )


def test_a_plan_without_hosts_says_they_are_unknown(qtbot: Any, window: MainWindow) -> None:
    from migplan.core.commands import AddEntities
    from migplan.core.models import Wave, Workload

    window.session.execute(
        AddEntities(
            (
                Wave(id="v-1", name="Pilot", order=1),  # type: ignore[arg-type]
                Workload(id="w-1", name="app01", wave_id="v-1"),  # type: ignore[arg-type]
            ),
            "Add",
        )
    )
    window.tabs.setCurrentWidget(window.capacity)
    qtbot.waitUntil(lambda: window.capacity.table.rowCount() == 1)
    assert cell(window, 0, "Hosts emptied") == "hosts unknown"
    assert window.capacity.totals.text().startswith("Legacy hosts unknown")
    # Nothing to draw: no hosts, no dated waves, no target pools; each chart says why.
    burn, growth = window.capacity.burn_down.chart, window.capacity.growth.chart
    assert burn is not None and burn.empty and "no host list" in burn.caption
    assert growth is not None and growth.empty and "No target pools" in growth.caption
    assert window.capacity.gpus.isHidden()
