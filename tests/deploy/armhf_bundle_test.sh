#!/usr/bin/env bash
# The armhf bundle (tools/build-armhf) is self-contained and computes what the native build
# computes: its replay under qemu-arm emits byte-for-byte the frames of the native replay,
# for each output profile, and the loader resolves every library inside the bundle.
# Builds incrementally into $BMS_ARMHF_BUILD_DIR / $BMS_ARMHF_DIST_DIR (set by CMake to
# directories in the native build tree, so re-runs only rebuild what changed).
# Usage: armhf_bundle_test.sh SOURCE_DIR NATIVE_BINARY
set -euo pipefail
src="$(cd "$1" && pwd)"
native="$2"
work="$(mktemp -d "${TMPDIR:-/tmp}/armhf-bundle-test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

start=$SECONDS
"$src/tools/build-armhf" > "$work/build.out" 2>&1 || { cat "$work/build.out" >&2; fail "tools/build-armhf failed"; }
echo "build-armhf: $((SECONDS - start)) s ($(tail -n 1 "$work/build.out"))"
bundle="${BMS_ARMHF_DIST_DIR:-$src/dist}/bms-aggregator-armhf"

for f in bms-aggregator bin/bms-aggregator lib/ld-linux-armhf.so.3 lib/libc.so.6 lib/libstdc++.so.6 \
         service/run service/log/run config.toml.default install-venus MANIFEST; do
  [ -e "$bundle/$f" ] || fail "the bundle lacks $f"
done
cmp -s "$src/runit/run" "$bundle/service/run" || fail "bundle service/run differs from runit/run"
if command -v shellcheck >/dev/null; then
  shellcheck --shell=sh "$bundle/bms-aggregator" || fail "the launcher fails shellcheck (POSIX sh)"
fi
file -b "$bundle/bin/bms-aggregator" | grep -q "ELF 32-bit LSB.*ARM, EABI5" || fail "bin/bms-aggregator is not an armhf ELF"

# Every library the loader picks must come from the bundle, never from this machine's
# /usr/lib/arm-linux-gnueabihf (which has them too, so a gap would go unnoticed otherwise).
listing="$(qemu-arm "$bundle/lib/ld-linux-armhf.so.3" --inhibit-cache --library-path "$bundle/lib" \
           --list "$bundle/bin/bms-aggregator")"
outside="$(echo "$listing" | grep '=>' | grep -v "=> $bundle/lib/" || true)"
[ -z "$outside" ] || fail "libraries resolved outside the bundle:
$outside"
echo "libraries: $(echo "$listing" | grep -c '=>') resolved in $bundle/lib"

export BMS_BUNDLE_EMULATOR=qemu-arm
expected_version="$("$native" --version)"
[ "$("$bundle/bms-aggregator" --version)" = "$expected_version" ] || fail "the bundle's --version differs from '$expected_version'"
"$bundle/bms-aggregator" --check-config "$bundle/config.toml.default" > /dev/null \
  || fail "the bundle rejects its own config.toml.default"

compare() {  # name config log
  local name="$1" config="$2" log="$3" t0
  "$native" --config "$config" --replay "$log" --speed max --emit-log "$work/$name.native" --no-dbus 2>"$work/$name.native.err" \
    || { cat "$work/$name.native.err" >&2; fail "$name: native replay failed"; }
  t0=$SECONDS
  "$bundle/bms-aggregator" --config "$config" --replay "$log" --speed max --emit-log "$work/$name.armhf" --no-dbus \
    2>"$work/$name.armhf.err" || { cat "$work/$name.armhf.err" >&2; fail "$name: armhf replay under qemu-arm failed"; }
  [ -s "$work/$name.native" ] || fail "$name: the native replay emitted nothing"
  if ! cmp "$work/$name.native" "$work/$name.armhf"; then
    diff "$work/$name.native" "$work/$name.armhf" | head -n 20 >&2
    fail "$name: armhf emitted other frames than native"
  fi
  echo "ok: $name: $(wc -l < "$work/$name.armhf") frames identical (armhf under qemu: $((SECONDS - t0)) s)"
}

for profile in pylon sma victron; do
  sed "s/^profile = .*/profile = \"$profile\"/" "$src/config/demo.toml" > "$work/demo-$profile.toml"
  grep -q "^profile = \"$profile\"$" "$work/demo-$profile.toml" || fail "config/demo.toml has no 'profile =' line"
  compare "demo-3batt-$profile" "$work/demo-$profile.toml" "$src/tests/data/demo-3batt.log"
done
compare "three-batteries-10s" "$src/config/demo.toml" "$src/tests/data/three-batteries-10s.log"

# As a service: the process is called bms-aggregator (not ld-linux-armhf.so.3) for top, pidof
# and killall; SIGHUP reloads, SIGTERM stops it with exit status 0.
cp "$src/config/demo.toml" "$work/service.toml"
"$bundle/bms-aggregator" --config "$work/service.toml" --replay "$src/tests/data/three-batteries-10s.log" --speed max \
  --no-dbus --keep-running 2>"$work/service.err" &
service_pid=$!
wait_log() {  # text seconds
  local deadline=$((SECONDS + $2))
  until grep -qF -- "$1" "$work/service.err"; do
    if [ $SECONDS -ge $deadline ]; then kill "$service_pid" 2>/dev/null || true; cat "$work/service.err" >&2; fail "timed out waiting for: $1"; fi
    sleep 0.05
  done
}
wait_log "serving the final state until SIGTERM/SIGINT" 30
[ "$(cat "/proc/$service_pid/comm")" = "bms-aggregator" ] || fail "process name is '$(cat "/proc/$service_pid/comm")'"
kill -HUP "$service_pid"
wait_log "reload: $work/service.toml unchanged" 10
kill -TERM "$service_pid"
status=0
wait "$service_pid" || status=$?
[ "$status" -eq 0 ] || { cat "$work/service.err" >&2; fail "exit status $status after SIGTERM"; }
grep -qF "stopped on request, exit status 0" "$work/service.err" || fail "no clean stop logged"
echo "ok: as a service under qemu-arm: named bms-aggregator, SIGHUP reloads, SIGTERM exits 0"

# The way it reaches a Cerbo: the tarball, unpacked, its installer run (here into a fake root),
# then the installed launcher from /data.
tarball="$(dirname "$bundle")/bms-aggregator-armhf.tar.gz"
mkdir -p "$work/unpacked" "$work/root/data" "$work/root/service" "$work/root/var/log"
tar -xzf "$tarball" -C "$work/unpacked"
expected_sum="$(awk '$2 == "./bin/bms-aggregator" {print $1}' "$bundle/MANIFEST")"
[ -n "$expected_sum" ] || fail "the MANIFEST lists no ./bin/bms-aggregator"
[ "$(sha256sum < "$work/unpacked/bms-aggregator-armhf/bin/bms-aggregator" | cut -d' ' -f1)" = "$expected_sum" ] \
  || fail "the tarball's binary does not match the MANIFEST"
"$work/unpacked/bms-aggregator-armhf/install-venus" --root "$work/root" > "$work/install.out" 2>&1 \
  || { cat "$work/install.out" >&2; fail "install-venus from the tarball failed"; }
if grep -q warning "$work/install.out"; then cat "$work/install.out" >&2; fail "install-venus warned"; fi
installed="$work/root/data/bms-aggregator/bms-aggregator"
"$installed" --config "$src/config/demo.toml" --replay "$src/tests/data/three-batteries-10s.log" --speed max \
  --emit-log "$work/installed.armhf" --no-dbus 2>/dev/null || fail "the installed bundle's replay failed"
cmp -s "$work/three-batteries-10s.native" "$work/installed.armhf" || fail "the installed bundle emitted other frames"
echo "ok: tarball unpacked, installed into a fake root, the installed launcher replays identically"
echo "PASS"
