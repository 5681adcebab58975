"""Plan metadata: the log of saved versions grows, stays bounded, and merges without conflict."""

from __future__ import annotations

import datetime as dt

from migplan.core.metadata import MAX_CHANGES, PlanMetadata, merge_metadata
from migplan.core.settings import PlanSettings

T0 = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)


def at(hours: int) -> dt.datetime:
    return T0 + dt.timedelta(hours=hours)


def test_a_save_sets_created_once_and_appends_to_the_log() -> None:
    meta = PlanMetadata().saved(at(0), "ada", "first save")
    meta = meta.saved(at(1), "bob", "moved 3 workloads")
    assert meta.author == "ada"
    assert meta.created == at(0) and meta.modified == at(1)
    assert [(c.author, c.summary) for c in meta.changes] == [
        ("ada", "first save"),
        ("bob", "moved 3 workloads"),
    ]


def test_the_log_keeps_the_last_entries_only() -> None:
    meta = PlanMetadata()
    for i in range(MAX_CHANGES + 5):
        meta = meta.saved(at(i), "ada", f"save {i}")
    assert len(meta.changes) == MAX_CHANGES
    assert meta.changes[0].summary == "save 5"
    assert meta.changes[-1].summary == f"save {MAX_CHANGES + 4}"


def test_metadata_travels_in_the_settings_and_defaults_to_empty() -> None:
    assert PlanSettings().metadata == PlanMetadata()
    meta = PlanMetadata().saved(at(0), "ada", "x")
    settings = PlanSettings(metadata=meta)
    again = PlanSettings.model_validate_json(settings.model_dump_json())
    assert again.metadata == meta


def test_merging_keeps_both_sides_saves_in_time_order() -> None:
    base = PlanMetadata().saved(at(0), "ada", "start")
    ours = base.saved(at(2), "ada", "ours")
    theirs = base.saved(at(1), "bob", "theirs")
    merged = merge_metadata(base, ours, theirs)
    assert [c.summary for c in merged.changes] == ["start", "theirs", "ours"]
    assert merged.modified == at(2) and merged.author == "ada" and merged.created == at(0)
    assert merge_metadata(base, ours, base) == ours
    assert merge_metadata(base, base, theirs) == theirs
