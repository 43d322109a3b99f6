#!/usr/bin/env bash
# Runs every check and test of okr-suite, as CI does: installs missing dependencies, builds the
# `ci` preset (warnings are errors), runs buf lint and the clang-format check, runs all tests
# (unit, integration, e2e; each starts the real redis-server and service processes it needs), then
# builds and runs the same tests under the `asan` preset (ASan + UBSan).
#   tools/test.sh            everything
#   OKR_SKIP_ASAN=1 tools/test.sh   skip the sanitizer pass (quicker local runs)
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"

step() { printf '\n==> %s\n' "$*"; }

step "dependencies"
tools/install-deps.sh
export CCACHE_BASEDIR="$repo"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-5G}"

step "buf lint"
build/npm/node_modules/.bin/buf lint

step "clang-format check"
tools/format.sh --check

step "build (ci preset)"
cmake --preset ci >/dev/null
cmake --build --preset ci

step "tests (ci preset)"
ctest --preset ci

if [[ "${OKR_SKIP_ASAN:-0}" != "1" ]]; then
  step "build (asan preset)"
  cmake --preset asan >/dev/null
  cmake --build --preset asan
  step "tests (asan preset)"
  ctest --preset asan
fi
