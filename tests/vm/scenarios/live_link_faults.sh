# The real bms-aggregator survives its interfaces: vcan1 missing at start and created
# later, vcan0 (battery) and vcan9 (inverter) taken down and up while it runs. After each
# fault the aggregate of both batteries comes back (checked on the host).
. /data/lib.sh
ip link del vcan1
candump -L vcan9 > vcan9.log &
dump=$!
bms-aggregator --config /data/live.toml --no-dbus > agg.out 2> agg.err &
agg=$!
wait_until 10 grep -qF "vcan1 unavailable (No such device)" agg.err || fail "missing vcan1 not reported: $(cat agg.err)"
ip link add dev vcan1 type vcan && ip link set up vcan1
wait_until 10 grep -qF "vcan1 is up" agg.err || fail "vcan1 not opened once created: $(cat agg.err)"
canplayer -I /data/live-phase1.log vcan0=can0 vcan1=can1 || fail "canplayer before the faults"
cansend vcan9 7FF#01
ip link set vcan0 down
ip link set vcan9 down
wait_until 10 grep -qF "vcan0 is down" agg.err || fail "vcan0 down not noticed: $(cat agg.err)"
wait_until 10 grep -qF "vcan9 is down" agg.err || fail "vcan9 down not noticed: $(cat agg.err)"
kill $dump 2>/dev/null   # candump ends itself when its interface goes down
ip link set vcan0 up
ip link set vcan9 up
wait_until 10 grep -qF "vcan0 is up again" agg.err || fail "vcan0 up not noticed: $(cat agg.err)"
wait_until 10 grep -qF "vcan9 is up again" agg.err || fail "vcan9 up not noticed: $(cat agg.err)"
kill -0 $agg || fail "bms-aggregator died: $(cat agg.err)"
candump -L vcan9 > vcan9-after.log &
dump=$!
canplayer -I /data/live-phase1.log vcan0=can0 vcan1=can1 || fail "canplayer after the faults"
cansend vcan9 7FF#02
kill -TERM $agg
wait $agg
rc=$?
kill $dump
cat agg.err
expect_eq "exit status after SIGTERM" 0 "$rc"
for msg in "vcan0 is down" "vcan0 is up again" "vcan9 is down" "vcan9 is up again" "vcan1 unavailable"; do
  expect_eq "'$msg' logged once" 1 "$(count_lines "$msg" agg.err)"
done
# Two replays: 2 x (120 frames of A + 2 malformed) on vcan0, 2 x (120 of B + 1) on vcan1.
expect_line "vcan0 up: received 244," agg.err
expect_line "vcan1 up: received 242," agg.err
echo "live_link_faults ran"
