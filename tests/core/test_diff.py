"""Compare two versions of a plan: what a person reads, and the JSON a machine reads."""

from __future__ import annotations

import json

from migplan.core.commands import AddEntities, RemoveEntities, SetSettings, UpdateEntities
from migplan.core.diff import compare
from migplan.core.document import PlanDocument
from migplan.core.models import Dependency, Wave, Workload


def copy(doc: PlanDocument) -> PlanDocument:
    return PlanDocument.from_data(doc.to_data())


def test_the_same_plan_has_no_differences(small_plan: PlanDocument) -> None:
    doc = small_plan
    diff = compare(doc, copy(doc))
    assert diff.same
    assert diff.summary() == "No differences"
    assert diff.sections() == []
    assert diff.to_json()["same"] is True


def test_every_kind_of_change_is_listed_in_words(small_plan: PlanDocument) -> None:
    old = small_plan
    new = copy(old)
    new.apply(
        UpdateEntities(
            (
                ("w-app", {"wave_id": "v-3", "vcpu": 16, "owner": "Ada"}),
                ("w-lone", {"attributes": {"Rack": "R7"}}),
                ("v-2", {"name": "Main wave", "locked": True}),
            )
        )
    )
    new.apply(RemoveEntities(("w-crm",)))
    new.apply(
        AddEntities(
            (
                Wave(id="v-4", name="Wave 4", order=4),
                Workload(id="w-new", name="new-01", wave_id="v-4"),
                Dependency(id="d-new", source="w-new", target="w-db", port=1521),
            )
        )
    )
    settings = new.settings
    new.apply(
        SetSettings(settings.with_changes(network=settings.network.with_changes(link_mbps=2500.0)))
    )
    diff = compare(old, new)
    assert not diff.same
    assert [i.name for i in diff.workloads_added] == ["new-01"]
    assert [i.name for i in diff.workloads_removed] == ["crm-01"]
    (move,) = diff.workloads_moved
    assert move.line() == "app-01: Wave 2 (order 2) → Wave 3 (order 3)"
    lines = {c.name: c.line() for c in diff.workloads_changed}
    assert lines["app-01"] == "app-01: vCPU: 4 → 16; owner: (empty) → Ada"
    assert lines["lone-01"] == "lone-01: column 'Rack': R1 → R7"
    assert [i.name for i in diff.dependencies_added] == ["new-01 → db-01 (1521)"]
    # The removed workload's dependency goes with it, named from the old plan.
    assert [i.name for i in diff.dependencies_removed] == ["crm-01 → db-01 (5432)"]
    (wave,) = diff.waves_changed
    assert wave.line() == "Main wave: name: Wave 2 → Main wave; locked: no → yes"
    assert [i.name for i in diff.waves_added] == ["Wave 4"]
    (setting,) = diff.settings_changed
    assert setting.line() == ("Link bandwidth (network.link_mbps): 1000 Mbit/s → 2500 Mbit/s")
    assert diff.summary() == (
        "Workloads: 1 added, 1 removed, 1 moved, 2 edited; dependencies: 1 added, 1 removed; "
        "waves: 1 added, 1 renamed, 1 locked or unlocked; 1 setting changed"
    )
    headings = [s.heading for s in diff.sections()]
    assert headings[:3] == [
        "Workloads added (1)",
        "Workloads removed (1)",
        "Workloads moved to another wave (1)",
    ]
    assert "Settings changed (1)" in headings


def test_risk_per_wave_before_and_after_matches_waves_by_id_then_name(
    small_plan: PlanDocument,
) -> None:
    old = small_plan
    new = copy(old)
    # Everything into the pilot wave: its risk changes; Wave 3 is deleted and re-made under
    # another id, matched by its name.
    new.apply(UpdateEntities.same(["w-app", "w-db", "w-crm", "w-lone"], wave_id="v-1"))
    new.apply(RemoveEntities(("v-3",)))
    new.apply(AddEntities((Wave(id="v-3b", name="Wave 3", order=3),)))
    diff = compare(old, new)
    by_wave = {r.wave: r for r in diff.risk}
    assert set(by_wave) == {"Pilot", "Wave 2", "Wave 3"}
    pilot = by_wave["Pilot"]
    assert pilot.before_score is not None and pilot.after_score is not None
    assert pilot.after_score != pilot.before_score and pilot.changed
    assert by_wave["Wave 3"].before_score is not None  # matched by name
    risk = diff.sections()[-1]
    assert risk.title.startswith("Risk per wave, before → after")
    assert any(line.startswith("Pilot: ") for line in risk.lines)


def test_json_has_every_list_and_the_summary(small_plan: PlanDocument) -> None:
    old = small_plan
    new = copy(old)
    new.apply(UpdateEntities((("w-web", {"wave_id": None}),)))
    data = json.loads(compare(old, new).to_json_text())
    assert data["same"] is False
    assert data["workloads_moved"] == [
        {
            "id": "w-web",
            "name": "web-01",
            "old_wave": "Pilot (order 1)",
            "new_wave": "no wave",
            "old_wave_id": "v-1",
            "new_wave_id": None,
        }
    ]
    assert data["summary"] == "Workloads: 1 moved"
    assert {r["wave"] for r in data["risk"]} == {"Pilot", "Wave 2", "Wave 3"}
