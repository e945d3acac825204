"""Decodes the inverter frame set that bms-aggregator sent (candump -L of the output port)
on the host, so the vm tests compare numbers, not hex. Marker frames (id 0x7FF, sent by
the scenario on the output port) split the recording into phases."""
import re
import sys

LINE = re.compile(r"^\((\d+\.\d+)\) (\S+) ([0-9A-F]{3}|[0-9A-F]{8})#([0-9A-F]*)$")


def read_log(path):
    frames = []
    with open(path) as f:
        for line in f:
            m = LINE.match(line.strip())
            if not m:
                continue
            frames.append((float(m.group(1)), m.group(2), int(m.group(3), 16), bytes.fromhex(m.group(4))))
    return frames


def phases(frames, marker_id=0x7FF):
    """Frames between markers: [before marker 1, between 1 and 2, ...]."""
    out, cur = [], []
    for fr in frames:
        if fr[2] == marker_id:
            out.append(cur)
            cur = []
        else:
            cur.append(fr)
    out.append(cur)
    return out


def u16(b, i):
    return int.from_bytes(b[i:i + 2], "little", signed=False)


def s16(b, i):
    return int.from_bytes(b[i:i + 2], "little", signed=True)


def decode_last(frames):
    """The values of the last 0x351/0x355/0x356 in a phase, in engineering units."""
    last = {}
    for _, _, can_id, data in frames:
        last[can_id] = data
    v = {}
    if 0x351 in last:
        d = last[0x351]
        v.update(cvl_v=u16(d, 0) / 10, ccl_a=s16(d, 2) / 10, dcl_a=s16(d, 4) / 10)
    if 0x355 in last:
        d = last[0x355]
        v.update(soc=u16(d, 0), soh=u16(d, 2))
    if 0x356 in last:
        d = last[0x356]
        v.update(voltage_v=s16(d, 0) / 100, current_a=s16(d, 2) / 10, temperature_c=s16(d, 4) / 10)
    return v


def expect_values(name, got, want):
    bad = [f"{k}: want {w}, got {got.get(k)}" for k, w in want.items() if got.get(k) != w]
    if bad:
        fail(f"{name}: " + "; ".join(bad))


def set_period_s(frames, can_id=0x351):
    times = [t for t, _, i, _ in frames if i == can_id]
    gaps = sorted(b - a for a, b in zip(times, times[1:]))
    return gaps[len(gaps) // 2] if gaps else None


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)
