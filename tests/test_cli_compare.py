"""``migplan diff`` and ``migplan merge`` run as a user (and git) would: real processes, real
files, and a real git repository using the merge driver recipe of the README."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from migplan.core.commands import RemoveEntities, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.io.planfile import load_plan, save_plan

DESKTOP = Path(__file__).resolve().parents[1] / "desktop"


def env() -> dict[str, str]:
    path = os.environ.get("PYTHONPATH", "")
    return {**os.environ, "PYTHONPATH": f"{DESKTOP}{os.pathsep}{path}" if path else str(DESKTOP)}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "migplan.cli", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env(),
    )


def edited(doc: PlanDocument, *changes: tuple[str, dict[str, object]]) -> PlanDocument:
    copy = PlanDocument.from_data(doc.to_data())
    copy.apply(UpdateEntities(tuple(changes)))
    return copy


def saved_by(doc: PlanDocument, who: str, hour: int) -> PlanDocument:
    """``doc`` as the window saves it: one more entry in its log of saved versions."""
    when = dt.datetime(2027, 1, 5, hour, tzinfo=dt.UTC)
    meta = doc.settings.metadata.saved(when, who, f"saved by {who}")
    doc.settings = doc.settings.with_changes(metadata=meta)  # as the window's save does
    return doc


@pytest.fixture
def plans(tmp_path: Path, small_plan: PlanDocument) -> dict[str, Path]:
    base = small_plan
    ours = edited(base, ("w-web", {"wave_id": "v-2", "owner": "Ada"}))
    ours.apply(RemoveEntities(("d-crm-db",)))
    theirs = edited(base, ("w-web", {"wave_id": "v-3"}), ("w-crm", {"vcpu": 16}))
    paths = {}
    for name, doc in (("base", base), ("ours", ours), ("theirs", theirs)):
        paths[name] = tmp_path / f"{name}.migplan"
        save_plan(doc, paths[name])
    return paths


def test_diff_text_lists_sections_with_counts_and_exits_1(plans: dict[str, Path]) -> None:
    proc = run("diff", str(plans["base"]), str(plans["ours"]))
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.splitlines()
    assert out[1] == "Workloads: 1 moved, 1 edited; dependencies: 1 removed"
    assert "Workloads moved to another wave (1)" in out
    assert "  web-01: Pilot (order 1) → Wave 2 (order 2)" in out
    assert "  web-01: owner: (empty) → Ada" in out
    assert "Dependencies removed (1)" in out and "  crm-01 → db-01 (5432)" in out
    assert any(line.startswith("Risk per wave, before → after (") for line in out)


def test_diff_of_a_plan_with_itself_exits_0(plans: dict[str, Path]) -> None:
    proc = run("diff", str(plans["base"]), str(plans["base"]))
    assert proc.returncode == 0
    assert proc.stdout.splitlines()[1] == "No differences"


def test_diff_json(plans: dict[str, Path]) -> None:
    proc = run("diff", str(plans["base"]), str(plans["theirs"]), "--json")
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["same"] is False
    assert [m["new_wave_id"] for m in data["workloads_moved"]] == ["v-3"]
    (crm,) = data["workloads_changed"]
    assert crm["changes"][0] == {"field": "vcpu", "label": "vCPU", "old": "4", "new": "16"}


def test_diff_of_a_broken_file_exits_2_naming_it(plans: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken.migplan"
    broken.write_text('{"format": "migplan", "format_version": 2, "workloads": [')
    proc = run("diff", str(plans["base"]), str(broken))
    assert proc.returncode == 2
    assert proc.stdout == ""
    (line,) = proc.stderr.splitlines()
    assert line.startswith(f"migplan: {broken}: ") and "Traceback" not in proc.stderr


def test_merge_without_conflicts_writes_out(small_plan: PlanDocument, tmp_path: Path) -> None:
    paths = {}
    docs = {
        "base": small_plan,
        "ours": edited(small_plan, ("w-web", {"owner": "Ada"})),
        "theirs": edited(small_plan, ("w-crm", {"vcpu": 16})),
    }
    for name, doc in docs.items():
        paths[name] = tmp_path / f"{name}.migplan"
        save_plan(doc, paths[name])
    out = tmp_path / "out.migplan"
    proc = run(
        "merge", str(paths["base"]), str(paths["ours"]), str(paths["theirs"]), "-o", str(out)
    )
    assert proc.returncode == 0, proc.stderr
    merged = load_plan(out)
    assert merged.workloads["w-web"].owner == "Ada" and merged.workloads["w-crm"].vcpu == 16


def test_merge_with_conflicts_lists_them_and_writes_nothing(
    plans: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "out.migplan"
    args = [str(plans["base"]), str(plans["ours"]), str(plans["theirs"]), "-o", str(out)]
    proc = run("merge", *args)
    assert proc.returncode == 1
    assert not out.exists()
    lines = proc.stdout.splitlines()
    assert lines[0] == f"1 conflict; {out} not written:"
    assert lines[1] == (
        "  Workload web-01: wave: changed differently on both sides; base Pilot (order 1), "
        "ours Wave 2 (order 2), theirs Wave 3 (order 3)"
    )
    proc = run("merge", *args, "--theirs")
    assert proc.returncode == 0, proc.stderr
    merged = load_plan(out)
    # Their side of the conflict, and every change that did not conflict, from both sides.
    assert merged.workloads["w-web"].wave_id == "v-3"
    assert merged.workloads["w-web"].owner == "Ada"
    assert merged.workloads["w-crm"].vcpu == 16
    assert "d-crm-db" not in merged.dependencies


def test_merge_of_a_broken_file_exits_2(plans: dict[str, Path], tmp_path: Path) -> None:
    missing = tmp_path / "missing.migplan"
    proc = run(
        "merge",
        str(plans["base"]),
        str(missing),
        str(plans["theirs"]),
        "-o",
        str(tmp_path / "o.migplan"),
    )
    assert proc.returncode == 2
    assert f"{missing}" in proc.stderr and "cannot be read" in proc.stderr


def git(repo: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, timeout=120, env=env()
    )


def test_the_git_merge_driver_recipe(small_plan: PlanDocument, tmp_path: Path) -> None:
    """The README's recipe in a real repository: two branches edit different workloads and
    each save adds to the plan's log of saved versions (the same lines of the file, which a
    line-based merge cannot combine); the driver merges them cleanly. Two branches moving
    one workload to different waves stop the merge with the file as it was on ours."""
    assert shutil.which("git"), "git is needed for this test"
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "t@example.com")
    git(repo, "config", "user.name", "Tester")
    # The recipe, with this checkout's migplan (the README says `migplan merge ...`).
    driver = f'"{sys.executable}" -m migplan.cli merge %O %A %B -o %A'
    git(repo, "config", "merge.migplan.driver", driver)
    (repo / ".gitattributes").write_text("*.migplan merge=migplan\n")
    plan = repo / "plan.migplan"
    save_plan(
        saved_by(PlanDocument.from_data(small_plan.to_data()), "ada", 8), plan, keep_backup=False
    )
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "base")

    git(repo, "checkout", "-q", "-b", "ada")
    save_plan(
        saved_by(edited(load_plan(plan), ("w-web", {"owner": "Ada"})), "ada", 9),
        plan,
        keep_backup=False,
    )
    git(repo, "commit", "-q", "-am", "ada")
    git(repo, "checkout", "-q", "main")
    git(repo, "checkout", "-q", "-b", "bob")
    save_plan(
        saved_by(edited(load_plan(plan), ("w-crm", {"vcpu": 16})), "bob", 10),
        plan,
        keep_backup=False,
    )
    git(repo, "commit", "-q", "-am", "bob")

    # A line-based merge of these versions conflicts (both logs grew at the same place).
    for branch in ("main", "ada", "bob"):
        (tmp_path / branch).write_text(git(repo, "show", f"{branch}:plan.migplan").stdout)
    text_merge = git(
        repo,
        "merge-file",
        "-p",
        str(tmp_path / "bob"),
        str(tmp_path / "main"),
        str(tmp_path / "ada"),
    )
    assert text_merge.returncode > 0, "the text merge was clean: the test shows nothing"

    proc = git(repo, "merge", "-q", "--no-edit", "ada")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    merged = load_plan(plan)
    assert merged.workloads["w-web"].owner == "Ada"
    assert merged.workloads["w-crm"].vcpu == 16
    assert [c.author for c in merged.settings.metadata.changes] == ["ada", "ada", "bob"]
    assert not list(repo.glob("*.bak")) and git(repo, "status", "--porcelain").stdout == ""

    # A real conflict: the merge stops, and the file is ours as it was.
    git(repo, "checkout", "-q", "-b", "carl")
    save_plan(edited(load_plan(plan), ("w-app", {"wave_id": "v-1"})), plan, keep_backup=False)
    git(repo, "commit", "-q", "-am", "carl")
    git(repo, "checkout", "-q", "bob")
    save_plan(edited(load_plan(plan), ("w-app", {"wave_id": "v-3"})), plan, keep_backup=False)
    git(repo, "commit", "-q", "-am", "bob again")
    before = plan.read_bytes()
    proc = git(repo, "merge", "--no-edit", "carl")
    assert proc.returncode != 0
    assert "CONFLICT" in proc.stdout and "plan.migplan" in proc.stdout
    assert plan.read_bytes() == before
