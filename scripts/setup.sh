#!/usr/bin/env bash
# Set up MigPlan on this machine: system libraries Qt needs, a .venv, the Python packages.
# Usage: scripts/setup.sh [app|test]   (test also installs the test tools)
# Safe to run again: it only installs what is missing.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-app}

# Qt's offscreen/xcb platform plugins and fonts; poppler for PDF checks in tests.
APT_PACKAGES="libgl1 libegl1 libglib2.0-0 libdbus-1-3 libxkbcommon0 libfontconfig1 libfreetype6 libx11-6 \
libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-randr0 \
libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-util1 fonts-dejavu-core poppler-utils xvfb xauth"
# The tests also open the exported workbook in a real spreadsheet program, headless.
[ "$what" = test ] && APT_PACKAGES="$APT_PACKAGES libreoffice-calc-nogui"

missing=""
if command -v dpkg-query >/dev/null 2>&1; then
  for p in $APT_PACKAGES; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
  done
fi
if [ -n "$missing" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "setup: installing system libraries:$missing"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    echo "setup: some system libraries Qt needs are missing. Run once:"
    echo "  sudo apt-get install -y$missing"
  fi
fi

PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "setup: MigPlan needs Python 3.11 or newer ($PY is $("$PY" -V 2>&1))." >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi

extra=""
[ "$what" = test ] && extra="[test]"
stamp=".venv/.migplan-installed-$what"
digest=$(sha256sum pyproject.toml | cut -c1-16)
if [ "$(cat "$stamp" 2>/dev/null)" != "$digest" ]; then
  echo "setup: installing Python packages (first run takes a few minutes)"
  log=.venv/pip-install.log
  if ! { .venv/bin/python -m pip install --disable-pip-version-check --upgrade pip &&
         .venv/bin/python -m pip install --disable-pip-version-check -e ".$extra"; } >"$log" 2>&1; then
    tail -n 30 "$log" >&2
    echo "setup: installing the Python packages failed (full log: $log)" >&2
    exit 2
  fi
  echo "$digest" > "$stamp"
fi
