"""The headless commands, run as a user would: a real process, real files."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from migplan import __version__
from migplan.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "plans" / "ai-lab-small.migplan"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migplan.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_version() -> None:
    proc = run("--version")
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"MigPlan {__version__}"


def test_validate_ok_and_problems(tmp_path: Path) -> None:
    bad = tmp_path / "bad.migplan"
    bad.write_text('{"format": "migplan", "format_version": 7}')
    proc = run("validate", str(EXAMPLE), str(bad), str(tmp_path / "missing.migplan"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{EXAMPLE}: ok (" in proc.stdout
    err = proc.stderr.splitlines()
    assert any(str(bad) in line and "newer MigPlan" in line for line in err)
    assert any("missing.migplan" in line and "cannot be read" in line for line in err)
    assert run("validate", str(EXAMPLE)).returncode == 0


def test_validate_reports_inconsistency_one_line_each(tmp_path: Path) -> None:
    obj = json.loads(EXAMPLE.read_text())
    obj["workloads"][0]["wave_id"] = "v-gone"
    obj["waves"][1]["order"] = obj["waves"][0]["order"]
    path = tmp_path / "broken.migplan"
    path.write_text(json.dumps(obj))
    proc = run("validate", str(path))
    assert proc.returncode == 2
    lines = proc.stdout.strip().splitlines()
    assert len(lines) == 2
    assert "wave v-gone is not in the plan" in lines[0]
    assert "share the order" in lines[1]


def test_stats_json_keys(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(EXAMPLE), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["workloads"] == 123
    assert stats["applications"] == 19
    assert stats["dependencies"] == 734
    assert [w["order"] for w in stats["waves"]] == list(range(1, len(stats["waves"]) + 1))
    in_waves = sum(w["workloads"] for w in stats["waves"])
    assert in_waves + stats["unassigned_workloads"] == 123
    assert len(stats["unplaced"]) == stats["unassigned_workloads"]
    assert set(stats["waves"][0]) >= {"name", "order", "workloads"}


def test_stats_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "123 workloads, 19 applications, 734 dependencies" in out
    assert "1. Foundation:" in out and "in no wave, and why" in out


def test_gui_without_display_says_how(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    assert main(["gui", str(EXAMPLE)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert "no display" in err[0] and "xvfb-run" in err[0]


def test_an_unexpected_error_is_one_message_and_a_logged_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 11, point 1: no traceback reaches a user; the log in the data folder has it."""
    import migplan.clicmd.stats as stats_cmd

    def broken(args: object) -> int:
        return 1 // 0

    monkeypatch.setenv("MIGPLAN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setattr(stats_cmd, "run", broken)
    assert main(["stats", str(tmp_path / "any.migplan")]) == 2
    out = capsys.readouterr()
    log = tmp_path / "data" / "migplan.log"
    assert "Traceback" not in out.err
    assert out.err.startswith("migplan: migplan stats failed unexpectedly (ZeroDivisionError")
    assert str(log) in out.err
    text = log.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "1 // 0" in text


def test_stats_gives_the_licences_of_each_phase_as_worked_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The 3-host estate of tests/core/economics/test_licences.py, through the CLI."""
    from tests.core.economics.test_licences import estate

    from migplan.io.planfile import save_plan

    path = tmp_path / "hosts.migplan"
    save_plan(estate(), path)
    assert main(["stats", str(path), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert [
        (p["wave"], p["hosts_emptied"], p["licensed_cores"], p["licensed_cores_freed"],
         p["saving_per_year"], p["saving_from"])
        for p in stats["phases"]
    ] == [
        ("Wave 1", ["esx-a"], 64, 32, 32 * 350, "2027-04-01"),
        ("Wave 2", [], 64, 0, 0, None),
        ("Wave 3", ["esx-b"], 16, 48, 48 * 350, "2028-04-01"),
    ]  # fmt: skip
    lic = stats["licences"]
    assert lic["hosts_known"] and lic["hosts"] == 3
    assert (lic["licensed_cores_total"], lic["licensed_cores_freed"]) == (96, 80)
    assert lic["licensed_cores_at_end"] == 16 and lic["saving_per_year"] == 28_000
    assert lic["never_emptied"] == ["esx-c"] and lic["renewal_date"] == "2027-04-01"
    assert lic["licensed_core_months"] == round((32 * 53 + 64 * 269) / (365.25 / 12), 1)
    assert main(["stats", str(path)]) == 0
    out = capsys.readouterr().out
    assert "legacy licences: 3 hosts, 96 licensed cores (at least 16 per CPU)" in out
    assert (
        "1. Wave 1: empties 1 host(s), frees 32 cores, saves USD 11,200/year from 2027-04-01" in out
    )
    assert "in total: 80 cores freed, USD 28,000/year saved, 16 cores still licensed" in out


def test_stats_says_hosts_unknown_for_an_estate_without_hosts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from migplan.core.document import PlanDocument
    from migplan.core.ids import wave_id, workload_id
    from migplan.core.models import Wave, Workload
    from migplan.io.planfile import save_plan

    wave = Wave(id=wave_id("1"), name="Wave 1", order=1)
    doc = PlanDocument.from_entities(
        [wave, Workload(id=workload_id("a"), name="a", wave_id=wave.id)]
    )
    save_plan(doc, tmp_path / "p.migplan")
    assert main(["stats", str(tmp_path / "p.migplan"), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    licence_keys = ("wave", "wave_id", "order", "hosts_emptied", "licensed_cores",
                    "licensed_cores_freed", "saving_per_year", "saving_from")  # fmt: skip
    assert [{k: p[k] for k in licence_keys} for p in stats["phases"]] == [
        {"wave": "Wave 1", "wave_id": wave.id, "order": 1, "hosts_emptied": None,
         "licensed_cores": None, "licensed_cores_freed": None, "saving_per_year": None,
         "saving_from": None}
    ]  # fmt: skip
    # The target side adds its keys to the same rows (no clusters: no nodes; workload a has
    # no storage, so no data to copy).
    assert stats["phases"][0]["nodes"] == {} and stats["phases"][0]["data_gib"] == 0
    assert stats["licences"]["hosts_known"] is False
    assert [f["rule"] for f in stats["licences"]["findings"]] == ["LIC-HOSTS-UNKNOWN"]
    assert main(["stats", str(tmp_path / "p.migplan")]) == 0
    assert "legacy licences: hosts unknown" in capsys.readouterr().out
