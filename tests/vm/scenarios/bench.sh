# Side-by-side receive cost inside the VM: candump, the SocketCAN source alone
# (socketcan_probe) and the whole bms-aggregator read the same cangen traffic on vcan0 at
# the same time. Two rounds:
#   paced:   cangen sends as fast as the VM lets it; readers take frames as they come
#            (about one frame per wake-up: the per-frame cost of a live bus)
#   backlog: readers are stopped (SIGSTOP) while cangen queues the burst, then continued;
#            each drains its socket queue (the case recvmmsg batching is for)
# Prints one BENCH line per reader and round. Run by tools/bench-vm.
. /data/lib.sh
N=$(cat /data/bench-frames)
# Big socket buffers for every reader, so all of them get every frame and the comparison
# is CPU per frame, not who drops first. (SO_RXQ_OVFL drops are still reported.)
sysctl -qw net.core.rmem_default=67108864 net.core.rmem_max=67108864
cat > /tmp/bench.toml <<TOML
[[battery]]
name = "A"
interface = "vcan0"
protocol = "pylontech"
capacity_ah = 100.0
stale_after_ms = 600000
[log]
level = "info"
TOML
cputicks() { awk '{ print $14 + $15 }' /proc/$1/stat; }
ticks_to_s() { echo "$1 $2" | awk '{ printf "%.2f", ($2 - $1) / 100 }'; }

round() {  # round MODE FRAMES
  mode=$1 n=$2
  rm -f ready /tmp/candump.log
  candump -L vcan0 > /tmp/candump.log &
  cd=$!
  bms-aggregator --config /tmp/bench.toml --no-dbus > agg.out 2> agg-$mode.err &
  agg=$!
  socketcan_probe --port vcan0=all --quiet --count "$n" --timeout-ms 900000 --ready ready > probe-$mode.out 2> probe.err &
  probe=$!
  wait_until 10 grep -qF "vcan0 is up" agg-$mode.err || fail "bms-aggregator did not start: $(cat agg-$mode.err)"
  wait_until 10 test -e ready || fail "probe did not start"
  usleep 300000   # candump and the probe's reader have no ready signal; they bind within ms
  [ "$mode" = backlog ] && kill -STOP $cd $agg $probe
  cd0=$(cputicks $cd); agg0=$(cputicks $agg)
  t0=$(cut -d' ' -f1 /proc/uptime)
  cangen vcan0 -g 0 -n "$n" -I 351 -L 8 -D i || fail "cangen failed"
  t1=$(cut -d' ' -f1 /proc/uptime)
  [ "$mode" = backlog ] && kill -CONT $cd $agg $probe
  wait_until 300 sh -c "test \$(wc -l < /tmp/candump.log) -ge $n" || echo "candump did not get all $n frames"
  wait $probe || echo "probe did not get all $n frames"
  # bms-aggregator has no "done" signal: wait until its CPU time stops growing.
  prev=-1; cur=$(cputicks $agg)
  while [ "$cur" != "$prev" ]; do prev=$cur; usleep 300000; cur=$(cputicks $agg); done
  cd1=$(cputicks $cd); agg1=$cur
  kill -TERM $agg; wait $agg
  kill $cd; wait $cd 2>/dev/null
  got_cd=$(wc -l < /tmp/candump.log)
  got_agg=$(sed -n 's/.*vcan0 up: received \([0-9]*\),.*/\1/p' agg-$mode.err)
  drop_agg=$(sed -n 's/.*kernel drops \([0-9]*\),.*/\1/p' agg-$mode.err | head -n1)
  echo "BENCH $mode sender frames=$n seconds=$(echo "$t1 $t0" | awk '{ printf "%.3f", $1 - $2 }')"
  echo "BENCH $mode candump frames=$got_cd cpu_s=$(ticks_to_s $cd0 $cd1)"
  echo "BENCH $mode bms-aggregator frames=$got_agg cpu_s=$(ticks_to_s $agg0 $agg1) drops=$drop_agg"
  set -- $(grep '^RESULT' probe-$mode.out)
  echo "BENCH $mode probe $2 $3 drops=$(stat_of vcan0 dropped probe-$mode.out)"
}
round paced "$N"
round backlog "$(cat /data/bench-backlog-frames)"
