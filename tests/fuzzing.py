"""How many examples property and fuzz tests try: a fixed number in the suite, more on demand.

``MIGPLAN_FUZZ_EXAMPLES=3000 pytest tests/io/test_planfile_fuzz.py`` is a long run
(docs/RELIABILITY.md lists the ones done and what they found).
"""

from __future__ import annotations

import os


def fuzz_examples(suite: int) -> int:
    """``suite`` examples in the suite; ``MIGPLAN_FUZZ_EXAMPLES`` for a long run."""
    return int(os.environ.get("MIGPLAN_FUZZ_EXAMPLES", "0")) or suite
