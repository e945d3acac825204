# The real bms-aggregator on vcan: battery A's charge current limit drops to 0 again and
# again, half the time a few milliseconds after a periodic frame set went out on vcan9 (the
# case where a rate limit once held the block back for 200 ms), half at other phases.
# candump records both ports with kernel timestamps; checks/protective_latency.py measures
# input frame -> the protective 0x351 on the wire.
. /data/lib.sh
candump -L vcan0 vcan9 > wire.log &
dump=$!
bms-aggregator --config /data/protective.toml --no-dbus > agg.out 2> agg.err &
agg=$!
wait_until 10 grep -qF "vcan9 is up" agg.err || fail "bms-aggregator did not open its ports: $(cat agg.err)"
# The rest of A's frame set twice a second: SOC 50 %, 52.00 V 10.0 A 25.0 degC, both enabled.
( while :; do
    cansend vcan0 355#32006400; cansend vcan0 356#50146400FA00; cansend vcan0 35C#C000
    usleep 500000
  done ) &
rest=$!
allowed() { cansend vcan0 351#3002E803E803; }  # CVL 56.0 V, CCL 100 A, DCL 100 A
blocked() { cansend vcan0 351#30020000E803; }  # CCL 0 A
i=0
while [ $i -lt 16 ]; do
  # 1.4 s of 100 A: the increase reaches the wire with the next periodic set.
  n=0; while [ $n -lt 7 ]; do allowed; usleep 200000; n=$((n + 1)); done
  if [ $((i % 2)) -eq 0 ]; then
    # Right after a periodic set (it carries 100 A): the block lands inside the 200 ms
    # that used to hold protective sets back.
    timeout 3 candump -n 1 vcan9,351:7FF > /dev/null || fail "no periodic 0x351 on vcan9"
    usleep 2000
  else
    usleep $(( (i * 130000) % 900000 ))
  fi
  blocked
  usleep 300000
  i=$((i + 1))
done
allowed
usleep 300000
kill $rest
kill -TERM $agg
wait $agg
rc=$?
kill $dump
cat agg.err
expect_eq "exit status after SIGTERM" 0 "$rc"
echo "protective_latency ran"
