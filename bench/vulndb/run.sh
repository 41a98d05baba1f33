#!/usr/bin/env bash
# Vulnerability database benchmark: build time from all of ../shared/vulndata, size on disk
# (raw and zstd -19), and the time to open the database and match 1,000 packages.
#
#   bench/vulndb/run.sh [VULNDATA_DIR]
#
# Builds the two examples of crates/vulndb in release mode (set PROFILE=dev for a quick,
# unoptimised run). Results go to stdout; docs/vulndb.md records the figures measured.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
vulndata=$(cd "${1:-$root/../shared/vulndata}" && pwd)
profile=${PROFILE:-release}
cd "$root"

cargo build --quiet --profile "$profile" -p drydock-vulndb --example build_db --example match_bench
target_dir=$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')
dir=$([[ $profile == dev ]] && echo debug || echo "$profile")
bin="$target_dir/$dir/examples"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== build from $vulndata/osv"
start=$(date +%s%N)
"$bin/build_db" "$work/db.sqlite" --zst "$work/db.sqlite.zst" "$vulndata"/osv/* | grep -E '^(built|size)'
end=$(date +%s%N)
echo "wall time (build + zstd -19): $(( (end - start) / 1000000 )) ms"

echo "== size on disk"
echo "sqlite: $(stat -c %s "$work/db.sqlite") bytes"
echo "zstd -19: $(stat -c %s "$work/db.sqlite.zst") bytes"

echo "== open + match 1,000 packages"
"$bin/match_bench" "$work/db.sqlite" 50 highest
"$bin/match_bench" "$work/db.sqlite" 50 lowest
