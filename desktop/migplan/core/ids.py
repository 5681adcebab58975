"""Typed identifiers.

Ids are plain strings at run time; ``NewType`` lets mypy tell a workload id from a wave id.
Every id in a plan is unique across all entity kinds, and each kind has a prefix so a human
reading a plan file (or a diff of one) can tell what an id points at.
"""

from __future__ import annotations

import hashlib
import re
from typing import NewType

WorkloadId = NewType("WorkloadId", str)
AppId = NewType("AppId", str)
DependencyId = NewType("DependencyId", str)
WaveId = NewType("WaveId", str)
ExternalId = NewType("ExternalId", str)
HostId = NewType("HostId", str)

#: A dependency endpoint: a workload, an application or an external node.
NodeId = str

PREFIX_WORKLOAD = "w-"
PREFIX_APP = "a-"
PREFIX_DEPENDENCY = "d-"
PREFIX_WAVE = "v-"
PREFIX_EXTERNAL = "x-"
PREFIX_HOST = "h-"

ID_PATTERN = r"^[a-z]-[A-Za-z0-9._:-]{1,120}$"
_ID_RE = re.compile(ID_PATTERN)
_SLUG_RE = re.compile(r"[^A-Za-z0-9._-]+")


def is_valid_id(value: str) -> bool:
    return bool(_ID_RE.match(value))


def stable_id(prefix: str, *key: str) -> str:
    """An id derived from a natural key, so that re-imports of the same record get the same id.

    A readable slug of the first key part keeps plan-file diffs legible; a short hash of the
    whole key keeps ids unique when names collide (the same VM name in two vCenters).
    """
    slug = _SLUG_RE.sub("-", key[0]).strip("-")[:40] if key and key[0] else "x"
    digest = hashlib.blake2b("\x1f".join(key).encode("utf-8"), digest_size=5).hexdigest()
    return f"{prefix}{slug}-{digest}"


def workload_id(*key: str) -> WorkloadId:
    return WorkloadId(stable_id(PREFIX_WORKLOAD, *key))


def app_id(*key: str) -> AppId:
    return AppId(stable_id(PREFIX_APP, *key))


def dependency_id(*key: str) -> DependencyId:
    return DependencyId(stable_id(PREFIX_DEPENDENCY, *key))


def wave_id(*key: str) -> WaveId:
    return WaveId(stable_id(PREFIX_WAVE, *key))


def external_id(*key: str) -> ExternalId:
    return ExternalId(stable_id(PREFIX_EXTERNAL, *key))


def host_id(*key: str) -> HostId:
    return HostId(stable_id(PREFIX_HOST, *key))
