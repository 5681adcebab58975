from __future__ import annotations

from migplan.core.appgraph import NO_WAVE, GraphLevel, build_app_graph
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
    shop_w1, shop_w2 = f"{app_id('shop')}#1", f"{app_id('shop')}#2"
    assert set(graph.nodes) == {
        shop_w1,
        shop_w2,
        app_id("pay"),
        workload_id("lone"),
        external_id("x"),
    }
    by_pair = {(e.source, e.target): e for e in graph.edges}
    web_api = by_pair[(shop_w1, app_id("pay"))]
    db_api = by_pair[(shop_w2, app_id("pay"))]
    assert web_api.weight == 2 and web_api.ports == {443}
    assert web_api.origins == {"imported from deps.csv": 1}
    assert db_api.origins == {"drawn by hand": 1} and db_api.manual == 1
    assert web_api.mbit_s == 16.0, "stored weights are MB/s; the link speaks Mbit/s"
    assert (shop_w1, shop_w2) in by_pair, "web -> db now crosses from one part to the other"
    assert (workload_id("lone"), external_id("x")) in by_pair


def test_an_application_split_across_waves_is_a_node_per_wave() -> None:
    graph = build_app_graph(plan())
    first, second = graph.nodes[f"{app_id('shop')}#1"], graph.nodes[f"{app_id('shop')}#2"]
    assert (first.column, second.column) == (1, 2)
    assert first.workloads == [workload_id("web")] and second.workloads == [workload_id("db")]
    assert first.split_total == second.split_total == 2
    assert first.wave_names == ["W1", "W2"], "each part knows every wave of its application"
    assert first.application_id == app_id("shop")


def test_columns_follow_waves_unplaced_last_and_backwards_edges_are_flagged() -> None:
    graph = build_app_graph(plan())
    layout = graph.layout
    assert layout is not None
    assert [c.title for c in layout.columns] == ["W1", "W2", NO_WAVE, "Outside the inventory"]
    shop, pay = graph.nodes[f"{app_id('shop')}#1"], graph.nodes[app_id("pay")]
    assert pay.column == 2 and graph.nodes[workload_id("lone")].column == 0
    w1, w2, none, outside = layout.columns
    assert w1.contains_x(shop.x) and w2.contains_x(pay.x)
    assert none.contains_x(graph.nodes[workload_id("lone")].x)
    assert outside.contains_x(graph.nodes[external_id("x")].x)
    assert layout.column_at(pay.x + 5) == w2 and w2.wave_id == wave_id("2")
    edge = next(e for e in graph.edges if e.source == shop.id and e.target == pay.id)
    assert edge.backwards, "Shop (wave 1) depends on Pay, which moves later"
    assert graph.columns == [NO_WAVE, "W1", "W2"]


def test_workload_level_has_a_node_per_workload_grouped_by_application() -> None:
    graph = build_app_graph(plan(), level=GraphLevel.WORKLOADS)
    assert set(graph.nodes) == {
        workload_id("web"),
        workload_id("db"),
        workload_id("api"),
        workload_id("lone"),
        external_id("x"),
    }
    assert graph.nodes[workload_id("web")].group == app_id("shop")
    assert {(e.source, e.target) for e in graph.edges} == {
        (workload_id("web"), workload_id("api")),
        (workload_id("db"), workload_id("api")),
        (workload_id("web"), workload_id("db")),
        (workload_id("lone"), external_id("x")),
    }


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
