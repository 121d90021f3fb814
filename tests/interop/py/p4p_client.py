"""One p4p client operation on one PV; prints one JSON document per result.

Documents: {"op", "pv", "id", "type", "value"} (type in p4p notation, see catalogue.py), monitor updates add "seq"
and "changed", failures are {"op", "pv", "error"} with exit status 1. Values follow pvastream's Value model: a union
is {"name", "value"}, an any is {"type", "value"}, null when empty. p4p hides which union member is selected, so it
is inferred from the Python value (the first member of a matching kind). p4p has no introspection-only client call,
so `info` performs a get and prints only the type.
"""

import json
import queue
import sys
import time

import numpy as np
from p4p import Type, Value
from p4p.client.thread import Context, Disconnected, Finished, RemoteError

import common

NTURI = 'epics:nt/NTURI:1.0'


KINDS = {bool: '?', int: 'bBhHiIlL', float: 'fd', str: 's'}


def code_of(v):
    """The type p4p gives a Python value put into an any (numpy arrays keep their dtype, which p4p codes mirror)."""
    if isinstance(v, np.ndarray):
        return 'a' + v.dtype.char
    if isinstance(v, list):
        return 'as'
    return {bool: '?', int: 'l', float: 'd', str: 's'}[type(v)]


def member_of(v, members):
    for name, sub in members:
        if isinstance(v, Value):
            if isinstance(sub, tuple) and sub[0] == 'S':
                return name, sub
        elif isinstance(sub, str) and (code_of(v) == sub or (sub in KINDS.get(type(v), ''))):
            return name, sub
    raise ValueError(f'no union member fits {v!r}')


def plain(v, t, encode):
    """A p4p field value as JSON-able data of pvastream's Value model."""
    if t == 'v':
        if v is None:
            return None
        sub = v.type().aspy() if isinstance(v, Value) else code_of(v)
        return {'type': sub, 'value': plain(v, sub, encode)}
    if t == 'av':
        return [plain(e, 'v', encode) for e in v]
    if isinstance(t, str):
        return encode(v)
    kind, type_id, members = t
    if kind == 'S':
        return {name: plain(v[name], sub, encode) for name, sub in members}
    if kind == 'aS':
        return [None if e is None else plain(e, ('S', type_id, members), encode) for e in v]
    if kind == 'U':
        if v is None:
            return None
        name, sub = member_of(v, members)
        return {'name': name, 'value': plain(v, sub, encode)}
    return [plain(e, ('U', type_id, members), encode) for e in v]


def describe(op, pv, value, encode):
    type_spec = value.type().aspy()
    return {'op': op, 'pv': pv, 'id': type_spec[1], 'type': type_spec, 'value': plain(value, type_spec, encode)}


def rpc_argument(pv, args):
    """An NTURI whose query holds the arguments: numbers as doubles, everything else as strings."""
    fields = [(k, 'd' if isinstance(v, (int, float)) else 's') for k, v in args.items()]
    uri = Type([('scheme', 's'), ('authority', 's'), ('path', 's'), ('query', ('S', None, fields))], id=NTURI)
    return uri({'scheme': 'pva', 'path': pv, 'query': args})


def monitor(ctx, args, encode):
    updates = queue.Queue()
    sub = ctx.monitor(args.pv, updates.put, request=args.request or None, notify_disconnect=True)
    deadline = time.monotonic() + args.timeout
    try:
        seq = 0
        while seq < args.count:
            item = updates.get(timeout=max(0.0, deadline - time.monotonic()))
            if isinstance(item, Disconnected):
                continue  # the first event of a notify_disconnect subscription
            if isinstance(item, Exception):
                raise item
            seq += 1
            doc = describe('monitor', args.pv, item, encode)
            doc.update(seq=seq, changed=sorted(item.changedSet()))
            common.emit(doc)
    except queue.Empty:
        raise TimeoutError(f'{args.count} updates not received within {args.timeout}s')
    finally:
        sub.close()


def main():
    args = common.client_args(__doc__)
    encode = common.Encoder(args.max_elements)
    request = args.request or None
    with Context('pva', conf=common.epics_conf(), useenv=False, nt=False) as ctx:
        try:
            if args.op in ('get', 'info'):
                value = ctx.get(args.pv, request=request, timeout=args.timeout)
                doc = describe(args.op, args.pv, value, encode)
                if args.op == 'info':
                    del doc['value']
                common.emit(doc)
            elif args.op == 'put':
                new = json.loads(args.value)
                ctx.put(args.pv, new if isinstance(new, dict) else {'value': new}, request=request,
                        timeout=args.timeout)
                common.emit({'op': 'put', 'pv': args.pv, 'ok': True})
            elif args.op == 'rpc':
                reply = ctx.rpc(args.pv, rpc_argument(args.pv, json.loads(args.value or '{}')), timeout=args.timeout)
                common.emit(describe('rpc', args.pv, reply, encode))
            else:
                monitor(ctx, args, encode)
        except (RemoteError, TimeoutError, Finished, Disconnected) as e:
            common.emit({'op': args.op, 'pv': args.pv, 'error': f'{type(e).__name__}: {e}'})
            sys.exit(1)


if __name__ == '__main__':
    main()
