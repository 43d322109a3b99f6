#!/usr/bin/env bash
# Installs what okr-suite needs to build, test and run, from Debian 12 packages (apt-get) and, for
# buf, from npm into build/npm. Installs only what is missing; safe to run again.
#   tools/install-deps.sh [--runtime-only]
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

build_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler libabsl-dev
  libhiredis-dev libspdlog-dev libfmt-dev libsqlite3-dev libpq-dev
  libcli11-dev nlohmann-json3-dev libcpp-jwt-dev libssl-dev prometheus-cpp-dev
  libgtest-dev libgmock-dev libbenchmark-dev tmux
  clang-format clang-tidy
)
runtime_packages=(redis-server postgresql python3-grpcio python3-protobuf openssl tzdata)

wanted=("${runtime_packages[@]}")
if [[ "${1:-}" != "--runtime-only" ]]; then wanted+=("${build_packages[@]}"); fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

# buf comes from npm: use the node/npm on PATH when there is one, else Debian's.
if [[ "${1:-}" != "--runtime-only" ]] && ! command -v npm >/dev/null; then
  missing+=(nodejs npm)
fi

if ((${#missing[@]})); then
  echo "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  if [[ $(id -u) -ne 0 ]]; then sudo_cmd=(sudo); fi
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

# buf (lint, breaking-change checks, buf curl) comes from npm, kept inside the build tree.
if [[ "${1:-}" != "--runtime-only" && ! -x "$repo/build/npm/node_modules/.bin/buf" ]]; then
  echo "installing buf from npm into build/npm"
  mkdir -p "$repo/build/npm"
  npm install --silent --no-audit --no-fund --prefix "$repo/build/npm" @bufbuild/buf@1 >/dev/null
fi
