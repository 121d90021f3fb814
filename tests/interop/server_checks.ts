/**
 * The checks both server interop tests (p4p, pvapy) run against our server through a client
 * plan: what the peer reads must be what we host, what it writes must land in our PVs, and
 * what it monitors must arrive complete and in order.
 *
 * @module
 */
import assert from "node:assert/strict";
import { type PeerType, peerType, peerValue, type PeerView } from "./peer_values.ts";
import { type Hosted, PREFIX } from "./hosted.ts";
import type { Plan, StepDoc } from "./plan.ts";

/** A hosted PV's current type and value as the peer should print them. */
export function expected(hosted: Hosted, name: string, view: PeerView): { type: PeerType; value: unknown } {
  const pv = hosted.pvs.get(name)!;
  return { type: peerType(pv.type, view), value: peerValue(pv.type, pv.value, view) };
}

/** The peer's get (and info) of `name` show exactly our type and value. */
export async function checkGet(plan: Plan, hosted: Hosted, name: string, view: PeerView): Promise<void> {
  const want = expected(hosted, name, view);
  const got = await plan.run({ op: "get", pv: PREFIX + name });
  assert.deepEqual(got.type, want.type, `${name}: type`);
  assert.deepEqual(got.value, want.value, `${name}: value`);
  const info = await plan.run({ op: "info", pv: PREFIX + name });
  assert.deepEqual(info.type, want.type, `${name}: info`);
}

/** The peer puts `value` into `name`'s value field and our PV then holds `stored`. */
export async function checkPut(
  plan: Plan,
  hosted: Hosted,
  name: string,
  value: unknown,
  stored: unknown,
): Promise<void> {
  await plan.run({ op: "put", pv: PREFIX + name, value });
  assert.deepEqual(hosted.pvs.get(name)!.value.value, stored);
}

/**
 * The peer monitors the counter PV with `request` while we post `count` increments, at most
 * `window` ahead of what the peer reported receiving (a window no larger than the request's
 * queueSize, so our queue never has to squash); every increment must arrive, in order.
 */
export async function checkMonitor(
  plan: Plan,
  hosted: Hosted,
  opts: { request: string; count: number; window: number; report: number },
): Promise<void> {
  const pv = hosted.pvs.get("counter")!;
  const start = pv.value.value as number;
  let posted = 0;
  let received = 0;
  const postAhead = () => {
    while (posted < opts.count && posted - received < opts.window) pv.post({ value: start + ++posted });
  };
  const done = await plan.run({
    op: "monitor",
    pv: PREFIX + "counter",
    request: opts.request,
    count: opts.count,
    field: "value",
    report: opts.report,
    timeout: 60,
  }, (e: StepDoc) => {
    if (e.event === "subscribed") assert.equal(e.initial, start);
    else received = e.received as number;
    postAhead();
  });
  const values = done.values as number[];
  assert.equal(values.length, opts.count);
  const gaps = values.filter((v, i) => v !== start + 1 + i);
  assert.deepEqual(gaps, [], `first out-of-order values (of ${values.length})`);
}

/**
 * Three peer monitors of the small NTNDArray join a distributor with trigger uniqueId; after
 * all have subscribed we post uniqueId 1..30. Client k (in subscription order) must see the
 * initial frame (0) and then k, k+3, k+6, ...
 */
export async function checkDistributor(plan: Plan, hosted: Hosted, request: unknown): Promise<void> {
  const pv = hosted.pvs.get("image:dist")!;
  const clients = 3;
  const updates = 30;
  const done = await plan.run({
    op: "distribute",
    pv: PREFIX + "image:dist",
    request,
    clients,
    counts: new Array(clients).fill(1 + updates / clients),
    field: "uniqueId",
    timeout: 30,
  }, () => {
    for (let id = 1; id <= updates; id++) pv.post({ uniqueId: id });
  });
  const want = Array.from(
    { length: clients },
    (_, k) => [0, ...Array.from({ length: updates / clients }, (_, i) => k + 1 + clients * i)],
  );
  assert.deepEqual(done.received, want);
}
