/**
 * What the server shows about its clients: the connected peers with their channels, each
 * monitor's queue and counters (members of a distributor group one by one), and the
 * connect/disconnect callbacks.
 */
import assert from "node:assert/strict";
import type { PeerInfo } from "../../../protocol/pva/server/mod.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { within } from "../../support/within.ts";
import { Command } from "../../../protocol/pva/header.ts";
import { clientOf, counterPv, framePv, nextData, rawMonitor, readUpdate, startServer } from "./harness.ts";

Deno.test("peers(): address, port, user, host, method and open channels of each client", async () => {
  using s = await startServer({ "t:a": counterPv(), "t:b": counterPv() });
  const alice = await RawPvaClient.connect(s.port, { user: "alice", host: "lab1" });
  const anon = await RawPvaClient.connect(s.port);
  try {
    await alice.createChannel("t:a", 1);
    await alice.createChannel("t:b", 2);
    await anon.ping();
    const peers = s.server.peers().sort((x, y) => x.method.localeCompare(y.method));
    assert.equal(peers.length, 2);
    const [a, c] = peers;
    assert.equal(a.method, "anonymous");
    assert.deepEqual(a.channels, []);
    assert.equal(c.method, "ca");
    assert.equal(c.user, "alice");
    assert.equal(c.host, "lab1");
    assert.equal(c.address, "127.0.0.1");
    assert.deepEqual(c.channels.sort(), ["t:a", "t:b"]);
    assert.notEqual(a.port, c.port, "each peer has its own TCP port");
    assert.ok(c.port > 0);
  } finally {
    alice.close();
    anon.close();
  }
});

Deno.test("subscribers(): queue fill, sent and overrun counts per client", async () => {
  const pv = counterPv();
  using s = await startServer({ "t:c": pv });
  // A pipelined window of 1 is used by the first update: later posts wait in the queue of 3.
  const held = await rawMonitor(s.port, "t:c", "record[queueSize=3,pipeline=true]", 1);
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("t:c", { queueSize: 8 });
    await nextData(sub);
    for (let v = 1; v <= 5; v++) pv.post({ value: v });
    for (let v = 1; v <= 5; v++) assert.equal((await nextData(sub)).value.value, v);
    const infos = pv.subscribers();
    assert.equal(infos.length, 2);
    const stuck = infos.find((i) => i.queueSize === 3)!;
    const free = infos.find((i) => i.queueSize !== 3)!;
    assert.deepEqual(
      { queued: stuck.queued, sent: stuck.sent, overruns: stuck.overruns, running: stuck.running },
      { queued: 3, sent: 1, overruns: 2, running: true },
    );
    assert.equal(stuck.channel, "t:c");
    assert.equal(stuck.group, null);
    assert.equal(free.sent, 6);
    assert.equal(free.overruns, 0);
    assert.equal(free.queued, 0);
    assert.equal(pv.stats.overruns, 2, "the PV's counters are the sums");
    sub.close();
  } finally {
    held.raw.close();
    client.close();
  }
});

Deno.test("subscribers(): the members of a distributor group are listed one by one", async () => {
  const pv = framePv();
  using s = await startServer({ "t:frame": pv });
  const request = "_[distributor=group:g1;trigger:uniqueId]";
  const members = [
    await rawMonitor(s.port, "t:frame", request),
    await rawMonitor(s.port, "t:frame", request),
  ];
  try {
    assert.equal(pv.subscriberCount, 2);
    assert.deepEqual(pv.subscribers().map((i) => i.group), ["g1", "g1"]);
    for (let id = 1; id <= 4; id++) pv.post({ uniqueId: id });
    for (const [k, m] of members.entries()) {
      let prev = m.first;
      for (const expected of [1 + k, 3 + k]) {
        prev = readUpdate(await m.raw.reply(Command.MONITOR), m.type, prev).value;
        assert.equal(prev.uniqueId, expected);
      }
    }
    assert.deepEqual(pv.subscribers().map((i) => i.sent), [3, 3], "initial value plus two each");
  } finally {
    for (const m of members) m.raw.close();
  }
});

Deno.test("onConnect and onDisconnect: once per validated client, with its identity", async () => {
  const connected: PeerInfo[] = [];
  const gone = Promise.withResolvers<PeerInfo>();
  using s = await startServer({ "t:a": counterPv() }, {
    server: { onConnect: (peer) => connected.push(peer), onDisconnect: (peer) => gone.resolve(peer) },
  });
  const raw = await RawPvaClient.connect(s.port, { user: "bob", host: "lab2" });
  await raw.ping();
  assert.equal(connected.length, 1);
  assert.equal(connected[0].user, "bob");
  assert.equal(connected[0].host, "lab2");
  raw.close();
  const peer = await within(gone.promise, 5000, "onDisconnect");
  assert.equal(peer.user, "bob");
  assert.equal(peer.port, connected[0].port);
  assert.equal(connected.length, 1);
});
