"""vm_live_sdo_polling: the aggregate sent on vcan9 carries the values read by SDO from the
simulated CANopen node (52.5 V, 85 %, 25 degC, -12 A) and its configured current limits."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from framesets import decode_last, expect_values, fail, phases, read_log  # noqa: E402

frames = phases(read_log(os.path.join(sys.argv[1], "vcan9.log")))[0]
if not frames:
    fail("no frame set on vcan9 while the node answered")
# CVL: the configured 55.2 V (the map has no CVL object); CCL/DCL: the battery's configured
# max_charge_current / max_discharge_current, one battery online.
expect_values("SDO-polled battery", decode_last(frames),
              dict(cvl_v=55.2, ccl_a=50.0, dcl_a=100.0, soc=85, voltage_v=52.5, current_a=-12.0, temperature_c=25.0))
print(f"sdo_polling: {len(frames)} frames checked")
