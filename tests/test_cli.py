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
