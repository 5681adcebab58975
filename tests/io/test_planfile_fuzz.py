"""The plan loader never fails but with ``PlanFormatError`` (one message naming the file): on
damaged bytes and on plans whose JSON was changed in any place to any value.

``MIGPLAN_FUZZ_EXAMPLES`` sets how many examples each test tries (40 in the suite; the long
run in ``docs/RELIABILITY.md`` used 3,000)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.core.estate import EstateSpec, generate_estate
from migplan.io.planfile import PlanFormatError, dump_plan, parse_plan

EXAMPLES = fuzz_examples(40)
_GOOD = dump_plan(generate_estate(EstateSpec(workloads=12, waves=2, seed=9)))
_OBJ = json.loads(_GOOD)

_json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(obj, dict):
        for k, v in obj.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj[:3]):
            out += _paths(v, (*prefix, i))
    return out


_PATHS = _paths(_OBJ)[1:]


def _loads_or_refuses(raw: bytes) -> None:
    try:
        parse_plan(raw, Path("fuzzed.migplan"))
    except PlanFormatError as exc:
        assert "fuzzed.migplan" in str(exc)


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(flips=st.lists(st.tuples(st.integers(0, len(_GOOD) - 1), st.integers(0, 255)), max_size=6))
def test_damaged_bytes(flips: list[tuple[int, int]]) -> None:
    data = bytearray(_GOOD)
    for at, byte in flips:
        data[at] = byte
    _loads_or_refuses(bytes(data))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    changes=st.lists(
        st.tuples(st.sampled_from(_PATHS), st.one_of(st.just("<delete>"), _json_values)),
        min_size=1,
        max_size=4,
    )
)
def test_any_value_anywhere(changes: list[tuple[tuple[Any, ...], Any]]) -> None:
    obj = json.loads(_GOOD)
    for path, value in changes:
        parent = obj
        try:
            for step in path[:-1]:
                parent = parent[step]
            if value == "<delete>":
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the place
    _loads_or_refuses(json.dumps(obj, allow_nan=True).encode("utf-8"))
