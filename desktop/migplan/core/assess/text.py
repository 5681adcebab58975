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


#: The last workload read and its role text: fit rules ask for it several times in a row.
_last: tuple[Workload, str] | None = None


def role_text(workload: Workload) -> str:
    """Lower-cased values of the role-like attributes, joined by `` | ``."""
    global _last
    last = _last  # one read: another thread may replace it, never half-write it
    if last is not None and last[0] is workload:
        return last[1]
    parts = [
        str(value)
        for key, value in workload.attributes.items()
        if value not in (None, "") and _is_role_key(key)
    ]
    text = " | ".join(parts).lower()
    _last = (workload, text)
    return text


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


_last_all: tuple[Workload, str] | None = None

#: Columns an export copies onto every VM of a host, cluster or vCenter, and the rows of its
#: per-VM network and partition sheets: facts about the platform, not what people note about
#: the workload (searching them cost a 10,000-VM RVTools import 8 s of the window's time).
_FACT_KEY = re.compile(r"^v(?:Host|Cluster|Source|MetaData|Network|Partition)\.")
_FACT_KEYS: dict[str, bool] = {}


def _is_fact_key(key: str) -> bool:
    found = _FACT_KEYS.get(key)
    if found is None:
        if len(_FACT_KEYS) > 100_000:
            _FACT_KEYS.clear()
        found = _FACT_KEYS[key] = bool(_FACT_KEY.match(key))
    return found


def all_text(workload: Workload) -> str:
    """Every text value the workload carries (its attributes, tags, name, notes), lower-cased:
    values with a letter in them, and not the platform facts an export copies onto each VM.

    For rules about things people note anywhere: a dongle, a kernel driver, a GUI.
    """
    global _last_all
    last = _last_all
    if last is not None and last[0] is workload:
        return last[1]
    values = " | ".join(
        v
        for k, v in workload.attributes.items()
        if v.__class__ is str and not _is_fact_key(k) and v.lower() != v.upper()
    )
    text = " | ".join((values.lower(), haystack(workload)))
    _last_all = (workload, text)
    return text
