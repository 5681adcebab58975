"""Monte Carlo of a wave: deterministic per seed, and it answers the questions it claims to."""

from __future__ import annotations

import datetime as dt

from migplan.core.assess.simulate import simulate_wave
from migplan.core.document import PlanDocument
from migplan.core.enums import DispositionKind
from migplan.core.ids import AppId
from migplan.core.models import Disposition
from migplan.core.settings import FreezePeriod, PlanSettings, WaveCapacity

from .factories import app, make_doc, vid, wave, wl

_MOVE = Disposition(kind=DispositionKind.CONTAINERIZE)


def _doc(gib: float, settings: PlanSettings | None = None) -> PlanDocument:
    mib = int(gib * 1024)
    return make_doc(
        app("A"),
        wave(1),
        *(
            wl(f"a{i}", application_id="a-A", wave_id=vid(1), disposition=_MOVE,
               storage_provisioned_mib=mib, storage_used_mib=0)
            for i in range(3)
        ),
        wl("kept", wave_id=vid(1), disposition=Disposition(kind=DispositionKind.RETAIN)),
        settings=settings,
    )  # fmt: skip


def test_small_wave_fits_and_is_deterministic() -> None:
    doc = _doc(10.0)
    first = simulate_wave(doc, vid(1), runs=500, seed=3)
    assert first == simulate_wave(doc, vid(1), runs=500, seed=3)
    assert first.p_within_window == 1.0
    assert first.window_hours == 8.0 * 10.0  # working days x hours per day
    assert first.p50_hours <= first.p90_hours
    # cutover between 15 and 90 minutes, plus a few seconds of copying
    assert 15.0 <= first.p90_downtime_min[AppId("a-A")] <= 95.0


def test_big_data_misses_the_window_and_stretches_downtime() -> None:
    doc = _doc(30 * 1024.0)  # 30 TiB each at a third of 1 Gbit/s
    result = simulate_wave(doc, vid(1), runs=500)
    assert result.p_within_window == 0.0
    assert result.p90_downtime_min[AppId("a-A")] > 24 * 60


def test_freeze_shrinks_the_window() -> None:
    freeze = FreezePeriod(name="F", start=dt.date(2027, 1, 4), end=dt.date(2027, 1, 9))
    tight = PlanSettings(
        capacity=WaveCapacity(engineers=1, working_days_per_wave=1), freeze_periods=(freeze,)
    )
    result = simulate_wave(_doc(10.0, tight), vid(1), runs=500)
    assert result.window_hours == 8.0 * (1 - 6 / 12)
    assert 0.0 < result.p_within_window < 1.0
