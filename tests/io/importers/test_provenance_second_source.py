"""A second source merged into a workload records the fields it filled; when it filled none
(the same values again, or only attributes), it is not where the values came from."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

from migplan.core.document import PlanDocument
from migplan.core.provenance import field_origin
from migplan.io.importers.pipeline import ImportRequest, run_import


def test_a_second_source_that_fills_no_field_is_not_their_origin(
    tmp_path: Path, gen: ModuleType
) -> None:
    vms = [v for v in gen.make_vms(6, seed=5) if not v.template]
    rv = gen.write_rvtools_xlsx(tmp_path / "rv.xlsx", vms, "4.7")
    az = gen.write_azure(tmp_path / "az.csv", vms)
    doc = PlanDocument()
    command, _ = run_import(doc, ImportRequest(files=[rv, az]))
    assert command is not None
    doc.apply(command)
    for wl in doc.workloads.values():
        azure = next(s for s in wl.sources if s.file == "az.csv")
        assert azure.key, "recorded as a source merged from another"
        for name in ("name", "vcpu", "memory_mib"):
            if name not in azure.fields:
                origin = field_origin(wl, name).describe()
                assert origin.startswith("rv.xlsx, sheet vInfo, row "), (wl.name, name, origin)
