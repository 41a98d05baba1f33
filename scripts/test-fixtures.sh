#!/usr/bin/env bash
# Builds what the tests need and cannot make in-process: the Debian root
# filesystem (debootstrap, cached in .test-cache/ between runs). Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
cache=.test-cache
mkdir -p "$cache"
rootfs="$cache/rootfs-bookworm"
if [ ! -f "$rootfs/var/lib/dpkg/status" ] || [ ! -f "$rootfs/.drydock-complete" ]; then
  rm -rf "$rootfs"
  echo "building $rootfs with debootstrap (minbase, bookworm)..."
  debootstrap --variant=minbase bookworm "$rootfs" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >"$cache/debootstrap.log" 2>&1 \
    || { tail -20 "$cache/debootstrap.log"; exit 1; }
  touch "$rootfs/.drydock-complete"
fi
