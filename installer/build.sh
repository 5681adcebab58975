#!/usr/bin/env bash
# Build the end-user bundle: a PyInstaller one-folder app in installer/dist/MigPlan/
# (offline; briefcase needs the network). Then run installer/smoke_test.sh on it.
# Usage: installer/build.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh app
.venv/bin/python -m pip install -q --disable-pip-version-check "pyinstaller>=6.5"
rm -rf installer/build installer/dist
.venv/bin/pyinstaller --noconfirm --clean --onedir --name MigPlan \
  --distpath installer/dist --workpath installer/build --specpath installer/build \
  --paths desktop \
  --add-data "$PWD/resources:resources" \
  --add-data "$PWD/plans:plans" \
  --add-data "$PWD/docs/USER_GUIDE.md:docs" \
  --collect-submodules migplan \
  --hidden-import migplan.clicmd.gui --hidden-import migplan.clicmd.import_ \
  --hidden-import migplan.clicmd.plan --hidden-import migplan.clicmd.stats \
  --hidden-import migplan.clicmd.validate --hidden-import migplan.clicmd.report \
  --collect-all pypdfium2_raw \
  --exclude-module tkinter --exclude-module matplotlib --exclude-module IPython \
  desktop/migplan/__main__.py
install -m 644 installer/migplan.desktop installer/dist/MigPlan/migplan.desktop
du -sh installer/dist/MigPlan
echo "built installer/dist/MigPlan (run installer/dist/MigPlan/MigPlan)"
