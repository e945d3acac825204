#!/usr/bin/env bash
# Boots Debian's kernel in qemu (TCG) with the CAN modules and vcan interfaces, runs one
# scenario script inside it and copies the scenario's /out folder back to the host.
#
#   run-vm.sh --out DIR --scenario SCRIPT [--bin PATH]... [--data PATH]... [--timeout SEC]
#             [--ifaces "vcan0 vcan1 vcan9"] [--mem MB]
#
# --bin: an executable copied to /usr/bin/<name> in the guest (ahead of busybox in PATH), with every library ldd lists.
# --data: a file copied to /data/<name>. The scenario runs as `sh /scenario.sh` with /out
# as its working folder; its exit status is the result. On the host, DIR/console.log is the
# serial console, DIR/guest/ is the guest's /out, and the exit status is the scenario's
# (3 when the VM could not be had, 4 when it did not report a result).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
out="" scenario="" timeout_s=90 ifaces="vcan0 vcan1 vcan9" mem=256
bins=() data=()
while [ $# -gt 0 ]; do
  case "$1" in
    --out) out="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --bin) bins+=("$2"); shift 2 ;;
    --data) data+=("$2"); shift 2 ;;
    --timeout) timeout_s="$2"; shift 2 ;;
    --ifaces) ifaces="$2"; shift 2 ;;
    --mem) mem="$2"; shift 2 ;;
    *) echo "run-vm: unknown argument $1" >&2; exit 2 ;;
  esac
done
[ -n "$out" ] && [ -n "$scenario" ] || { echo "run-vm: --out and --scenario are required" >&2; exit 2; }

die() { echo "run-vm: $*" >&2; exit 3; }
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (tools/setup installs qemu-system-x86)"
busybox="$(command -v busybox || true)"
[ -n "$busybox" ] && ! ldd "$busybox" >/dev/null 2>&1 || die "a static busybox is needed (tools/setup installs busybox-static)"
command -v cpio >/dev/null || die "cpio not found (tools/setup installs cpio)"
kdir="$("$here/vm-kernel.sh")" || die "no kernel: see the message above"
vmlinuz="$(ls -1 "$kdir"/boot/vmlinuz-* | head -n1)"

rm -rf "$out"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
root="$out/initramfs"
mkdir -p "$root"/{bin,sbin,usr/bin,dev,proc,sys,tmp,data,out,modules}
cp "$busybox" "$root/bin/busybox"

copy_with_libs() {  # $1 = binary, $2 = path inside the guest
  cp "$1" "$root$2"
  ldd "$1" 2>/dev/null | grep -o '/[^ ]*' | while read -r lib; do
    [ -e "$root$lib" ] && continue
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
for b in "${bins[@]}"; do
  [ -x "$b" ] || die "binary under test not found: $b"
  copy_with_libs "$b" "/usr/bin/$(basename "$b")"
done
for d in "${data[@]}"; do cp "$d" "$root/data/"; done
cp "$scenario" "$root/scenario.sh"
# The CAN modules are loaded by /init; sch_tbf is there for scenarios that insmod it.
for m in net/can/can.ko net/can/can-raw.ko drivers/net/can/dev/can-dev.ko drivers/net/can/vcan.ko net/sched/sch_tbf.ko; do
  cp "$(ls -1 "$kdir"/lib/modules/*/kernel/$m | head -n1)" "$root/modules/"
done

cat > "$root/init" <<INIT
#!/bin/busybox sh
/bin/busybox --install -s /bin
# Binaries under test are in /usr/bin. Busybox sh prefers its own applets (tc, ip) to PATH:
# call such a binary by its full path.
export PATH=/usr/bin:/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
# Order matters: vcan needs can-dev's symbols, can-raw needs can's.
for m in can can-raw can-dev vcan; do insmod /modules/\$m.ko || echo "BMS-VM-ERROR insmod \$m failed"; done
ip link set lo up
for i in $ifaces; do ip link add dev \$i type vcan && ip link set up \$i; done
cd /out
sh /scenario.sh > /out/scenario.log 2>&1
rc=\$?
cat /out/scenario.log
# The scenario's files travel over the second serial port, base64 so no tty setting mangles them.
stty -F /dev/ttyS1 raw -echo 2>/dev/null
{ tar -c -C /out . | base64; echo BMS-VM-OUT-END; } > /dev/ttyS1
echo "BMS-VM-RESULT rc=\$rc"
poweroff -f
INIT
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$out/initrd.gz"

start=$(date +%s.%N)
# no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer check can miss its
# window and panic ("IO-APIC + timer doesn't work"); a virtual machine has no broken timer
# to detect, so the check only makes the test flaky.
set +e
timeout --kill-after=5 "$timeout_s" qemu-system-x86_64 -accel tcg -m "$mem" -nographic -no-reboot \
  -kernel "$vmlinuz" -initrd "$out/initrd.gz" \
  -serial mon:stdio -serial "file:$out/ttyS1.b64" \
  -append "console=ttyS0 quiet panic=-1 no_timer_check" > "$out/console.log" 2>&1 < /dev/null
qrc=$?
set -e
tr -d '\r' < "$out/console.log" > "$out/console.txt"
echo "run-vm: VM ran $(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }') s (qemu exit $qrc)" >&2

result="$(sed -n 's/^BMS-VM-RESULT rc=\([0-9]*\)$/\1/p' "$out/console.txt" | tail -n1)"
if [ -z "$result" ]; then
  echo "run-vm: the VM gave no result marker (qemu exit $qrc; 124 = timed out after ${timeout_s}s). Console tail:" >&2
  tail -n 40 "$out/console.txt" >&2
  exit 4
fi
mkdir -p "$out/guest"
if grep -q '^BMS-VM-OUT-END' "$out/ttyS1.b64"; then
  sed '/^BMS-VM-OUT-END/,$d' "$out/ttyS1.b64" | tr -d '\r' | base64 -d | tar -x -C "$out/guest"
else
  echo "run-vm: the guest's /out did not arrive completely" >&2
  result=4
fi
if [ "$result" != 0 ]; then
  echo "run-vm: scenario failed (rc=$result). Scenario log:" >&2
  cat "$out/guest/scenario.log" >&2 2>/dev/null || tail -n 60 "$out/console.txt" >&2
fi
exit "$result"
