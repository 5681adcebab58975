"""Bounds checked on a file's bytes before any parser: long strings, deep nesting, long
numbers and keys given twice in one object, each named with where it is."""

from __future__ import annotations

import json
import random
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.fuzzing import fuzz_examples

from migplan.io.jsonshape import ShapeLimits, check_shape, json_path

LIMITS = ShapeLimits(max_depth=8, max_string_bytes=50, max_number_digits=12)


def shape(text: str) -> str | None:
    problem = check_shape(text.encode(), LIMITS)
    return None if problem is None else str(problem)


def test_a_plain_plan_like_file_passes() -> None:
    text = json.dumps(
        {"format": "migplan", "workloads": [{"id": "w1", "name": "web01", "vcpu": 4}]}, indent=1
    )
    assert shape(text) is None


def test_a_string_over_the_bound_is_refused_with_its_line_and_column() -> None:
    text = '{\n "a": "short",\n "b": "' + "x" * 51 + '"\n}'
    assert shape(text) == (
        "holds a text value of 51 bytes, longer than any plan value (at most 50) (line 3, column 7)"
    )
    assert shape('{"b": "' + "x" * 50 + '"}') is None


def test_escaped_quotes_do_not_split_a_long_string() -> None:
    # 30 escaped quotes: 60 bytes between the real quotes, though no stretch is 50 long.
    assert "60 bytes" in (shape('{"b": "' + '\\"' * 30 + '"}') or "")
    # An escaped backslash before a quote does not escape the quote.
    assert shape('{"a": "x\\\\", "b": "y"}') is None


def test_nesting_over_the_bound_is_refused_and_brackets_in_text_do_not_count() -> None:
    assert shape("[" * 8 + "]" * 8) is None
    assert shape("[" * 9 + "]" * 9) == (
        "is nested more than 8 levels deep (lists or objects inside each other): no plan is; "
        "the file is damaged or not a MigPlan plan (line 1, column 9)"
    )
    assert shape('{"name": "[[[[[[[[[[[[[[[[[[[["}') is None


def test_a_number_over_the_bound_is_refused_and_digits_in_text_do_not_count() -> None:
    assert shape('{"n": 123456789012}') is None
    assert shape('{"n": 1234567890123}') == (
        "holds a number 13 digits long, longer than any plan value (at most 12) (line 1, column 7)"
    )
    assert shape('{"id": "12345678901234567890"}') is None


def test_a_key_given_twice_is_refused_naming_the_path() -> None:
    text = json.dumps({"workloads": [{"id": "w1"}, {"id": "w2", "owner": "ann"}]})
    text = text.replace('"owner": "ann"', '"owner": "ann", "owner": "bob"')
    assert shape(text) == (
        'gives the key "owner" twice in workloads[1]: a parser would keep one of the two '
        "values without a word; remove the one that is wrong"
    )
    assert "twice in the top level" in (shape('{"a": 1, "b": 2, "a" : 3}') or "")


def test_the_same_key_in_different_objects_is_not_a_repeat() -> None:
    assert shape('{"a": {"x": 1}, "b": {"x": 1}, "x": [{"x": {"x": 2}}]}') is None
    # Long keys alike at both ends in one object are different keys (the hash only triggers
    # the exact check, which decides).
    keys = {f"attribute_{'m' * 20}{i}{'_suffix_same_end'}": i for i in range(5)}
    assert shape(json.dumps({"attributes": keys})) is None


def test_repeated_keys_are_found_after_closed_nested_objects() -> None:
    assert "twice in the top level" in (shape('{"a": {"b": [1, {"c": 2}]}, "z": 1, "a": 2}') or "")
    assert "twice in x[0]" in (shape('{"x": [{"k": {"q": 1}, "m": [], "k": 3}]}') or "")


# -- against a reference: the exact check by a JSON parser ------------------------------------

keys = st.sampled_from(["a", "b", "id", "name", "x" * 9, "é", 'q"t'])
leaves = st.one_of(st.integers(-5, 10**6), st.text('ab[]{}:,"\\ ', max_size=6), st.none())


def _tree(children: Any) -> Any:
    return st.one_of(
        st.lists(children, max_size=4),
        st.lists(st.tuples(keys, children), max_size=5).map(lambda pairs: ("obj", pairs)),
    )


trees = st.recursive(leaves, _tree, max_leaves=25)


def _dump(node: Any, rnd: random.Random) -> str:
    space = lambda: rnd.choice(["", " ", "\n ", "\t"])  # noqa: E731
    if isinstance(node, tuple) and node and node[0] == "obj":
        inner = ",".join(
            f"{space()}{json.dumps(k)}{space()}:{space()}{_dump(v, rnd)}" for k, v in node[1]
        )
        return "{" + inner + space() + "}"
    if isinstance(node, list):
        return "[" + ",".join(space() + _dump(v, rnd) for v in node) + "]"
    return json.dumps(node)


def _has_repeat(text: str) -> bool:
    found = False

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        nonlocal found
        seen = [k for k, _ in items]
        found = found or len(seen) != len(set(seen))
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    return found


@settings(max_examples=fuzz_examples(300), deadline=None)
@given(trees, st.integers(0, 2**16))
def test_repeated_keys_are_found_exactly_when_a_parser_sees_them(tree: Any, seed: int) -> None:
    text = _dump(("obj", [("root", tree)]), random.Random(seed))
    problem = check_shape(text.encode(), ShapeLimits(max_string_bytes=10**6))
    said = problem is not None and "twice" in str(problem)
    assert said == _has_repeat(text), text


def test_json_path_reads_like_a_reference_into_the_file() -> None:
    assert json_path(("workloads", 12, "sources", 0, "row")) == "workloads[12].sources[0].row"
    assert json_path(()) == ""
