"""A plan (see plan.py) of p4p client steps: get, info, put, rpc (as p4p_client.py; p4p has no
introspection-only call, so info is a get printing only the type), monitor and distribute.

Optional step keys: "request" (a pvRequest string, or an object standing for the request structure, its
leaves strings, for requests p4p's parser rejects such as `_[pydistributor=...]`), "conf" (EPICS_PVA*
settings on top of the environment's), "timeout" (seconds), "maxElements" (see common.Encoder).
"""

import json
import queue
import time

from p4p import Type, Value
from p4p.client.thread import Context, Disconnected

import common
import p4p_client
import plan

contexts = {}


def context(step):
    """One client context per distinct configuration, reused across steps."""
    conf = dict(common.epics_conf(), **step.get('conf', {}))
    key = json.dumps(conf, sort_keys=True)
    if key not in contexts:
        contexts[key] = Context('pva', conf=conf, useenv=False, nt=False)
    return contexts[key]


def request_of(spec):
    """A pvRequest string as is; an object as the structure it describes."""
    if not isinstance(spec, dict):
        return spec or None

    def members(d):
        return [(k, ('S', None, members(v)) if isinstance(v, dict) else 's') for k, v in d.items()]
    return Value(Type(members(spec)), spec)


def subscribe(step, deadline):
    updates = queue.Queue()
    sub = context(step).monitor(step['pv'], updates.put, request=request_of(step.get('request')),
                                notify_disconnect=True)

    def next_update(deadline):
        while True:
            item = updates.get(timeout=max(0.0, deadline - time.monotonic()))
            if isinstance(item, Disconnected):
                continue  # the first event of a notify_disconnect subscription
            if isinstance(item, Exception):
                raise item
            return item
    return next_update(deadline), next_update, sub.close


def run(step, emit):
    ctx = context(step)
    encode = common.Encoder(step.get('maxElements', 10000))
    timeout = step.get('timeout', 10.0)
    op, pv = step['op'], step['pv']
    if op in ('get', 'info'):
        doc = p4p_client.describe(op, pv, ctx.get(pv, request=request_of(step.get('request')), timeout=timeout),
                                  encode)
        if op == 'info':
            del doc['value']
        return doc
    if op == 'put':
        new = step['value']
        ctx.put(pv, new if isinstance(new, dict) else {'value': new}, timeout=timeout)
        return {'ok': True}
    if op == 'rpc':
        return p4p_client.describe(op, pv, ctx.rpc(pv, p4p_client.rpc_argument(pv, step['args']), timeout=timeout),
                                   encode)
    if op == 'monitor':
        return plan.monitor(subscribe, step, encode, emit)
    if op == 'distribute':
        return plan.distribute(subscribe, step, encode, emit)
    raise ValueError(f'unknown op {op}')


if __name__ == '__main__':
    try:
        plan.main('p4p', run)
    finally:
        for ctx in contexts.values():
            ctx.close()
