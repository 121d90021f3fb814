"""Hosts the catalogue (plus an optional JSON spec) with pvapy on loopback, until stdin closes or SIGTERM.

Same PV names and stdin commands as p4p_server.py, within pvapy's means: NTNDArrays are pvapy's own NtNdArray,
an any holding a scalar is set through pvapy's PvScalar classes, only the top structure and its direct
substructures keep their ids, and `add` is served by pvapy's RpcServer. PVs pvapy cannot serve as specified are
left out and listed under "skipped" in the READY line: negative int8 values (pvapy treats int8 as a character) and
`readonly` (pvapy's write callback cannot refuse a put).
"""

import os

import pvaccess as pva

import catalogue
import common

SCALAR_TYPES = {
    '?': pva.BOOLEAN, 'b': pva.BYTE, 'B': pva.UBYTE, 'h': pva.SHORT, 'H': pva.USHORT, 'i': pva.INT, 'I': pva.UINT,
    'l': pva.LONG, 'L': pva.ULONG, 'f': pva.FLOAT, 'd': pva.DOUBLE, 's': pva.STRING,
}
VARIANT_SCALARS = {bool: pva.PvBoolean, int: pva.PvLong, float: pva.PvDouble, str: pva.PvString}
UNSERVABLE = {'readonly': 'pvapy cannot reject puts'}


def pva_type(t):
    """p4p type notation to pvapy's structure-dict notation."""
    if t == 'v':
        return ()
    if t == 'av':
        return [()]
    if isinstance(t, str):
        return [SCALAR_TYPES[t[1]]] if t.startswith('a') else SCALAR_TYPES[t]
    kind, _, members = t
    fields = {name: pva_type(sub) for name, sub in members}
    return {'S': fields, 'aS': [fields], 'U': (fields,), 'aU': [(fields,)]}[kind]


def pva_value(v, t):
    """A catalogue value in the form pvapy accepts for a field of type t."""
    if t == 'v':
        return VARIANT_SCALARS[type(v)](v)
    if isinstance(t, str):
        return v
    kind, _, members = t
    subs = dict(members)
    if kind == 'S':
        return {name: pva_value(x, subs[name]) for name, x in v.items()}
    if kind == 'aS':
        return [pva_value(e, ('S', None, members)) for e in v]
    if kind == 'U':
        name, x = v
        return {name: pva_value(x, subs[name])}
    raise ValueError(f'pvapy peer cannot set {kind} values')


def pv_object(spec):
    type_spec, value = spec
    _, type_id, members = type_spec
    ids = {name: sub[1] for name, sub in members if isinstance(sub, tuple) and sub[0] == 'S' and sub[1]}
    obj = pva.PvObject(pva_type(type_spec), {}, type_id or 'structure', ids)
    for name, sub in members:
        if name in value:
            obj[name] = pva_value(value[name], sub)
    return obj


def nd_array(spec):
    """The catalogue image as pvapy's own NtNdArray, filled the way pvapy's adSimServer fills its frames."""
    value = spec[1]
    obj = pva.NtNdArray()
    for key in ('compressedSize', 'uncompressedSize', 'uniqueId', 'descriptor'):
        obj[key] = value[key]
    obj['dimension'] = [pva.PvDimension(d['size'], d['offset'], d['fullSize'], d['binning'], d['reverse'])
                        for d in value['dimension']]
    stamp = value['dataTimeStamp']
    obj['dataTimeStamp'] = pva.PvTimeStamp(stamp['secondsPastEpoch'], stamp['nanoseconds'], stamp['userTag'])
    obj['timeStamp'] = obj['dataTimeStamp']
    obj['attribute'] = [pva.NtAttribute(a['name'], VARIANT_SCALARS[type(a['value'])](a['value']))
                        for a in value['attribute']]
    name, pixels = value['value']
    obj['value'] = {name: pixels}
    return obj


def add(request):
    query = request['query']
    return pv_object(catalogue.nt_scalar('d', float(query['a']) + float(query['b'])))


def main():
    args, specs = common.server_args(__doc__)
    common.apply_env()
    objects, skipped = {}, {}
    for name, spec in specs.items():
        if name in UNSERVABLE:
            skipped[name] = UNSERVABLE[name]
            continue
        try:
            objects[name] = (nd_array if spec[0] is catalogue.NDARRAY else pv_object)(spec)
        except (pva.PvaException, ValueError) as e:
            skipped[name] = str(e)
    server = pva.PvaServer()
    for name, obj in objects.items():
        server.addRecord(args.prefix + name, obj)

    adder = pva.RpcServer()
    adder.registerService(args.prefix + 'add', add)
    adder.startListener()

    def burst(n):
        counter = objects['counter']
        for _ in range(int(n)):
            counter['value'] = counter['value'] + 1
            server.update(args.prefix + 'counter', counter)
        return counter['value']

    try:
        common.serve({'tcp_port': int(os.environ.get('EPICS_PVAS_SERVER_PORT', 5075)),
                      'udp_port': int(os.environ.get('EPICS_PVAS_BROADCAST_PORT', 5076)),
                      'prefix': args.prefix, 'pvs': sorted([*objects, 'add']), 'skipped': skipped}, {'burst': burst})
    finally:
        adder.stopListener()
        server.stop()


if __name__ == '__main__':
    main()
