#!/usr/bin/env bash
# Build dist/capacitor-edge, the single-file executable (`make binary` runs this).
#
#   packaging/build.sh                          # onefile: dist/capacitor-edge (what ships)
#   CAPACITOR_EDGE_FORM=onedir packaging/build.sh   # onedir: dist/capacitor-edge/capacitor-edge
#
# Needs the dev install (.venv with pyinstaller). No network: the build info comes from git.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
FORM=${CAPACITOR_EDGE_FORM:-onefile}

mkdir -p build
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit-dirty"
fi
build_date=$(date -u +%Y-%m-%dT%H:%M:%SZ)
printf '{"commit": "%s", "build_date": "%s"}\n' "$commit" "$build_date" > build/_build.json

# A previous build of the other form leaves a file or a directory named dist/capacitor-edge.
rm -rf dist/capacitor-edge
started=$(date +%s)
CAPACITOR_EDGE_FORM=$FORM "$BIN/pyinstaller" --noconfirm --clean --log-level WARN \
    --distpath dist --workpath "build/pyinstaller-$FORM" packaging/capacitor-edge.spec
echo "built dist/capacitor-edge ($FORM) in $(( $(date +%s) - started )) s:" \
    "$(du -sh dist/capacitor-edge | cut -f1)"
