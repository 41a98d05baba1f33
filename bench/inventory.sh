#!/usr/bin/env bash
# Inventory benchmark (Trivy's inventory is its CycloneDX output, which scans nothing else): drydock beside Trivy on the same ~1.3 GB Debian image
# (build-essential, a JDK, python3-full, git, curl: ~300 packages), in one run, alternating A/B.
#
# Prints, per input (uncompressed docker-archive, gzip OCI layout):
#   median wall time and peak RSS of drydock, Trivy and the floor (merely
#   un-tarring the layers / inflating them with drydock's decompressor and parallelism), the ratios,
#   a warm-cache rescan, and the OS package counts of both tools with any
#   difference listed.
#
# Needs: root (debootstrap), Trivy (../shared/peers/install-trivy.sh), a release
# build (cargo build --release -p drydock-cli). Usage: bench/inventory.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
OUT=.test-cache/bench
DRYDOCK=${DRYDOCK:-target/release/drydock}
ROOTFS=.test-cache/bench-rootfs

if [ ! -f "$ROOTFS/.drydock-complete" ]; then
  rm -rf "$ROOTFS"
  debootstrap --variant=minbase --include=build-essential,default-jdk,python3-full,git,curl \
    bookworm "$ROOTFS" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/dev/null
  chroot "$ROOTFS" apt-get clean # as a Dockerfile's RUN line does: no .deb files in the image
  touch "$ROOTFS/.drydock-complete"
fi
if [ ! -f "$OUT/bench-docker.tar" ]; then
  cargo run --release -q -p drydock-testkit --example make-bench-image -- "$ROOTFS" "$OUT"
fi
[ -x "$DRYDOCK" ] || cargo build --release -q -p drydock-cli
command -v trivy >/dev/null || bash ../shared/peers/install-trivy.sh
TRIVY_CACHE=$(mktemp -d)
python3 ../shared/peers/make-empty-javadb.py "$TRIVY_CACHE" >/dev/null
DD_CACHE=$(mktemp -d)
trap 'rm -rf "$TRIVY_CACHE" "$DD_CACHE"' EXIT
TRIVY_FLAGS=(--cache-dir "$TRIVY_CACHE" --skip-db-update --skip-java-db-update --offline-scan
  --skip-check-update --cache-backend memory -q)

# measure LABEL CMD... -> appends "wall_seconds max_rss_kb" to $OUT/LABEL.times
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e %M" -o "$OUT/.t" "$@" >/dev/null 2>&1 || { echo "failed: $*" >&2; exit 1; }
  cat "$OUT/.t" >>"$OUT/$label.times"
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
col() { awk -v c="$1" '{print $c}' "$OUT/$2.times" | median; }

# The gzip floor: the layers the manifest lists, inflated with drydock's own
# decompressor (flate2 on zlib-rs) and parallelism, largest first; nothing hashed
# or parsed. (GNU gzip is about 1.5x slower than zlib-rs, so it is no floor.)
FLOOR=target/release/examples/gunzip-floor
[ -x "$FLOOR" ] || cargo build --release -q -p drydock-image --example gunzip-floor
mapfile -t OCI_LAYERS < <(python3 - "$OUT/bench-oci-gzip" <<'PY'
import json, sys
root = sys.argv[1]
blob = lambda d: f"{root}/blobs/sha256/{d.split(':', 1)[1]}"
doc = json.load(open(f"{root}/index.json"))
while "manifests" in doc:  # index -> nested index -> manifest
    doc = json.load(open(blob(doc["manifests"][0]["digest"])))
for layer in doc["layers"]:
    print(blob(layer["digest"]))
PY
)
untar_layers() { tar -xOf "$OUT/bench-docker.tar" >/dev/null; }
export -f untar_layers
export OUT

rm -f "$OUT"/*.times
for i in $(seq "$RUNS"); do
  measure dd-docker "$DRYDOCK" --no-cache -q image --input "$OUT/bench-docker.tar" -f json
  measure trivy-docker trivy image "${TRIVY_FLAGS[@]}" --format cyclonedx --input "$OUT/bench-docker.tar"
  measure floor-docker bash -c untar_layers
  measure dd-oci "$DRYDOCK" --no-cache -q image --input "$OUT/bench-oci-gzip" -f json
  measure trivy-oci trivy image "${TRIVY_FLAGS[@]}" --format cyclonedx --input "$OUT/bench-oci-gzip"
  measure floor-oci "$FLOOR" "${OCI_LAYERS[@]}"
done
"$DRYDOCK" --cache-dir "$DD_CACHE" -q image --input "$OUT/bench-docker.tar" -f json >/dev/null
for i in $(seq "$RUNS"); do
  measure dd-warm "$DRYDOCK" --cache-dir "$DD_CACHE" -q image --input "$OUT/bench-docker.tar" -f json
done

printf '%-26s %10s %10s\n' "median of $RUNS runs" "wall s" "peak MB"
for l in dd-docker trivy-docker floor-docker dd-oci trivy-oci floor-oci dd-warm; do
  printf '%-26s %10s %10.0f\n' "$l" "$(col 1 $l)" "$(echo "$(col 2 $l) / 1024" | bc -l)"
done
ratio() { echo "scale=2; $(col 1 "$1") / $(col 1 "$2")" | bc -l; }
echo
echo "docker-archive: Trivy/drydock = $(ratio trivy-docker dd-docker)x, drydock/floor = $(ratio dd-docker floor-docker)"
echo "gzip OCI:       Trivy/drydock = $(ratio trivy-oci dd-oci)x, drydock/floor = $(ratio dd-oci floor-oci)"

# Package counts, and every OS package one finds and the other does not.
"$DRYDOCK" --no-cache -q image --input "$OUT/bench-docker.tar" -f json |
  python3 -c 'import json,sys; [print(p["name"], p["version"]) for p in json.load(sys.stdin)["inventory"]["packages"] if p["ecosystem"] in ("Debian","Ubuntu","Alpine","Rpm")]' |
  sort >"$OUT/dd.pkgs"
trivy image "${TRIVY_FLAGS[@]}" --format cyclonedx --input "$OUT/bench-docker.tar" |
  python3 -c '
import json, sys, urllib.parse as u
for c in json.load(sys.stdin).get("components", []):
    purl = c.get("purl", "")
    if not purl.startswith(("pkg:deb/", "pkg:rpm/", "pkg:apk/")):
        continue
    rest = purl.split("@", 1)[1]
    version, _, query = rest.partition("?")
    epoch = u.parse_qs(query).get("epoch", ["0"])[0]  # Trivy keeps the epoch in a qualifier
    version = u.unquote(version)
    print(c["name"], version if epoch == "0" else epoch + ":" + version)' |
  sort >"$OUT/trivy.pkgs"
echo
echo "OS packages: drydock $(wc -l <"$OUT/dd.pkgs"), Trivy $(wc -l <"$OUT/trivy.pkgs")"
echo "only Trivy:"; comm -13 "$OUT/dd.pkgs" "$OUT/trivy.pkgs" | sed 's/^/  /'
echo "only drydock:"; comm -23 "$OUT/dd.pkgs" "$OUT/trivy.pkgs" | sed 's/^/  /'
