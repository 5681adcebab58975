"""``migplan stats``: the target, phase by phase, in JSON and as text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.core.target.test_phase_capacity import GIB_PER_HOUR, hand_worked_plan

from migplan.cli import main
from migplan.io.planfile import save_plan


def test_stats_json_lists_the_target_per_phase(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.migplan"
    save_plan(hand_worked_plan(), path)
    assert main(["stats", str(path), "--json"]) == 0
    phases = json.loads(capsys.readouterr().out)["phases"]
    assert [(p["order"], p["wave"]) for p in phases] == [
        (1, "Wave 1"),
        (2, "Wave 2"),
        (3, "Wave 3"),
    ]
    # The figures worked by hand in test_phase_capacity.
    assert [p["nodes"] for p in phases] == [
        {"dc1/general": 1, "dc1/gpu": 0},
        {"dc1/general": 2, "dc1/gpu": 1},
        {"dc1/general": 2, "dc1/gpu": 3},
    ]
    assert phases[1]["gpus"] == {"dc1/gpu": {"used": 3, "total": 56, "unit": "MIG 1g.10gb slices"}}
    assert phases[2]["gpus"]["dc1/gpu"]["used"] == 57
    assert phases[2]["storage_feed"] == {"dc1/gpu": {"need_gbps": round(57 / 7, 3), "gbps": 1.5}}
    assert [p["data_gib"] for p in phases] == [300, 1524, 350]
    assert phases[0]["transfer_hours"] == round(300 / GIB_PER_HOUR, 2)
    assert {f["rule"] for f in phases[2]["findings"]} == {
        "TARGET-GPU-SHORT",
        "TARGET-GPU-MIX",
        "TARGET-FEED",
    }
    assert phases[0]["findings"] == []


def test_stats_text_has_a_target_section(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "p.migplan"
    save_plan(hand_worked_plan(), path)
    assert main(["stats", str(path)]) == 0
    out = capsys.readouterr().out
    assert "target after each wave:" in out
    assert "1. Wave 1: nodes dc1/general 1, dc1/gpu 0; 300.0 GiB to copy, 1.4 h" in out
    assert "dc1/gpu: 57/56 MIG 1g.10gb slices" in out
    assert "[TARGET-FEED] storage cannot feed these GPUs" in out


def test_phase_stats_from_an_assessment_equal_those_computed_alone() -> None:
    from migplan.core.assess.assessment import Assessment
    from migplan.core.stats import phase_stats

    doc = hand_worked_plan()
    shared = phase_stats(doc, Assessment(doc).target_phases())
    assert shared == phase_stats(doc)
    assert shared[2]["nodes"] == {"dc1/general": 2, "dc1/gpu": 3}
