#!/usr/bin/env bash
# Set up (first run only) and open MigPlan on the bundled example plan.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh app
exec .venv/bin/migplan gui "${@:-plans/northwind-plan.migplan}"
