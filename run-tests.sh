#!/usr/bin/env bash
# Set up (first run only) and run the whole test suite: lint, types, layer contracts, tests.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh test
export QT_QPA_PLATFORM=offscreen
start=$(date +%s)
echo "== ruff";          .venv/bin/ruff check desktop tests scripts
echo "== ruff format";   .venv/bin/ruff format --check desktop tests scripts
echo "== mypy";          .venv/bin/mypy desktop/migplan/core desktop/migplan/io
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest";        .venv/bin/pytest -q "$@"
echo "== all checks passed in $(( $(date +%s) - start )) s"
