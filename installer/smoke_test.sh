#!/usr/bin/env bash
# Check a built bundle works on its own: version, headless commands, a rendered window.
set -euo pipefail
cd "$(dirname "$0")/.."
app=installer/dist/MigPlan/MigPlan
plan=installer/dist/MigPlan/_internal/plans/northwind-plan.migplan
test -s installer/dist/MigPlan/_internal/docs/USER_GUIDE.md  # Help > User guide reads it
out=$(mktemp -d)
"$app" --version
"$app" validate "$plan"
"$app" stats "$plan" --json > "$out/stats.json"
"$app" report "$plan" -o "$out/plan.pdf"
env -u DISPLAY QT_QPA_PLATFORM=offscreen "$app" gui "$plan" --screenshot "$out/shot.png"
python3 - "$out" <<'PY'
import json, sys, pathlib
out = pathlib.Path(sys.argv[1])
stats = json.loads((out / "stats.json").read_text())
assert stats["workloads"] == 420, stats["workloads"]
assert (out / "plan.pdf").read_bytes().startswith(b"%PDF")
png = (out / "shot.png").read_bytes()
assert png.startswith(b"\x89PNG") and len(png) > 50_000, len(png)
print("smoke test passed:", out)
PY
