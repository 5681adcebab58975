"""Settings presets: saved assumptions load into another plan; a broken file is named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from migplan.core.settings import FreezePeriod, GpuPool, PlanSettings
from migplan.io.settings_presets import (
    PresetError,
    apply_preset,
    list_presets,
    preset_path,
    save_preset,
)


def _assumptions() -> PlanSettings:
    base = PlanSettings(name="Plan A", description="the first one")
    return base.with_changes(
        network=base.network.with_changes(link_mbps=333.0),
        gpu_pools=(GpuPool(name="a100", gpus=8),),
        freeze_periods=(
            FreezePeriod(name="Year end", start=dt.date(2027, 12, 20), end=dt.date(2028, 1, 3)),
        ),
    )


def test_a_preset_carries_the_assumptions_into_another_plan(tmp_path: Path) -> None:
    path = save_preset(tmp_path / "presets", "Slow link", _assumptions())
    assert path.name == "Slow link.json"
    assert list_presets(tmp_path / "presets") == ["Slow link"]
    other = PlanSettings(name="Plan B", notes="mine")
    loaded = apply_preset(other, path)
    assert loaded.network.link_mbps == 333.0
    assert [p.name for p in loaded.gpu_pools] == ["a100"]
    assert loaded.freeze_periods[0].end == dt.date(2028, 1, 3)
    # the plan's own name and notes stay
    assert (loaded.name, loaded.description, loaded.notes) == ("Plan B", "", "mine")


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"{not json", "not valid JSON: Expecting property name"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (b'{"migplan_settings_preset": 1, "settings": {"name": 1, "name": 2}}', "twice"),
        (b"[1, 2]", "is not a MigPlan settings preset"),
        (b'{"migplan_settings_preset": 9, "settings": {}}', "of version 9"),
        (
            b'{"migplan_settings_preset": 1, "settings": {"network": {"link_mbps": -5}}}',
            "link mbps: Input should be greater than 0",
        ),
    ],
)
def test_a_broken_preset_is_refused_naming_its_file(
    tmp_path: Path, content: bytes, says: str
) -> None:
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(PresetError) as caught:
        apply_preset(PlanSettings(), path)
    assert str(path) in str(caught.value)
    assert says in str(caught.value)


def test_a_name_that_cannot_be_a_file_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PresetError, match="cannot name a preset"):
        preset_path(tmp_path, "../escape")
