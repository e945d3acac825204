# The source's kernel filters pass exactly the configured ids; error frames are counted
# (bus-off, controller problems) and not delivered; kernel timestamps and ticks arrive.
. /data/lib.sh
socketcan_probe --port vcan0=pylon --port vcan9=inverter --count 8 --timeout-ms 15000 \
  --ready ready > probe.out 2> probe.err &
pid=$!
# Once "ready" exists the sockets are bound with their filters: what follows is queued.
wait_until 10 test -e ready || fail "probe did not start"
cansend vcan0 350#00                      # below the Pylontech family
cansend vcan0 351#0102                    # pass
cansend vcan0 383#00                      # above it
cansend vcan0 123#11                      # unrelated
cansend vcan0 00000351#AA                 # 29-bit 0x351 is a different frame
cansend vcan0 351#R                       # remote frame
cansend vcan0 20000004#0004000000000000   # error: controller problem (rx warning)
cansend vcan0 20000040#0000000000000000   # error: bus-off (vcan cannot restart)
cansend vcan0 382#0102030405060708        # pass: last id of the family
cansend vcan0 35E#50594C4F4E202020        # pass
cansend vcan0 355#5F00                    # pass
cansend vcan0 351#01                      # pass: too short for 0x351, the decoder's business
cansend vcan9 351#11                      # battery id on the inverter port
cansend vcan9 305#0000000000000000        # pass: keep-alive
cansend vcan9 00000305#00                 # pass: Schneider's 29-bit keep-alive
cansend vcan9 307#12345678564943          # pass
wait $pid || fail "probe did not get its 8 frames: $(cat probe.out)"
cat probe.out probe.err
grep '^vcan0 ' probe.out > got0
printf 'vcan0 351#0102\nvcan0 382#0102030405060708\nvcan0 35E#50594C4F4E202020\nvcan0 355#5F00\nvcan0 351#01\n' > want0
diff want0 got0 || fail "vcan0 frames differ"
grep '^vcan9 ' probe.out > got9
printf 'vcan9 305#0000000000000000\nvcan9 00000305#00\nvcan9 307#12345678564943\n' > want9
diff want9 got9 || fail "vcan9 frames differ"
expect_eq "vcan0 received" 5 "$(stat_of vcan0 received probe.out)"
expect_eq "vcan0 error frames" 2 "$(stat_of vcan0 error_frames probe.out)"
expect_eq "vcan0 bus-off" 1 "$(stat_of vcan0 bus_off probe.out)"
expect_eq "vcan0 controller problems" 1 "$(stat_of vcan0 controller probe.out)"
expect_eq "vcan9 received" 3 "$(stat_of vcan9 received probe.out)"
expect_eq "vcan9 error frames" 0 "$(stat_of vcan9 error_frames probe.out)"
expect_line "TIMES ok" probe.out
expect_line "TICKS ok" probe.out
expect_eq "bus-off logged once" 1 "$(count_lines 'vcan0 went bus-off' probe.err)"
expect_line "vcan0: bus-off restart: virtual interface" probe.err
expect_line "controller status 0x04 (error warning)" probe.err
echo "filters ok"
