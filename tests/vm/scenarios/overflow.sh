# A reader that falls behind loses frames in the kernel queue; SO_RXQ_OVFL counts each one:
# received + dropped = sent, exactly.
. /data/lib.sh
socketcan_probe --port vcan0=all --stall-ms 3000 --timeout-ms 30000 --until 'vcan0 351#FF' --ready ready --reading reading \
  > probe.out 2> probe.err &
pid=$!
wait_until 10 test -e ready || fail "probe did not start"
cangen vcan0 -g 0 -n 3000 -I 351 -L 8 -D i || fail "cangen failed"
# The kernel stamps the drop count on frames queued after the drops: one more frame, once
# the probe reads again, carries it.
wait_until 10 test -e reading || fail "probe did not resume"
cansend vcan0 351#FF
wait $pid || fail "probe failed"
cat probe.out probe.err
received="$(stat_of vcan0 received probe.out)"
dropped="$(stat_of vcan0 dropped probe.out)"
[ "$dropped" -gt 0 ] || fail "no drop counted; the queue never overflowed ($received received)"
expect_eq "received + dropped" 3001 "$((received + dropped))"
expect_eq "drop warning logged once" 1 "$(count_lines 'the kernel dropped' probe.err)"
echo "overflow ok"
