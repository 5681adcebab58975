"""Re-importing into a plan: one undo step, field-by-field changes, missing workloads, and
hand edits (disposition, wave, pin) left alone."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from migplan.core.commands import AddEntities, History, UpdateEntities
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.core.ids import wave_id
from migplan.core.models import Disposition, Wave
from migplan.io.importers.merge import plan_import
from migplan.io.importers.rvtools import import_rvtools


def test_reimport_merges_and_keeps_hand_edits(tmp_path: Path, gen: ModuleType) -> None:
    vms = gen.make_vms(12, seed=31)
    first = gen.write_rvtools_xlsx(tmp_path / "v1.xlsx", vms, "4.7")
    doc = PlanDocument()
    history = History(doc)
    command, report = plan_import(doc, import_rvtools([first]))
    assert command is not None
    history.do(command)
    count = len(doc.workloads)
    assert len(report.added) == count

    # Hand edits: a wave, a disposition and a pin on one workload.
    wl = next(w for w in doc.workloads.values() if w.name == "vm0001")
    wave = Wave(id=wave_id("w1"), name="Wave 1", order=1)
    history.do(AddEntities((wave,)))
    disposition = Disposition(kind=DispositionKind.CONTAINERIZE, reason="stateless")
    history.do(UpdateEntities.same([wl.id], wave_id=wave.id, pinned=True, disposition=disposition))
    before = dict(doc.workloads)

    # The newer export: vm0001 grew, vm0002 is gone, vm0099 is new.
    vms[1].memory *= 2
    vms[1].cpus += 2
    gone = vms.pop(2)
    extra = gen.make_vms(1, seed=99)[0]
    extra.name, extra.index, extra.template = "vm0099", 99, False
    vms.append(extra)
    second = gen.write_rvtools_xlsx(tmp_path / "v2.xlsx", vms, "4.7")
    command, report = plan_import(doc, import_rvtools([second]))
    assert command is not None
    revision = doc.revision
    history.do(command)
    assert doc.revision == revision + 1  # one command, one undo step

    changed = {(c.name, c.field) for c in report.changed}
    assert ("vm0001", "memory_mib") in changed and ("vm0001", "vcpu") in changed
    mem = next(c for c in report.changed if c.name == "vm0001" and c.field == "memory_mib")
    assert mem.new == mem.old * 2
    assert [doc.workloads[i].name for i in report.missing] == [gone.name]
    assert [n for n in report.added if "vm0099" in n]
    after = doc.workloads[wl.id]
    assert after.memory_mib == vms[1].memory
    assert after.wave_id == wave.id and after.pinned and after.disposition == disposition
    assert gone.name in {w.name for w in doc.workloads.values()}  # missing is reported, not removed

    history.undo()
    assert doc.workloads == before


def test_reimport_same_file_changes_nothing(tmp_path: Path, gen: ModuleType) -> None:
    path = gen.write_rvtools_xlsx(tmp_path / "v.xlsx", gen.make_vms(5, seed=4), "4.7")
    doc = PlanDocument()
    command, _ = plan_import(doc, import_rvtools([path]))
    assert command is not None
    doc.apply(command)
    again, report = plan_import(doc, import_rvtools([path]))
    assert again is None and report.changed == [] and report.missing == []
    assert report.merged == len(doc.workloads)


def test_newer_rvtools_uuid_meaning_still_matches_by_name(tmp_path: Path, gen: ModuleType) -> None:
    """4.0.7 keyed VMs by the BIOS UUID; 4.7 by the instance UUID: same VM, same workload."""
    vms = gen.make_vms(4, seed=6)
    old = gen.write_rvtools_xlsx(tmp_path / "old.xlsx", vms, "4.0.7")
    new = gen.write_rvtools_xlsx(tmp_path / "new.xlsx", vms, "4.7")
    doc = PlanDocument()
    command, _ = plan_import(doc, import_rvtools([old]))
    assert command is not None
    doc.apply(command)
    ids = set(doc.workloads)
    command, report = plan_import(doc, import_rvtools([new]))
    assert report.added == [] and report.merged == len(ids)
    if command is not None:
        doc.apply(command)
    assert set(doc.workloads) == ids
    assert {w.source_key for w in doc.workloads.values()} == {
        vm.uuid for vm in vms if not vm.template
    }
