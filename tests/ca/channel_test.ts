/**
 * Channels and subscriptions against a scripted server: a channel the server drops comes
 * back, a refused one is retried slowly, an abort or a client close ends subscriptions and
 * releases what they held on the server.
 */
import assert from "node:assert/strict";
import { CaError, CaTimeoutError } from "../../protocol/ca/errors.ts";
import { FakeCaServer, timeDoubleReply } from "../support/fake_ca_server.ts";
import { expectEvent, fakeServerClient, until } from "./helpers.ts";

Deno.test("ca channel: a channel the server drops comes back on the same circuit", async () => {
  await using server = new FakeCaServer({ names: ["drop:x"] });
  const client = fakeServerClient([server]);
  try {
    const sub = client.monitor("drop:x");
    await expectEvent(sub, "data");
    await server.dropChannel(server.subscriptions[0]);
    assert.match((await expectEvent(sub, "disconnected")).reason, /dropped/);
    await expectEvent(sub, "connected");
    await expectEvent(sub, "data");
    assert.equal(server.accepted, 1);
    assert.equal(server.createRequests.get("drop:x"), 2);
  } finally {
    client.close();
  }
});

Deno.test("ca channel: a refused channel is retried about once a second, not in a loop", async () => {
  await using server = new FakeCaServer({ names: ["no:x"], refuse: ["no:x"] });
  const client = fakeServerClient([server]);
  try {
    await assert.rejects(client.get("no:x", { timeout: 1500 }), CaTimeoutError);
    const tries = server.createRequests.get("no:x") ?? 0;
    assert.ok(tries >= 1 && tries <= 3, `${tries} CREATE_CHAN requests in 1.5 s`);
  } finally {
    client.close();
  }
});

Deno.test("ca monitor: an abort ends the iteration with its reason and releases the channel", async () => {
  await using server = new FakeCaServer({ names: ["abort:x"] });
  const client = fakeServerClient([server]);
  try {
    const stop = new AbortController();
    const sub = client.monitor("abort:x", { signal: stop.signal });
    await expectEvent(sub, "data");
    stop.abort(new Error("enough"));
    await assert.rejects(sub.next(), /enough/);
    assert.deepEqual(await sub.next(), { value: undefined, done: true });
    await until(() => server.released.channels === 1, 2000, "CLEAR_CHANNEL");
    assert.equal(server.released.subscriptions, 1);
    // Closing the client ends the others.
    const other = client.monitor("abort:x");
    await expectEvent(other, "data");
    client.close();
    assert.deepEqual(await other.next(), { value: undefined, done: true });
    await assert.rejects(client.get("abort:x"), CaError);
  } finally {
    client.close();
  }
});

Deno.test("ca monitor: a full queue keeps the newest update and counts those it replaced", async () => {
  await using server = new FakeCaServer({ names: ["fast:x"] });
  const client = fakeServerClient([server]);
  try {
    const sub = client.monitor("fast:x", { queueSize: 2 });
    await until(() => server.subscriptions.length === 1, 3000, "EVENT_ADD");
    const req = server.subscriptions[0];
    const sent = [2, 3, 4, 5, 6, 7];
    for (const x of sent) await req.send(timeDoubleReply(req, x));
    // A read on the same circuit returns after every update sent before it was dispatched.
    await client.get("fast:x");
    // The first reply (1.5) and the updates, nobody reading: two queued, the rest folded in.
    const first = await expectEvent(sub, "data");
    const second = await expectEvent(sub, "data");
    assert.deepEqual([first.value.value, first.overrun], [1.5, 0]);
    assert.equal(second.value.value, sent.at(-1));
    assert.equal(1 + second.overrun, sent.length);
    sub.close();
  } finally {
    client.close();
  }
});
