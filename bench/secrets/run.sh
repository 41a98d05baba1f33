#!/usr/bin/env bash
# Secret-scanning benchmark: drydock's engine beside Trivy (`fs --scanners secret`)
# and detect-secrets, in one run, on
#   1. a large real source tree (the Rust toolchain's library sources if rust-src
#      is installed, else the cargo registry's crate sources, else /usr/lib/python3),
#   2. the bench image's root filesystem (bench/inventory.sh builds it: ~1.3 GB Debian
#      with build-essential, a JDK, python3-full), as a directory for every tool,
#   3. the same image as a docker-archive, every layer (drydock's per-layer example vs `trivy image`).
# Prints wall time, peak RSS, MB/s (of the tree's bytes) and the number of findings per tool.
#
# drydock is built in a separate target dir (never a release build in the shared target):
#   CARGO_TARGET_DIR=/tmp/secrets-target cargo build --release -p drydock-secrets --examples
# Usage: bench/secrets/run.sh [TREE] [RUNS]. Run on a quiet machine (load < 2).
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${2:-3}
TARGET=${SECRETS_TARGET:-/tmp/secrets-target}
OUT=${OUT:-/tmp/secrets-bench}
mkdir -p "$OUT"

load=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$load" 'BEGIN { exit !(l >= 2) }' && echo "warning: load average $load >= 2, figures will be noisy" >&2

CARGO_TARGET_DIR=$TARGET cargo build -q --release -p drydock-secrets --examples
DD=$TARGET/release/examples/scan_dir
DD_IMG=$TARGET/release/examples/scan_image_tar
command -v trivy >/dev/null || bash ../shared/peers/install-trivy.sh
DS=${DETECT_SECRETS:-/opt/drydock-peers/bin/detect-secrets}
[ -x "$DS" ] || DS=""
TRIVY_CACHE=$(mktemp -d)
trap 'rm -rf "$TRIVY_CACHE"' EXIT
python3 ../shared/peers/make-empty-javadb.py "$TRIVY_CACHE" >/dev/null 2>&1 || true
TRIVY=(trivy --cache-dir "$TRIVY_CACHE" -q)
TRIVY_FLAGS=(--skip-db-update --skip-java-db-update --offline-scan --skip-check-update --cache-backend memory
  --scanners secret --format json)

TREE=${1:-}
if [ -z "$TREE" ]; then
  for t in "$(rustc --print sysroot)/lib/rustlib/src/rust/library" "$HOME/.cargo/registry/src" /usr/lib/python3; do
    [ -d "$t" ] && { TREE=$t; break; }
  done
fi
ROOTFS=.test-cache/bench-rootfs
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
    'BEGIN { printf "%-34s %8.2f s %7.0f MB/s %6.0f MB RSS %7s findings\n", l, w, (w > 0 ? mb / w : 0), r / 1024, f }'
}
trivy_count() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print(sum(len(r.get("Secrets") or []) for r in d.get("Results") or []))' "$1" 2>/dev/null || echo "?"; }
ds_count() { python3 -c 'import json,sys
d=json.load(open(sys.argv[1])); print(sum(len(v) for v in d.get("results", {}).values()))' "$1" 2>/dev/null || echo "?"; }
dd_count() { sed -n 's/.*findings=\([0-9]*\).*/\1/p' "$1"; }

bench_dir() { # NAME DIR EXTRA_DD_FLAGS...
  local name=$1 dir=$2; shift 2
  local mb; mb=$(mb_of "$dir")
  echo "== $name: $dir ($(printf %.0f "$mb") MB on disk, $(nproc) cores)"
  report "drydock (1 thread)" "$mb" "$(run dd1-$name "$DD" "$dir" --threads 1 "$@")" "$(dd_count "$OUT/dd1-$name.out")"
  report "drydock (all cores)" "$mb" "$(run dd-$name "$DD" "$dir" "$@")" "$(dd_count "$OUT/dd-$name.out")"
  grep -o 'mb=[0-9.]*' "$OUT/dd-$name.out" | sed 's/^/  drydock read /'
  local sub=fs; [ "$name" = rootfs ] && sub=rootfs
  report "trivy $sub --scanners secret" "$mb" "$(run trivy-$name "${TRIVY[@]}" $sub "${TRIVY_FLAGS[@]}" "$dir")" \
    "$(trivy_count "$OUT/trivy-$name.out")"
  if [ -n "$DS" ] && [ "$name" != rootfs ]; then
    # detect-secrets is single-threaded Python; one run (at most 20 min) is enough to place it.
    RUNS=1 report "detect-secrets scan" "$mb" "$(cd "$dir" && RUNS=1 run ds-$name timeout 1200 "$DS" scan --all-files)" \
      "$(ds_count "$OUT/ds-$name.out")"
  fi
}

[ -n "$TREE" ] && bench_dir tree "$TREE"
[ -d "$ROOTFS" ] && bench_dir rootfs "$ROOTFS" --no-gitignore
if [ -f "$IMAGE" ]; then
  mb=$(mb_of "$IMAGE")
  echo "== image, every layer: $IMAGE ($(printf %.0f "$mb") MB)"
  report "drydock (per layer, 1 thread)" "$mb" "$(run dd-image "$DD_IMG" "$IMAGE")" "$(dd_count "$OUT/dd-image.out")"
  report "trivy image --scanners secret" "$mb" \
    "$(RUNS=1 run trivy-image "${TRIVY[@]}" image "${TRIVY_FLAGS[@]}" --input "$IMAGE")" "$(trivy_count "$OUT/trivy-image.out")"
fi
echo "outputs in $OUT (per-rule counts in dd-*.out)"
