/**
 * EventInbox, the queue both clients' subscriptions hand events through: order of items,
 * error and end; waiting next() calls; what end() and fail() keep and drop.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { EventInbox } from "../../protocol/event_inbox.ts";

/** Everything next() yields until done, and the error it threw on the way, if any. */
async function drain<T>(inbox: EventInbox<T>): Promise<{ items: T[]; error: unknown }> {
  const items: T[] = [];
  let error: unknown = null;
  for (;;) {
    try {
      const r = await inbox.next();
      if (r.done) return { items, error };
      items.push(r.value);
    } catch (e) {
      error = e;
    }
  }
}

Deno.test("event inbox: items come out in order, then the error once, then done", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(fc.integer()), fc.option(fc.string()), async (xs, message) => {
      const inbox = new EventInbox<number>();
      for (const x of xs) inbox.push(x);
      const error = message === null ? null : new Error(message);
      assert.equal(inbox.end(error), true);
      assert.equal(inbox.end(), false);
      const out = await drain(inbox);
      assert.deepEqual(out.items, xs);
      assert.equal(out.error, error);
    }),
  );
});

Deno.test("event inbox: a waiting next() wakes on push and on end", async () => {
  const inbox = new EventInbox<string>();
  const first = inbox.next();
  inbox.push("a");
  assert.deepEqual(await first, { value: "a", done: false });
  const second = inbox.next();
  inbox.end();
  assert.deepEqual(await second, { value: undefined, done: true });
});

Deno.test("event inbox: fail drops what is queued and replaces a pending error; end keeps the first", async () => {
  const failed = new EventInbox<number>();
  failed.push(1);
  failed.end(new Error("first"));
  assert.equal(failed.fail(new Error("abort")), false);
  assert.deepEqual(await drain(failed), { items: [], error: new Error("abort") });

  const ended = new EventInbox<number>();
  ended.push(1);
  ended.end(new Error("first"));
  ended.end(new Error("second"));
  assert.deepEqual(await drain(ended), { items: [1], error: new Error("first") });
});

Deno.test("event inbox: onTake sees each item as next() takes it, not before", async () => {
  const taken: number[] = [];
  const inbox = new EventInbox<number>({ onTake: (x) => taken.push(x) });
  inbox.push(1);
  inbox.push(2);
  assert.deepEqual(taken, []);
  assert.deepEqual(inbox.queued, [1, 2]);
  await inbox.next();
  assert.deepEqual(taken, [1]);
  assert.deepEqual(inbox.queued, [2]);
  assert.equal(inbox.last, 2);
});
