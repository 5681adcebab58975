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


def test_many_alike_problems_are_one_line_with_examples() -> None:
    """Issue 11: a plan missing its workloads printed one line per dangling dependency
    (5,332 lines); a kind with more than a few is one line with its count and examples."""
    from migplan.core.consistency import check_consistency, summarize
    from migplan.core.document import PlanDocument
    from migplan.core.estate import EstateSpec, generate_estate

    full = generate_estate(EstateSpec(workloads=60, waves=3, seed=5))
    broken = PlanDocument.from_data(full.to_data())
    broken.workloads = {}
    problems = check_consistency(broken)
    dangling = [p for p in problems if p.rule == "dangling-end"]
    assert len(dangling) > 5
    lines = summarize(problems)
    [line] = [x for x in lines if "dependency ends point to nothing" in x]
    assert line.startswith(f"{len(dangling):,} dependency ends point to nothing in the plan")
    assert dangling[0].message in line and dangling[3].message not in line
    few = summarize(dangling[:2])
    assert few == [dangling[0].message, dangling[1].message]
