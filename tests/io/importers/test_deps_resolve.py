"""Endpoint resolution: by name, short name vs FQDN, DNS name, any IP; ambiguity; externals."""

from __future__ import annotations

from migplan.core.document import PlanDocument
from migplan.core.ids import external_id, workload_id
from migplan.core.models import ExternalNode, Workload
from migplan.io.importers.deps_resolve import EndpointResolver
from migplan.io.importers.deps_types import Endpoint, EndpointKind, RowRef, normalize_ip


def _plan() -> PlanDocument:
    return PlanDocument.from_entities(
        [
            Workload(
                id=workload_id("web01", "vc1"),
                name="WEB01",
                ips=("10.0.0.1", "10.0.1.1"),
                dns_name="web01.corp.example.test",
            ),
            Workload(
                id=workload_id("sql", "vc1"),
                name="sqlprod-7",
                ips=("10.0.0.2",),
                dns_name="db.corp.example.test",
            ),
            Workload(id=workload_id("dup", "vc1"), name="dup", ips=("10.0.0.3",)),
            Workload(id=workload_id("dup", "vc2"), name="dup", ips=("10.0.0.4",)),
            Workload(id=workload_id("ipdup-a", "vc1"), name="ipdup-a", ips=("10.9.9.9",)),
            Workload(id=workload_id("ipdup-b", "vc2"), name="ipdup-b", ips=("10.9.9.9",)),
            ExternalNode(id=external_id("known"), name="Partner API", address="192.0.2.10"),
        ]
    )


def test_name_is_case_insensitive_and_short_matches_fqdn() -> None:
    r = EndpointResolver(_plan())
    web = workload_id("web01", "vc1")
    assert r.resolve(Endpoint("web01")).node_id == web
    assert r.resolve(Endpoint("WEB01.other.example.test.")).node_id == web
    assert r.resolve(Endpoint("Web01.Corp.Example.Test")).how == "dns"


def test_dns_name_and_its_short_form() -> None:
    r = EndpointResolver(_plan())
    sql = workload_id("sql", "vc1")
    assert r.resolve(Endpoint("db.corp.example.test")).node_id == sql
    res = r.resolve(Endpoint("DB"))
    assert (res.node_id, res.how) == (sql, "dns")


def test_any_ip_of_a_workload_and_ip_spellings() -> None:
    r = EndpointResolver(_plan())
    web = workload_id("web01", "vc1")
    assert r.resolve(Endpoint("", "10.0.1.1")).node_id == web
    assert r.resolve(Endpoint("", normalize_ip("::ffff:10.0.0.1"))).node_id == web
    assert r.resolve(Endpoint("", normalize_ip("10.0.0.1/32"))).node_id == web
    # A name column holding an address is read as the address.
    assert r.resolve(Endpoint("10.0.1.1")).how == "ip"
    # An unknown name falls back to the address.
    assert r.resolve(Endpoint("not-in-plan", "10.0.0.1")).node_id == web


def test_same_name_in_two_vcenters_is_decided_by_ip_else_ambiguous() -> None:
    r = EndpointResolver(_plan())
    assert r.resolve(Endpoint("dup", "10.0.0.4")).node_id == workload_id("dup", "vc2")
    res = r.resolve(Endpoint("dup"))
    assert res.external and res.candidates == ("dup", "dup")
    node = r.new_externals[res.node_id]
    assert "matches several workloads" in node.notes
    shared_ip = r.resolve(Endpoint("", "10.9.9.9"))
    assert shared_ip.external and shared_ip.candidates == ("ipdup-a", "ipdup-b")


def test_unresolved_endpoints_become_external_nodes_keyed_by_address() -> None:
    r = EndpointResolver(_plan())
    a = r.resolve(Endpoint("mystery", "198.51.100.1"), RowRef("x.csv", "", 3))
    b = r.resolve(Endpoint("", "198.51.100.1"))
    assert a.external and a.node_id == b.node_id == external_id("198.51.100.1")
    node = r.new_externals[a.node_id]
    assert (node.name, node.address) == ("mystery", "198.51.100.1")
    assert "x.csv, row 3" in node.notes
    by_name = r.resolve(Endpoint("Legacy-MQ"))
    assert by_name.node_id == external_id("legacy-mq")


def test_existing_external_nodes_are_reused() -> None:
    r = EndpointResolver(_plan())
    res = r.resolve(Endpoint("", "192.0.2.10"))
    assert res.node_id == external_id("known") and not r.new_externals


def test_application_endpoints() -> None:
    r = EndpointResolver(_plan())
    r.add_application("Billing", "a-billing")
    assert r.resolve(Endpoint("billing", "", EndpointKind.APPLICATION)).node_id == "a-billing"
    # ANY prefers a workload, then an application.
    assert r.resolve(Endpoint("web01", "", EndpointKind.ANY)).node_id == workload_id("web01", "vc1")
    assert r.resolve(Endpoint("BILLING", "", EndpointKind.ANY)).how == "application"
    # A HOST endpoint never matches an application.
    assert r.resolve(Endpoint("billing")).external


def test_normalize_ip_spellings() -> None:
    assert normalize_ip(" 10.0.0.1 ") == "10.0.0.1"
    assert normalize_ip("10.0.0.256") == ""
    assert normalize_ip("010.0.0.1") == ""  # leading zeros are ambiguous (octal); refused
    assert normalize_ip("[fe80::1%eth0]") == "fe80::1"
    assert normalize_ip("::FFFF:192.0.2.1") == "192.0.2.1"
    assert normalize_ip("2001:DB8::1/128") == "2001:db8::1"
    assert normalize_ip("web01") == ""
    assert normalize_ip("1.2.3.\u00b2") == ""  # a superscript digit is not an address
    assert normalize_ip("1.2.3.\u0663") == ""
