#!/usr/bin/env bash
# Misconfiguration benchmark: drydock (crates/config's `scan` example) beside
# `trivy config`, hadolint and checkov, in one run, on the same generated
# corpus (gen_corpus.py: ~3,000 Kubernetes documents, 500 Dockerfiles, 200
# Compose files), then on a handful of files, then drydock's Kubernetes
# documents per second on one core. Prints findings per tool and rule family
# and median wall time. Run on a quiet machine (load < 2).
#
# drydock is built in a separate target dir (never a release build in the shared target):
#   CARGO_TARGET_DIR=/tmp/config-target cargo build --release -p drydock-config --example scan
# Usage: bench/config/run.sh [RUNS]   (SMALL_ONLY=1 skips the whole-corpus table, ~15 min of peers)
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-3}
TARGET=${CONFIG_TARGET:-/tmp/config-target}
OUT=${OUT:-/tmp/config-bench}
PEERS=${PEERS_BIN:-/opt/drydock-peers/bin}
mkdir -p "$OUT"

load=$(cut -d' ' -f1 /proc/loadavg)
awk -v l="$load" 'BEGIN { exit !(l >= 2) }' && echo "warning: load average $load >= 2, figures will be noisy" >&2

CARGO_TARGET_DIR=$TARGET cargo build -q --release -p drydock-config --example scan
DD=$TARGET/release/examples/scan
command -v trivy >/dev/null || bash ../shared/peers/install-trivy.sh
[ -x "$PEERS/hadolint" ] || bash ../shared/peers/install-peers.sh

CORPUS=$OUT/corpus
[ -d "$CORPUS" ] || python3 bench/config/gen_corpus.py "$CORPUS" 3000 500 200
K8S_DOCS=$(cat "$CORPUS"/k8s/*/*.yaml | grep -c '^kind:')
SMALL=$OUT/small
rm -rf "$SMALL" && mkdir -p "$SMALL"
ls "$CORPUS"/k8s/app0/*.yaml | head -5 | xargs -I{} cp {} "$SMALL"/

# run LABEL CMD... : median wall time over $RUNS runs; output of the last run in $OUT/LABEL.out
run() {
  local label=$1; shift
  : >"$OUT/$label.times"
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%e %M" -o "$OUT/.t" "$@" >"$OUT/$label.out" 2>"$OUT/$label.err" || true
    # time(1) adds "Command exited with non-zero status N" when a tool reports findings by its exit code.
    grep -E '^[0-9.]+ [0-9]+$' "$OUT/.t" >>"$OUT/$label.times"
  done
  sort -n "$OUT/$label.times" | awk '{w[NR]=$1; m[NR]=$2} END {i=int((NR+1)/2); printf "%s %d", w[i], m[i]/1024}'
}

TRIVY=(trivy config -q --skip-check-update --cache-backend memory -f json)
DOCKERFILES=$(find "$CORPUS/docker" -name Dockerfile | sort)

echo "corpus: $K8S_DOCS Kubernetes documents, $(echo "$DOCKERFILES" | wc -l) Dockerfiles, $(find "$CORPUS/compose" -name 'compose.yaml' | wc -l) Compose files; $RUNS runs, median"
if [ "${SMALL_ONLY:-0}" != 1 ]; then  # SMALL_ONLY=1: skip the slow whole-corpus table
t_dd=$(run drydock "$DD" "$CORPUS")
t_trivy=$(run trivy "${TRIVY[@]}" "$CORPUS")
# shellcheck disable=SC2086
t_hado=$(run hadolint "$PEERS/hadolint" -f json --no-fail $DOCKERFILES)
t_ckv=$(run checkov "$PEERS/checkov" -d "$CORPUS" --framework kubernetes dockerfile --skip-download -o json --quiet --compact)

python3 - "$OUT" "$t_dd" "$t_trivy" "$t_hado" "$t_ckv" <<'PY'
import json, sys, collections
out, *times = sys.argv[1:]
def load(name):
    try:
        return json.load(open(f"{out}/{name}.out"))
    except Exception as e:
        return None
rows = []
dd = load("drydock") or {}
rows.append(("drydock", times[0], dd.get("by_family", {})))
tv = load("trivy") or {}
fam = collections.Counter()
for r in tv.get("Results", []) or []:
    for m in r.get("Misconfigurations", []) or []:
        if m.get("Status") == "FAIL":
            fam[r.get("Type", "?")] += 1
rows.append(("trivy config", times[1], dict(fam)))
hd = load("hadolint") or []
rows.append(("hadolint", times[2], {"dockerfile": len(hd)}))
ck = load("checkov")
fam = collections.Counter()
for rep in (ck if isinstance(ck, list) else [ck] if ck else []):
    fam[rep.get("check_type", "?")] += len(rep.get("results", {}).get("failed_checks", []))
rows.append(("checkov", times[3], dict(fam)))
print(f"{'tool':<14} {'wall s':>8} {'RSS MB':>7}  {'dockerfile':>10} {'kubernetes':>10} {'compose':>8}")
for name, t, f in rows:
    w, rss = t.split()
    print(f"{name:<14} {float(w):>8.2f} {int(rss):>7}  {f.get('dockerfile', 0):>10} {f.get('kubernetes', 0):>10} {f.get('compose', f.get('docker-compose', 0)):>8}")
PY
fi

echo
echo "handful of files ($(ls "$SMALL" | wc -l) Kubernetes files, $(cat "$SMALL"/*.yaml | grep -c '^kind:') documents):"
# run_ms CMD... : median wall milliseconds over $RUNS runs (time(1) only has 10 ms resolution).
run_ms() {
  for _ in $(seq "$RUNS"); do
    local s e
    s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
    echo $(((e - s) / 1000))
  done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)] / 1000}'
}
s_dd=$(run_ms "$DD" "$SMALL")
s_trivy=$(run_ms "${TRIVY[@]}" "$SMALL")
awk -v a="$s_dd" -v b="$s_trivy" 'BEGIN { printf "drydock %.1f ms, trivy config %.0f ms: %.0fx\n", a, b, (a > 0 ? b / a : 0) }'

echo
# In-process time over 20 passes of the Kubernetes tree, pinned to one core.
per_pass=$(taskset -c 0 "$DD" --repeat 20 "$CORPUS/k8s" | python3 -c 'import json,sys; print(json.load(sys.stdin)["seconds"])')
awk -v s="$per_pass" -v n="$K8S_DOCS" 'BEGIN { printf "one core: %d Kubernetes documents in %.1f ms per pass: %.0f documents/s\n", n, s * 1000, n / s }'
