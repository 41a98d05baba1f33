#!/usr/bin/env bash
# Whole-image vulnerability scan: drydock beside Trivy in one run, alternating, on the same
# advisories. Trivy's database cannot be downloaded here, so bench/vulndb/trivydb (a small Go
# program on Debian's bbolt) writes a trivy-db (schema 2) from the Debian OSV records of
# ../shared/vulndata; drydock gets a database built from exactly the same records. A third row
# is drydock with its default database (the shipped baseline: every ecosystem of vulndata).
#
# The image is inventory.sh's (~1.2 GB Debian bookworm: build-essential, a JDK, python3-full;
# uncompressed docker-archive). Prints median wall time and peak RSS of each, the ratio, the load,
# and the findings of both tools on the same data compared (package, id, installed, fixed), every
# difference listed.
#
# Needs: root (debootstrap), Trivy (../shared/peers/install-trivy.sh), Debian's golang-go and
# golang-github-coreos-bbolt-dev. Usage: bench/vulndb/image.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
RUNS=${1:-5}
OUT=.test-cache/bench
DRYDOCK=${DRYDOCK:-target/release/drydock}
ROOTFS=.test-cache/bench-rootfs
VULNDATA=$(cd "${VULNDATA:-../shared/vulndata}" && pwd)

# The image of inventory.sh, built the same way.
if [ ! -f "$ROOTFS/.drydock-complete" ]; then
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase --include=build-essential,default-jdk,python3-full,git,curl \
    bookworm "$ROOTFS" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  chroot "$ROOTFS" apt-get clean
  touch "$ROOTFS/.drydock-complete"
fi
if [ ! -f "$OUT/bench-docker.tar" ]; then
  cargo run --release -q -p drydock-testkit --example make-bench-image -- "$ROOTFS" "$OUT"
fi
IMAGE=$OUT/bench-docker.tar
[ -x "$DRYDOCK" ] || cargo build --release -q -p drydock-cli
[ -x target/release/examples/build_db ] || cargo build --release -q -p drydock-vulndb --example build_db
command -v trivy >/dev/null || bash ../shared/peers/install-trivy.sh
[ -d /usr/share/gocode/src/go.etcd.io/bbolt ] || {
  echo "needs Debian's golang-github-coreos-bbolt-dev (go.etcd.io/bbolt)" >&2
  exit 1
}

WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
TRIVY_CACHE=$WORK/trivy
DD_SAME=$WORK/dd-same
DD_BASE=$WORK/dd-baseline
mkdir -p "$DD_SAME" "$DD_BASE"
# A private copy: other builds may replace target/release/drydock during the run.
cp "$DRYDOCK" "$WORK/drydock"
DRYDOCK=$WORK/drydock

# The two databases from the same records.
(cd bench/vulndb/trivydb && GO111MODULE=off GOPATH=/usr/share/gocode GOCACHE=$WORK/gocache \
  go build -o "$WORK/trivydb" .)
"$WORK/trivydb" "$TRIVY_CACHE" "$VULNDATA/osv/Debian"
python3 ../shared/peers/make-empty-javadb.py "$TRIVY_CACHE" >/dev/null
target/release/examples/build_db "$DD_SAME/drydock-db.sqlite" "$VULNDATA/osv/Debian" | grep -E '^built' || true
# The baseline is unpacked into the cache on first use; do that before timing.
"$DRYDOCK" --cache-dir "$DD_BASE" --no-cache -q db status >/dev/null 2>&1 ||
  "$DRYDOCK" --cache-dir "$DD_BASE" --no-cache -q image --input "$IMAGE" --scanners vuln -f json >/dev/null

TRIVY_FLAGS=(--cache-dir "$TRIVY_CACHE" --skip-db-update --skip-java-db-update --offline-scan
  --skip-check-update --cache-backend memory -q --scanners vuln -f json)
DD_FLAGS=(--no-cache -q image --input "$IMAGE" --scanners vuln -f json)

measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$WORK/.t" "$@" >"$WORK/$label.json" 2>"$WORK/$label.err" ||
    { echo "failed: $*" >&2; cat "$WORK/$label.err" >&2; exit 1; }
  cat "$WORK/.t" >>"$WORK/$label.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$1" '{print $c}' "$WORK/$2.times" | median; }

echo "load before: $(uptime)"
for i in $(seq "$RUNS"); do
  measure dd-same "$DRYDOCK" --cache-dir "$DD_SAME" "${DD_FLAGS[@]}"
  measure trivy trivy image "${TRIVY_FLAGS[@]}" --input "$IMAGE"
  measure dd-baseline "$DRYDOCK" --cache-dir "$DD_BASE" "${DD_FLAGS[@]}"
done
echo "load after:  $(uptime)"

printf '%-40s %10s %10s\n' "median of $RUNS runs" "wall s" "peak MB"
for l in dd-same trivy dd-baseline; do
  printf '%-40s %10s %10.0f\n' "$l" "$(col 1 $l)" "$(echo "$(col 2 $l) / 1024" | bc -l)"
done
echo "Trivy / drydock (same advisories) = $(echo "scale=2; $(col 1 trivy) / $(col 1 dd-same)" | bc -l)x"

# Findings on the same advisories: (package, id, installed, fixed), every difference.
python3 - "$WORK" <<'EOF'
import json, sys, collections
work = sys.argv[1]
def drydock(label):
    r = json.load(open(f"{work}/{label}.json"))
    eco = {}
    for p in r["inventory"]["packages"]:
        eco[p["name"]] = p["ecosystem"]
    out = set()
    for f in r["findings"]:
        if f["kind"] == "vulnerability":
            out.add((f["package_name"], f["id"], f["installed_version"], f.get("fixed_version", "")))
    return out, eco
dd, _ = drydock("dd-same")
t = json.load(open(f"{work}/trivy.json"))
tv = set()
for res in t.get("Results", []):
    for v in res.get("Vulnerabilities") or []:
        tv.add((v["PkgName"], v["VulnerabilityID"], v["InstalledVersion"], v.get("FixedVersion", "")))
print(f"\nfindings on the same advisories: drydock {len(dd)}, Trivy {len(tv)}, common {len(dd & tv)}")
for name, s in (("only drydock", dd - tv), ("only Trivy", tv - dd)):
    print(f"{name}: {len(s)}")
    for x in sorted(s):
        print("  ", *x)
base, eco = drydock("dd-baseline")
extra = collections.Counter(eco.get(x[0], "?") for x in base - dd)
print(f"drydock with the baseline: {len(base)} findings; beyond the Debian ones, by ecosystem: {dict(extra)}")
EOF
