#!/usr/bin/env bash
# systemd/com.victronenergy.battery.aggregator.conf on a bus configured like Debian's system
# bus (default: nobody owns names): root may own com.victronenergy.battery.*, but no other
# name, and an unprivileged user may not own the battery names.
# Usage: dbus_policy_test.sh SOURCE_DIR
set -euo pipefail
src="$(cd "$1" && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/dbus-policy-test.XXXXXX")"
daemon_pid=""
# shellcheck disable=SC2317  # called by the EXIT trap
cleanup() {
  if [ -n "$daemon_pid" ]; then kill "$daemon_pid" 2>/dev/null || true; wait "$daemon_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
chmod 755 "$work"

cat > "$work/bus.conf" <<CONF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <listen>unix:path=$work/bus</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow user="*"/>
    <deny own="*"/>
    <deny send_type="method_call"/>
    <allow send_type="signal"/>
    <allow send_requested_reply="true" send_type="method_return"/>
    <allow send_requested_reply="true" send_type="error"/>
    <allow receive_type="method_call"/>
    <allow receive_type="method_return"/>
    <allow receive_type="error"/>
    <allow receive_type="signal"/>
    <allow send_destination="org.freedesktop.DBus" send_interface="org.freedesktop.DBus"/>
  </policy>
  <include>$src/systemd/com.victronenergy.battery.aggregator.conf</include>
</busconfig>
CONF

dbus-daemon --config-file="$work/bus.conf" --nofork --print-address=3 3>"$work/address" 2>"$work/daemon.err" &
daemon_pid=$!
deadline=$((SECONDS + 10))
until [ -S "$work/bus" ] && [ -s "$work/address" ]; do
  if [ $SECONDS -ge $deadline ] || ! kill -0 "$daemon_pid" 2>/dev/null; then
    echo "FAIL: dbus-daemon did not start:" >&2; cat "$work/daemon.err" >&2; exit 1
  fi
  sleep 0.05
done
address="unix:path=$work/bus"

request_name() {  # name [user]
  local cmd=(busctl --address="$address" call org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus
             RequestName su "$1" 0)
  if [ $# -ge 2 ]; then cmd=(setpriv --reuid="$2" --regid="$2" --clear-groups "${cmd[@]}"); fi
  "${cmd[@]}" 2>&1 || true
}

fail=0
check() {  # what expected actual
  if [ "$2" != "$3" ]; then echo "FAIL: $1: expected '$2', got '$3'" >&2; fail=1; else echo "ok: $1"; fi
}
if [ "$(id -u)" -eq 0 ]; then
  check "root owns com.victronenergy.battery.aggregator_di280" "u 1" \
    "$(request_name com.victronenergy.battery.aggregator_di280)"
  check "root owns com.victronenergy.battery.aggregator_di281" "u 1" \
    "$(request_name com.victronenergy.battery.aggregator_di281)"
  check "root may not own com.victronenergy.batteryx" "Call failed: Access denied" \
    "$(request_name com.victronenergy.batteryx)"
  check "root may not own com.example.other" "Call failed: Access denied" "$(request_name com.example.other)"
  reach="$(setpriv --reuid=65534 --regid=65534 --clear-groups busctl --address="$address" call org.freedesktop.DBus \
    /org/freedesktop/DBus org.freedesktop.DBus GetId 2>&1 | cut -c1-3 || true)"
  check "nobody can reach the bus (so the next denial is the policy's)" 's "' "$reach"
  check "nobody may not own com.victronenergy.battery.aggregator_di280" "Call failed: Access denied" \
    "$(request_name com.victronenergy.battery.aggregator_di280 65534)"
else
  check "a user without a policy may not own com.victronenergy.battery.aggregator_di280" "Call failed: Access denied" \
    "$(request_name com.victronenergy.battery.aggregator_di280)"
fi
exit "$fail"
