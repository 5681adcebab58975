"""A synthetic estate shaped like real microservice systems, for tests and benchmarks.

Each business application is one microservice system of its own:

* app-level reverse proxies (``<code>-api-proxy01``, ``<code>-nginx-proxy01``) in front of
  its gateway, whose only clients are in the application (a web front end) or outside users;
* an API gateway (``<code>-gateway01``) that calls the application's services
  (``<code>-orders-svc01``, ...), which call each other only "downstream" (a DAG);
* the application's own config server (``<code>-config01``), discovery (``<code>-discovery01``,
  Eureka 8761 or Consul 8500), database(s) (a primary and, for critical production, a replica
  that streams from it: the one hard edge) and message broker (``<code>-broker01``, Kafka
  9092 or RabbitMQ 5672).

``a -> b`` means a depends on b. Within an application the edges run proxy -> gateway ->
services -> config / discovery / database / broker, so there is no cycle; integrations
between applications run from a service of a later application to the gateway of an earlier
one, so the whole workload graph is acyclic. Estate-wide shared services (DNS, directory,
NTP, syslog, monitoring, backup) are used by workloads of every application on their
well-known ports. A small share of AI applications have GPU training workers bound by hard
edges to a data lake (and to the job's rank-0 worker) and GPU inference behind a gateway; the
settings carry GPU pools that can host them. Traffic (``Dependency.weight``, MB/s) is
log-normal. Everything derives from ``seed``; names are invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, Environment, GpuMode
from migplan.core.estate import (
    _AI_NAMES,
    _LINUX_OS,
    _OWNERS,
    _SHARED,
    _WINDOWS_OS,
    _WORDS_A,
    _WORDS_B,
    EstateSpec,
    _Builder,
    grow,
    sized_gpu_pools,
)
from migplan.core.ids import app_id
from migplan.core.models import Application, GpuNeeds, Workload
from migplan.core.settings import CapacityRamp, GpuPool, PlanSettings, WaveCapacity

_SERVICES = (
    "orders", "payments", "catalog", "inventory", "users", "accounts", "cart", "pricing",
    "shipping", "billing", "invoices", "reports", "search", "profile", "ledger", "quotes",
    "documents", "scheduler", "events", "rates", "claims", "policy", "customers", "offers",
    "tracking", "returns", "contracts", "tasks", "workflow", "media",
)  # fmt: skip
_ENVS = (Environment.PRODUCTION, Environment.STAGING, Environment.TEST, Environment.DEVELOPMENT)
_DB = {1433: "mssql", 5432: "postgres", 3306: "mysql", 1521: "oracle"}


@dataclass
class MicroSpec:
    """What to generate. ``workloads`` is a target; the estate stops at the app that reaches it.

    ``dependencies`` pads the estate with cross-application integrations (a service of a
    later application calling the gateway of an earlier one) up to that count, keeping the
    graph acyclic.
    """

    workloads: int = 2000
    dependencies: int | None = None
    seed: int = 7
    ai_share: float = 0.05
    #: Chance that an application integrates with earlier ones (1-3 calls to their gateways).
    integration_rate: float = 0.6
    #: Share of production applications; the rest are split over staging, test and dev.
    prod_share: float = 0.55
    windows_share: float = 0.15
    vcenters: tuple[str, ...] = ("vc-east.example.test", "vc-west.example.test")
    name: str = "Microservice estate"


@dataclass
class _App:
    index: int
    app: Application
    gateways: list[Workload]
    services: list[Workload]


class _MicroBuilder(_Builder):
    def __init__(self, spec: MicroSpec) -> None:
        super().__init__(
            EstateSpec(
                workloads=spec.workloads, seed=spec.seed, vcenters=spec.vcenters, name=spec.name
            )
        )
        self.micro = spec
        self.systems: list[_App] = []
        self.stateful: set[str] = set()

    def _application(self, base: str, owner: str, prod: bool, **kw: Any) -> Application:
        rng = self.rng
        env = Environment.PRODUCTION if prod else rng.choice(_ENVS[1:])
        name = self._name(base if prod else f"{base} ({env.value})", " ")
        crit = rng.choices(
            (Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.MISSION_CRITICAL),
            weights=(3, 4, 2, 1) if prod else (6, 3, 1, 0),
        )[0]
        app = Application(
            id=app_id(name), name=name, owner=owner, criticality=crit, environment=env, **kw
        )
        self.apps.append(app)
        return app

    # -- estate parts -----------------------------------------------------------------

    def shared_services(self) -> None:
        """DNS, directory, NTP, syslog, backup and monitoring, more of each for big estates."""
        infra = Application(
            id=app_id("Shared Infrastructure"),
            name="Shared Infrastructure",
            owner="team-infra",
            criticality=Criticality.MISSION_CRITICAL,
            environment=Environment.PRODUCTION,
            tags=("shared-service",),
        )
        self.apps.append(infra)
        extra = self.micro.workloads // 2500
        for short, role, count, _port, family in _SHARED:
            os_name = self.rng.choice(_WINDOWS_OS[:3] if family == "windows" else _LINUX_OS[:2])
            self.shared[short] = [
                self._workload(
                    f"{short}{i + 1:02d}", infra, role, os_name, tags=("shared-service",)
                ).id
                for i in range(count + extra)
            ]

    def business_app(self, index: int) -> None:
        rng = self.rng
        prod = rng.random() < self.micro.prod_share
        app = self._application(
            f"{rng.choice(_WORDS_A)} {rng.choice(_WORDS_B)}", rng.choice(_OWNERS), prod
        )
        code = "".join(w[0] for w in app.name.split()[:2]).lower() + f"{index:03d}"
        windows = rng.random() < self.micro.windows_share
        svc_os = rng.choice(_WINDOWS_OS[:3] if windows else _LINUX_OS)
        linux = rng.choice(_LINUX_OS)
        big = prod and app.criticality.rank >= 1
        instances = 2 if big else 1

        def hosts(name: str, n: int, role: str, os_name: str, **kw: Any) -> list[Workload]:
            return [
                self._workload(f"{code}-{name}{i + 1:02d}", app, role, os_name, **kw)
                for i in range(n)
            ]

        # infrastructure of the application itself
        eureka = rng.random() < 0.6
        config = hosts("config", 1, "config server", linux, vcpu=2)
        discovery = hosts("discovery", 1, "eureka" if eureka else "consul", linux, vcpu=2)
        kafka = rng.random() < 0.5
        broker = hosts(
            "broker", 1, "kafka" if kafka else "rabbitmq", linux, vcpu=rng.choice((4, 8))
        )
        db_port = 1433 if windows else rng.choice((5432, 5432, 3306, 1521))
        clusters: list[list[Workload]] = []
        for c in range(rng.choice((1, 1, 2)) if big else 1):
            replica = prod and app.criticality.rank >= 2
            clusters.append(
                [
                    self._workload(
                        f"{code}-db{2 * c + k + 1:02d}",
                        app,
                        _DB[db_port] + (" replica" if k else ""),
                        rng.choice(_WINDOWS_OS[:3]) if windows else linux,
                        vcpu=rng.choice((4, 8, 16)),
                        storage_provisioned_mib=int(rng.lognormvariate(12.6, 0.9)),
                    )
                    for k in range(2 if replica else 1)
                ]
            )
        for w in (*config, *broker, *(d for c in clusters for d in c)):
            self.stateful.add(w.id)
        # the call chain: proxies -> (web) -> gateway -> services
        n_svc = rng.choice((3, 4, 5, 6, 6, 7, 8, 10, 12)) if prod else rng.choice((2, 3, 4, 5))
        names = rng.sample(_SERVICES, n_svc)
        services = [
            hosts(f"{s}-svc", rng.choice((1, 2, 2, 3)) if big else 1, f"{s} service", svc_os)
            for s in names
        ]
        gateways = hosts("gateway", instances, "api gateway", svc_os, vcpu=4)
        api_proxies = hosts("api-proxy", instances, "reverse proxy (haproxy)", linux, vcpu=2)
        front = rng.random() < 0.5
        web = hosts("web", instances, "web front end", linux) if front else []
        nginx = (
            hosts("nginx-proxy", instances, "reverse proxy (nginx)", linux, vcpu=2) if front else []
        )

        t = self._traffic
        for p in api_proxies:
            for g in gateways:
                self._edge(p, g, 8443, t(2.5, 0.8))
        for p in nginx:
            for w in web:
                self._edge(p, w, 8080, t(2.0, 0.8))
        for w in web:
            self._edge(w, rng.choice(api_proxies), 443, t(1.5, 0.8))
        infra_port = 8761 if eureka else 8500
        for g in gateways:
            self._edge(g, config[0], 8888, t(-2.5, 0.5))
            self._edge(g, discovery[0], infra_port, t(-2.0, 0.5))
            for svc in services:
                for inst in svc:
                    self._edge(g, inst, 8080, t(1.5, 1.0))
        for i, svc in enumerate(services):
            stateless = rng.random() < 0.35
            cluster = rng.choice(clusters)
            messaging = rng.random() < 0.5
            callees = [s for s in services[i + 1 :] if rng.random() < 0.08]
            for inst in svc:
                self._edge(inst, discovery[0], infra_port, t(-2.0, 0.5))
                if rng.random() < 0.5:
                    self._edge(inst, config[0], 8888, t(-2.5, 0.5))
                if not stateless:
                    self._edge(inst, cluster[0], db_port, t(2.0, 1.0), latency_sensitive=True)
                if messaging:
                    self._edge(inst, broker[0], 9092 if kafka else 5672, t(1.5, 1.0))
                for callee in callees:
                    self._edge(inst, rng.choice(callee), 8080, t(1.0, 1.0))
        for cluster in clusters:
            if len(cluster) == 2:  # streaming replication: the replica pulls from its primary
                self._edge(cluster[1], cluster[0], db_port, t(3.5, 0.5), hard=True)
        flat = [w for s in services for w in s]
        self.systems.append(_App(index, app, gateways, flat))

    def ai_app(self, index: int) -> None:
        rng = self.rng
        app = self._application(f"{rng.choice(_AI_NAMES)} Platform", "team-ml", True, tags=("ai",))
        code = f"ai{index:03d}"
        os_name = rng.choice((*_LINUX_OS[:2], "Ubuntu Linux (64-bit)"))
        lake = [
            self._workload(
                f"{code}-lake{i + 1:02d}",
                app,
                "data-lake",
                os_name,
                vcpu=16,
                storage_provisioned_mib=int(rng.uniform(4, 20) * 1024 * 1024),
                tags=("data-heavy",),
            )
            for i in range(rng.choice((1, 2)))
        ]
        self.stateful.update(w.id for w in lake)
        mode = rng.choice((GpuMode.PASSTHROUGH, GpuMode.VGPU, GpuMode.CONTAINER))
        workers = [
            self._workload(
                f"{code}-train{i + 1:02d}",
                app,
                "gpu-training",
                os_name,
                vcpu=32,
                # containers get 128 GiB (a GPU node's share); VM workers keep the whole host
                memory_mib=131072 if mode is GpuMode.CONTAINER else 262144,
                gpu=GpuNeeds(count=rng.choice((1, 2, 4)), model="A100", mode=mode, memory_gib=80),
                tags=("gpu",),
            )
            for i in range(rng.choice((2, 4)))
        ]
        infer = [
            self._workload(
                f"{code}-infer{i + 1:02d}",
                app,
                "gpu-inference",
                os_name,
                vcpu=8,
                gpu=GpuNeeds(count=1, model="L4", mode=GpuMode.MIG, mig_profile="3g.20gb"),
                tags=("gpu",),
            )
            for i in range(rng.choice((1, 2)))
        ]
        gateway = self._workload(f"{code}-gateway01", app, "api gateway", os_name, vcpu=4)
        t = self._traffic
        for w in workers:
            for store in lake:
                self._edge(w, store, 2049, t(5.5, 0.5), hard=True)
        for w in workers[1:]:  # ranks rendezvous with rank 0 (torch.distributed MASTER_ADDR)
            self._edge(w, workers[0], 29500, t(5.0, 0.3), hard=True, latency_sensitive=True)
        for i in infer:
            self._edge(i, lake[0], 443, t(2.5, 0.7))
            self._edge(gateway, i, 8000, t(1.5, 0.8))
        self.systems.append(_App(index, app, [gateway], []))

    def shared_edges(self) -> None:
        """Every workload resolves names and is monitored; the rest by role and by chance."""
        rng = self.rng
        pools = self.shared
        by_id: dict[str, Workload] = {w.id: w for w in self.workloads}
        shared_ids = {i for v in pools.values() for i in v}
        t = self._traffic
        for wl in self.workloads:
            if wl.id in shared_ids:
                continue

            def use(short: str, port: int, src: Workload = wl) -> None:
                self._edge(src, by_id[rng.choice(pools[short])], port, t(-1.5, 0.8))

            use("dns", 53)
            if rng.random() < 0.6:
                use("mon", 9100)
            if wl.os_family.value == "windows":
                use("dc", 88)
                if rng.random() < 0.5:
                    use("dc", 389)
            elif rng.random() < 0.1:
                use("dc", 389)
            if rng.random() < 0.15:
                use("ntp", 123)
            if rng.random() < 0.15:
                use("syslog", 514)
            if wl.id in self.stateful or rng.random() < 0.05:
                use("backup", 10000)

    def integrations(self) -> None:
        rng = self.rng
        for k, sys in enumerate(self.systems):
            if not sys.services or rng.random() > self.micro.integration_rate:
                continue
            for _ in range(rng.choice((1, 1, 2, 3))):
                self._integrate(sys, rng.choice(self.systems[: k or 1]), 0.5)

    def _integrate(self, src: _App, dst: _App, mu: float) -> None:
        if dst.index >= src.index or (
            dst.app.environment.is_production != src.app.environment.is_production
        ):
            return
        a = self.rng.choice(src.services)
        self._edge(a, self.rng.choice(dst.gateways), 443, self._traffic(mu, 1.2))

    def pad_dependencies(self, target: int) -> None:
        """Integration edges (later service -> earlier gateway) until ``target`` exist."""
        rng = self.rng
        callers = [k for k, s in enumerate(self.systems) if s.services and k > 0]
        guard = target * 5
        while callers and len(self.deps) < target and guard > 0:
            guard -= 1
            k = rng.choice(callers)
            self._integrate(self.systems[k], self.systems[rng.randrange(k)], 0.0)


def generate_microservice_estate(spec: MicroSpec | None = None) -> PlanDocument:
    """A whole plan document for ``spec`` (see ``MicroSpec``)."""
    spec = spec or MicroSpec()
    b = _MicroBuilder(spec)
    grow(b, spec.workloads, spec.ai_share, spec.dependencies)
    settings = PlanSettings(
        name=spec.name,
        description=(
            f"Generated microservice estate (seed {spec.seed}): {len(b.workloads)} workloads."
        ),
        capacity=WaveCapacity(workloads=CapacityRamp(start=20, step=20, max=120)),
        gpu_pools=sized_gpu_pools(
            b.workloads,
            (
                GpuPool(name="gpu-containers", mode=GpuMode.CONTAINER, gpu_model="A100"),
                GpuPool(name="gpu-inference", mode=GpuMode.MIG, gpu_model="L4"),
                GpuPool(name="gpu-vms", mode=GpuMode.VGPU, gpu_model="A100"),
                GpuPool(name="gpu-passthrough", mode=GpuMode.PASSTHROUGH, gpu_model="A100"),
            ),
        ),
    )
    return PlanDocument.from_entities([*b.apps, *b.workloads, *b.deps.values()], settings)
