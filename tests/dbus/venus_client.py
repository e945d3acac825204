#!/usr/bin/env python3
"""A battery-service reader written to velib_python's conventions (vedbus.py, dbusmonitor.py,
ve_utils.py), the way Venus OS's own Python services read a battery: session bus whenever
DBUS_SESSION_BUS_ADDRESS is set, /DeviceInstance first, then one bulk GetValue/GetText on '/'
(falling back to per-path calls), GetItems, and both ItemsChanged on '/' and PropertiesChanged
per path. Our own code, not velib's: only its conventions are followed.

Commands (each prints one JSON object and exits 0 on success, 1 on any failed check):
  recognise [--expect PATH=JSON ...]   find the battery, check it is a usable BMS for DVCC
  appear --ready-file F --min-items N   wait for a battery name to appear, read it at once
  signals --set-custom-name NAME        write /CustomName with SetValue, wait for the signals
"""
import argparse
import json
import os
import sys

import dbus
from dbus.mainloop.glib import DBusGMainLoop
from gi.repository import GLib

BUSITEM = 'com.victronenergy.BusItem'
BATTERY_PREFIX = 'com.victronenergy.battery.'
# dbus-systemcalc-py ignores a service without these (reference: victron-dbus.md).
MANDATORY = ['/DeviceInstance', '/Connected', '/ProductName', '/Mgmt/Connection',
             '/Mgmt/ProcessName', '/Mgmt/ProcessVersion', '/ProductId', '/FirmwareVersion',
             '/HardwareVersion']


def unwrap(v):
    """Like ve_utils.unwrap_dbus_value: dbus types to Python, an empty array (invalid) to None."""
    if isinstance(v, dbus.Array):
        return None if len(v) == 0 else [unwrap(x) for x in v]
    if isinstance(v, dbus.Dictionary):
        return {str(k): unwrap(x) for k, x in v.items()}
    if isinstance(v, dbus.Double):
        return float(v)
    if isinstance(v, dbus.Boolean):
        return bool(v)
    if isinstance(v, (dbus.Int32, dbus.UInt32, dbus.Int64, dbus.UInt64, dbus.Int16, dbus.UInt16, dbus.Byte)):
        return int(v)
    if isinstance(v, (dbus.String, str)):
        return str(v)
    return v


def wrap(v):
    """Like ve_utils.wrap_dbus_value: None is sent as an empty int32 array."""
    if v is None:
        return dbus.Array([], signature=dbus.Signature('i'), variant_level=1)
    if isinstance(v, bool):
        return dbus.Boolean(v, variant_level=1)
    if isinstance(v, int):
        return dbus.Int32(v, variant_level=1)
    if isinstance(v, float):
        return dbus.Double(v, variant_level=1)
    return dbus.String(v, variant_level=1)


def connect():
    # velib: "Connect to session bus whenever present, else use the system bus".
    return dbus.SessionBus() if 'DBUS_SESSION_BUS_ADDRESS' in os.environ else dbus.SystemBus()


def battery_names(conn):
    return sorted(str(n) for n in conn.list_names() if str(n).startswith(BATTERY_PREFIX))


def scan(conn, name):
    """dbusmonitor's scan: device instance, bulk GetValue/GetText on '/', then GetItems."""
    result = {'service': name, 'problems': []}
    result['device_instance'] = int(conn.call_blocking(name, '/DeviceInstance', None, 'GetValue', '', []))
    values = unwrap(conn.call_blocking(name, '/', None, 'GetValue', '', []))
    texts = unwrap(conn.call_blocking(name, '/', None, 'GetText', '', []))
    # dbus-flashmq and velib's DbusDevice call GetItems without an interface, too.
    items = conn.call_blocking(name, '/', None, 'GetItems', '', [])
    result['values'] = {'/' + k: v for k, v in values.items()}
    result['texts'] = {'/' + k: v for k, v in texts.items()}
    result['items'] = {str(p): {'Value': unwrap(e['Value']), 'Text': str(e['Text'])} for p, e in items.items()}
    if set(result['values']) != set(result['items']):
        result['problems'].append('GetValue on / and GetItems list different paths')
    for path, entry in result['items'].items():
        if entry['Value'] != result['values'][path] or entry['Text'] != result['texts'][path]:
            result['problems'].append('GetItems and GetValue/GetText on / disagree at ' + path)
    for path in MANDATORY:
        if result['items'].get(path, {}).get('Value') is None:
            result['problems'].append('mandatory path missing or invalid: ' + path)
    if result['items'].get('/Connected', {}).get('Value') != 1:
        result['problems'].append('/Connected is not 1')
    try:
        conn.call_blocking(name, '/NoSuchPath', None, 'GetValue', '', [])
        result['problems'].append('GetValue on a missing path did not fail')
    except dbus.exceptions.DBusException as e:
        if e.get_dbus_name() != 'org.freedesktop.DBus.Error.UnknownObject':
            result['problems'].append('missing path answered %s, not UnknownObject' % e.get_dbus_name())
    # DVCC takes a battery as the BMS when /Info/MaxChargeVoltage is valid.
    result['is_bms'] = result['items'].get('/Info/MaxChargeVoltage', {}).get('Value') is not None
    return result


def check_expectations(found, expectations, problems):
    for e in expectations:
        path, _, literal = e.partition('=')
        want = json.loads(literal)
        got = found['items'].get(path, {}).get('Value', 'MISSING')
        if got != want:
            problems.append('%s: expected %r, got %r' % (path, want, got))


def cmd_recognise(args):
    conn = connect()
    names = battery_names(conn)
    out = {'batteries': names, 'problems': []}
    if len(names) != 1:
        out['problems'].append('expected exactly one battery service, found %d' % len(names))
    else:
        found = scan(conn, names[0])
        out.update({k: found[k] for k in ('service', 'device_instance', 'is_bms')})
        out['problems'] += found['problems']
        if not found['is_bms']:
            out['problems'].append('/Info/MaxChargeVoltage is not valid: DVCC would not use it as the BMS')
        check_expectations(found, args.expect, out['problems'])
        out['values'] = {p: found['items'][p]['Value'] for p in args.show}
    return out


def cmd_appear(args):
    DBusGMainLoop(set_as_default=True)
    conn = connect()
    loop = GLib.MainLoop()
    out = {'problems': ['no battery appeared']}

    def owner_changed(name, old, new):
        if not str(name).startswith(BATTERY_PREFIX) or not new:
            return
        # Read at once, as dbusmonitor does: everything must already be there.
        found = scan(conn, str(name))
        out['problems'] = found['problems']
        out['service'] = found['service']
        out['items_at_appearance'] = len(found['items'])
        if len(found['items']) < args.min_items:
            out['problems'].append('only %d items when the name appeared' % len(found['items']))
        loop.quit()

    conn.add_signal_receiver(owner_changed, signal_name='NameOwnerChanged', dbus_interface='org.freedesktop.DBus')
    conn.call_blocking('org.freedesktop.DBus', '/org/freedesktop/DBus', 'org.freedesktop.DBus', 'GetId', '', [])
    with open(args.ready_file, 'w') as f:  # the match rule is in place
        f.write('ready\n')
    GLib.timeout_add(int(args.timeout * 1000), loop.quit)
    loop.run()
    return out


def cmd_signals(args):
    DBusGMainLoop(set_as_default=True)
    conn = connect()
    loop = GLib.MainLoop()
    seen = {'ItemsChanged': [], 'PropertiesChanged': []}

    # dbusmonitor subscribes to both, for every service.
    def items_changed(items, senderId=None):
        for path, changes in items.items():
            seen['ItemsChanged'].append([str(path), unwrap(changes['Value']), str(changes['Text'])])
        check_done()

    def properties_changed(changes, path=None, senderId=None):
        if 'Value' in changes:
            seen['PropertiesChanged'].append([str(path), unwrap(changes['Value']), str(changes.get('Text', ''))])
        check_done()

    def check_done():
        want = ['/CustomName', args.set_custom_name, args.set_custom_name]
        if want in seen['ItemsChanged'] and want in seen['PropertiesChanged']:
            loop.quit()

    conn.add_signal_receiver(properties_changed, dbus_interface=BUSITEM, signal_name='PropertiesChanged',
                             path_keyword='path', sender_keyword='senderId')
    conn.add_signal_receiver(items_changed, dbus_interface=BUSITEM, signal_name='ItemsChanged', path='/',
                             sender_keyword='senderId')
    names = battery_names(conn)
    out = {'problems': []}
    if len(names) != 1:
        out['problems'].append('expected exactly one battery service, found %d' % len(names))
        return out
    # VeDbusItemImport.set_value: proxy.SetValue(wrapped) on an un-introspected proxy, so the
    # call carries no interface; DbusMonitor.set_value names it. Both must work; 0 = accepted.
    item = conn.get_object(names[0], '/CustomName', introspect=False)
    out['set_result'] = int(item.SetValue(wrap(args.set_custom_name)))
    out['read_only_result'] = int(conn.get_object(names[0], '/Soc', introspect=False).SetValue(wrap(50.0)))
    out['invalid_result'] = int(conn.call_blocking(names[0], '/CustomName', BUSITEM, 'SetValue', None, [wrap(None)]))
    out['value_after'] = unwrap(item.GetValue())
    out['text_after'] = str(item.GetText())
    GLib.timeout_add(int(args.timeout * 1000), loop.quit)
    loop.run()
    out['signals'] = seen
    want = ['/CustomName', args.set_custom_name, args.set_custom_name]
    for kind in ('ItemsChanged', 'PropertiesChanged'):
        if want not in seen[kind]:
            out['problems'].append('no %s for /CustomName' % kind)
    if out['value_after'] != args.set_custom_name or out['text_after'] != args.set_custom_name:
        out['problems'].append('GetValue/GetText do not show the name written')
    if out['set_result'] != 0 or out['read_only_result'] != 1 or out['invalid_result'] != 2:
        out['problems'].append('unexpected SetValue results')
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('recognise')
    p.add_argument('--expect', action='append', default=[], help='PATH=JSON value the item must have')
    p.add_argument('--show', action='append', default=[], help='PATH to include in the output')
    p = sub.add_parser('appear')
    p.add_argument('--ready-file', required=True)
    p.add_argument('--min-items', type=int, default=1)
    p.add_argument('--timeout', type=float, default=15.0)
    p = sub.add_parser('signals')
    p.add_argument('--set-custom-name', required=True)
    p.add_argument('--timeout', type=float, default=10.0)
    args = parser.parse_args()
    out = {'recognise': cmd_recognise, 'appear': cmd_appear, 'signals': cmd_signals}[args.command](args)
    print(json.dumps(out, sort_keys=True))
    return 0 if not out['problems'] else 1


if __name__ == '__main__':
    sys.exit(main())
