"""Generate the example plans in plans/ from the synthetic estate generator.

``python scripts/make_example_plans.py`` rewrites them; the output is deterministic, so running
it twice gives identical files. Names are invented; no real company data.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from migplan.core.commands import UpdateEntities  # noqa: E402
from migplan.core.enums import DispositionKind  # noqa: E402
from migplan.core.estate import EstateSpec, generate_estate  # noqa: E402
from migplan.core.models import Disposition  # noqa: E402
from migplan.io.planfile import save_plan  # noqa: E402

EXAMPLES = {
    "northwind-estate.migplan": EstateSpec(
        workloads=420, waves=10, seed=11, name="Northwind Logistics estate (example)"
    ),
    "ai-lab-small.migplan": EstateSpec(
        workloads=120, waves=4, seed=23, ai_share=0.3, name="AI lab, small (example)"
    ),
}


def main() -> int:
    out = ROOT / "plans"
    out.mkdir(exist_ok=True)
    for name, spec in EXAMPLES.items():
        doc = generate_estate(spec)
        # A few decisions an architect has already taken by hand.
        decided = sorted(doc.workloads.values(), key=lambda w: w.name)[::37]
        changes = []
        for wl in decided:
            if wl.gpu and wl.gpu.mode.value == "passthrough":
                kind, why = DispositionKind.REHOST_KUBEVIRT, "GPU passthrough: keep as a VM for now"
            elif wl.os_family.value == "windows" and wl.os_version.startswith("2008"):
                kind, why = DispositionKind.RETAIN, "Windows 2008: no container base image"
            elif "db" in wl.name:
                kind, why = DispositionKind.REHOST_KUBEVIRT, "database: move as a VM first"
            else:
                kind, why = DispositionKind.CONTAINERIZE, "stateless tier"
            changes.append((wl.id, {"disposition": Disposition(kind=kind, reason=why)}))
        doc.apply(UpdateEntities(tuple(changes), "Decide dispositions"))
        save_plan(doc, out / name, keep_backup=False)
        print(f"wrote plans/{name}: {doc.counts()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
