#!/usr/bin/env bash
# The Venus OS service as users drive it, under daemontools' supervise (what Venus OS's svscan
# runs for each /service entry): install into a fake root with tools/install-venus, start it, then
# `svstat` shows it up, multilog writes timestamped lines to /var/log/bms-aggregator/current,
# `svc -h` reloads the config, `svc -t` restarts it (clean SIGTERM exit, new pid) and
# `svc -d` stops it. The bundle's launcher runs the native binary on a replay with
# --keep-running, since this machine has no CAN ports.
# Usage: runit_service_test.sh SOURCE_DIR BINARY
set -euo pipefail
src="$(cd "$1" && pwd)"
binary="$2"
for tool in svscan svc svstat multilog; do
  command -v "$tool" >/dev/null || { echo "FAIL: $tool missing (tools/setup installs daemontools)" >&2; exit 1; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/runit-service-test.XXXXXX")"
root="$work/root"
link="$root/service/bms-aggregator"
log="$root/var/log/bms-aggregator/current"
supervised=0
cleanup() {
  if [ "$supervised" -eq 1 ]; then
    svc -dx "$link" "$link/log" 2>/dev/null || true
    wait || true  # both supervise processes exit once their service is down (-x)
  fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  echo "--- svstat: $(svstat "$link" "$link/log" 2>&1)" >&2
  echo "--- $log:" >&2; cat "$log" >&2 2>/dev/null || true
  exit 1
}
# wait_for DESCRIPTION SECONDS COMMAND...: polls COMMAND until it succeeds or the deadline.
wait_for() {
  local what="$1" seconds="$2"; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || fail "timed out after ${seconds} s waiting for: $what"
    sleep 0.05
  done
}
log_has() { [ -f "$log" ] && [ "$(grep -cF -- "$1" "$log")" -ge "${2:-1}" ]; }
is_up() { svstat "$link" 2>/dev/null | grep -q ": up (pid [0-9]*)"; }
is_down() { svstat "$link" 2>/dev/null | grep -q ": down "; }
up_pid() { svstat "$link" | sed -n 's/.*: up (pid \([0-9]*\)).*/\1/p'; }
up_with_other_pid() { local pid; pid="$(up_pid)"; [ -n "$pid" ] && [ "$pid" != "$1" ]; }

mkdir -p "$root/data" "$root/service" "$root/var/log" "$work/bundle/bin" "$work/bundle/service/log"
cp "$binary" "$work/bundle/bin/bms-aggregator"
cat > "$work/bundle/bms-aggregator" <<LAUNCHER
#!/bin/sh
exec "\$(dirname "\$0")/bin/bms-aggregator" "\$@" --replay "$src/tests/data/three-batteries-10s.log" --speed max --no-dbus --keep-running
LAUNCHER
chmod 755 "$work/bundle/bms-aggregator"
cp "$src/runit/run" "$work/bundle/service/run"
cp "$src/runit/log/run" "$work/bundle/service/log/run"
cp "$src/runit/config.toml.default" "$work/bundle/config.toml.default"
cp "$src/tools/install-venus" "$work/bundle/install-venus"
"$work/bundle/install-venus" --root "$root" > "$work/install.out" 2>&1 || { cat "$work/install.out" >&2; fail "install failed"; }

# What svscan does for /service/bms-aggregator, with both supervise processes children of
# this shell so they are reaped: the service's stdout feeds its log service's stdin.
(cd "$root/service" && exec supervise bms-aggregator) | (cd "$link" && exec supervise log) &
supervised=1
wait_for "svstat reports the service up" 15 is_up
wait_for "the service's start in $log" 15 log_has "serving the final state until SIGTERM/SIGINT"
head -n 1 "$log" | grep -Eq '^@[0-9a-f]{24} ' || fail "multilog lines carry no TAI64N timestamp (multilog t)"
pid1="$(up_pid)"
echo "ok: supervise started it (pid $pid1), multilog writes $log"

svc -h "$link"
wait_for "the reload after svc -h" 10 log_has "received SIGHUP: reloading $root/data/bms-aggregator/config.toml"
wait_for "the reload result" 10 log_has "reload: $root/data/bms-aggregator/config.toml unchanged"
[ "$(up_pid)" = "$pid1" ] || fail "svc -h restarted the process"
echo "ok: svc -h reloads in place"

svc -t "$link"
wait_for "the clean stop after svc -t" 10 log_has "stopped on request, exit status 0"
wait_for "a new process after svc -t" 15 up_with_other_pid "$pid1"
wait_for "the new process serving" 15 log_has "serving the final state until SIGTERM/SIGINT" 2
echo "ok: svc -t restarts it (pid $pid1 -> $(up_pid))"

svc -d "$link"
wait_for "svstat reports it down after svc -d" 10 is_down
wait_for "the second clean stop" 10 log_has "stopped on request, exit status 0" 2
echo "PASS"
