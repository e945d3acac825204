#!/usr/bin/env bash
# Prints the path of a cached, unpacked Debian kernel package (the folder dpkg -x made),
# downloading it once. The version is resolved at run time from linux-image-amd64's
# Depends, never hard-coded, so a kernel update on the mirror is picked up on its own.
# Exit 3 with a clear message when the kernel cannot be had (no apt, offline mirror).
set -euo pipefail

cache="${BMS_VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/bms-aggregator/vm}"
mkdir -p "$cache"

die() { echo "vm-kernel: $*" >&2; exit 3; }

command -v apt-cache >/dev/null || die "apt-cache not found: cannot resolve Debian's kernel package"
pkg="$(apt-cache depends linux-image-amd64 2>/dev/null | sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\).*/\1/p' | head -n1)"
if [ -z "$pkg" ]; then
  # A cache from an earlier run still serves when the package lists are not available.
  existing="$(ls -1d "$cache"/linux-image-*/ 2>/dev/null | sort -V | tail -n1 || true)"
  [ -n "$existing" ] || die "cannot resolve linux-image-amd64's kernel package (apt-get update needed?) and no cached kernel in $cache"
  echo "${existing%/}"
  exit 0
fi

dir="$cache/$pkg"
if [ ! -f "$dir/.complete-2" ]; then
  # One download at a time: several vm tests may start in parallel under ctest -j.
  exec 9>"$cache/.lock"
  flock 9
  if [ ! -f "$dir/.complete-2" ]; then
    tmp="$(mktemp -d "$cache/dl.XXXXXX")"
    trap 'rm -rf "$tmp"' EXIT
    echo "vm-kernel: downloading $pkg into $cache (once)" >&2
    (cd "$tmp" && apt-get download "$pkg" >&2) || die "apt-get download $pkg failed (network or apt sources?)"
    deb="$(ls -1 "$tmp"/*.deb | head -n1)"
    dpkg -x "$deb" "$tmp/x" || die "dpkg -x $deb failed"
    ls "$tmp"/x/boot/vmlinuz-* >/dev/null 2>&1 || die "$pkg holds no boot/vmlinuz-*"
    # Keep only what the VM boots (the kernel, the four CAN modules, and the token-bucket
    # qdisc a test uses to make the device queue overflow): 8 MB, not 400. The marker's
    # number changes with this list, so older caches are refreshed.
    rm -rf "$dir"
    mkdir -p "$dir/boot"
    cp "$tmp"/x/boot/vmlinuz-* "$dir/boot/"
    (cd "$tmp/x" && for m in net/can/can.ko net/can/can-raw.ko drivers/net/can/dev/can-dev.ko drivers/net/can/vcan.ko net/sched/sch_tbf.ko; do
       f="$(ls -1 lib/modules/*/kernel/"$m"* 2>/dev/null | head -n1)"
       [ -n "$f" ] || { echo "vm-kernel: $pkg has no module $m" >&2; exit 3; }
       mkdir -p "$dir/$(dirname "$f")" && cp "$f" "$dir/$f"
     done) || exit 3
    touch "$dir/.complete-2"
  fi
fi
echo "$dir"
