"""A priced target for tests that need one on a plan of their own (no real company data)."""

from __future__ import annotations

from migplan.core.settings import PlanSettings
from migplan.core.target_settings import NodePool, TargetCluster


def priced_target(settings: PlanSettings, general: float, *, gpu: float = 9000.0) -> PlanSettings:
    """``settings`` with one target cluster ``dc1``: a general pool at ``general`` a
    node-month and a pool of 4-GPU nodes for the example's GPU containers at ``gpu``."""
    pools = (
        NodePool(name="general", cores=32, memory_gib=256, price_per_node_month=general),
        NodePool(
            name="gpu",
            cores=64,
            memory_gib=512,
            gpu_pool="gpu-containers",
            gpus_per_node=4,
            price_per_node_month=gpu,
        ),
    )
    target = settings.target.model_copy(
        update={"clusters": (TargetCluster(name="dc1", pools=pools),)}
    )
    return settings.model_copy(update={"target": target})
