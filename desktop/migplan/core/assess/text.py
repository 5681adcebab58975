"""Reading free text off a workload: its role, its name's parts, its tags and notes.

Fit rules and the workload classifier both look for words such as ``mssql`` or ``dongle`` in
what an inventory said about a machine. Attributes are kept verbatim from imports, so the
column names vary (``Role``, ``Server Role``, ``Function``, ``Installed Software``...); any
attribute whose name contains one of ``_ROLE_KEYS`` counts as describing the workload.
"""

from __future__ import annotations

import re
from functools import lru_cache

from migplan.core.models import Workload

_ROLE_KEYS = ("role", "function", "service", "purpose", "process", "software", "product", "type")
_NAME_SPLIT = re.compile(r"[-_.\s]+")


@lru_cache(maxsize=4096)
def _is_role_key(key: str) -> bool:
    lowered = key.lower()
    return any(k in lowered for k in _ROLE_KEYS)


def role_text(workload: Workload) -> str:
    """Lower-cased values of the role-like attributes, joined by `` | ``."""
    parts = [
        str(value)
        for key, value in workload.attributes.items()
        if value not in (None, "") and _is_role_key(key)
    ]
    return " | ".join(parts).lower()


def haystack(workload: Workload, roles: str | None = None) -> str:
    """Everything descriptive about ``workload``, lower-cased: role, tags, name and notes."""
    return " | ".join(
        (
            role_text(workload) if roles is None else roles,
            " ".join(workload.tags).lower(),
            workload.name.lower(),
            workload.notes.lower(),
        )
    )


def name_tokens(workload: Workload) -> list[str]:
    """The name's parts without trailing digits: ``dns01.corp`` gives ``["dns", "corp"]``."""
    return [t.rstrip("0123456789") for t in _NAME_SPLIT.split(workload.name.lower()) if t]


def tag_set(workload: Workload) -> set[str]:
    return {t.lower() for t in workload.tags}
