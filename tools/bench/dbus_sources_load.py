#!/usr/bin/env python3
"""Load and latency driver for tools/bench/dbus-sources (not a test).

Hosts N fake dbus-serialbattery packs (tests/dbus/fake_battery.py's service, 16 cells each),
each on its own bus connection, and changes every numeric value of every pack once a second,
as serialbattery does. Every --drop-every seconds it drops one pack's /Info/MaxChargeCurrent
(so the bank's charge limit drops) and records CLOCK_MONOTONIC just before the signal goes
out; a listener on another connection records when our service's ItemsChanged carries the new
bank limit. The limit is restored half-way to the next drop. Prints one JSON object:
drops with their emit times and D-Bus receipt times, and the signal counts seen from us.
"""
import argparse
import importlib.util
import json
import os
import sys
import time

import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

here = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('fake_battery', os.path.join(here, '../../tests/dbus/fake_battery.py'))
fake = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fake)


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--packs', type=int, default=4)
    p.add_argument('--seconds', type=float, default=120)
    p.add_argument('--drops', type=int, default=20)
    p.add_argument('--warmup', type=float, default=5)
    p.add_argument('--ccl', type=float, default=100.0)
    p.add_argument('--ready-file', required=True)
    p.add_argument('--start-file', required=True, help='wait for this file before measuring')
    args = p.parse_args()

    DBusGMainLoop(set_as_default=True)
    address = os.environ['DBUS_SESSION_BUS_ADDRESS']
    packs = []
    for i in range(1, args.packs + 1):
        conn = dbus.bus.BusConnection(address)
        ns = argparse.Namespace(name='com.victronenergy.battery.ttyUSB%d' % i, serial='JK-%d' % i, custom_name='',
                                instance=i, soc=60.0 + i * 0.5, ccl=args.ccl, dcl=120.0, cells=16, shunt=False)
        svc = fake.Service(conn, fake.pack_values(ns), False)
        name = dbus.service.BusName(ns.name, conn)
        packs.append((svc, name, conn))

    listener = dbus.bus.BusConnection(address)
    state = {'items_changed': 0, 'items': 0, 'properties_changed': 0, 'ccl': None, 'recv': []}
    drops = []

    def on_items(changes, sender=None):
        state['items_changed'] += 1
        state['items'] += len(changes)
        entry = changes.get('/Info/MaxChargeCurrent')
        if entry is not None:
            v = entry.get('Value')
            state['ccl'] = float(v) if isinstance(v, dbus.Double) else None
            state['recv'].append((time.monotonic(), state['ccl']))

    def on_props(changes, sender=None, path=None):
        state['properties_changed'] += 1

    our = str(listener.get_name_owner('com.victronenergy.battery.aggregator_di280'))
    listener.add_signal_receiver(on_items, signal_name='ItemsChanged', dbus_interface='com.victronenergy.BusItem',
                                 sender_keyword='sender', bus_name=our)
    listener.add_signal_receiver(on_props, signal_name='PropertiesChanged', dbus_interface='com.victronenergy.BusItem',
                                 bus_name=our, path_keyword='path')

    tick = [0]

    def animate():
        tick[0] += 1
        step = 0.001 if tick[0] % 2 else -0.001
        for svc, _, _ in packs:
            svc.set({p: round(v + step, 4) for p, v in svc.values.items()
                     if isinstance(v, float) and not p.startswith('/Info/')})
        return True

    loop = GLib.MainLoop()
    open(args.ready_file, 'w').close()

    def wait_start():
        if not os.path.exists(args.start_file):
            return True
        begin = time.monotonic()
        GLib.timeout_add(1000, animate)
        # Whole seconds apart plus a half: a drop never coincides with the animation tick, so
        # the listener (same main loop) is not held up by it.
        interval = max(1, int((args.seconds - args.warmup - 1) // args.drops))
        for k in range(args.drops):
            at = args.warmup + 0.5 + k * interval
            GLib.timeout_add(int(at * 1000), drop, k)
            GLib.timeout_add(int((at + interval / 2) * 1000), restore, k)
        GLib.timeout_add(int(args.seconds * 1000), loop.quit)
        state['begin'] = begin
        return False

    def drop(k):
        svc = packs[k % len(packs)][0]
        value = 35.0 - k  # a new bank limit each time: 4 x value stays under the 150 A cap
        drops.append({'pack': k % len(packs), 'pack_ccl': value, 'bank_ccl': len(packs) * value,
                      'emit': time.monotonic()})
        svc.set({'/Info/MaxChargeCurrent': value})
        return False

    def restore(k):
        packs[k % len(packs)][0].set({'/Info/MaxChargeCurrent': args.ccl})
        return False

    GLib.timeout_add(20, wait_start)
    loop.run()
    for d in drops:
        later = [t for t, v in state['recv'] if t >= d['emit'] and v == d['bank_ccl']]
        d['dbus'] = later[0] if later else None
    print(json.dumps({'drops': drops, 'items_changed': state['items_changed'], 'items': state['items'],
                      'properties_changed': state['properties_changed'], 'animate_ticks': tick[0]}))


if __name__ == '__main__':
    main()
