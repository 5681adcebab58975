"""A generator of synthetic but realistic estates, for example plans, tests and benchmarks.

The estate has shared services (DNS, directory, NTP, syslog, backup, monitoring), business
applications in layered tiers (web -> app -> database, sometimes cache and queue), AI
applications (GPU training workers fed by a data lake, GPU inference), cross-application
integrations and log-normal traffic. Everything is derived from ``seed``: the same arguments
give the same estate. Names are invented; no real company data.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass, field
from typing import Any

from migplan.core.document import PlanDocument
from migplan.core.enums import (
    Criticality,
    Environment,
    GpuMode,
    OriginKind,
    PowerState,
    Protocol,
)
from migplan.core.ids import app_id, dependency_id, wave_id, workload_id
from migplan.core.models import (
    Application,
    Dependency,
    EdgeOrigin,
    GpuNeeds,
    TimeWindow,
    Wave,
    Workload,
)
from migplan.core.osnorm import normalize_os
from migplan.core.settings import CapacityRamp, GpuPool, PlanSettings, WaveCapacity

_WORDS_A = [
    "Payroll",
    "Claims",
    "Billing",
    "Ledger",
    "Catalog",
    "Orders",
    "Loyalty",
    "Fleet",
    "Inventory",
    "Pricing",
    "Quotes",
    "Booking",
    "Tickets",
    "Customer",
    "Partner",
    "Supplier",
    "Warehouse",
    "Shipping",
    "Returns",
    "Invoices",
    "Treasury",
    "Audit",
    "Compliance",
    "Risk",
    "Trading",
    "Lending",
    "Cards",
    "Payments",
    "Mortgage",
    "Pension",
    "Benefits",
    "Recruit",
    "Learning",
    "Library",
    "Archive",
    "Portal",
    "Intranet",
    "Wiki",
    "Forms",
    "Survey",
    "Events",
    "Rewards",
    "Energy",
    "Meter",
    "Grid",
    "Outage",
    "Asset",
    "Maintenance",
    "Lab",
    "Clinic",
    "Pharmacy",
    "Imaging",
    "Records",
    "Tax",
    "Permit",
    "Grants",
]
_WORDS_B = [
    "Hub",
    "Portal",
    "Service",
    "Engine",
    "Manager",
    "Suite",
    "Gateway",
    "Tracker",
    "Desk",
    "Center",
    "Online",
    "Core",
]
_AI_NAMES = (
    "Vision",
    "Forecast",
    "Recommender",
    "Speech",
    "Fraud Model",
    "Doc Reader",
    "Chat Assist",
)

_LINUX_OS = (
    "Red Hat Enterprise Linux 8 (64-bit)",
    "Red Hat Enterprise Linux 9 (64-bit)",
    "Red Hat Enterprise Linux 7 (64-bit)",
    "CentOS 7 (64-bit)",
    "Ubuntu Linux (64-bit)",
    "SUSE Linux Enterprise 15 (64-bit)",
    "Debian GNU/Linux 11 (64-bit)",
)
_WINDOWS_OS = (
    "Microsoft Windows Server 2019 (64-bit)",
    "Microsoft Windows Server 2016 (64-bit)",
    "Microsoft Windows Server 2022 (64-bit)",
    "Microsoft Windows Server 2012 R2 (64-bit)",
    "Microsoft Windows Server 2008 R2 (64-bit)",
)
_OWNERS = ("team-alpha", "team-bravo", "team-charlie", "team-delta", "team-echo", "team-foxtrot")

# name, role, count, port, OS family
_SHARED = (
    ("dns", "DNS", 2, 53, "linux"),
    ("dc", "Active Directory", 3, 389, "windows"),
    ("ntp", "NTP", 2, 123, "linux"),
    ("syslog", "Syslog", 2, 514, "linux"),
    ("backup", "Backup", 2, 10000, "linux"),
    ("mon", "Monitoring", 2, 9100, "linux"),
)


@dataclass
class EstateSpec:
    """What to generate. ``workloads`` is a target; the estate stops at the app that reaches it."""

    workloads: int = 400
    dependencies: int | None = None
    ai_share: float = 0.08
    integration_rate: float = 0.6
    prod_share: float = 0.65
    waves: int = 0
    seed: int = 7
    vcenters: tuple[str, ...] = ("vc-east.example.test", "vc-west.example.test")
    name: str = "Synthetic estate"
    start_date: dt.date = dt.date(2027, 2, 1)
    #: Filled by the generator: the apps created, for callers that want the layering.
    tiers: dict[str, list[list[str]]] = field(default_factory=dict)


class _Builder:
    def __init__(self, spec: EstateSpec) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)
        self.apps: list[Application] = []
        self.workloads: list[Workload] = []
        self.deps: dict[tuple[str, str], Dependency] = {}
        self.shared: dict[str, list[str]] = {}
        self.app_tiers: dict[str, list[list[Workload]]] = {}
        self._names: set[str] = set()

    # -- helpers ----------------------------------------------------------------------

    def _name(self, base: str, sep: str = "-") -> str:
        name, n = base, 2
        while name in self._names:
            name, n = f"{base}{sep}{n}", n + 1
        self._names.add(name)
        return name

    def _traffic(self, mu: float, sigma: float = 1.0) -> float:
        return round(self.rng.lognormvariate(mu, sigma), 3)

    def _workload(
        self, host: str, app: Application | None, role: str, os_name: str, **kw: Any
    ) -> Workload:
        rng = self.rng
        name = self._name(host)
        vc = rng.choice(self.spec.vcenters)
        info = normalize_os(os_name)
        prov = int(kw.pop("storage_provisioned_mib", int(rng.lognormvariate(11.3, 0.8))))
        vcpu = kw.pop("vcpu", rng.choice((2, 2, 4, 4, 4, 8, 8, 16)))
        mem = kw.pop("memory_mib", int(vcpu) * rng.choice((2048, 4096, 4096, 8192)))
        octets = len(self.workloads)
        wl = Workload(
            id=workload_id(name, vc),
            name=name,
            source_system=vc,
            source_key=f"vm-{1000 + octets}",
            power_state=PowerState.ON if rng.random() > 0.04 else PowerState.OFF,
            os_reported=os_name,
            os_family=info.family,
            os_distro=info.distro,
            os_version=info.version,
            vcpu=vcpu,
            memory_mib=mem,
            storage_provisioned_mib=prov,
            storage_used_mib=kw.pop("storage_used_mib", int(prov * rng.uniform(0.3, 0.9))),
            ips=(f"10.{octets // 65536 % 256}.{octets // 256 % 256}.{octets % 256 or 1}",),
            dns_name=f"{name}.corp.example.test",
            datacenter="DC-East" if vc.startswith("vc-east") else "DC-West",
            cluster=f"CL-{rng.randint(1, 6):02d}",
            host=f"esx{rng.randint(1, 60):03d}.example.test",
            environment=app.environment if app else Environment.PRODUCTION,
            criticality=app.criticality if app else Criticality.HIGH,
            owner=app.owner if app else "team-infra",
            application_id=app.id if app else None,
            attributes={"Role": role, **({"Application": app.name} if app else {})},
            **kw,
        )
        self.workloads.append(wl)
        return wl

    def _edge(self, src: Workload, dst: Workload, port: int, weight: float, **kw: Any) -> None:
        key = (src.id, dst.id)
        if key in self.deps or src.id == dst.id:
            return
        self.deps[key] = Dependency(
            id=dependency_id(src.id, dst.id),
            source=src.id,
            target=dst.id,
            port=port,
            protocol=Protocol.UDP if port in (53, 123, 514) else Protocol.TCP,
            count=self.rng.randint(1, 120),
            weight=weight,
            **EdgeOrigin(kind=OriginKind.GENERATED, label="synthetic estate").as_fields(),
            **kw,
        )

    # -- estate parts -----------------------------------------------------------------

    def shared_services(self) -> None:
        infra = Application(
            id=app_id("Shared Infrastructure"),
            name="Shared Infrastructure",
            owner="team-infra",
            criticality=Criticality.MISSION_CRITICAL,
            environment=Environment.PRODUCTION,
            tags=("shared-service",),
        )
        self.apps.append(infra)
        for short, role, count, _port, family in _SHARED:
            os_name = self.rng.choice(_WINDOWS_OS[:3] if family == "windows" else _LINUX_OS[:2])
            self.shared[short] = [
                self._workload(
                    f"{short}{i + 1:02d}", infra, role, os_name, tags=("shared-service",)
                ).id
                for i in range(count)
            ]

    def business_app(self, index: int) -> None:
        rng = self.rng
        spec = self.spec
        base = f"{rng.choice(_WORDS_A)} {rng.choice(_WORDS_B)}"
        prod = rng.random() < spec.prod_share
        env = (
            Environment.PRODUCTION
            if prod
            else rng.choice((Environment.TEST, Environment.DEVELOPMENT, Environment.STAGING))
        )
        name = self._name(base if prod else f"{base} ({env.value})", " ")
        crit = rng.choices(
            (Criticality.LOW, Criticality.MEDIUM, Criticality.HIGH, Criticality.MISSION_CRITICAL),
            weights=(3, 4, 2, 1) if prod else (6, 3, 1, 0),
        )[0]
        app = Application(
            id=app_id(name), name=name, owner=rng.choice(_OWNERS), criticality=crit, environment=env
        )
        self.apps.append(app)
        code = "".join(w[0] for w in name.split()[:2]).lower() + f"{index:03d}"
        windows = rng.random() < 0.3
        web_os = rng.choice(_WINDOWS_OS if windows else _LINUX_OS)
        size = rng.choice((1, 1, 2, 2, 3, 4, 6)) if prod else rng.choice((1, 1, 2))
        tiers: list[list[Workload]] = []
        tiers.append(
            [self._workload(f"{code}-web{i + 1:02d}", app, "web", web_os) for i in range(size)]
        )
        tiers.append(
            [
                self._workload(f"{code}-app{i + 1:02d}", app, "app", web_os)
                for i in range(max(1, size - 1))
            ]
        )
        if rng.random() < 0.3:
            tiers.append([self._workload(f"{code}-cache01", app, "cache", rng.choice(_LINUX_OS))])
        db_os = rng.choice(_WINDOWS_OS[:4]) if windows else rng.choice(_LINUX_OS)
        db_count = 2 if prod and crit.rank >= 2 else 1
        tiers.append(
            [
                self._workload(
                    f"{code}-db{i + 1:02d}",
                    app,
                    "mssql" if windows else rng.choice(("postgres", "oracle", "mysql")),
                    db_os,
                    vcpu=rng.choice((4, 8, 16)),
                    storage_provisioned_mib=int(rng.lognormvariate(13.0, 0.9)),
                )
                for i in range(db_count)
            ]
        )
        self.app_tiers[app.id] = tiers
        db_port = 1433 if windows else rng.choice((5432, 1521, 3306))
        for upper, lower in itertools.pairwise(tiers):
            port = db_port if lower is tiers[-1] else 8080
            for a in upper:
                for b in lower:
                    self._edge(
                        a, b, port, self._traffic(2.0, 1.0), latency_sensitive=lower is tiers[-1]
                    )
        if db_count == 2:  # replication between the two databases: strong two-way traffic
            d1, d2 = tiers[-1]
            self._edge(d1, d2, db_port, self._traffic(4.0, 0.5))
            self._edge(d2, d1, db_port, self._traffic(4.0, 0.5))

    def ai_app(self, index: int) -> None:
        rng = self.rng
        name = self._name(f"{rng.choice(_AI_NAMES)} Platform", " ")
        app = Application(
            id=app_id(name),
            name=name,
            owner="team-ml",
            criticality=rng.choice((Criticality.MEDIUM, Criticality.HIGH)),
            environment=Environment.PRODUCTION,
            tags=("ai",),
        )
        self.apps.append(app)
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
        mode = rng.choice((GpuMode.PASSTHROUGH, GpuMode.VGPU, GpuMode.CONTAINER))
        workers = [
            self._workload(
                f"{code}-train{i + 1:02d}",
                app,
                "gpu-training",
                os_name,
                vcpu=32,
                memory_mib=262144,
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
                gpu=GpuNeeds(count=1, model="L4", mode=GpuMode.MIG, mig_profile="3g.20gb")
                if rng.random() < 0.5
                else GpuNeeds(count=1, model="L4", mode=GpuMode.CONTAINER),
                tags=("gpu",),
            )
            for i in range(rng.choice((1, 2)))
        ]
        for w in workers:
            for store in lake:
                self._edge(w, store, 2049, self._traffic(5.5, 0.5), hard=True)
        for a in workers:  # all-reduce between workers of one job
            for b in workers:
                if a is not b:
                    self._edge(
                        a, b, 29500, self._traffic(5.0, 0.3), hard=True, latency_sensitive=True
                    )
        for i in infer:
            self._edge(i, lake[0], 443, self._traffic(2.5, 0.7))
        self.app_tiers[app.id] = [infer, workers, lake]

    def shared_edges(self) -> None:
        rng = self.rng
        pools = {k: [w for w in self.workloads if w.id in set(v)] for k, v in self.shared.items()}
        shared_ids = {i for v in self.shared.values() for i in v}
        for wl in self.workloads:
            if wl.id in shared_ids:
                continue
            for short, _role, _n, port, _f in _SHARED:
                if short == "dc" and wl.os_family.value != "windows" and rng.random() < 0.7:
                    continue
                if short in ("backup", "mon") and rng.random() < 0.3:
                    continue
                self._edge(wl, rng.choice(pools[short]), port, self._traffic(-1.0, 0.8))

    def integrations(self) -> None:
        rng = self.rng
        apps = [a for a in self.apps if a.id in self.app_tiers]
        for app in apps:
            if rng.random() > self.spec.integration_rate:
                continue
            for _ in range(rng.choice((1, 1, 2, 3))):
                other = rng.choice(apps)
                if other.id == app.id or (
                    other.environment.is_production != app.environment.is_production
                ):
                    continue
                src = rng.choice(self.app_tiers[app.id][min(1, len(self.app_tiers[app.id]) - 1)])
                dst = rng.choice(self.app_tiers[other.id][0])
                self._edge(src, dst, 443, self._traffic(1.0, 1.2))

    def pad_dependencies(self, target: int) -> None:
        """Add integration edges between app tiers until ``target`` dependencies exist."""
        rng = self.rng
        apps = [a for a in self.apps if a.id in self.app_tiers]
        guard = target * 5
        while len(self.deps) < target and guard > 0:
            guard -= 1
            a, b = rng.choice(apps), rng.choice(apps)
            if a.environment.is_production != b.environment.is_production:
                continue
            src = rng.choice(rng.choice(self.app_tiers[a.id]))
            dst = rng.choice(rng.choice(self.app_tiers[b.id]))
            self._edge(src, dst, rng.choice((443, 8443, 9092, 6379)), self._traffic(0.5, 1.2))


def sized_gpu_pools(
    workloads: list[Workload], pools: tuple[GpuPool, ...], headroom: float = 1.25
) -> tuple[GpuPool, ...]:
    """``pools`` sized as an architect would for these workloads: what each pool's GPU
    workloads take (``planning.gpupools``), plus ``headroom``, in whole 8-GPU nodes."""
    from migplan.core.planning.gpupools import GpuPools

    grouped = GpuPools.of(pools)
    demand = [0.0] * len(grouped.groups)
    for wl in workloads:
        g = grouped.group_of(wl.gpu)
        if g is not None:
            demand[g] += grouped.units(wl.gpu, g)
    out = list(pools)
    for g, group in enumerate(grouped.groups):
        share = demand[g] * headroom / len(group.pools)
        for i in group.pools:
            out[i] = pools[i].with_changes(gpus=max(8, 8 * math.ceil(math.ceil(share) / 8)))
    return tuple(out)


def grow(b: _Builder, workloads: int, ai_share: float, dependencies: int | None) -> None:
    """Shared services, then applications (AI ones at ``ai_share``) until ``workloads`` is
    reached, then their dependencies: the steps every generated estate takes."""
    b.shared_services()
    index = 0
    while len(b.workloads) < workloads:
        index += 1
        if b.rng.random() < ai_share:
            b.ai_app(index)
        else:
            b.business_app(index)
    b.shared_edges()
    b.integrations()
    if dependencies:
        b.pad_dependencies(dependencies)


def generate_estate(spec: EstateSpec | None = None) -> PlanDocument:
    """A whole plan document for ``spec`` (see ``EstateSpec``)."""
    spec = spec or EstateSpec()
    b = _Builder(spec)
    grow(b, spec.workloads, spec.ai_share, spec.dependencies)
    spec.tiers = {aid: [[w.id for w in t] for t in tiers] for aid, tiers in b.app_tiers.items()}
    settings = PlanSettings(
        name=spec.name,
        description=f"Generated estate (seed {spec.seed}): {len(b.workloads)} workloads.",
        capacity=WaveCapacity(workloads=CapacityRamp(start=20, step=20, max=120)),
        gpu_pools=sized_gpu_pools(
            b.workloads,
            (
                GpuPool(name="gpu-containers", mode=GpuMode.CONTAINER, gpu_model="A100"),
                GpuPool(name="gpu-vms", mode=GpuMode.VGPU, gpu_model="A100"),
                GpuPool(name="gpu-passthrough", mode=GpuMode.PASSTHROUGH, gpu_model="A100"),
            ),
        ),
    )
    doc = PlanDocument.from_entities([*b.apps, *b.workloads, *b.deps.values()], settings)
    if spec.waves:
        _naive_waves(doc, b, spec)
    return doc


def _naive_waves(doc: PlanDocument, b: _Builder, spec: EstateSpec) -> None:
    """Spread applications over ``spec.waves`` waves in creation order (a starting point)."""
    waves = []
    for k in range(spec.waves):
        start = spec.start_date + dt.timedelta(weeks=3 * k)
        cut = dt.datetime.combine(start + dt.timedelta(days=12), dt.time(20, 0))
        waves.append(
            Wave(
                id=wave_id(f"wave-{k + 1:02d}"),
                name=f"Wave {k + 1}",
                order=k + 1,
                start_date=start,
                end_date=start + dt.timedelta(days=13),
                cutover_window=TimeWindow(start=cut, end=cut + dt.timedelta(hours=8)),
                rollback_window=TimeWindow(
                    start=cut + dt.timedelta(hours=8), end=cut + dt.timedelta(hours=56)
                ),
            )
        )
    doc.insert_many(waves)
    apps = [a.id for a in b.apps]
    per_wave = max(1, -(-len(apps) // spec.waves))
    wave_of_app = {aid: waves[min(i // per_wave, spec.waves - 1)].id for i, aid in enumerate(apps)}
    for wid, wl in list(doc.workloads.items()):
        if wl.application_id in wave_of_app:
            doc.workloads[wid] = wl.with_changes(wave_id=wave_of_app[wl.application_id])
