"""Monte Carlo over one wave's work: will it fit its window, and how long is each app down?

The optional quantitative layer of planning.md 3.3, run on demand (not on every edit):

* data transfer: each moving workload's data at the usable link rate times a factor drawn
  from triangular(0.5, 0.8, 1.0); transfers share the link, so their times add up;
* cutover: triangular(15, 30, 90) minutes per workload;
* troubleshooting: triangular(15, 60, 180) minutes per workload;
* hands-on work (cutover + troubleshooting) is shared by the wave's engineers.

The wave fits when transfer time plus hands-on time stays within the hours the team has in
the wave (engineers' working days, less any freeze). An application is down, during its
cutover, for the longest of its workloads' cutover plus the final copy of that workload's
data (a cold migration; warm migration would shrink this to the last delta). The result is a
calibrated probability that can replace a P x I matrix once real wave history exists.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from migplan.core.assess.bridges import effective_dispositions
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.core.ids import AppId, WaveId, WorkloadId

_MOVES = (DispositionKind.CONTAINERIZE, DispositionKind.REHOST_KUBEVIRT)


@dataclass(frozen=True)
class WaveSimulation:
    wave_id: WaveId
    runs: int
    #: Hours the wave has for its work (engineer days x hours per day, less freezes).
    window_hours: float
    #: Share of runs in which the wave's work fits its window.
    p_within_window: float
    p50_hours: float
    p90_hours: float
    #: Application -> 90th percentile of its downtime at cutover, in minutes.
    p90_downtime_min: dict[AppId, float]


def simulate_wave(
    doc: PlanDocument,
    wave_id: WaveId,
    runs: int = 2000,
    seed: int = 0,
    dispositions: Mapping[WorkloadId, DispositionKind] | None = None,
) -> WaveSimulation:
    """Simulate the work of ``wave_id`` ``runs`` times (deterministic for a given ``seed``)."""
    if dispositions is None:
        dispositions = effective_dispositions(doc)
    settings = doc.settings
    cap = settings.capacity
    members = [w for w in doc.workloads_in_wave(wave_id) if dispositions[w.id] in _MOVES]
    rng = np.random.default_rng(seed)
    n = len(members)
    gib = np.array([w.storage_gib for w in members], dtype=np.float64)
    rate_gib_h = settings.network.transfer_gib(1.0)  # GiB per hour at the usable rate
    factor = rng.triangular(0.5, 0.8, 1.0, size=(runs, n))
    copy_h = gib / (rate_gib_h * factor) if n else np.zeros((runs, 0))
    cutover_min = rng.triangular(15.0, 30.0, 90.0, size=(runs, n))
    fixing_min = rng.triangular(15.0, 60.0, 180.0, size=(runs, n))
    hands_on_h = (cutover_min + fixing_min).sum(axis=1) / 60.0 / cap.engineers
    total_h = copy_h.sum(axis=1) + hands_on_h
    window = _window_hours(doc, wave_id)
    downtime = cutover_min + copy_h * 60.0
    by_app: dict[AppId, list[int]] = {}
    for i, w in enumerate(members):
        if w.application_id is not None:
            by_app.setdefault(w.application_id, []).append(i)
    p90 = {
        app: float(np.percentile(downtime[:, cols].max(axis=1), 90))
        for app, cols in sorted(by_app.items())
    }
    return WaveSimulation(
        wave_id=wave_id,
        runs=runs,
        window_hours=window,
        p_within_window=float((total_h <= window).mean()),
        p50_hours=float(np.percentile(total_h, 50)),
        p90_hours=float(np.percentile(total_h, 90)),
        p90_downtime_min=p90,
    )


def _window_hours(doc: PlanDocument, wave_id: WaveId) -> float:
    cap = doc.settings.capacity
    wave = doc.waves[wave_id]
    hours = cap.working_days_per_wave * cap.hours_per_day
    if wave.start_date and wave.end_date:
        days = (wave.end_date - wave.start_date).days + 1
        frozen = 0
        for p in doc.settings.freeze_periods:
            lo, hi = max(p.start, wave.start_date), min(p.end, wave.end_date)
            frozen += max(0, (hi - lo).days + 1)
        hours *= max(0.0, 1.0 - frozen / days)
    return hours
