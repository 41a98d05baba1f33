#!/usr/bin/env bash
# The one test command (README, .ci/run): installs what the tests need,
# builds the fixtures, then runs every test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  # shellcheck disable=SC2046
  pkgs=$(grep -v '^\s*#' .ci/apt-packages.txt | sort -u | tr '\n' ' ')
  missing=$(for p in $pkgs; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
  if [ -n "$missing" ]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
  fi
fi
scripts/test-fixtures.sh
cargo test --workspace --no-fail-fast "$@"
