#!/usr/bin/env bash
# Secret-scanning benchmark: the real drydock CLI beside Trivy, in one run, on
#   1. a large real source tree (the Rust toolchain's library sources if rust-src
#      is installed, else the cargo registry's crate sources, else /usr/lib/python3):
#      `drydock fs --scanners secret` pinned to one core (taskset) and on all cores,
#      the engine alone (examples/engine_throughput: files in memory, one thread),
#      `trivy fs --scanners secret`;
#   2. the bench image as a docker-archive, every layer (bench/inventory.sh builds it:
#      ~1.3 GB Debian with build-essential, a JDK, python3-full):
#      `drydock image --input X --scanners secret` vs `trivy image --input X --scanners secret`;
#   3. with ROOTFS=1, the image's root filesystem as a directory (`drydock rootfs` vs `trivy rootfs`).
# Prints median wall time, peak RSS, MB/s and findings per tool; MB/s is over the
# text drydock reads (its "files scanned" bytes) for the tree, over the tar for the image.
# detect-secrets (> 20 min on the tree) runs only with DETECT_SECRETS=1.
#
# Release build in the shared target dir: cargo build --release -p drydock-cli
# Usage: bench/secrets/run.sh [TREE] [RUNS]. Run on a quiet machine (load < 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${2:-3}
OUT=${OUT:-/tmp/secrets-bench}
mkdir -p "$OUT"
echo "start: $(uptime)"

cargo build -q --release -p drydock-cli
cargo build -q --release -p drydock-secrets --example engine_throughput
DD=target/release/drydock
ENGINE=target/release/examples/engine_throughput
command -v trivy >/dev/null || bash ../shared/peers/install-trivy.sh
TRIVY_CACHE=$(mktemp -d)
DD_CACHE=$(mktemp -d)
trap 'rm -rf "$TRIVY_CACHE" "$DD_CACHE"' EXIT
python3 ../shared/peers/make-empty-javadb.py "$TRIVY_CACHE" >/dev/null 2>&1 || true
TRIVY=(trivy --cache-dir "$TRIVY_CACHE" -q)
TRIVY_FLAGS=(--skip-db-update --skip-java-db-update --offline-scan --skip-check-update --cache-backend memory
  --scanners secret --format json)
DDF=(--cache-dir "$DD_CACHE" --no-cache -q)

TREE=${1:-}
if [ -z "$TREE" ]; then
  for t in "$(rustc --print sysroot)/lib/rustlib/src/rust/library" "$HOME/.cargo/registry/src" /usr/lib/python3; do
    [ -d "$t" ] && { TREE=$t; break; }
  done
fi
ROOTFS_DIR=.test-cache/bench-rootfs
IMAGE=.test-cache/bench/bench-docker.tar

# run LABEL CMD... : median wall time and peak RSS over $RUNS runs; output of the last run in $OUT/LABEL.out
run() {
  local label=$1; shift
  : >"$OUT/$label.times"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/.t" "$@" >"$OUT/$label.out" 2>"$OUT/$label.err" || true
    # The last line: /usr/bin/time puts "Command exited with non-zero status N" before it.
    tail -n 1 "$OUT/.t" >>"$OUT/$label.times"
  done
  sort -n "$OUT/$label.times" | awk '{w[NR]=$1; m[NR]=$2} END {i=int((NR+1)/2); print w[i], m[i]}'
}
mb_of() { du -sb --apparent-size "$1" | awk '{print $1/1e6}'; }
report() { # LABEL MB "wall rss" FINDINGS
  read -r wall rss <<<"$3"
  awk -v l="$1" -v mb="$2" -v w="$wall" -v r="$rss" -v f="$4" \
    'BEGIN { printf "%-38s %8.2f s %7.0f MB/s %6.0f MB RSS %7s findings\n", l, w, (w > 0 ? mb / w : 0), r / 1024, f }'
}
trivy_count() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print(sum(len(r.get("Secrets") or []) for r in d.get("Results") or []))' "$1" 2>/dev/null || echo "?"; }
ds_count() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print(sum(len(v) for v in d.get("results", {}).values()))' "$1" 2>/dev/null || echo "?"; }
dd_count() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print(sum(1 for f in d["findings"] if f.get("kind") == "secret"))' "$1" 2>/dev/null || echo "?"; }
seconds() { awk '{print $1}' <<<"$1"; }

if [ -n "$TREE" ]; then
  total=$(mb_of "$TREE")
  eng=$("$ENGINE" "$TREE")
  text=$(sed -n 's/.*mb=\([0-9.]*\).*/\1/p' <<<"$eng")
  echo "== tree: $TREE ($(printf %.0f "$total") MB on disk, ${text} MB of text read, $(nproc) cores)"
  echo "engine alone, 1 thread (best of 3):      $eng"
  one=$(run dd1-tree taskset -c 0 "$DD" "${DDF[@]}" fs --scanners secret -f json "$TREE")
  report "drydock fs, 1 core (taskset)" "$text" "$one" "$(dd_count "$OUT/dd1-tree.out")"
  all=$(run dd-tree "$DD" "${DDF[@]}" fs --scanners secret -f json "$TREE")
  report "drydock fs, $(nproc) cores" "$text" "$all" "$(dd_count "$OUT/dd-tree.out")"
  tr=$(RUNS=1 run trivy-tree "${TRIVY[@]}" fs "${TRIVY_FLAGS[@]}" "$TREE")
  report "trivy fs --scanners secret" "$text" "$tr" "$(trivy_count "$OUT/trivy-tree.out")"
  awk -v a="$(seconds "$tr")" -v b="$(seconds "$all")" 'BEGIN { printf "  trivy / drydock (all cores): %.0fx\n", a / b }'
  DS=/opt/drydock-peers/bin/detect-secrets
  if [ "${DETECT_SECRETS:-0}" = 1 ] && [ -x "$DS" ]; then
    ds=$(cd "$TREE" && RUNS=1 run ds-tree timeout 1200 "$DS" scan --all-files)
    report "detect-secrets scan --all-files" "$text" "$ds" "$(ds_count "$OUT/ds-tree.out")"
  fi
fi
if [ -f "$IMAGE" ]; then
  mb=$(mb_of "$IMAGE")
  echo "== image, every layer: $IMAGE ($(printf %.0f "$mb") MB)"
  img=$(run dd-image "$DD" "${DDF[@]}" image --input "$IMAGE" --scanners secret -f json)
  report "drydock image --scanners secret" "$mb" "$img" "$(dd_count "$OUT/dd-image.out")"
  ti=$(RUNS=1 run trivy-image "${TRIVY[@]}" image "${TRIVY_FLAGS[@]}" --input "$IMAGE")
  report "trivy image --scanners secret" "$mb" "$ti" "$(trivy_count "$OUT/trivy-image.out")"
  awk -v a="$(seconds "$ti")" -v b="$(seconds "$img")" 'BEGIN { printf "  trivy / drydock: %.0fx\n", a / b }'
fi
if [ "${ROOTFS:-0}" = 1 ] && [ -d "$ROOTFS_DIR" ]; then
  mb=$(mb_of "$ROOTFS_DIR")
  echo "== image root filesystem: $ROOTFS_DIR ($(printf %.0f "$mb") MB)"
  rf=$(run dd-rootfs "$DD" "${DDF[@]}" rootfs --scanners secret -f json "$ROOTFS_DIR")
  report "drydock rootfs --scanners secret" "$mb" "$rf" "$(dd_count "$OUT/dd-rootfs.out")"
  tr=$(RUNS=1 run trivy-rootfs "${TRIVY[@]}" rootfs "${TRIVY_FLAGS[@]}" "$ROOTFS_DIR")
  report "trivy rootfs --scanners secret" "$mb" "$tr" "$(trivy_count "$OUT/trivy-rootfs.out")"
fi
echo "end: $(uptime)"
echo "outputs in $OUT (drydock JSON reports in dd-*.out)"
