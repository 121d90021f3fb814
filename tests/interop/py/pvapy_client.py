"""One pvapy client operation on one PV; prints one JSON document per result, shaped like p4p_client.py's.

pvapy shows neither structure ids (they print as null) nor which monitor fields changed, presents int8 scalars
as characters (negative ones fail to decode) and wraps a scalar held by an any in a structure {value}: such an
any is reported as the scalar.
"""

import json
import queue
import sys
import time

import numpy as np
import pvaccess as pva

import common

SCALAR_CODES = {
    pva.BOOLEAN: '?', pva.BYTE: 'b', pva.UBYTE: 'B', pva.SHORT: 'h', pva.USHORT: 'H', pva.INT: 'i',
    pva.UINT: 'I', pva.LONG: 'l', pva.ULONG: 'L', pva.FLOAT: 'f', pva.DOUBLE: 'd', pva.STRING: 's',
}
NTURI = 'epics:nt/NTURI:1.0'


def type_of(t):
    """pvapy's introspection notation to p4p's (see catalogue.py)."""
    if isinstance(t, tuple):
        return ('U', None, [(k, type_of(v)) for k, v in t[0].items()]) if t else 'v'
    if isinstance(t, list):
        element = type_of(t[0])
        if isinstance(element, str):
            return 'a' + element
        return ('a' + element[0], None, element[2])
    if isinstance(t, dict):
        return ('S', None, [(k, type_of(v)) for k, v in t.items()])
    return SCALAR_CODES[t]


def plain(v, t, encode):
    """A pvapy field value (from toDict) as JSON-able data of pvastream's Value model."""
    if t == '?' or t == 'a?':
        return encode(v.astype(bool) if isinstance(v, np.ndarray) else bool(v))
    if t == 'b' and isinstance(v, str):
        return int.from_bytes(v.encode('latin-1'), 'little', signed=True)
    if t in ('v', 'av'):
        return None if t == 'v' and v is None else (
            [plain(e, 'v', encode) for e in v] if t == 'av' else variant(v, encode))
    if isinstance(t, str):
        return encode(v)
    kind, _, members = t
    subs = dict(members)
    if kind == 'S':
        return {name: plain(v[name], subs[name], encode) for name, _ in members}
    if kind == 'aS':
        return [plain(e, ('S', None, members), encode) for e in v]
    if kind == 'U':
        return union(v, subs, encode)
    return [union(e, subs, encode) for e in v]


def union(v, subs, encode):
    values, _ = v
    if not values:
        return None
    (name, x), = values.items()
    return {'name': name, 'value': plain(x, subs[name], encode)}


def variant(v, encode):
    values, types = v
    if not types:
        return None
    t = type_of(types)
    if list(types) == ['value'] and isinstance(t[2][0][1], str):
        t = t[2][0][1]  # pvapy's wrapping of a scalar or scalar array
        return {'type': t, 'value': plain(values['value'], t, encode)}
    return {'type': t, 'value': plain(values, t, encode)}


def describe(op, pv, obj, encode):
    t = type_of(obj.getIntrospectionDict())
    return {'op': op, 'pv': pv, 'id': None, 'type': t, 'value': plain(obj.toDict(), t, encode)}


def monitor(channel, args, encode):
    updates = queue.Queue()
    # pvapy hands every update in the same object: copy it before the next one arrives.
    channel.subscribe('peer', lambda obj: updates.put(obj.copy()))
    channel.startMonitor(args.request)
    deadline = time.monotonic() + args.timeout
    try:
        for seq in range(1, args.count + 1):
            obj = updates.get(timeout=max(0.0, deadline - time.monotonic()))
            common.emit(dict(describe('monitor', args.pv, obj, encode), seq=seq))
    except queue.Empty:
        raise TimeoutError(f'{args.count} updates not received within {args.timeout}s')
    finally:
        channel.stopMonitor()
        channel.unsubscribe('peer')


def rpc_argument(pv, query):
    """An NTURI whose query holds the arguments: numbers as doubles, everything else as strings."""
    fields = {k: pva.DOUBLE if isinstance(v, (int, float)) else pva.STRING for k, v in query.items()}
    return pva.PvObject({'scheme': pva.STRING, 'authority': pva.STRING, 'path': pva.STRING, 'query': fields},
                        {'scheme': 'pva', 'path': pv, 'query': query}, NTURI)


def rpc(args, encode):
    client = pva.RpcClient(args.pv)
    client.setTimeout(args.timeout)
    reply = client.invoke(rpc_argument(args.pv, json.loads(args.value or '{}')))
    common.emit(describe('rpc', args.pv, reply, encode))


def put(channel, new, request):
    """Puts a dict of fields, or a bare value into the "value" field."""
    if isinstance(new, dict):
        template = channel.get('')
        template.set(new)
        channel.put(template, request)
    else:
        channel.put(new, request or 'field(value)')


def main():
    args = common.client_args(__doc__)
    common.apply_env()
    encode = common.Encoder(args.max_elements)
    try:
        if args.op == 'rpc':
            rpc(args, encode)
            return
        channel = pva.Channel(args.pv, pva.PVA)
        channel.setTimeout(args.timeout)
        if args.op == 'get':
            common.emit(describe('get', args.pv, channel.get(args.request), encode))
        elif args.op == 'info':
            t = type_of(channel.getIntrospectionDict())
            common.emit({'op': 'info', 'pv': args.pv, 'id': None, 'type': t})
        elif args.op == 'put':
            put(channel, json.loads(args.value), args.request)
            common.emit({'op': 'put', 'pv': args.pv, 'ok': True})
        else:
            monitor(channel, args, encode)
    except (pva.PvaException, TimeoutError, UnicodeDecodeError) as e:
        common.emit({'op': args.op, 'pv': args.pv, 'error': f'{type(e).__name__}: {e}'})
        sys.exit(1)


if __name__ == '__main__':
    main()
