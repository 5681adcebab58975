from __future__ import annotations

from migplan.core.appgraph import COLUMN_WIDTH, build_app_graph
from migplan.core.document import PlanDocument
from migplan.core.enums import OriginKind
from migplan.core.ids import app_id, dependency_id, external_id, wave_id, workload_id
from migplan.core.models import (
    Application,
    Dependency,
    EdgeOrigin,
    ExternalNode,
    SourceRef,
    Wave,
    Workload,
)


def plan() -> PlanDocument:
    w1 = Wave(id=wave_id("1"), name="W1", order=1)
    w2 = Wave(id=wave_id("2"), name="W2", order=2)
    shop, pay = (
        Application(id=app_id("shop"), name="Shop"),
        Application(id=app_id("pay"), name="Pay"),
    )
    web = Workload(id=workload_id("web"), name="web", application_id=shop.id, wave_id=w1.id)
    db = Workload(id=workload_id("db"), name="db", application_id=shop.id, wave_id=w2.id)
    api = Workload(id=workload_id("api"), name="api", application_id=pay.id, wave_id=w2.id)
    lone = Workload(id=workload_id("lone"), name="lone")
    ext = ExternalNode(id=external_id("x"), name="10.9.9.9")
    imported = EdgeOrigin(kind=OriginKind.IMPORTED, source=SourceRef(file="deps.csv", row=3))
    deps = [
        Dependency(
            id=dependency_id("1"),
            source=web.id,
            target=api.id,
            weight=2,
            port=443,
            **imported.as_fields(),
        ),
        Dependency(
            id=dependency_id("2"),
            source=db.id,
            target=api.id,
            weight=3,
            port=8443,
            **EdgeOrigin().as_fields(),
        ),
        Dependency(id=dependency_id("3"), source=web.id, target=db.id, weight=9),
        Dependency(id=dependency_id("4"), source=lone.id, target=ext.id),
    ]
    return PlanDocument.from_entities([w1, w2, shop, pay, web, db, api, lone, ext, *deps])


def test_edges_fold_to_applications_with_their_origins() -> None:
    graph = build_app_graph(plan())
    assert set(graph.nodes) == {
        app_id("shop"),
        app_id("pay"),
        workload_id("lone"),
        external_id("x"),
    }
    by_pair = {(e.source, e.target): e for e in graph.edges}
    shop_pay = by_pair[(app_id("shop"), app_id("pay"))]
    assert shop_pay.weight == 5 and shop_pay.ports == {443, 8443}
    assert shop_pay.origins == {"imported from deps.csv": 1, "drawn by hand": 1}
    assert shop_pay.manual == 1
    assert (app_id("shop"), app_id("shop")) not in by_pair, "edges inside an application fold away"
    assert (workload_id("lone"), external_id("x")) in by_pair


def test_columns_follow_waves_and_backwards_edges_are_flagged() -> None:
    graph = build_app_graph(plan())
    shop, pay = graph.nodes[app_id("shop")], graph.nodes[app_id("pay")]
    assert shop.column == 1 and shop.wave_names == ["W1", "W2"], (
        "split application: earliest column, both waves"
    )
    assert pay.column == 2 and graph.nodes[workload_id("lone")].column == 0
    assert shop.x == COLUMN_WIDTH and pay.x == 2 * COLUMN_WIDTH
    edge = next(e for e in graph.edges if e.source == shop.id)
    assert edge.backwards, "Shop (wave 1) depends on Pay, which moves later"
    assert graph.columns == ["No wave", "W1", "W2"]


def test_shared_services_can_be_hidden() -> None:
    doc = plan()
    dns = Workload(id=workload_id("dns"), name="dns01", tags=("shared-service",))
    doc.insert_many(
        [
            dns,
            *(
                Dependency(id=dependency_id("s", w), source=w, target=dns.id, port=53)
                for w in list(doc.workloads)
                if w != dns.id
            ),
        ]
    )
    shown = build_app_graph(doc)
    assert shown.nodes[dns.id].shared
    hidden = build_app_graph(doc, hide_shared=True)
    assert dns.id not in hidden.nodes
    assert all(dns.id not in (e.source, e.target) for e in hidden.edges)
