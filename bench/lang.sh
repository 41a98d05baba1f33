#!/usr/bin/env bash
# Language inventory benchmark: drydock beside Trivy on one tree holding a
# pip-installed site-packages, npm lockfiles with a node_modules tree, Debian's
# Java jars, Cargo.lock files (drydock's own among them), Go, Ruby, PHP and
# .NET lockfiles. Prints wall times (median of RUNS, alternating) and the
# packages each tool finds per ecosystem, with every difference listed.
#
# Usage: bench/lang.sh [RUNS]   (needs Trivy: ../shared/peers/install-trivy.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
OUT=.test-cache/lang-bench
DRYDOCK=${DRYDOCK:-target/release/drydock}
[ -x "$DRYDOCK" ] || cargo build --release -q -p drydock-cli
command -v trivy >/dev/null || bash ../shared/peers/install-trivy.sh

if [ ! -f "$OUT/.complete" ]; then
  rm -rf "$OUT"; mkdir -p "$OUT/app/site-packages" "$OUT/app/lib"
  python3 -m pip install -q --disable-pip-version-check --target "$OUT/app/site-packages" \
    requests==2.31.0 flask==2.2.5 django==4.2.7 jinja2==3.1.2 pyyaml==6.0.1 urllib3==1.26.18 >/dev/null
  cp -r crates/catalog/tests/data/lang/{npm,cargo,go,ruby,php,dotnet} "$OUT/app/"
  cp Cargo.lock "$OUT/app/cargo/drydock-Cargo.lock.d" 2>/dev/null || true
  mkdir -p "$OUT/app/drydock" && cp Cargo.lock "$OUT/app/drydock/Cargo.lock"
  cp /usr/share/java/log4j-core.jar /usr/share/java/jackson-databind.jar "$OUT/app/lib/" 2>/dev/null || true
  touch "$OUT/.complete"
fi
TRIVY_CACHE=$(mktemp -d); trap 'rm -rf "$TRIVY_CACHE"' EXIT
python3 ../shared/peers/make-empty-javadb.py "$TRIVY_CACHE" >/dev/null
TRIVY=(trivy --cache-dir "$TRIVY_CACHE" -q)
TFLAGS=(--skip-db-update --skip-java-db-update --offline-scan --skip-check-update --format cyclonedx)

# Wall time in seconds with millisecond resolution (/usr/bin/time rounds to 10 ms,
# coarser than drydock's runs here).
times() {
  local t0 t1
  t0=$(date +%s%N); "$@" >/dev/null 2>&1; t1=$(date +%s%N)
  awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) / 1e9 }'
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
for mode in fs rootfs; do
  : >"$OUT/dd.$mode"; : >"$OUT/trivy.$mode"
  for i in $(seq "$RUNS"); do
    times "$DRYDOCK" --no-cache -q "$mode" --scanners none -f json "$OUT/app" >>"$OUT/dd.$mode"
    times "${TRIVY[@]}" "$mode" "${TFLAGS[@]}" "$OUT/app" >>"$OUT/trivy.$mode"
  done
  dd=$(median <"$OUT/dd.$mode"); tv=$(median <"$OUT/trivy.$mode")
  echo "$mode: drydock $dd s, Trivy $tv s, Trivy / drydock $(awk -v a="$tv" -v b="$dd" 'BEGIN { printf "%.1fx", a / b }')"
  "$DRYDOCK" --no-cache -q "$mode" --scanners none -f cyclonedx "$OUT/app" >"$OUT/dd.$mode.cdx.json"
  "${TRIVY[@]}" "$mode" "${TFLAGS[@]}" "$OUT/app" >"$OUT/trivy.$mode.cdx.json"
  for t in dd trivy; do
    python3 - "$OUT/$t.$mode.cdx.json" >"$OUT/$t.$mode.purls" <<'PY'
import json, sys, urllib.parse as u
seen = set()
for c in json.load(open(sys.argv[1])).get("components", []):
    p = c.get("purl")
    if p and not p.startswith(("pkg:deb/", "pkg:rpm/", "pkg:apk/")):
        # compare without qualifiers; names lower-cased (pypi, nuget are case-insensitive)
        seen.add(u.unquote(p.split("?")[0]).lower())
print("\n".join(sorted(seen)))
PY
  done
  echo "  packages: drydock $(wc -l <"$OUT/dd.$mode.purls"), Trivy $(wc -l <"$OUT/trivy.$mode.purls")"
  for eco in pypi npm cargo golang maven gem composer nuget; do
    printf '    %-9s drydock %4d  Trivy %4d\n' "$eco" "$(grep -c "^pkg:$eco/" "$OUT/dd.$mode.purls" || true)" "$(grep -c "^pkg:$eco/" "$OUT/trivy.$mode.purls" || true)"
  done
  echo "  only Trivy:"; comm -13 "$OUT/dd.$mode.purls" "$OUT/trivy.$mode.purls" | sed 's/^/    /'
  echo "  only drydock: $(comm -23 "$OUT/dd.$mode.purls" "$OUT/trivy.$mode.purls" | wc -l) (list in $OUT/only-drydock.$mode)"
  comm -23 "$OUT/dd.$mode.purls" "$OUT/trivy.$mode.purls" >"$OUT/only-drydock.$mode"
done
