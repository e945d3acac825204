# Interfaces missing at start, going down, coming back, deleted and re-created: the source
# keeps running, logs each state change once, reopens and rebinds.
. /data/lib.sh
ip link del vcan1
socketcan_probe --port vcan0=pylon --port vcan1=pylon --count 4 --timeout-ms 40000 \
  --ready ready > probe.out 2> probe.err &
pid=$!
wait_until 10 test -e ready || fail "probe did not start"
expect_line "vcan1 unavailable (No such device)" probe.err
cansend vcan0 351#01
ip link set vcan0 down
wait_until 10 grep -qF "vcan0 is down" probe.err || fail "down not noticed: $(cat probe.err)"
cansend vcan0 351#02 2>/dev/null && fail "cansend on a down interface succeeded"
ip link set vcan0 up
wait_until 10 grep -qF "vcan0 is up again" probe.err || fail "up not noticed: $(cat probe.err)"
cansend vcan0 351#03
ip link add dev vcan1 type vcan && ip link set up vcan1
wait_until 10 grep -qF "vcan1 is up" probe.err || fail "vcan1 not opened: $(cat probe.err)"
cansend vcan1 351#04
ip link del vcan0
wait_until 10 grep -qF "vcan0 unavailable" probe.err || fail "deletion not noticed: $(cat probe.err)"
ip link add dev vcan0 type vcan && ip link set up vcan0
wait_until 10 sh -c 'test "$(grep -cF "vcan0 is up again" probe.err)" = 2' || fail "re-creation not noticed: $(cat probe.err)"
cansend vcan0 351#05
wait $pid || fail "probe did not get its 4 frames: $(cat probe.out)"
cat probe.out probe.err
grep '^vcan' probe.out > got
printf 'vcan0 351#01\nvcan0 351#03\nvcan1 351#04\nvcan0 351#05\n' > want
diff want got || fail "frames differ"
expect_eq "vcan0 reopens" 1 "$(stat_of vcan0 reopens probe.out)"
expect_eq "vcan0 state changes (down, up, missing, up)" 4 "$(stat_of vcan0 state_changes probe.out)"
expect_eq "vcan1 state changes (missing, up)" 1 "$(stat_of vcan1 state_changes probe.out)"
expect_eq "vcan1 reopens" 0 "$(stat_of vcan1 reopens probe.out)"
expect_eq "vcan0 down logged once" 1 "$(count_lines 'vcan0 is down' probe.err)"
expect_eq "vcan0 missing logged once" 1 "$(count_lines 'vcan0 unavailable' probe.err)"
expect_eq "vcan1 missing logged once" 1 "$(count_lines 'vcan1 unavailable' probe.err)"
echo "link_faults ok"
