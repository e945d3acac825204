#!/usr/bin/env bash
# One vm test: vm-test.sh SCENARIO OUTDIR TIMEOUT [run-vm.sh args...]
# Boots the VM with can-utils plus the given binaries, runs scenarios/SCENARIO.sh inside,
# and then checks/SCENARIO.py OUTDIR/guest on the host when such a check exists.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
scenario="$1" out="$2" timeout_s="$3"
shift 3
"$here/run-vm.sh" --out "$out" --scenario "$here/scenarios/$scenario.sh" --timeout "$timeout_s" \
  --bin /usr/bin/candump --bin /usr/bin/cansend --bin /usr/bin/canplayer --bin /usr/bin/cangen \
  --data "$here/scenarios/lib.sh" "$@"
if [ -f "$here/checks/$scenario.py" ]; then
  python3 "$here/checks/$scenario.py" "$out/guest"
fi
echo "vm-test: $scenario passed"
