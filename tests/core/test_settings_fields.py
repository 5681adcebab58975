"""The editable settings: each path exists, and a change is named after what changed."""

from __future__ import annotations

import datetime as dt

from migplan.core.commands import History, SetSettings
from migplan.core.document import PlanDocument
from migplan.core.settings import FreezePeriod, GpuPool, PlanSettings
from migplan.core.settings_fields import FIELDS, change_label, changed_paths, with_value


def test_every_field_reads_its_models_default() -> None:
    settings = PlanSettings()
    for field in FIELDS:
        assert field.read(settings) == field.default()
        # the path is real: setting it to its own value validates to the same settings
        data = with_value(settings, field.path, field.read(settings))
        assert PlanSettings.model_validate(data) == settings
        assert field.unit or field.group, field.path
        assert field.meaning.endswith("."), field.path


def test_a_change_is_named_after_the_values_it_changes() -> None:
    old = PlanSettings()
    link = PlanSettings.model_validate(with_value(old, "network.link_mbps", 333.0))
    assert change_label(old, link) == "Change link bandwidth"
    both = PlanSettings.model_validate(with_value(link, "capacity.engineers", 6))
    assert change_label(old, both) == "Change engineers and link bandwidth"
    pools = old.with_changes(gpu_pools=(GpuPool(name="a100", gpus=8),))
    assert change_label(old, pools) == "Change GPU pools"
    freeze = FreezePeriod(name="Year end", start=dt.date(2027, 12, 20), end=dt.date(2028, 1, 3))
    many = both.with_changes(freeze_periods=(freeze,))
    assert change_label(old, many) == "Change 3 settings"
    assert change_label(old, old) == "Change settings"


def test_values_the_dialog_does_not_show_are_still_named() -> None:
    old = PlanSettings()
    new = old.with_changes(planner=old.planner.with_changes(seed=7))
    assert changed_paths(old, new) == ["planner.seed"]
    assert change_label(old, new) == "Change seed"


def test_one_settings_change_is_one_undo_step() -> None:
    doc = PlanDocument()
    history = History(doc)
    new = PlanSettings.model_validate(with_value(doc.settings, "network.link_mbps", 333.0))
    summary = history.do(SetSettings(new, change_label(doc.settings, new)))
    assert summary.settings and doc.settings.network.link_mbps == 333.0
    history.undo()
    assert doc.settings == PlanSettings()
    history.redo()
    assert doc.settings.network.link_mbps == 333.0
