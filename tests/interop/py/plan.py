"""The step loop and the subscription steps shared by the client plans (p4p_plan.py, pvapy_plan.py).

A plan reads steps from stdin, one JSON object a line, each with a number "step" and an "op", and prints
JSON documents carrying the same "step": events while a step runs, then its result; a failed step prints
{"step", "error"} and the plan goes on. It prints READY first, like the peer servers.

Subscription steps take a `subscribe(step, deadline)` from the plan that opens one subscription, waits for
its first update and returns (first, next_update, close): next_update(deadline) returns the next update.
"""

import json
import sys
import time

import common


def main(peer, run):
    """Runs `run(step, emit)` for every step on stdin and prints its result."""
    print('READY ' + json.dumps({'peer': peer}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        step = json.loads(line)

        def emit(doc):
            common.emit(dict(doc, step=step['step']))
        try:
            emit(run(step, emit))
        except Exception as e:  # a failed step is a result, not the end of the plan
            emit({'error': f'{type(e).__name__}: {e}'})


def deadline_of(step):
    return time.monotonic() + step.get('timeout', 10.0)


def monitor(subscribe, step, encode, emit):
    """Collects "count" updates of "field": prints "subscribed" (with the first value), "progress" every
    "report" updates (so the test can pace its posts), and returns every value after the first."""
    deadline = deadline_of(step)
    first, next_update, close = subscribe(step, deadline)
    try:
        emit({'event': 'subscribed', 'initial': encode(first[step['field']])})
        values = []
        while len(values) < step['count']:
            values.append(encode(next_update(deadline)[step['field']]))
            if len(values) % step.get('report', 100) == 0:
                emit({'event': 'progress', 'received': len(values)})
        return {'values': values}
    finally:
        close()


def distribute(subscribe, step, encode, emit):
    """Opens "clients" subscriptions one after the other (each has its first update before the next opens),
    prints "subscribed", then collects "counts"[k] values of "field" (the first included) for client k."""
    deadline = deadline_of(step)
    subs = []
    try:
        for _ in range(step['clients']):
            subs.append(subscribe(step, deadline))
        emit({'event': 'subscribed'})
        received = []
        for (first, next_update, _), count in zip(subs, step['counts']):
            values = [encode(first[step['field']])]
            while len(values) < count:
                values.append(encode(next_update(deadline)[step['field']]))
            received.append(values)
        return {'received': received}
    finally:
        for _, _, close in subs:
            close()
