#!/usr/bin/env python3
"""A fake Venus OS battery service written to velib_python's conventions (vedbus.py's
VeDbusService as dbus-serialbattery uses it): one com.victronenergy.BusItem object per path,
GetItems/GetValue/GetText on '/', PropertiesChanged per changed path (and, with
--items-changed, one ItemsChanged per batch, as Victron's C++ services send). Invalid values
are empty int32 arrays. Our own code; only the conventions are velib's.

Controlled through stdin, one JSON object per line; each is acknowledged on stdout with
"ok <n>" (n counts commands), so a test can wait for it:
  {"set": {"/Info/MaxChargeCurrent": 50.0, "/Soc": null}}   null = invalid
  {"silent": true}          stop answering calls (a hung driver); false answers again
  {"rename": "com.victronenergy.battery.ttyUSB3"}   release the name, claim another
  {"release": true}         leave the bus name (the service vanishes)
  {"add_paths": true}      --late only: add the pack's other paths, silently (velib's add_path)
  {"quit": true}
Every GetItems answered is reported as "getitems <number of items>".
With --animate, every numeric value changes once a second (the benchmark's load).
"""
import argparse
import json
import os
import sys

import dbus
import dbus.service
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

BUSITEM = 'com.victronenergy.BusItem'


def wrap(v):
    if v is None:
        return dbus.Array([], signature=dbus.Signature('i'), variant_level=1)
    if isinstance(v, bool):
        return dbus.Int32(int(v), variant_level=1)
    if isinstance(v, int):
        return dbus.Int32(v, variant_level=1)
    if isinstance(v, float):
        return dbus.Double(v, variant_level=1)
    return dbus.String(v, variant_level=1)


def text(v):
    return '---' if v is None else str(v)


class Service:
    def __init__(self, bus, values, items_changed):
        self.bus = bus
        self.values = values
        self.items_changed = items_changed
        self.silent = False
        self.report = None
        self.objects = {}
        self.root = Root(self)
        for path in values:
            self.objects[path] = Item(self, path)

    def set(self, changes):
        changed = {}
        for path, v in changes.items():
            if path not in self.objects:
                self.objects[path] = Item(self, path)
            if self.values.get(path, 'absent') == v:
                continue
            self.values[path] = v
            changed[path] = v
        for path, v in changed.items():
            self.objects[path].PropertiesChanged({'Value': wrap(v), 'Text': text(v)})
        if self.items_changed and changed:
            self.root.ItemsChanged({p: {'Value': wrap(v), 'Text': text(v)} for p, v in changed.items()})
        return len(changed)


class Root(dbus.service.Object):
    def __init__(self, svc):
        super().__init__(svc.bus, '/')
        self.svc = svc

    @dbus.service.method(BUSITEM, out_signature='a{sa{sv}}', async_callbacks=('reply', 'error'))
    def GetItems(self, reply, error):
        if self.svc.silent:
            return  # never answers: the caller's timeout is its only way out
        if self.svc.report:
            self.svc.report('getitems %d' % len(self.svc.values))
        reply(dbus.Dictionary({p: {'Value': wrap(v), 'Text': text(v)} for p, v in self.svc.values.items()},
                              signature='sa{sv}'))

    @dbus.service.method(BUSITEM, out_signature='v', async_callbacks=('reply', 'error'))
    def GetValue(self, reply, error):
        if self.svc.silent:
            return
        reply(dbus.Dictionary({p.lstrip('/'): wrap(v) for p, v in self.svc.values.items()}, signature='sv',
                              variant_level=1))

    @dbus.service.signal(BUSITEM, signature='a{sa{sv}}')
    def ItemsChanged(self, changes):
        pass


class Item(dbus.service.Object):
    def __init__(self, svc, path):
        super().__init__(svc.bus, path)
        self.svc = svc
        self.path = path

    @dbus.service.method(BUSITEM, out_signature='v', async_callbacks=('reply', 'error'))
    def GetValue(self, reply, error):
        if self.svc.silent:
            return
        reply(wrap(self.svc.values.get(self.path)))

    @dbus.service.method(BUSITEM, out_signature='v', async_callbacks=('reply', 'error'))
    def GetText(self, reply, error):
        if self.svc.silent:
            return
        reply(dbus.String(text(self.svc.values.get(self.path)), variant_level=1))

    @dbus.service.signal(BUSITEM, signature='a{sv}')
    def PropertiesChanged(self, changes):
        pass


def pack_values(args):
    v = {
        '/Mgmt/ProcessName': 'fake_battery.py', '/Mgmt/ProcessVersion': '1.0',
        '/Mgmt/Connection': 'Serial ' + args.name.rsplit('.', 1)[-1],
        '/DeviceInstance': args.instance, '/ProductId': 0xBA77, '/ProductName': 'SerialBattery(Fake)',
        '/FirmwareVersion': '1.0', '/HardwareVersion': 'fake', '/Connected': 1,
        '/Serial': args.serial, '/CustomName': args.custom_name,
        '/Soc': args.soc, '/Soh': 100.0, '/Dc/0/Voltage': 53.2, '/Dc/0/Current': -5.0, '/Dc/0/Power': -266.0,
        '/Dc/0/Temperature': 24.5, '/InstalledCapacity': 280.0, '/Capacity': 280.0 * args.soc / 100.0,
        '/ConsumedAmphours': 0.0, '/TimeToGo': None,
        '/System/MinCellVoltage': 3.321, '/System/MaxCellVoltage': 3.334,
        '/System/MinVoltageCellId': 'C3', '/System/MaxVoltageCellId': 'C11',
        '/System/MinCellTemperature': 22.0, '/System/MaxCellTemperature': 25.0,
        '/System/MinTemperatureCellId': 'T1', '/System/MaxTemperatureCellId': 'T2',
        '/System/NrOfModulesOnline': 1, '/System/NrOfModulesOffline': 0,
        '/System/NrOfModulesBlockingCharge': 0, '/System/NrOfModulesBlockingDischarge': 0,
        '/System/NrOfCellsPerBattery': args.cells,
    }
    for alarm in ('LowVoltage', 'HighVoltage', 'LowCellVoltage', 'HighCellVoltage', 'LowSoc', 'HighChargeCurrent',
                  'HighDischargeCurrent', 'CellImbalance', 'InternalFailure', 'HighChargeTemperature',
                  'LowChargeTemperature', 'HighTemperature', 'LowTemperature', 'BmsCable'):
        v['/Alarms/' + alarm] = 0
    for i in range(1, args.cells + 1):
        v['/Voltages/Cell%d' % i] = 3.321 + 0.001 * (i % 13)
        v['/Balances/Cell%d' % i] = 0
    v['/Voltages/Sum'] = 53.2
    v['/Voltages/Diff'] = 0.013
    if not args.shunt:
        v.update({'/Info/MaxChargeVoltage': 55.2, '/Info/MaxChargeCurrent': args.ccl,
                  '/Info/MaxDischargeCurrent': args.dcl, '/Info/BatteryLowVoltage': 48.0,
                  '/Io/AllowToCharge': 1, '/Io/AllowToDischarge': 1, '/Io/AllowToBalance': 1})
    else:
        v['/ProductId'] = 0xA389  # a SmartShunt: no limits, no cells
        v['/ProductName'] = 'SmartShunt 500A/50mV'
        for k in [k for k in v if k.startswith('/Voltages/') or k.startswith('/Balances/') or k.startswith('/System/')]:
            del v[k]
    return v


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--name', required=True)
    p.add_argument('--serial', default='')
    p.add_argument('--custom-name', default='')
    p.add_argument('--instance', type=int, default=1)
    p.add_argument('--soc', type=float, default=60.0)
    p.add_argument('--ccl', type=float, default=100.0)
    p.add_argument('--dcl', type=float, default=120.0)
    p.add_argument('--cells', type=int, default=16)
    p.add_argument('--shunt', action='store_true', help='a SmartShunt: a battery service without limits')
    p.add_argument('--items-changed', action='store_true', help='also send ItemsChanged (Victron C++ style)')
    p.add_argument('--silent', action='store_true', help='never answer a call (a hung driver)')
    p.add_argument('--animate', action='store_true', help='every value changes once a second')
    p.add_argument('--late', action='store_true',
                   help='claim the name with the mandatory paths only; add_paths adds the rest (older velib)')
    args = p.parse_args()

    DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus() if 'DBUS_SESSION_BUS_ADDRESS' in os.environ else dbus.SystemBus()
    values = pack_values(args)
    later = {}
    if args.late:
        keep = ('/Mgmt/', '/DeviceInstance', '/ProductId', '/ProductName', '/FirmwareVersion', '/HardwareVersion',
                '/Connected')
        later = {k: v for k, v in values.items() if not k.startswith(keep)}
        values = {k: v for k, v in values.items() if k not in later}
    svc = Service(bus, values, args.items_changed)
    svc.silent = args.silent
    names = [dbus.service.BusName(args.name, bus)]  # claimed last, as velib does
    loop = GLib.MainLoop()
    count = [0]

    def say(line):
        sys.stdout.write(line + '\n')
        sys.stdout.flush()

    svc.report = say

    def on_line(source, condition):
        line = sys.stdin.readline()
        if not line:
            loop.quit()
            return False
        cmd = json.loads(line)
        count[0] += 1
        if 'set' in cmd:
            svc.set(cmd['set'])
        if 'add_paths' in cmd:
            for path, v in later.items():  # no signal: velib's add_path does not send one
                svc.values[path] = v
                svc.objects[path] = Item(svc, path)
        if 'silent' in cmd:
            svc.silent = bool(cmd['silent'])
        if 'release' in cmd:
            bus.release_name(names.pop().get_name())
        if 'rename' in cmd:
            old = names.pop()
            bus.release_name(old.get_name())
            names.append(dbus.service.BusName(cmd['rename'], bus))
        say('ok %d' % count[0])
        if 'quit' in cmd:
            loop.quit()
            return False
        return True

    tick = [0]

    def animate():
        tick[0] += 1
        step = 0.001 if tick[0] % 2 else -0.001  # up and down: values stay where they were
        changes = {}
        for path, v in list(svc.values.items()):
            if isinstance(v, float) and not path.startswith('/Info/'):
                changes[path] = round(v + step, 4)
        svc.set(changes)
        return True

    GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, on_line)
    if args.animate:
        GLib.timeout_add(1000, animate)
    say('ready ' + args.name)
    loop.run()


if __name__ == '__main__':
    main()
