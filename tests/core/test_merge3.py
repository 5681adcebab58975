"""Three-way merge: one side's change is taken, the same change once, different changes are
conflicts; nothing is dropped silently and a chosen side gives a consistent plan."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from migplan.core.commands import AddEntities, RemoveEntities, SetSettings, UpdateEntities
from migplan.core.consistency import check_consistency
from migplan.core.document import PlanDocument
from migplan.core.enums import EntityKind
from migplan.core.merge3 import MergeError, merge, resolve
from migplan.core.metadata import PlanMetadata
from migplan.core.models import Dependency, Wave, Workload


def copy(doc: PlanDocument) -> PlanDocument:
    return PlanDocument.from_data(doc.to_data())


def sides(base: PlanDocument) -> tuple[PlanDocument, PlanDocument]:
    return copy(base), copy(base)


def test_changes_to_different_workloads_combine(small_plan: PlanDocument) -> None:
    base = small_plan
    ours, theirs = sides(base)
    ours.apply(UpdateEntities((("w-web", {"wave_id": "v-2", "owner": "Ada"}),)))
    theirs.apply(UpdateEntities((("w-crm", {"vcpu": 8}), ("w-web", {"notes": "checked"}))))
    result = merge(base, ours, theirs)
    assert result.clean
    web, crm = result.doc.workloads["w-web"], result.doc.workloads["w-crm"]
    assert (web.wave_id, web.owner, web.notes) == ("v-2", "Ada", "checked")
    # Both sides marked fields as set by a person: the marks merge as a set.
    assert set(web.curated) == {"owner", "notes"}
    assert crm.vcpu == 8
    assert resolve(result, {}) == result.doc


def test_the_same_change_on_both_sides_is_taken_once(small_plan: PlanDocument) -> None:
    base = small_plan
    ours, theirs = sides(base)
    for side in (ours, theirs):
        side.apply(UpdateEntities((("w-app", {"wave_id": "v-3"}),)))
        side.apply(AddEntities((Workload(id="w-x", name="x-01"),)))
    result = merge(base, ours, theirs)
    assert result.clean and result.doc == ours


def test_one_workload_moved_to_two_waves_is_a_conflict_resolved_by_a_side(
    small_plan: PlanDocument,
) -> None:
    base = small_plan
    ours, theirs = sides(base)
    ours.apply(UpdateEntities((("w-app", {"wave_id": "v-1"}),)))
    theirs.apply(UpdateEntities((("w-app", {"wave_id": "v-3"}),)))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    (item,) = conflict.items
    assert (item.kind, item.entity_id, item.field) == (EntityKind.WORKLOAD, "w-app", "wave_id")
    assert (item.base, item.ours, item.theirs) == ("v-2", "v-1", "v-3")
    assert conflict.title == "Workload app-01: wave"
    assert (conflict.base_text, conflict.ours_text, conflict.theirs_text) == (
        "Wave 2 (order 2)",
        "Pilot (order 1)",
        "Wave 3 (order 3)",
    )
    assert result.doc.workloads["w-app"].wave_id == "v-2"  # base until resolved
    assert resolve(result, {0: "theirs"}).workloads["w-app"].wave_id == "v-3"
    assert resolve(result, "ours").workloads["w-app"].wave_id == "v-1"
    with pytest.raises(MergeError, match="1 conflict not resolved"):
        resolve(result, {})


def test_deleted_on_one_side_and_edited_on_the_other(small_plan: PlanDocument) -> None:
    base = small_plan
    ours, theirs = sides(base)
    ours.apply(RemoveEntities(("w-lone",)))
    theirs.apply(UpdateEntities((("w-lone", {"vcpu": 2}),)))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.reason == "deleted by ours, edited by theirs"
    assert (conflict.ours_text, conflict.theirs_text) == ("deleted", "edited")
    assert "w-lone" not in resolve(result, "ours").workloads
    assert resolve(result, "theirs").workloads["w-lone"].vcpu == 2


def test_added_on_both_sides_with_the_same_id_and_different_content(
    small_plan: PlanDocument,
) -> None:
    base = small_plan
    ours, theirs = sides(base)
    ours.apply(AddEntities((Workload(id="w-new", name="new-01", vcpu=2),)))
    theirs.apply(AddEntities((Workload(id="w-new", name="new-01", vcpu=4),)))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.reason == "added on both sides, differently"
    assert resolve(result, "theirs").workloads["w-new"].vcpu == 4


def test_a_wave_deleted_while_the_other_side_moved_a_workload_into_it(
    small_plan: PlanDocument,
) -> None:
    base = small_plan
    ours, theirs = sides(base)
    ours.apply(RemoveEntities(("v-3",)))  # crm-01 leaves the wave with it
    theirs.apply(UpdateEntities((("w-lone", {"wave_id": "v-3"}),)))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.reason == "deleted by ours, still used by theirs"
    assert conflict.title == "Wave 3"
    assert (conflict.ours_text, conflict.theirs_text) == ("deleted", "kept")
    assert set(conflict.details) == {
        "Wave 3: ours deleted, theirs kept",
        "Workload lone-01: wave: ours no wave, theirs Wave 3 (order 3)",
        "Workload crm-01: wave: ours no wave, theirs Wave 3 (order 3)",
    }
    keys = {(i.entity_id, i.field) for i in conflict.items}
    assert keys == {("v-3", None), ("w-lone", "wave_id"), ("w-crm", "wave_id")}
    mine = resolve(result, "ours")
    assert "v-3" not in mine.waves and mine.workloads["w-lone"].wave_id is None
    assert mine.workloads["w-crm"].wave_id is None
    theirs_doc = resolve(result, "theirs")
    assert {w.id for w in theirs_doc.workloads_in_wave("v-3")} == {"w-lone", "w-crm"}
    assert check_consistency(mine) == check_consistency(theirs_doc) == []


def test_a_dependency_added_to_a_workload_the_other_side_deleted(
    small_plan: PlanDocument,
) -> None:
    base = small_plan
    ours, theirs = sides(base)
    ours.apply(AddEntities((Dependency(id="d-lone", source="w-lone", target="w-db"),)))
    theirs.apply(RemoveEntities(("w-lone",)))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert {i.entity_id for i in conflict.items} == {"w-lone", "d-lone"}
    assert "d-lone" in resolve(result, "ours").dependencies
    gone = resolve(result, "theirs")
    assert "w-lone" not in gone.workloads and "d-lone" not in gone.dependencies


def test_two_new_waves_with_the_same_order(small_plan: PlanDocument) -> None:
    base = small_plan
    ours, theirs = sides(base)
    ours.apply(AddEntities((Wave(id="v-ours", name="Wave 4", order=4),)))
    theirs.apply(AddEntities((Wave(id="v-theirs", name="Extra", order=4),)))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.reason == "waves Extra, Wave 4 would share an order"
    mine = resolve(result, "ours")
    assert mine.waves["v-ours"].order == 4 and mine.waves["v-theirs"].order > 4
    assert check_consistency(mine) == []


def test_settings_merge_value_by_value(small_plan: PlanDocument) -> None:
    base = small_plan
    ours, theirs = sides(base)
    s = base.settings
    ours.apply(SetSettings(s.with_changes(network=s.network.with_changes(link_mbps=2000.0))))
    theirs.apply(SetSettings(s.with_changes(name="Renamed")))
    result = merge(base, ours, theirs)
    assert result.clean
    assert result.doc.settings.network.link_mbps == 2000.0
    assert result.doc.settings.name == "Renamed"
    theirs.apply(
        SetSettings(theirs.settings.with_changes(network=s.network.with_changes(link_mbps=500.0)))
    )
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.title == "Setting link bandwidth (network.link_mbps)"
    assert (conflict.ours_text, conflict.theirs_text) == ("2000 Mbit/s", "500 Mbit/s")
    assert resolve(result, "theirs").settings.network.link_mbps == 500.0


def test_edits_that_do_not_fit_together_are_one_conflict(small_plan: PlanDocument) -> None:
    base = small_plan
    ours, theirs = sides(base)
    # Each edit alone is valid (no provisioned size: used storage is not bounded); together
    # used storage would be twice what is provisioned.
    ours.apply(UpdateEntities((("w-web", {"storage_provisioned_mib": 25_000}),)))
    theirs.apply(UpdateEntities((("w-web", {"storage_used_mib": 50_000}),)))
    result = merge(base, ours, theirs)
    (conflict,) = result.conflicts
    assert conflict.reason.startswith("both sides edited it and the edits do not fit together")
    assert [i.field for i in conflict.items] == [None]
    web = resolve(result, "theirs").workloads["w-web"]
    assert (web.storage_provisioned_mib, web.storage_used_mib) == (0, 50_000)


def test_metadata_never_conflicts(small_plan: PlanDocument) -> None:
    import datetime as dt

    base = small_plan
    ours, theirs = sides(base)
    when = dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    for n, side in enumerate((ours, theirs)):
        meta = PlanMetadata().saved(when + dt.timedelta(hours=n), f"person{n}", "edit")
        side.settings = side.settings.with_changes(metadata=meta)  # as a save does
    result = merge(base, ours, theirs)
    assert result.clean
    assert [c.author for c in result.doc.settings.metadata.changes] == ["person0", "person1"]


# -- properties --------------------------------------------------------------------------------


def random_edits(data: st.DataObject, doc: PlanDocument, label: str) -> None:
    """A few random edits of ``doc`` as a person makes them, through the commands."""
    for n in range(data.draw(st.integers(0, 6), label=f"{label} edits")):
        wl_ids = sorted(doc.workloads)
        waves = sorted(doc.waves)
        what = data.draw(
            st.sampled_from(
                [
                    "move",
                    "field",
                    "remove",
                    "add",
                    "dep",
                    "drop-dep",
                    "wave",
                    "drop-wave",
                    "settings",
                    "pin",
                    "app",
                    "drop-app",
                    "app-dep",
                ]
            ),
            label=f"{label} {n}",
        )
        try:
            if what == "move" and wl_ids:
                wid = data.draw(st.sampled_from(wl_ids))
                doc.apply(
                    UpdateEntities(
                        (((wid), {"wave_id": data.draw(st.sampled_from([None, *waves]))}),)
                    )
                )
            elif what == "field" and wl_ids:
                wid = data.draw(st.sampled_from(wl_ids))
                name = data.draw(st.sampled_from(["vcpu", "owner", "notes", "tags"]))
                value: Any = {
                    "vcpu": data.draw(st.integers(0, 64)),
                    "owner": data.draw(st.sampled_from(["", "Ada", "Bob"])),
                    "notes": data.draw(st.sampled_from(["", "x", "y"])),
                    "tags": data.draw(st.sampled_from([(), ("a",), ("b", "a")])),
                }[name]
                doc.apply(UpdateEntities(((wid, {name: value}),)))
            elif what == "remove" and wl_ids:
                doc.apply(RemoveEntities((data.draw(st.sampled_from(wl_ids)),)))
            elif what == "add":
                wave = data.draw(st.sampled_from([None, *waves]))
                doc.apply(
                    AddEntities((Workload(id=f"w-{label}{n}", name=f"{label}-{n}", wave_id=wave),))
                )
            elif what == "dep" and len(wl_ids) > 1:
                a, b = data.draw(
                    st.lists(st.sampled_from(wl_ids), min_size=2, max_size=2, unique=True)
                )
                doc.apply(AddEntities((Dependency(id=f"d-{label}{n}", source=a, target=b),)))
            elif what == "drop-dep" and doc.dependencies:
                doc.apply(RemoveEntities((data.draw(st.sampled_from(sorted(doc.dependencies))),)))
            elif what == "wave":
                if waves and data.draw(st.booleans()):
                    wid = data.draw(st.sampled_from(waves))
                    doc.apply(UpdateEntities(((wid, {"name": f"{label} wave {n}"}),)))
                else:
                    order = max((w.order for w in doc.waves.values()), default=0) + 1
                    doc.apply(
                        AddEntities((Wave(id=f"v-{label}{n}", name=f"W{label}{n}", order=order),))
                    )
            elif what == "drop-wave" and waves:
                doc.apply(RemoveEntities((data.draw(st.sampled_from(waves)),)))
            elif what == "settings":
                mbps = data.draw(st.sampled_from([100.0, 1000.0, 2000.0]))
                s = doc.settings
                doc.apply(
                    SetSettings(s.with_changes(network=s.network.with_changes(link_mbps=mbps)))
                )
            elif what == "app" and wl_ids:
                wid = data.draw(st.sampled_from(wl_ids))
                app = data.draw(st.sampled_from([None, *sorted(doc.applications)]))
                doc.apply(UpdateEntities(((wid, {"application_id": app}),)))
            elif what == "drop-app" and doc.applications:
                doc.apply(RemoveEntities((data.draw(st.sampled_from(sorted(doc.applications))),)))
            elif what == "app-dep" and doc.applications and wl_ids:
                app = data.draw(st.sampled_from(sorted(doc.applications)))
                wid = data.draw(st.sampled_from(wl_ids))
                doc.apply(AddEntities((Dependency(id=f"d-{label}a{n}", source=wid, target=app),)))
            elif what == "pin" and wl_ids:
                wid = data.draw(st.sampled_from(wl_ids))
                if doc.workloads[wid].wave_id is not None:
                    doc.apply(UpdateEntities(((wid, {"pinned": not doc.workloads[wid].pinned}),)))
        except Exception as exc:  # a refused edit (a lock) changes nothing
            from migplan.core.errors import CommandError

            if not isinstance(exc, CommandError):
                raise


def field_values(doc: PlanDocument) -> dict[tuple[str, str, str], Any]:
    """Every (kind, id, field) -> value, and every settings value by path."""
    out: dict[tuple[str, str, str], Any] = {}
    for kind in EntityKind:
        for eid, entity in doc.collection(kind).items():
            out[(kind.value, eid, "")] = True
            for name in type(entity).model_fields:
                out[(kind.value, eid, name)] = getattr(entity, name)
    out[("settings", "", "network.link_mbps")] = doc.settings.network.link_mbps
    return out


# The base is never edited (each side edits a copy), so one fixture serves every example.
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.data())
def test_merge_properties(small_plan: PlanDocument, data: st.DataObject) -> None:
    base = small_plan
    ours, theirs = sides(base)
    random_edits(data, ours, "o")
    random_edits(data, theirs, "t")
    # One side unchanged gives the other side; a side merged with itself changes nothing.
    assert merge(base, ours, copy(base)).doc == ours
    assert merge(base, copy(base), theirs).doc == theirs
    assert merge(base, ours, copy(ours)).doc == ours
    result = merge(base, ours, theirs)
    # Every change not in a conflict is in the merge; the ones in a conflict are listed.
    in_conflict = set()
    for conflict in result.conflicts:
        if conflict.reason == "changed differently on both sides":
            # A conflict only where both sides changed the value, each differently.
            item = conflict.items[0]
            assert len({repr(item.base), repr(item.ours), repr(item.theirs)}) == 3, item
        for item in conflict.items:
            in_conflict.add((str(item.kind), item.entity_id, item.field or ""))
    b, o, t, m = (field_values(d) for d in (base, ours, theirs, result.doc))
    for side in (o, t):
        for key in set(b) | set(side):
            if b.get(key) == side.get(key):
                continue
            kind, eid, name = key
            if (kind, eid, name) in in_conflict or (kind, eid, "") in in_conflict:
                continue
            if name in ("tags", "curated") and (kind, eid, name) in m:
                removed = set(b.get(key) or ()) - set(side.get(key) or ())
                added = set(side.get(key) or ()) - set(b.get(key) or ())
                assert added <= set(m[key]) and not removed & set(m[key]), key
                continue
            assert m.get(key) == side.get(key), (key, b.get(key), side.get(key), m.get(key))
    # Either side chosen for every conflict gives a consistent plan.
    for choice in ("ours", "theirs"):
        assert check_consistency(resolve(result, choice)) == []
