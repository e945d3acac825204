"""vm_live_protective_latency: each time battery A's 0x351 dropped its charge current limit
to 0 on vcan0, the inverter frame set on vcan9 carried the 0 within 20 ms (kernel timestamps
of one candump, so one clock); and the protective sets did not flood the port."""
import os
import statistics
import sys

sys.path.insert(0, os.path.dirname(__file__))
from framesets import fail, read_log, s16  # noqa: E402

LIMIT_S = 0.020
frames = read_log(os.path.join(sys.argv[1], "wire.log"))
inputs = [(t, s16(d, 2) / 10.0) for t, iface, i, d in frames if iface == "vcan0" and i == 0x351]
outputs = [(t, s16(d, 2) / 10.0) for t, iface, i, d in frames if iface == "vcan9" and i == 0x351]
if not inputs or not outputs:
    fail(f"no 0x351 recorded (inputs {len(inputs)}, outputs {len(outputs)})")

blocks = [t for (t, ccl), (_, before) in zip(inputs[1:], inputs) if ccl == 0.0 and before > 0.0]
latencies = []
for t_in in blocks:
    t_out = next((t for t, ccl in outputs if t >= t_in and ccl == 0.0), None)
    if t_out is None:
        fail(f"the block at {t_in:.6f} never reached vcan9")
    latencies.append(t_out - t_in)
if len(blocks) < 16:
    fail(f"expected 16 blocks on vcan0, found {len(blocks)}")
ms = sorted(x * 1000 for x in latencies)
print(f"protective latency over {len(ms)} blocks: median {statistics.median(ms):.2f} ms, "
      f"max {ms[-1]:.2f} ms, all: {' '.join(f'{x:.1f}' for x in ms)}")
slow = [x for x in ms if x >= LIMIT_S * 1000]
if slow:
    fail(f"{len(slow)} protective frame sets took 20 ms or more: {slow}")

# Floods stay limited: one periodic set per second plus at most one protective set per block.
duration = outputs[-1][0] - outputs[0][0]
allowed = int(duration / 1.0) + 2 * len(blocks) + 2
if len(outputs) > allowed:
    fail(f"{len(outputs)} frame sets in {duration:.1f} s with {len(blocks)} blocks (at most {allowed})")
print(f"protective_latency: {len(outputs)} frame sets in {duration:.1f} s")
