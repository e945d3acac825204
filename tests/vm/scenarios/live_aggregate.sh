# The real bms-aggregator on vcan: two batteries replayed by canplayer (with malformed and
# error frames mixed in), then battery B quiet; candump records the inverter frame set on
# vcan9. The host decodes it (checks/live_aggregate.py).
. /data/lib.sh
candump -L vcan9 > vcan9.log &
dump=$!
bms-aggregator --config /data/live.toml --no-dbus --emit-log emit.log > agg.out 2> agg.err &
agg=$!
wait_until 10 grep -qF "vcan9 is up" agg.err || fail "bms-aggregator did not open its ports: $(cat agg.err)"
# The inverter's keep-alive arrives on the output port (through its 0x305 filter).
cansend vcan9 305#0000000000000000
canplayer -I /data/live-phase1.log vcan0=can0 vcan1=can1 || fail "canplayer phase 1"
kill -0 $agg || fail "bms-aggregator died in phase 1: $(cat agg.err)"
cansend vcan9 7FF#01
canplayer -I /data/live-phase2.log vcan0=can0 || fail "canplayer phase 2"
cansend vcan9 7FF#02
kill -TERM $agg
wait $agg
rc=$?
kill $dump
cat agg.err
expect_eq "exit status after SIGTERM" 0 "$rc"
expect_eq "bitrate on a virtual interface reported once" 1 \
  "$(count_lines 'can: vcan0: virtual interface: no bit timing; bitrate left alone' agg.err)"
expect_line "vcan1 went bus-off" agg.err
expect_line "vcan0: controller status 0x04 (error warning)" agg.err
# The kernel filter kept the 29-bit and remote 0x351 out (other ids 0); the three frames too
# short for their id reached the decoders and were refused there.
expect_line "vcan0 up: received 242, kernel drops 0, error frames 1 (bus-off 0)" agg.err
expect_line "vcan1 up: received 121, kernel drops 0, error frames 1 (bus-off 1)" agg.err
expect_line "decoded 360, decode errors 3, other ids 0, unknown interfaces 0" agg.err
expect_line "send busy 0, send failed 0" agg.err
expect_line "vcan9 up: received 1, kernel drops 0" agg.err
# The one keep-alive made the inverter present (before the first aggregate); 5 s later it is lost.
expect_line "inverter keep-alive (0x305) lost" agg.err
expect_line "battery B offline (no frame within its stale timeout): excluded" agg.err
# --emit-log holds exactly what went out on vcan9, in order.
sed -n 's/^([0-9.]*) vcan9 \(3[5-8][0-9A-F]#[0-9A-F]*\)$/\1/p' vcan9.log > wire
sed -n 's/^([0-9.]*) vcan9 \(.*\)$/\1/p' emit.log > logged
diff wire logged || fail "--emit-log differs from what candump saw on vcan9"
expect_eq "frames in --emit-log" "$(sed -n 's/.*vcan9 up: received 1, .*, sent \([0-9]*\),.*/\1/p' agg.err)" "$(wc -l < logged)"
echo "live_aggregate ran"
