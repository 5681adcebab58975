from __future__ import annotations

import importlib.util
import json
from pathlib import Path


def load_script(root: Path):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(
        "update_schema", root / "scripts" / "update_schema.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_schema_matches_the_models(root: Path) -> None:
    script = load_script(root)
    committed = script.schema_path().read_text(encoding="utf-8")
    assert committed == script.render(), (
        "The plan models changed but resources/schema was not regenerated: "
        "run `python scripts/update_schema.py` and commit the result "
        "(and, if the change is not backward compatible, bump the format version)."
    )


def test_schema_describes_a_plan(root: Path) -> None:
    schema = json.loads(load_script(root).render())
    assert schema["title"] == "MigPlan plan file"
    assert {"workloads", "dependencies", "waves", "settings", "format_version"} <= set(
        schema["properties"]
    )
