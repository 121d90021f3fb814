/**
 * The dynamic source: names the server does not host are asked of a callback (which may
 * answer later), for UDP search, search over TCP and CREATE_CHANNEL alike.
 */
import assert from "node:assert/strict";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { PvaServer, type PVSource, type SharedPV } from "../../../protocol/pva/server/mod.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { UdpPeer } from "../../support/udp_peer.ts";
import { clientOf, counterPv, nextData, sleep, startServer } from "./harness.ts";

/** A source that creates `mirror:*` PVs on demand, answering after a delay, and logs what it was asked. */
function mirrorSource(asked: string[]): PVSource {
  const made = new Map<string, SharedPV>();
  return async (name) => {
    asked.push(name);
    await sleep(5);
    if (name === "mirror:broken") throw new Error("upstream unreachable");
    if (!name.startsWith("mirror:")) return undefined;
    if (!made.has(name)) made.set(name, counterPv(name.length));
    return made.get(name);
  };
}

Deno.test("dynamic source: a client finds and monitors a PV the server creates on demand (TCP search)", async () => {
  const asked: string[] = [];
  using s = await startServer({ "t:hosted": counterPv(1) }, { server: { source: mirrorSource(asked) } });
  const client = clientOf(s.server);
  try {
    const sub = client.monitor("mirror:abc");
    assert.equal((await nextData(sub)).value.value, "mirror:abc".length);
    assert.equal((await client.get("t:hosted")).value.value, 1);
    assert.ok(asked.includes("mirror:abc"));
    assert.ok(!asked.includes("t:hosted"), "hosted names are not asked of the source");
    await assert.rejects(client.get("other:x", { timeout: 300 }));
    sub.close();
  } finally {
    client.close();
  }
});

Deno.test("dynamic source: CREATE_CHANNEL asks it too, and a failing source is named in the Status", async () => {
  using s = await startServer({}, { server: { source: mirrorSource([]) } });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const found = await raw.createChannel("mirror:direct", 1);
    assert.equal(found.status.type, "ok");
    assert.ok(found.sid > 0);
    const missing = await raw.createChannel("other:x", 2);
    assert.equal(missing.status.type, "error");
    assert.match(missing.status.message, /no such channel: other:x/);
    const broken = await raw.createChannel("mirror:broken", 3);
    assert.match(broken.status.message, /mirror:broken: upstream unreachable/);
    assert.deepEqual(s.server.peers()[0].channels, ["mirror:direct"]);
  } finally {
    raw.close();
  }
});

Deno.test("dynamic source: UDP searches are answered for the names it serves", async () => {
  const server = new PvaServer({ config: loopbackConfig(), source: mirrorSource([]) });
  await server.start();
  using peer = new UdpPeer();
  try {
    await peer.search(server.udpPort, {
      sequenceId: 7,
      channels: [{ id: 1, name: "other:x" }, { id: 2, name: "mirror:udp" }, { id: 3, name: "mirror:broken" }],
    });
    const reply = await peer.reply();
    assert.equal(reply.sequenceId, 7);
    assert.equal(reply.serverPort, server.tcpPort);
    assert.deepEqual(reply.ids, [2]);

    const client = new PvaClient({
      config: loopbackConfig({ addrList: ["127.0.0.1"], broadcastPort: server.udpPort }),
    });
    try {
      assert.equal((await client.get("mirror:udp", { timeout: 5000 })).value.value, "mirror:udp".length);
    } finally {
      client.close();
    }
  } finally {
    await server.close();
  }
});
