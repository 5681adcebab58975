from __future__ import annotations

from migplan.core.consistency import check_consistency
from migplan.core.document import PlanDocument
from migplan.core.ids import dependency_id, wave_id, workload_id
from migplan.core.models import Dependency, Wave, Workload


def test_generated_estate_is_consistent(small_estate: PlanDocument) -> None:
    assert check_consistency(small_estate) == []


def test_dangling_references_and_duplicate_orders_are_reported() -> None:
    w = Workload(id=workload_id("a"), name="a", wave_id=wave_id("gone"), application_id="a-missing")
    p = Workload(id=workload_id("b"), name="b", pinned=True)
    dep = Dependency(id=dependency_id("d"), source=w.id, target=workload_id("nobody"))
    w1 = Wave(id=wave_id("1"), name="One", order=1)
    w2 = Wave(id=wave_id("2"), name="Uno", order=1)
    doc = PlanDocument.from_entities([w, p, dep, w1, w2])
    messages = [str(p) for p in check_consistency(doc)]
    assert "workload a: application a-missing is not in the plan" in messages
    assert f"workload a: wave {wave_id('gone')} is not in the plan" in messages
    assert "workload b is pinned but in no wave" in messages
    assert any("target" in m and workload_id("nobody") in m for m in messages)
    assert "waves One, Uno share the order 1" in messages
