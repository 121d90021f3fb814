/**
 * A SharedPV's life as a mirror sees it: callbacks on its first and last subscriber, a
 * re-open with the same type that keeps the subscribers (another type ends them), and
 * overrun bits forwarded from upstream with a post.
 */
import assert from "node:assert/strict";
import { SharedPV } from "../../../protocol/pva/server/mod.ts";
import { BitSet } from "../../../protocol/pvdata/bitset.ts";
import { bitOf } from "../../../protocol/pvdata/partial.ts";
import { scalar, struct } from "../../../protocol/pvdata/types.ts";
import { clientOf, COUNTER_TYPE, nextData, nextEvent, startServer } from "./harness.ts";
import { within } from "../../support/within.ts";

/** Resolves when `check` holds, polling every few milliseconds; rejects after `ms`. */
async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  await within(
    (async () => {
      while (!check()) await new Promise((r) => setTimeout(r, 5));
    })(),
    ms,
    what,
  );
}

Deno.test("onFirstSubscriber and onLastSubscriber: once per transition, with real clients", async () => {
  const events: string[] = [];
  const pv = new SharedPV({
    onFirstSubscriber: (p) => events.push(`first:${p.subscriberCount}`),
    onLastSubscriber: (p) => events.push(`last:${p.subscriberCount}`),
  });
  pv.open({ type: COUNTER_TYPE });
  using s = await startServer({ "t:m": pv });
  const client = clientOf(s.server);
  try {
    const a = client.monitor("t:m");
    await nextData(a);
    const b = client.monitor("t:m");
    await nextData(b);
    assert.deepEqual(events, ["first:1"]);
    a.close();
    await until(() => pv.subscriberCount === 1, 5000, "the first monitor to end");
    assert.deepEqual(events, ["first:1"]);
    b.close();
    await until(() => events.length === 2, 5000, "onLastSubscriber");
    assert.deepEqual(events, ["first:1", "last:0"]);
    const c = client.monitor("t:m");
    await nextData(c);
    assert.deepEqual(events, ["first:1", "last:0", "first:1"]);
    pv.close();
    assert.deepEqual(events, ["first:1", "last:0", "first:1", "last:0"], "closing the PV ends the last one");
  } finally {
    client.close();
  }
});

Deno.test("re-open with the same type keeps subscriptions (new value in full); another type ends them", async () => {
  const pv = new SharedPV();
  pv.open({ type: COUNTER_TYPE, value: { value: 1, note: "a" } });
  using s = await startServer({ "t:r": pv });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("t:r");
    assert.equal((await nextData(sub)).value.value, 1);
    pv.open({ type: COUNTER_TYPE, value: { value: 7 } });
    const ev = await nextEvent(sub);
    assert.equal(ev.kind, "data", "the subscription survived the re-open");
    assert.deepEqual(ev.kind === "data" && ev.value, { value: 7, note: "" }, "members not given are reset");
    assert.equal(pv.subscriberCount, 1);

    pv.open({ type: struct("other_t", { value: scalar("float64") }), value: { value: 0.5 } });
    assert.equal(pv.subscriberCount, 0, "a new type ends the subscriptions");
    const end = await within(sub.next(), 5000, "the end of the subscription");
    assert.equal(end.done, true, "the server ended the monitor");
  } finally {
    client.close();
  }
});

Deno.test("post(value, { changed, overrun }): a mirror forwards its upstream's overrun bits", async () => {
  const pv = new SharedPV();
  pv.open({ type: COUNTER_TYPE });
  using s = await startServer({ "t:o": pv });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("t:o");
    await nextData(sub);
    const value = bitOf(COUNTER_TYPE, "value");
    pv.post({ value: 5, note: "x" }, { changed: BitSet.of(value), overrun: BitSet.of(value) });
    const ev = await nextData(sub);
    assert.equal(ev.value.value, 5);
    assert.deepEqual([...ev.changed], [value]);
    assert.deepEqual([...ev.overrun], [value]);
    pv.post({ value: 6 });
    assert.deepEqual([...(await nextData(sub)).overrun], [], "an ordinary post carries no overrun");
  } finally {
    client.close();
  }
});
