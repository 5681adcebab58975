"""``migplan plan``: proposes waves headless, keeps locks and pins, fails with one clear line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from migplan.cli import main
from migplan.core.estate import EstateSpec, generate_estate
from migplan.core.settings import CapacityRamp
from migplan.io.planfile import load_plan, save_plan


@pytest.fixture
def plan_file(tmp_path: Path) -> Path:
    doc = generate_estate(EstateSpec(workloads=150, waves=3, seed=11))
    first, second = doc.waves_in_order()[:2]
    doc.waves[first.id] = first.with_changes(locked=True)
    pinned = doc.workloads_in_wave(second.id)[0]
    doc.workloads[pinned.id] = pinned.with_changes(pinned=True)
    path = tmp_path / "in.migplan"
    save_plan(doc, path)
    return path


def test_plan_keeps_locks_and_pins_and_respects_the_ramp(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = load_plan(plan_file)
    out = tmp_path / "out.migplan"
    assert main(["plan", str(plan_file), "-o", str(out), "--ramp", "8,4,20"]) == 0
    printed = capsys.readouterr().out
    assert "weighted wave distance" in printed and "peak cut" in printed
    after = load_plan(out)
    assert after.settings.capacity.workloads == CapacityRamp(start=8, step=4, max=20)
    locked = next(w for w in before.waves.values() if w.locked)
    assert after.waves[locked.id] == locked
    for wid, wl in before.workloads.items():
        if wl.pinned or wl.wave_id == locked.id:
            assert after.workloads[wid].wave_id == wl.wave_id
    ramp = after.settings.capacity.workloads
    for wave in after.waves.values():
        if wave.locked or any(w.pinned for w in after.workloads_in_wave(wave.id)):
            continue
        assert 0 < len(after.workloads_in_wave(wave.id)) <= ramp.capacity(wave.order)
    placed = sum(1 for w in after.workloads.values() if w.wave_id is not None)
    assert placed >= 0.9 * len(after.workloads)


def test_plan_with_settings_file_and_optimise(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = tmp_path / "s.json"
    settings.write_text(json.dumps({"planner": {"seed": 4, "shared_services": "bridge"}}))
    out = tmp_path / "out.migplan"
    code = main(
        ["plan", str(plan_file), "-o", str(out), "--settings", str(settings), "--optimize", "1"]
    )
    assert code == 0
    after = load_plan(out)
    assert after.settings.planner.seed == 4
    assert after.settings.planner.shared_services == "bridge"
    assert "Foundation" not in " ".join(w.name for w in after.waves.values())
    # How the optimiser's budget was spent: to its end, or stopped by a proof.
    line = next(x for x in capsys.readouterr().out.splitlines() if "optimiser:" in x)
    assert "of its 1.0 s budget: the solver proved" in line or "Used the full 1.0 s" in line


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--ramp", "5,x"], "--ramp '5,x': expected three whole numbers"),
        (["--ramp", "50,5,20"], "larger than the maximum"),
        (["--optimize", "-1"], "--optimize -1"),
    ],
)
def test_plan_refuses_bad_arguments_with_one_line(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    out = tmp_path / "out.migplan"
    assert main(["plan", str(plan_file), "-o", str(out), *extra]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and err[0].startswith("migplan: ")
    assert not out.exists()


def test_plan_refuses_bad_settings_and_missing_input(
    plan_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    out = tmp_path / "out.migplan"
    assert main(["plan", str(plan_file), "-o", str(out), "--settings", str(bad)]) == 2
    assert "not valid JSON" in capsys.readouterr().err
    missing = tmp_path / "missing.migplan"
    assert main(["plan", str(missing), "-o", str(out)]) == 2
    assert "Traceback" not in capsys.readouterr().err
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b'{"network": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nested more than 64 levels deep"),
        (b'{"planner": {"seed": ' + b"7" * 6000 + b"}}", "a number 6,000 digits long"),
        (b'{"name": "a", "name": "b"}', 'gives the key "name" twice in the top level'),
    ],
    ids=["deep", "long-number", "repeated-key"],
)
def test_a_hostile_settings_file_is_one_line_naming_it(
    plan_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    content: bytes,
    expected: str,
) -> None:
    """Issue 11, point 1: the settings file is bounded before parsing like a plan."""
    bad = tmp_path / "hostile.json"
    bad.write_bytes(content)
    out = tmp_path / "out.migplan"
    assert main(["plan", str(plan_file), "-o", str(out), "--settings", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and expected in err[0]
    assert not out.exists()
