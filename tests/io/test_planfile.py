from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest

from migplan.core.commands import UpdateEntities
from migplan.core.document import PlanDocument
from migplan.io import migrations
from migplan.io.planfile import (
    PlanFile,
    PlanFormatError,
    PlanSaveError,
    backup_path,
    dump_plan,
    load_plan,
    save_plan,
)


def test_round_trip_is_exact_and_byte_stable(small_estate: PlanDocument, tmp_path: Path) -> None:
    path = tmp_path / "p.migplan"
    save_plan(small_estate, path)
    loaded = load_plan(path)
    assert loaded == small_estate
    save_plan(loaded, tmp_path / "q.migplan")
    assert (tmp_path / "q.migplan").read_bytes() == path.read_bytes()


def test_the_planner_option_to_empty_hosts_early_is_saved(
    small_estate: PlanDocument, tmp_path: Path
) -> None:
    """Issue 14, point 5: the option travels with the plan; a plan without it reads as off."""
    s = small_estate.settings
    small_estate.settings = s.with_changes(planner=s.planner.with_changes(empty_hosts_early=True))
    path = tmp_path / "p.migplan"
    save_plan(small_estate, path)
    assert load_plan(path).settings.planner.empty_hosts_early is True
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["settings"]["planner"]["empty_hosts_early"] is True
    del raw["settings"]["planner"]["empty_hosts_early"]
    path.write_text(json.dumps(raw), encoding="utf-8")
    assert load_plan(path).settings.planner.empty_hosts_early is False


def test_entities_are_sorted_by_id_whatever_the_insertion_order(small_estate: PlanDocument) -> None:
    shuffled = PlanDocument(small_estate.settings)
    for coll_name in ("applications", "workloads", "dependencies", "waves"):
        coll = getattr(small_estate, coll_name)
        setattr(shuffled, coll_name, dict(reversed(list(coll.items()))))
    assert dump_plan(shuffled) == dump_plan(small_estate)
    obj = json.loads(dump_plan(small_estate))
    ids = [w["id"] for w in obj["workloads"]]
    assert ids == sorted(ids)
    assert list(obj)[:2] == ["format", "format_version"] or list(obj)[-2:] == [
        "format",
        "format_version",
    ]


def test_file_is_utf8_json_with_version(small_estate: PlanDocument, tmp_path: Path) -> None:
    doc = small_estate
    wid = sorted(doc.workloads)[0]
    doc.apply(UpdateEntities(((wid, {"notes": "Łódź – źródło ✓"}),)))
    path = tmp_path / "u.migplan"
    save_plan(doc, path)
    obj = json.loads(path.read_text(encoding="utf-8"))
    assert obj["format"] == "migplan" and obj["format_version"] == migrations.CURRENT_VERSION
    assert load_plan(path).workloads[wid].notes == "Łódź – źródło ✓"


def test_version_literal_matches_current_version() -> None:
    from typing import get_args

    assert get_args(PlanFile.model_fields["format_version"].annotation) == (
        migrations.CURRENT_VERSION,
    )
    assert PlanFile.model_fields["format_version"].is_required()


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{}", 'no "format": "migplan"'),
        (b'{"format": "migplan"}', 'no "format_version"'),
        (b'{"format": "migplan", "format_version": true}', '"format_version": true'),
        (b'{"format": "migplan", "format_version": 1, "x": ' + b"9" * 5000 + b"}",
         "holds a number 5,000 digits long, longer than any plan value (at most 100) "
         "(line 1, column 49)"),
        (b'{"format": "migplan", "format_version": 1, "settings": ' + b"[" * 100_000
         + b"]" * 100_000 + b"}", "is nested more than 64 levels deep"),
    ],
    ids=["empty-object", "no-version", "bool-version", "huge-number", "deep-nesting"],
)  # fmt: skip
def test_what_is_not_a_plan_is_refused_in_one_line(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    """Issue 11: ``{}`` and friends validated as "ok" (the model gave defaults); deep nesting
    and huge numbers escaped as tracebacks."""
    path = write(tmp_path, "odd.migplan", content)
    with pytest.raises(PlanFormatError, match=re.escape(expected)):
        load_plan(path)


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "the file is empty"),
        (b"PK\x03\x04rest-of-a-zip", "is a zip archive"),
        (b"\xff\xfe\x00garbage\x80", "is not UTF-8 text"),
        (b"hello, this is text", "is not valid JSON"),
        (b'{"format": "migplan", "format_version": 1, "workloads": [{"id": "w-a', "is truncated"),
        (b"[1, 2, 3]", "not a MigPlan plan"),
        (b'{"cells": [], "nbformat": 4}', "not a MigPlan plan"),
        (b'{"format": "migplan", "format_version": 99}', "newer MigPlan (plan format 99"),
        (b'{"format": "migplan", "format_version": "1"}', "where a plan has a whole number"),
        (
            b'{"format": "migplan", "format_version": 1, "workloads": [{"id": "w-a", "name": "web01", "vcpu": -1}]}',
            "workloads[0].vcpu (workload web01): Input should be greater than or equal to 0"
            " (got -1)",
        ),
        (
            b'{"format": "migplan", "format_version": 2, "settings": {"network": {"link_mbps": 1, "colour": "red"}}}',
            "settings.network.colour: is not a known field",
        ),
        (
            b'{"format": "migplan", "format_version": 1, "workloads": [{"id": "w-a", "name": "a"}, {"id": "w-a", "name": "b"}]}',
            "the id w-a is used twice",
        ),
    ],
)
def test_bad_files_are_refused_with_the_file_named(
    tmp_path: Path, content: bytes, expected: str
) -> None:
    path = write(tmp_path, "bad.migplan", content)
    with pytest.raises(PlanFormatError) as info:
        load_plan(path)
    assert str(info.value).startswith(str(path) + ": ")
    assert expected in str(info.value)


def test_truncated_real_file_is_refused(small_estate: PlanDocument, tmp_path: Path) -> None:
    raw = dump_plan(small_estate)
    path = write(tmp_path, "cut.migplan", raw[: len(raw) // 2])
    with pytest.raises(PlanFormatError, match="truncated"):
        load_plan(path)


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = write(tmp_path, "big.migplan", b" " * 5000)
    with pytest.raises(PlanFormatError, match="over the 0 MiB limit"):
        load_plan(path, max_bytes=4000)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(PlanFormatError, match="cannot be read"):
        load_plan(tmp_path / "nope.migplan")


def test_save_keeps_a_backup_of_the_previous_file(
    small_estate: PlanDocument, tmp_path: Path
) -> None:
    path = tmp_path / "p.migplan"
    save_plan(small_estate, path)
    first = path.read_bytes()
    small_estate.apply(UpdateEntities(((sorted(small_estate.workloads)[0], {"notes": "v2"}),)))
    save_plan(small_estate, path)
    assert backup_path(path).read_bytes() == first
    assert path.read_bytes() != first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.migplan", "p.migplan.bak"]


def test_failed_save_leaves_the_old_file_intact(
    small_estate: PlanDocument, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "p.migplan"
    save_plan(small_estate, path)
    before = path.read_bytes()
    small_estate.apply(UpdateEntities(((sorted(small_estate.workloads)[0], {"notes": "lost"}),)))

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(PlanSaveError, match="No space left on device"):
        save_plan(small_estate, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["p.migplan"]


def test_save_into_missing_directory_fails_cleanly(
    small_estate: PlanDocument, tmp_path: Path
) -> None:
    with pytest.raises(PlanSaveError, match="could not save"):
        save_plan(small_estate, tmp_path / "no" / "such" / "dir.migplan")


def test_upgrade_mechanism_runs_each_step_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []

    def step(n: int) -> Any:
        def run(obj: dict[str, Any]) -> dict[str, Any]:
            calls.append(n)
            return {**obj, f"step{n}": True}

        return run

    monkeypatch.setattr(migrations, "UPGRADES", {1: step(1), 2: step(2)})
    out = migrations.upgrade({"format_version": 1}, 1, target=3)
    assert calls == [1, 2]
    assert out == {"format_version": 3, "step1": True, "step2": True}
    with pytest.raises(migrations.UpgradeError, match="no upgrade from plan format 3"):
        migrations.upgrade({}, 3, target=4)


def test_old_version_file_is_upgraded_then_validated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_estate: PlanDocument
) -> None:
    """Pretend an older format 0 called the list 'servers': it goes through every step."""

    def v0_to_v1(obj: dict[str, Any]) -> dict[str, Any]:
        obj["workloads"] = obj.pop("servers")
        return obj

    monkeypatch.setattr(migrations, "UPGRADES", {0: v0_to_v1, **migrations.UPGRADES})
    obj = json.loads(dump_plan(small_estate))
    obj["format_version"] = 0
    obj["servers"] = obj.pop("workloads")
    upgraded = migrations.upgrade(obj, 0)
    assert upgraded["format_version"] == migrations.CURRENT_VERSION
    assert PlanDocument.from_data(PlanFile.model_validate(upgraded)) == small_estate


def test_the_v1_golden_file_loads_as_version_2(root: Path, tmp_path: Path) -> None:
    """The committed version-1 file (written before provenance and blockers) reads into
    version 2 with its data as it was, knows no person's values and no blockers, and is
    saved as version 2 (a MigPlan that reads only version 1 then says it is newer)."""
    golden = root / "tests" / "fixtures" / "planfiles" / "v1" / "golden-small.migplan"
    raw = json.loads(golden.read_text("utf-8"))
    assert raw["format_version"] == 1
    doc = load_plan(golden)
    by_id = {w["id"]: w for w in raw["workloads"]}
    assert set(doc.workloads) == set(by_id)
    for wid, wl in doc.workloads.items():
        assert wl.name == by_id[wid]["name"] and wl.vcpu == by_id[wid].get("vcpu", 0)
        assert wl.curated == () and wl.blockers == ()
        assert all(s.key == "" and s.columns == () for s in wl.sources)
    assert len(doc.dependencies) == len(raw["dependencies"])
    saved = tmp_path / "again.migplan"
    save_plan(doc, saved)
    assert json.loads(saved.read_text("utf-8"))["format_version"] == 2
    assert load_plan(saved) == doc
    older = json.loads(saved.read_text("utf-8"))
    older["format_version"] = 3
    (tmp_path / "newer.migplan").write_text(json.dumps(older), "utf-8")
    with pytest.raises(PlanFormatError, match="newer MigPlan"):
        load_plan(tmp_path / "newer.migplan")


def test_golden_files_of_every_version_still_load(root: Path) -> None:
    goldens = sorted((root / "tests" / "fixtures" / "planfiles").glob("v*/*.migplan"))
    assert goldens, "no golden plan files"
    for golden in goldens:
        doc = load_plan(golden)
        assert doc.workloads, golden


def test_temp_files_a_killed_save_left_are_removed_by_the_next_save(tmp_path: Path) -> None:
    """Issue 11, point 3: 19 of 30 killed saves left a full-size ``.NAME.*.tmp`` that nothing
    removed. The next save of that plan removes those older than a minute (a younger one
    may be another save under way) and never touches other files' temp files."""
    plan = tmp_path / "plan.migplan"
    save_plan(PlanDocument(), plan)
    stale = tmp_path / ".plan.migplan.k1ll3d.tmp"
    fresh = tmp_path / ".plan.migplan.st1ll.tmp"
    other = tmp_path / ".other.migplan.k1ll3d.tmp"
    for leftover in (stale, fresh, other):
        leftover.write_bytes(b"half a plan")
    old = os.stat(stale).st_mtime - 3600
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    import subprocess
    import sys

    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / f".plan.migplan.{gone.pid}.k1ll3d.tmp"  # fresh, but its writer is gone
    dead.write_bytes(b"half a plan")
    save_plan(PlanDocument(), plan)
    assert not stale.exists() and not dead.exists()
    assert fresh.exists() and other.exists()
    assert load_plan(plan) == PlanDocument()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".plan")) == [fresh.name]


def test_a_save_killed_part_way_leaves_the_old_or_the_new_plan(tmp_path: Path) -> None:
    """Issue 11, point 3, by killing: a child process saves two different plans in turn
    until it is killed with SIGKILL at some moment of a save. The plan then loads, equal to
    one of the two; the temp file the kill left is removed by the next save at once (its
    writer is gone)."""
    import signal
    import subprocess
    import sys
    import time

    from migplan.core.estate import EstateSpec, generate_estate

    plan = tmp_path / "plan.migplan"
    a = generate_estate(EstateSpec(workloads=400, waves=3, seed=1))
    b = generate_estate(EstateSpec(workloads=400, waves=3, seed=2))
    save_plan(a, plan)
    save_plan(a, plan)  # a .bak from the start: a kill before the child's first save is fine
    (tmp_path / "b.migplan").write_bytes(dump_plan(b))
    child = (
        "import sys, time\n"
        f"sys.path.insert(0, {str(Path(__file__).resolve().parents[2] / 'desktop')!r})\n"
        "from pathlib import Path\n"
        "from migplan.io.planfile import load_plan, save_plan\n"
        f"docs = [load_plan(Path({str(plan)!r})), load_plan(Path({str(tmp_path / 'b.migplan')!r}))]\n"
        "print('SAVING', flush=True)\n"
        "n = 0\n"
        "while True:\n"
        f"    save_plan(docs[n % 2], Path({str(plan)!r}))\n"
        "    n += 1\n"
    )
    for delay in (0.05, 0.13, 0.29):
        proc = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None and proc.stdout.readline().strip() == "SAVING"
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        loaded = load_plan(plan)
        assert loaded in (a, b)
        assert load_plan(plan.with_name(plan.name + ".bak")) in (a, b)
        save_plan(loaded, plan)
        assert not list(tmp_path.glob(".plan.migplan.*.tmp")), "the killed save's temp stays"


def test_an_attribute_longer_than_a_cell_is_refused_naming_it(tmp_path: Path) -> None:
    """Issue 11, point 1: attribute values had no length bound (a 900 MB one loaded with
    2.8 GB resident). Longer than a spreadsheet cell is refused, naming the workload."""
    obj = {
        "format": "migplan",
        "format_version": 2,
        "workloads": [{"id": "w-a", "name": "app01", "attributes": {"Notes": "x" * 100_001}}],
    }
    path = write(tmp_path, "long.migplan", json.dumps(obj).encode())
    with pytest.raises(PlanFormatError, match="app01"):
        load_plan(path)
    obj["workloads"][0]["attributes"]["Notes"] = "x" * 100_000  # type: ignore[index]
    assert load_plan(write(tmp_path, "ok.migplan", json.dumps(obj).encode())).workloads


def test_a_giant_value_is_refused_before_any_parser_decodes_it(tmp_path: Path) -> None:
    """Issue 11, point 1: string lengths bounded before parsing. A 50 MB value used to be
    decoded in full (and a 900 MB one took 2.8 GB) before any field's bound could refuse it."""
    import tracemalloc

    big = (
        b'{"format": "migplan", "format_version": 2, "settings": {"notes": "'
        + b"x" * (50 * 2**20)
        + b'"}}'
    )
    path = write(tmp_path, "giant.migplan", big)
    del big
    tracemalloc.start()
    try:
        with pytest.raises(PlanFormatError) as caught:
            load_plan(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert str(caught.value) == (
        f"{path}: holds a text value of 52,428,800 bytes, longer than any plan value "
        "(at most 1,000,000) (line 1, column 66)"
    )
    # The file's bytes and the scan's arrays, never a decoded copy on top (that is 2x more).
    assert peak < 3.5 * 50 * 2**20


def test_a_key_given_twice_is_refused_naming_its_path(tmp_path: Path) -> None:
    """Issue 11, point 2: every JSON parser keeps one of two equal keys without a word, so a
    hand-edited plan silently lost a value."""
    obj = {
        "format": "migplan",
        "format_version": 2,
        "workloads": [{"id": "w-a", "name": "app01"}, {"id": "w-b", "name": "app02"}],
    }
    text = json.dumps(obj, indent=1).replace('"name": "app02"', '"name": "app02",\n "name": "x"')
    path = write(tmp_path, "twice.migplan", text.encode())
    with pytest.raises(PlanFormatError) as caught:
        load_plan(path)
    assert str(caught.value) == (
        f'{path}: gives the key "name" twice in workloads[1]: a parser would keep one of the '
        "two values without a word; remove the one that is wrong"
    )


def test_a_plan_with_hosts_round_trips_byte_stable(
    small_estate: PlanDocument, tmp_path: Path
) -> None:
    """Hosts (issue 14) are an optional collection of format 2: saved sorted by id, read
    back equal, the same bytes again; a workload keeps its link to its host."""
    import datetime as dt

    from migplan.core.commands import AddEntities
    from migplan.core.ids import host_id
    from migplan.core.models import Host, SourceRef

    hosts = [
        Host(
            id=host_id(f"esx-{i}", "vc01"),
            name=f"esx-{i}",
            source_system="vc01",
            cluster="prod",
            cpus=2,
            cores_per_cpu=8 + 8 * i,
            memory_gib=512.0,
            sources=(SourceRef(file="rvtools.xlsx", sheet="vHost", row=2 + i),),
        )
        for i in range(3)
    ]
    small_estate.apply(AddEntities(tuple(reversed(hosts))))
    first = sorted(small_estate.workloads)[0]
    small_estate.apply(UpdateEntities(((first, {"host_id": hosts[1].id}),)))
    lic = small_estate.settings.licences.with_changes(renewal_date=dt.date(2027, 4, 1))
    small_estate.settings = small_estate.settings.with_changes(licences=lic)
    path = tmp_path / "hosts.migplan"
    save_plan(small_estate, path)
    raw = json.loads(path.read_text("utf-8"))
    assert [h["name"] for h in raw["hosts"]] == ["esx-0", "esx-1", "esx-2"]
    assert raw["settings"]["licences"]["renewal_date"] == "2027-04-01"
    loaded = load_plan(path)
    assert loaded == small_estate
    assert loaded.workloads[first].host_id == hosts[1].id
    save_plan(loaded, tmp_path / "again.migplan")
    assert (tmp_path / "again.migplan").read_bytes() == path.read_bytes()


def test_a_plan_saved_before_hosts_loads_with_none(
    tmp_path: Path, small_estate: PlanDocument
) -> None:
    raw = json.loads(dump_plan(small_estate))
    del raw["hosts"]
    del raw["settings"]["licences"]
    path = tmp_path / "old.migplan"
    path.write_text(json.dumps(raw), "utf-8")
    doc = load_plan(path)
    assert doc.hosts == {} and doc.settings.licences.min_cores_per_cpu == 16
