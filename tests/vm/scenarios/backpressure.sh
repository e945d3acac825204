# Send back-pressure: a token-bucket qdisc on vcan9 (1 frame per ~10 ms, queue of a few
# frames) makes the kernel answer ENOBUFS. The sink waits at most its 2 ms for the queue,
# then reports Busy; it never fails, never blocks longer, never writes part of a frame.
. /data/lib.sh
insmod /modules/sch_tbf.ko || fail "sch_tbf"
/usr/bin/tc qdisc add dev vcan9 root tbf rate 10kbit burst 1600 limit 400 || fail "tc qdisc"
candump -L vcan9 > dump.log &
dump=$!
socketcan_probe --port vcan9=inverter --timeout-ms 4000 --burst 200 --send 'vcan9:351#1402FB04D007' \
  > probe.out 2> probe.err
kill $dump
cat probe.out probe.err
/usr/bin/tc -s qdisc show dev vcan9
line="$(grep '^BURST' probe.out)"
sent=$(echo "$line" | sed 's/.*sent=\([0-9]*\).*/\1/')
busy=$(echo "$line" | sed 's/.*busy=\([0-9]*\).*/\1/')
failed=$(echo "$line" | sed 's/.*failed=\([0-9]*\).*/\1/')
slowest=$(echo "$line" | sed 's/.*slowest_us=\([0-9]*\).*/\1/')
expect_eq "sent + busy" 200 "$((sent + busy))"
expect_eq "failed" 0 "$failed"
[ "$busy" -gt 0 ] || fail "the queue never pushed back ($sent sent)"
[ "$sent" -gt 0 ] || fail "nothing was sent"
expect_eq "port stats sent" "$sent" "$(stat_of vcan9 sent probe.out)"
expect_eq "port stats busy" "$busy" "$(stat_of vcan9 busy probe.out)"
# 2 ms budget plus scheduling slack of the emulated CPU.
[ "$slowest" -lt 50000 ] || fail "a send blocked for $slowest us"
# Every frame the sink reported sent left in one piece: candump has exactly that many, all whole.
wait_until 10 sh -c "test \$(grep -c 'vcan9 351#1402FB04D007\$' dump.log) -eq $sent" \
  || fail "candump saw $(grep -c . dump.log) frames, the sink reported $sent sent"
echo "backpressure ok: $sent sent, $busy busy, slowest send $slowest us"
