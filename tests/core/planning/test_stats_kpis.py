"""``migplan stats --json`` gains plan metrics, per-wave risk and ``--assignments``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migplan.cli import main
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.planning.metrics import plan_metrics
from migplan.io.planfile import save_plan


def test_stats_json_has_metrics_risk_and_assignments(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = generate_estate(EstateSpec(workloads=120, waves=4, seed=3))
    path = tmp_path / "p.migplan"
    save_plan(doc, path)
    assert main(["stats", str(path), "--json", "--assignments"]) == 0
    data = json.loads(capsys.readouterr().out)
    # Existing keys are kept.
    assert data["workloads"] == len(doc.workloads) and len(data["waves"]) == 4
    m = data["metrics"]
    expected = plan_metrics(doc)
    assert m["weighted_wave_distance"] == pytest.approx(expected.weighted_wave_distance, abs=1e-3)
    assert m["peak_cut"] == pytest.approx(expected.peak_cut, abs=1e-3)
    assert m["precedence_violations"] == expected.precedence_violations
    assert m["capacity_overflow"] == expected.capacity_overflow
    assert isinstance(m["hard_violations"], int)
    for wave in data["waves"]:
        assert 0 <= wave["risk_score"] <= 100
        assert wave["risk_band"] in {"low", "medium", "high", "critical"}
        assert wave["confidence"] in {"low", "medium", "high"}
        assert isinstance(wave["blocked"], bool)
    order = {w.id: k + 1 for k, w in enumerate(doc.waves_in_order())}
    assignments = data["assignments"]
    assert len(assignments) == len(doc.workloads)
    for wl in doc.workloads.values():
        assert assignments[wl.name] == (order[wl.wave_id] if wl.wave_id else None)


def test_stats_without_assignments_flag_and_text_mode(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = generate_estate(EstateSpec(workloads=60, waves=2, seed=4))
    path = tmp_path / "p.migplan"
    save_plan(doc, path)
    assert main(["stats", str(path), "--json"]) == 0
    assert "assignments" not in json.loads(capsys.readouterr().out)
    assert main(["stats", str(path)]) == 0
    text = capsys.readouterr().out
    assert "weighted wave distance" in text and "risk" in text


def test_stats_on_a_plan_with_no_waves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A fresh import has no waves: stats reports zeros instead of a traceback."""
    doc = generate_estate(EstateSpec(workloads=60, seed=4))
    assert not doc.waves
    path = tmp_path / "fresh.migplan"
    save_plan(doc, path)
    assert main(["stats", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["waves"] == [] and data["unassigned_workloads"] == len(doc.workloads)
    assert data["metrics"]["peak_cut"] == 0 and data["metrics"]["hard_violations"] == 0
    assert main(["stats", str(path)]) == 0
    assert "0 waves" in capsys.readouterr().out
