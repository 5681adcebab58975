"""What several selected workloads add up to, as the details panel shows it: how many, their
size with units, and the waves and applications they span. Plain text: names come from files."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from migplan.core.document import PlanDocument
from migplan.core.enums import PowerState
from migplan.core.ids import WorkloadId
from migplan.core.stats import totals

NO_WAVE = "(in no wave)"
NO_APPLICATION = "(no application)"


def size_text(gib: float) -> str:
    """A size in GiB, or TiB from 1,024 GiB: ``512.0 GiB``, ``3.2 TiB``."""
    return f"{gib / 1024:,.1f} TiB" if gib >= 1024 else f"{gib:,.1f} GiB"


def selection_rows(
    doc: PlanDocument, ids: Iterable[WorkloadId]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """(group title, [(label, value)]) for the workloads ``ids``: totals, then the waves and
    the applications they span (most workloads first)."""
    workloads = [doc.workloads[i] for i in ids if i in doc.workloads]
    size = totals(workloads)
    provisioned = sum(w.storage_provisioned_mib for w in workloads) / 1024
    powered = sum(1 for w in workloads if w.power_state is PowerState.ON)
    figures = [
        ("Workloads", f"{size.workloads:,}"),
        ("vCPU", f"{size.vcpu:,} vCPU"),
        ("Memory", size_text(size.memory_gib)),
        ("Storage to move", size_text(size.storage_gib)),
        ("Provisioned storage", size_text(provisioned)),
        ("GPUs", f"{size.gpus:,} GPU" + ("" if size.gpus == 1 else "s")),
        ("Powered on", f"{powered:,} of {len(workloads):,}"),
    ]
    waves = Counter(w.wave_id for w in workloads)
    order = {w.id: k for k, w in enumerate(doc.waves_in_order())}
    wave_rows = []
    for wave_id, n in sorted(
        waves.items(), key=lambda kv: order.get(kv[0], 10**9) if kv[0] else 10**9
    ):
        wave = doc.waves.get(wave_id) if wave_id is not None else None
        wave_rows.append((wave.name if wave is not None else NO_WAVE, _count(n)))
    apps = Counter(w.application_id for w in workloads)
    app_rows = []
    for app_id, n in sorted(apps.items(), key=lambda kv: (-kv[1], str(kv[0]))):
        app = doc.applications.get(app_id) if app_id is not None else None
        app_rows.append((app.name if app is not None else NO_APPLICATION, _count(n)))
    return [
        ("Together", figures),
        (f"Waves they span ({len(wave_rows)})", wave_rows),
        (f"Applications they span ({len(app_rows)})", app_rows),
    ]


def _count(n: int) -> str:
    return f"{n:,} workload" + ("" if n == 1 else "s")
