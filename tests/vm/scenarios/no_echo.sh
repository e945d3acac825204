# The sink sends through the source's own socket: other local readers (candump) see our
# frame, the source never reads it back; sends to absent ports fail as values.
. /data/lib.sh
ip link del vcan1
candump -L vcan0 > dump.log &
dump=$!
socketcan_probe --port vcan0=pylon --port vcan1=pylon --timeout-ms 30000 --until 'vcan0 355#5F00' \
  --send vcan0:351#0A0B --send vcan1:351#01 --send vcan5:351#01 > probe.out 2> probe.err &
pid=$!
wait_until 10 grep -qF 'vcan0 351#0A0B' dump.log || fail "candump did not see the sink's frame"
cansend vcan0 355#5F00
wait $pid || fail "probe failed"
kill $dump
cat probe.out probe.err
grep '^vcan' probe.out > got
printf 'vcan0 355#5F00\n' > want
diff want got || fail "the source read other than exactly the foreign frame"
expect_line "SEND vcan0:351#0A0B sent" probe.out
expect_line "SEND vcan1:351#01 failed" probe.out
expect_line "SEND vcan5:351#01 failed" probe.out
expect_eq "vcan0 sent" 1 "$(stat_of vcan0 sent probe.out)"
expect_eq "vcan1 failed" 1 "$(stat_of vcan1 failed probe.out)"
expect_eq "vcan1 state" missing "$(stat_of vcan1 state probe.out)"
echo "no_echo ok"
