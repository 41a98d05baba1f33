#!/usr/bin/env bash
# Builds the offline baseline vulnerability database shipped with drydock:
#   data/baseline/drydock-db.sqlite.zst   the SQLite database, zstd -19
#   data/baseline/manifest.json           its hashes, build time and content hash
# from the OSV records in ../shared/vulndata/osv (or the directory given as $1).
# The build time recorded is the vulndata snapshot's date, so the same input gives the same
# bytes. The crate embeds both files (crates/vulndb/build.rs); rebuild drydock afterwards.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
vulndata=$(cd "${1:-$root/../shared/vulndata}" && pwd)
out="$root/data/baseline"
mkdir -p "$out"

# "## Contents (built 2026-11-29)" in the vulndata README pins the build time.
built=$(sed -n 's/^## Contents (built \([0-9-]*\)).*/\1/p' "$vulndata/README.md" | head -n1)
if [[ -n "$built" ]]; then
    export SOURCE_DATE_EPOCH=$(date -u -d "${built}T00:00:00Z" +%s)
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo run --quiet -p drydock-vulndb --example build_db -- \
    "$tmp/drydock-db.sqlite" \
    --label baseline \
    --source "../shared/vulndata/osv (built ${built:-unknown}; see its README.md and provenance.json)" \
    --zst "$out/drydock-db.sqlite.zst" \
    "$vulndata"/osv/*

size=$(stat -c %s "$out/drydock-db.sqlite.zst")
echo "baseline: $out/drydock-db.sqlite.zst ($size bytes)"
if (( size > 25 * 1024 * 1024 )); then
    echo "warning: the baseline is over 25 MB; consider --max-details" >&2
fi
