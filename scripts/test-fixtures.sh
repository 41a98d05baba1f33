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

# The same root filesystem after `apt-get upgrade` from bookworm-security and
# bookworm-updates: the vulnerability tests expect no Debian finding there.
upgraded="$cache/rootfs-bookworm-upgraded"
if [ ! -f "$upgraded/.drydock-complete" ]; then
  rm -rf "$upgraded"
  cp -a "$rootfs" "$upgraded"
  rm -f "$upgraded/.drydock-complete"
  mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
  security=${DEBIAN_SECURITY_MIRROR:-http://deb.debian.org/debian-security}
  printf 'deb %s bookworm main\ndeb %s bookworm-updates main\ndeb %s bookworm-security main\n' \
    "$mirror" "$mirror" "$security" >"$upgraded/etc/apt/sources.list"
  cp /etc/resolv.conf "$upgraded/etc/resolv.conf"
  echo "upgrading $upgraded from bookworm-security..."
  chroot "$upgraded" sh -c 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get -y -qq upgrade && apt-get clean' \
    >"$cache/upgrade.log" 2>&1 || { tail -20 "$cache/upgrade.log"; exit 1; }
  touch "$upgraded/.drydock-complete"
fi
