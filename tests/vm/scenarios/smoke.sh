# The VM itself: can-utils talk over vcan0 (cansend -> candump).
. /data/lib.sh
candump -L vcan0 > dump.log &
pid=$!
# candump may not be bound yet when the first frame goes out: resend until seen.
wait_until 5 sh -c 'cansend vcan0 351#8C0264006400F401; usleep 100000; grep -qF "vcan0 351#8C0264006400F401" dump.log' \
  || fail "candump did not see the frame"
kill $pid
echo "smoke ok"
