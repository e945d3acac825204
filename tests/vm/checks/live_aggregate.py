"""vm_live_aggregate: what bms-aggregator sent on vcan9 while two batteries were replayed
(phase 1, with malformed and error frames mixed in) and while battery B was quiet (phase 2)."""
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from framesets import decode_last, expect_values, fail, phases, read_log, set_period_s  # noqa: E402

guest = sys.argv[1]
frames = read_log(os.path.join(guest, "vcan9.log"))
parts = phases(frames)
if len(parts) < 3:
    fail(f"expected 2 phase markers in vcan9.log, found {len(parts) - 1}")
both, a_only = parts[0], parts[1]

# Both batteries (A 80 %, B 70 %, 100 Ah each): SOC 75, soc_diff 10 % -> minor tier 0.85 x 150 A,
# voltage mean 52.10 V, current sum 15.0 A, temperature max 27.0, SOH min 97, DCL min(200, 2 x 150).
expect_values("both batteries", decode_last(both),
              dict(cvl_v=53.2, ccl_a=127.5, dcl_a=200.0, soc=75, soh=97, voltage_v=52.1, current_a=15.0,
                   temperature_c=27.0))
# B quiet for longer than stale_after_ms: excluded, never frozen. A alone: CCL min(150, 1 x 100).
expect_values("battery B stale", decode_last(a_only),
              dict(cvl_v=53.2, ccl_a=100.0, dcl_a=150.0, soc=80, soh=99, voltage_v=52.0, current_a=10.0,
                   temperature_c=25.0))
# 0x305 on vcan9 is the scenario playing the inverter; everything else is ours.
ids = {i for _, _, i, _ in both + a_only if i != 0x305}
if not {0x351, 0x355, 0x356} <= ids:
    fail(f"frame set incomplete: {sorted(hex(i) for i in ids)}")
if any(i < 0x351 or i > 0x382 for i in ids):
    fail(f"unexpected ids on the output port: {sorted(hex(i) for i in ids)}")
period = set_period_s(both)
if period is None or not 0.35 <= period <= 0.75:
    fail(f"frame set period {period} s, configured 0.5 s")
print(f"live_aggregate: {len(both)} + {len(a_only)} frames checked, set period {period:.3f} s")
