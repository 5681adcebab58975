"""Small hand-written plans for the assessment tests (no real company data)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from migplan.core.document import PlanDocument
from migplan.core.enums import Criticality, Environment, OsFamily, PowerState
from migplan.core.ids import AppId, DependencyId, WaveId, WorkloadId
from migplan.core.models import Application, Dependency, Entity, Wave, Workload
from migplan.core.settings import PlanSettings


def wl(name: str, **kw: Any) -> Workload:
    """A powered-on, production, low-criticality RHEL 8 VM of modest size unless told otherwise."""
    base: dict[str, Any] = {
        "id": WorkloadId(f"w-{name}"),
        "name": name,
        "power_state": PowerState.ON,
        "os_reported": "Red Hat Enterprise Linux 8 (64-bit)",
        "os_family": OsFamily.LINUX,
        "os_distro": "rhel",
        "os_version": "8",
        "vcpu": 2,
        "memory_mib": 4096,
        "storage_provisioned_mib": 40 * 1024,
        "storage_used_mib": 20 * 1024,
        "environment": Environment.PRODUCTION,
        "criticality": Criticality.LOW,
        "owner": "platform team",
    }
    base.update(kw)
    return Workload(**base)


def dep(src: str, dst: str, **kw: Any) -> Dependency:
    return Dependency(
        id=DependencyId(f"d-{src}-{dst}-{kw.get('port', 0)}"),
        source=f"w-{src}",
        target=f"w-{dst}",
        **kw,
    )


def wave(order: int, **kw: Any) -> Wave:
    start = dt.date(2027, 1, 4) + dt.timedelta(weeks=2 * (order - 1))
    base: dict[str, Any] = {
        "id": WaveId(f"v-{order}"),
        "name": f"Wave {order}",
        "order": order,
        "start_date": start,
        "end_date": start + dt.timedelta(days=11),
    }
    base.update(kw)
    return Wave(**base)


def app(name: str, **kw: Any) -> Application:
    return Application(id=AppId(f"a-{name}"), name=name, **kw)


def wid(name: str) -> WorkloadId:
    return WorkloadId(f"w-{name}")


def vid(order: int) -> WaveId:
    return WaveId(f"v-{order}")


def make_doc(*entities: Entity, settings: PlanSettings | None = None) -> PlanDocument:
    apps = [e for e in entities if isinstance(e, Application)]
    waves = [e for e in entities if isinstance(e, Wave)]
    rest = [e for e in entities if not isinstance(e, Application | Wave)]
    return PlanDocument.from_entities([*apps, *waves, *rest], settings)
