"""vm_live_link_faults: the aggregate of both batteries before the interface faults and
again after them (vcan1 created late, vcan0 and vcan9 down and up)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from framesets import decode_last, expect_values, fail, phases, read_log  # noqa: E402

BOTH = dict(cvl_v=53.2, ccl_a=127.5, dcl_a=200.0, soc=75, soh=97, voltage_v=52.1, current_a=15.0, temperature_c=27.0)
guest = sys.argv[1]
before = phases(read_log(os.path.join(guest, "vcan9.log")))[0]
after = phases(read_log(os.path.join(guest, "vcan9-after.log")))[0]
if not before or not after:
    fail(f"no frame set recorded ({len(before)} frames before the faults, {len(after)} after)")
expect_values("before the faults", decode_last(before), BOTH)
expect_values("after the faults", decode_last(after), BOTH)
print(f"live_link_faults: {len(before)} frames before, {len(after)} after the faults")
