# SDO polling of a simulated CANopen battery: bms-aggregator polls node 5's objects in map
# order through the SocketCAN sink, decodes the answers into the aggregate (sent on vcan9,
# checked on the host), counts the abort for the object the node lacks, and reports once
# when the node stops answering.
. /data/lib.sh
candump -L vcan9 > vcan9.log &
dump=$!
# 52.5 V = 53760/1024, 85 %, 25.0 degC = 200/8, -12.000 A = -12000 mA; 0x6052 is missing.
sdo_responder --iface vcan1 --node 5 --object 6060:00=53760:4 --object 6081:00=85:1 --object 6010:00=200:2 \
  --object 2010:00=-12000:4 --mute-after-ms 3500 --run-ms 60000 > responder.out 2> responder.err &
resp=$!
wait_until 10 grep -qF "vcan1 is up" responder.err || fail "responder did not start: $(cat responder.err)"
bms-aggregator --config /data/sdo.toml --no-dbus > agg.out 2> agg.err &
agg=$!
wait_until 20 grep -qF "is not answering SDO requests" agg.err || fail "mute node not reported: $(cat agg.err)"
cansend vcan9 7FF#01   # the battery is still fresh here (stale_after_ms 3000)
kill -TERM $agg
wait $agg
rc=$?
kill $resp $dump
cat agg.err
expect_eq "exit status after SIGTERM" 0 "$rc"
expect_eq "not-answering logged once" 1 "$(count_lines 'is not answering SDO requests' agg.err)"
expect_line "last voltage_v=52.5 soc_pct=85 temperature_c=25 current_a=-12 charge_ah_total=-" agg.err
# The first two cycles, object after object in map order.
head -n 10 responder.out > got
printf 'REQ %s\n' 6060:00 6081:00 6010:00 2010:00 6052:00 6060:00 6081:00 6010:00 2010:00 6052:00 > want
diff want got || fail "poll order differs"
line="$(grep -F 'sdo: battery S (node 5 on vcan1): requests' agg.err)"
req=$(echo "$line" | sed 's/.*requests \([0-9]*\),.*/\1/')
val=$(echo "$line" | sed 's/.*values \([0-9]*\),.*/\1/')
abo=$(echo "$line" | sed 's/.*aborts \([0-9]*\),.*/\1/')
tmo=$(echo "$line" | sed 's/.*timeouts \([0-9]*\),.*/\1/')
expect_line "send failures 0" agg.err
expect_eq "requests the node saw" "$req" "$(grep -c '^REQ' responder.out)"
expect_eq "four values per abort (one cycle each)" "$((abo * 4))" "$val"
# Every request ends as a value, an abort or a timeout, but the last may still be outstanding.
[ $((val + abo + tmo)) -eq "$req" ] || [ $((val + abo + tmo + 1)) -eq "$req" ] || fail "requests $req != $val + $abo + $tmo"
# 3.5 s of answers at one cycle per second.
[ "$abo" -ge 3 ] && [ "$abo" -le 5 ] || fail "answered cycles: $abo (expected 3..5 in 3.5 s)"
[ "$tmo" -ge 1 ] || fail "no timeout counted"
echo "sdo_polling ok"
