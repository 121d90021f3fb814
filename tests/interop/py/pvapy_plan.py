"""A plan (see plan.py) of pvapy client steps: get, info (pvapy's introspection call), put, rpc (as
pvapy_client.py), monitor and distribute; each subscription has a Channel of its own. Optional step keys:
"request" (a pvRequest string, handed to pvDataCPP's parser), "timeout" (seconds), "maxElements".
The EPICS settings come from the environment (pvapy reads them once).
"""

import queue
import time

import pvaccess as pva

import common
import plan
import pvapy_client

channels = {}


def channel(pv, timeout):
    """One Channel per PV for get, put and info, reused across steps."""
    if pv not in channels:
        channels[pv] = pva.Channel(pv, pva.PVA)
    channels[pv].setTimeout(timeout)
    return channels[pv]


def subscribe(step, deadline):
    updates = queue.Queue()
    ch = pva.Channel(step['pv'], pva.PVA)
    # pvapy hands every update in the same object: copy it before the next one arrives.
    ch.subscribe('plan', lambda obj: updates.put(obj.copy()))
    ch.startMonitor(step.get('request', ''))

    def next_update(deadline):
        return updates.get(timeout=max(0.0, deadline - time.monotonic()))

    def close():
        ch.stopMonitor()
        ch.unsubscribe('plan')
    return next_update(deadline), next_update, close


def run(step, emit):
    encode = common.Encoder(step.get('maxElements', 10000))
    timeout = step.get('timeout', 10.0)
    op, pv = step['op'], step['pv']
    if op == 'get':
        return pvapy_client.describe(op, pv, channel(pv, timeout).get(step.get('request', '')), encode)
    if op == 'info':
        return {'op': op, 'pv': pv, 'id': None,
                'type': pvapy_client.type_of(channel(pv, timeout).getIntrospectionDict())}
    if op == 'put':
        pvapy_client.put(channel(pv, timeout), step['value'], step.get('request', ''))
        return {'ok': True}
    if op == 'rpc':
        client = pva.RpcClient(pv)
        client.setTimeout(timeout)
        return pvapy_client.describe(op, pv, client.invoke(pvapy_client.rpc_argument(pv, step['args'])), encode)
    if op == 'monitor':
        return plan.monitor(subscribe, step, encode, emit)
    if op == 'distribute':
        return plan.distribute(subscribe, step, encode, emit)
    raise ValueError(f'unknown op {op}')


if __name__ == '__main__':
    common.apply_env()
    plan.main('pvapy', run)
