"""Regenerate the committed JSON Schema of the current plan format.

Run after changing a model: ``python scripts/update_schema.py``. tests/io/test_schema.py fails
while the committed schema differs from the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "desktop"))

from migplan.io.migrations import CURRENT_VERSION  # noqa: E402
from migplan.io.planfile import plan_schema  # noqa: E402

SCHEMA_DIR = ROOT / "resources" / "schema"


def schema_path(version: int = CURRENT_VERSION) -> Path:
    return SCHEMA_DIR / f"migplan-v{version}.schema.json"


def render() -> str:
    return json.dumps(plan_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> int:
    SCHEMA_DIR.mkdir(parents=True, exist_ok=True)
    path = schema_path()
    path.write_text(render(), encoding="utf-8")
    print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
