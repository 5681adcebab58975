"""Bounds on a JSON file's shape, checked on its bytes before any parser builds objects.

A plan file comes from other people. Before a parser allocates anything, one vectorised pass
over the bytes (numpy, about 0.1 s for a 40 MB plan) finds:

- **text values too long**: a string of hundreds of megabytes would be decoded in full
  before any field's bound could refuse it (a 900 MB value took 2.8 GB of memory);
- **nesting too deep**: lists inside lists thousands of levels deep exhaust the parser's
  stack;
- **numbers too long**: an integer of thousands of digits costs quadratic time to convert;
- **keys given twice in one object**: every JSON parser keeps one of them silently, so a
  hand-edited plan would lose a value without a word.

Each is refused with its line and column and, for a repeated key, the path inside the file
(``workloads[12].owner``). Duplicates are found by hashing each key with the object that
holds it; a hash collision only triggers the exact check (``json`` with a pairs hook), which
decides.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

QUOTE, BACKSLASH, COLON = 0x22, 0x5C, 0x3A
OPENERS = (0x5B, 0x7B)  # [ {
CLOSERS = (0x5D, 0x7D)  # ] }
_U64 = np.uint64
_SPACE = np.array([0x20, 0x0A, 0x0D, 0x09], dtype=np.uint8)


@dataclass(frozen=True)
class ShapeLimits:
    #: The deepest a plan goes is about 6 (plan, workloads, workload, sources, source, fields).
    max_depth: int = 64
    #: Bytes between a string's quotes. Fields are bounded far lower (a cell: 100,000
    #: characters); this only stops a giant value from being decoded at all.
    max_string_bytes: int = 1_000_000
    #: Digits in one number: no plan value needs more than about 20.
    max_number_digits: int = 100


@dataclass(frozen=True)
class ShapeProblem:
    """What is wrong and where: ``offset`` into the bytes, ``line`` and ``column`` from 1."""

    what: str
    offset: int | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        if self.line is None:
            return self.what
        return f"{self.what} (line {self.line:,}, column {self.column:,})"


def check_shape(raw: bytes, limits: ShapeLimits = ShapeLimits()) -> ShapeProblem | None:
    """The first bound ``raw`` breaks, or None. Malformed JSON is left to the parser."""
    b = np.frombuffer(raw, dtype=np.uint8)
    quotes = _real_quotes(b)
    if quotes.size % 2:
        return None  # an unterminated string: the parser says where
    starts, ends = quotes[0::2], quotes[1::2]
    problem = (
        _long_string(raw, starts, ends, limits)
        or _long_number(raw, starts, ends, limits)
        or _deep_or_repeated(raw, b, quotes, starts, ends, limits)
    )
    return problem


def _at(raw: bytes, offset: int, what: str) -> ShapeProblem:
    line = raw.count(b"\n", 0, offset) + 1
    column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
    return ShapeProblem(what, offset, line, column)


def _real_quotes(b: npt.NDArray[np.uint8]) -> npt.NDArray[np.intp]:
    """Positions of the quotes that open or close strings (not ``\\"`` inside one)."""
    quotes = np.flatnonzero(b == QUOTE)
    if quotes.size == 0:
        return quotes
    after_backslash = quotes[(quotes > 0) & (b[quotes - 1] == BACKSLASH)]
    if after_backslash.size == 0:
        return quotes
    escaped = []
    for q in after_backslash.tolist():  # rare: quotes written inside names
        run = 0
        while q - run - 1 >= 0 and b[q - run - 1] == BACKSLASH:
            run += 1
        if run % 2:
            escaped.append(q)
    return np.setdiff1d(quotes, np.asarray(escaped, dtype=quotes.dtype), assume_unique=True)


def _long_string(
    raw: bytes, starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp], limits: ShapeLimits
) -> ShapeProblem | None:
    if starts.size == 0:
        return None
    lengths = ends - starts - 1
    longest = int(lengths.argmax())
    size = int(lengths[longest])
    if size <= limits.max_string_bytes:
        return None
    return _at(
        raw,
        int(starts[longest]),
        f"holds a text value of {size:,} bytes, longer than any plan value "
        f"(at most {limits.max_string_bytes:,})",
    )


def _long_number(
    raw: bytes, starts: npt.NDArray[np.intp], ends: npt.NDArray[np.intp], limits: ShapeLimits
) -> ShapeProblem | None:
    """Numbers live between strings: only gaps longer than the bound can hold a long one."""
    gap_starts = np.concatenate(([0], ends + 1))
    gap_ends = np.concatenate((starts, [len(raw)]))
    wide = np.flatnonzero(gap_ends - gap_starts > limits.max_number_digits)
    digits = b"0123456789"
    for i in wide.tolist():
        lo, hi = int(gap_starts[i]), int(gap_ends[i])
        run = 0
        for pos in range(lo, hi):  # only the rare wide gaps are walked
            if raw[pos] in digits:
                run += 1
                if run > limits.max_number_digits:
                    begin = pos - run + 1
                    while pos < hi and raw[pos] in digits:
                        pos += 1
                    return _at(
                        raw,
                        begin,
                        f"holds a number {pos - begin:,} digits long, longer than any plan "
                        f"value (at most {limits.max_number_digits})",
                    )
            else:
                run = 0
    return None


def _deep_or_repeated(
    raw: bytes,
    b: npt.NDArray[np.uint8],
    quotes: npt.NDArray[np.intp],
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    limits: ShapeLimits,
) -> ShapeProblem | None:
    brackets = np.flatnonzero(
        (b == OPENERS[0]) | (b == OPENERS[1]) | (b == CLOSERS[0]) | (b == CLOSERS[1])
    )
    brackets = brackets[np.searchsorted(quotes, brackets) % 2 == 0]  # outside strings
    if brackets.size == 0:
        return None
    kinds = b[brackets]
    opening = (kinds == OPENERS[0]) | (kinds == OPENERS[1])
    depth = np.cumsum(np.where(opening, 1, -1))
    too_deep = np.flatnonzero(depth > limits.max_depth)
    if too_deep.size:
        return _at(
            raw,
            int(brackets[too_deep[0]]),
            f"is nested more than {limits.max_depth} levels deep (lists or objects inside "
            "each other): no plan is; the file is damaged or not a MigPlan plan",
        )
    return _repeated_key(raw, b, starts, ends, brackets, kinds, depth)


def _repeated_key(
    raw: bytes,
    b: npt.NDArray[np.uint8],
    starts: npt.NDArray[np.intp],
    ends: npt.NDArray[np.intp],
    brackets: npt.NDArray[np.intp],
    kinds: npt.NDArray[np.uint8],
    depth: npt.NDArray[np.intp],
) -> ShapeProblem | None:
    """Hash each key with the object that holds it; equal hashes go to the exact check."""
    # A string followed by a colon (after any whitespace) is a key.
    after = ends + 1
    pending = np.flatnonzero(np.isin(b[np.minimum(after, len(b) - 1)], _SPACE))
    for _ in range(8):  # ``"key" :`` is rare; ``"key"    :`` rarer still
        if pending.size == 0:
            break
        after[pending] += 1
        pending = pending[np.isin(b[np.minimum(after[pending], len(b) - 1)], _SPACE)]
    for i in pending.tolist():  # absurd runs of spaces: walked one by one
        while after[i] < len(b) and b[after[i]] in _SPACE:
            after[i] += 1
    key_index = np.flatnonzero(b[np.minimum(after, len(b) - 1)] == COLON)
    if key_index.size < 2:
        return None
    key_start = starts[key_index] + 1
    key_end = ends[key_index]
    key_len = (key_end - key_start).astype(_U64)
    # The object holding each key: the container open after the last bracket before it. After
    # an opening bracket that is the bracket itself; after a closing one, the container that
    # opened last at the depth left (one search over the brackets, not over the keys).
    n = len(raw) + 1
    opening = (kinds == OPENERS[0]) | (kinds == OPENERS[1])
    opened = np.flatnonzero(opening)
    by_depth = depth[opened].astype(np.int64) * n + brackets[opened]
    order = np.argsort(by_depth, kind="stable")
    by_depth = by_depth[order]
    container = np.where(opening, np.arange(brackets.size), -1)
    closing = np.flatnonzero(~opening)
    found = np.searchsorted(by_depth, depth[closing].astype(np.int64) * n + brackets[closing]) - 1
    same_depth = (found >= 0) & (depth[closing] > 0)
    same_depth[same_depth] &= by_depth[found[same_depth]] // n == depth[closing][same_depth]
    container[closing[same_depth]] = opened[order[found[same_depth]]]
    holder = container[np.maximum(np.searchsorted(brackets, key_start) - 1, 0)]
    # The key's first and last 8 bytes, read as two numbers; nothing beyond the key counts.
    padded = np.concatenate((b, np.zeros(8, np.uint8)))
    rows = np.lib.stride_tricks.as_strided(padded, shape=(len(b), 8), strides=(1, 1))
    first = rows[key_start].view("<u8").ravel()
    short = key_len < 8
    first[short] &= (_U64(1) << (key_len[short] * _U64(8))) - _U64(1)
    last = rows[np.maximum(key_end - 8, 0)].view("<u8").ravel()
    last[key_len <= 8] = 0
    h = holder.astype(_U64) * _U64(0x9E3779B97F4A7C15)
    h ^= key_len * _U64(0xC2B2AE3D27D4EB4F)
    h = (h ^ first) * _U64(0x165667B19E3779F9)
    h = (h ^ last) * _U64(0x27D4EB2F165667C5)
    h.sort()
    if not np.any(h[1:] == h[:-1]):
        return None
    return _exact_repeated_key(raw)


class _Repeated(dict[str, Any]):
    """An object in which ``key`` was given more than once."""

    key = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            marked = _Repeated(pairs)
            marked.key = key
            return marked
        obj[key] = value
    return obj


def _exact_repeated_key(raw: bytes) -> ShapeProblem | None:
    try:
        tree = json.loads(raw, object_pairs_hook=_pairs)
    except (ValueError, RecursionError):
        return None  # the parser will say what is wrong with it
    found = _find_repeated(tree, ())
    if found is None:
        return None  # a hash collision: nothing is repeated
    path, key = found
    where = json_path(path)
    return ShapeProblem(
        f"gives the key {json.dumps(key)} twice in {where or 'the top level'}: a parser would "
        "keep one of the two values without a word; remove the one that is wrong"
    )


def _find_repeated(
    node: Any, path: tuple[str | int, ...]
) -> tuple[tuple[str | int, ...], str] | None:
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(node, path)]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Repeated):
            return path, node.key
        if isinstance(node, dict):
            stack.extend((v, (*path, k)) for k, v in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(node))))
    return None


def json_path(path: tuple[str | int, ...]) -> str:
    """``("workloads", 12, "owner")`` as ``workloads[12].owner``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


class JsonShapeError(ValueError):
    """A small JSON file (settings, a preset, a column mapping) that cannot be taken: the
    message is one line saying why, without the file's name (the caller adds it)."""


def loads_bounded(raw: bytes | str, limits: ShapeLimits = ShapeLimits()) -> Any:
    """``json.loads`` with the bounds checked first and every failure one ``JsonShapeError``."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    problem = check_shape(data, limits)
    if problem is not None:
        raise JsonShapeError(str(problem))
    try:
        return json.loads(data)
    except json.JSONDecodeError as exc:
        raise JsonShapeError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    except (ValueError, RecursionError) as exc:  # not UTF-8, or an unterminated deep file
        raise JsonShapeError(f"not valid JSON: {exc}") from None
