/**
 * Hosting PVs on a server: a name is hosted once (replacePV swaps the PV and moves its open
 * channels), a PV that only answers RPC needs no value, and close() resolves once every
 * socket is closed.
 */
import assert from "node:assert/strict";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { PvaServer, SharedPV } from "../../../protocol/pva/server/mod.ts";
import { scalar, struct } from "../../../protocol/pvdata/types.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { clientOf, COUNTER_TYPE, counterPv, nextData, nextEvent, startServer } from "./harness.ts";

Deno.test("addPV over a hosted name throws; replacePV hosts the new PV", () => {
  const server = new PvaServer({ config: loopbackConfig(), tcpOnly: true });
  const first = counterPv(1);
  server.addPV("t:x", first);
  assert.throws(() => server.addPV("t:x", counterPv(2)), /a PV named "t:x" is already hosted/);
  assert.equal(server.getPV("t:x"), first);
  const second = counterPv(3);
  server.replacePV("t:x", second);
  assert.equal(server.getPV("t:x"), second);
  assert.ok(first.isOpen, "the old PV is left to its owner");
});

Deno.test("replacePV with the same type: a running monitor follows the new PV", async () => {
  const old = counterPv(1);
  using s = await startServer({ "t:x": old });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("t:x");
    assert.equal((await nextData(sub)).value.value, 1);
    old.post({ value: 2 });
    assert.equal((await nextData(sub)).value.value, 2);
    const next = counterPv(10);
    s.server.replacePV("t:x", next);
    const moved = await nextEvent(sub);
    assert.equal(moved.kind, "data", "the subscription carried on without a disconnect");
    assert.equal(moved.kind === "data" && moved.value.value, 10);
    assert.equal(old.subscriberCount, 0);
    assert.equal(next.subscriberCount, 1);
    old.post({ value: 99 });
    next.post({ value: 11 });
    assert.equal((await nextData(sub)).value.value, 11, "updates come from the new PV only");
    assert.equal((await client.get("t:x")).value.value, 11);
    sub.close();
  } finally {
    client.close();
  }
});

Deno.test("replacePV with another type: the channel is dropped and the client reconnects to it", async () => {
  using s = await startServer({ "t:x": counterPv(1) });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("t:x");
    assert.equal((await nextData(sub)).value.value, 1);
    const other = new SharedPV();
    other.open({ type: struct("other_t", { value: scalar("string") }), value: { value: "new" } });
    s.server.replacePV("t:x", other);
    assert.equal((await nextEvent(sub)).kind, "disconnected");
    const ev = await nextData(sub);
    assert.equal(ev.value.value, "new");
    assert.equal(ev.type.kind === "structure" && ev.type.id, "other_t");
  } finally {
    client.close();
  }
});

Deno.test("a PV that only answers RPC needs no open(); get and info say it has no value", async () => {
  const type = struct("sum_t", { a: scalar("int32"), b: scalar("int32") });
  const rpcOnly = new SharedPV({
    onRpc: (args) => {
      const v = args.value as { a: number; b: number };
      return { type: struct("", { value: scalar("int32") }), value: { value: v.a + v.b } };
    },
  });
  using s = await startServer({ "t:sum": rpcOnly });
  const client = clientOf(s.server);
  try {
    const result = await client.rpc("t:sum", { type, value: { a: 2, b: 3 } }, { timeout: 5000 });
    assert.deepEqual(result.value, { value: 5 });
    await assert.rejects(client.get("t:sum", { timeout: 5000 }), /not open/);
    await assert.rejects(client.info("t:sum", { timeout: 5000 }), /no field type in t:sum/);
  } finally {
    client.close();
  }
});

Deno.test("close() resolves once the listener and every connection are closed", async () => {
  const server = new PvaServer({ config: loopbackConfig(), tcpOnly: true });
  server.addPV("t:x", counterPv());
  await server.start();
  const port = server.tcpPort;
  const raw = await RawPvaClient.connect(port);
  await raw.createChannel("t:x");
  const closing = server.close();
  assert.ok(closing instanceof Promise);
  await closing;
  assert.equal(server.connectionCount, 0);
  assert.deepEqual(server.peers(), []);
  assert.ok(await raw.closesWithin(2000), "the client's connection was not closed");
  await assert.rejects(Deno.connect({ hostname: "127.0.0.1", port }), Deno.errors.ConnectionRefused);
  raw.close();
});

Deno.test("replacePV of a name not hosted yet hosts it", async () => {
  using s = await startServer({});
  const pv = new SharedPV();
  s.server.replacePV("t:new", pv);
  pv.open({ type: COUNTER_TYPE, value: { value: 4 } });
  const client = clientOf(s.server);
  try {
    assert.equal((await client.get("t:new")).value.value, 4, "replacePV of an unhosted name hosts it");
  } finally {
    client.close();
  }
});
