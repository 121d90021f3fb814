/**
 * Discovery by broadcast on loopback: Linux routes 127.255.255.255 as the broadcast address of
 * `lo`, so a search sent there reaches every socket bound to 0.0.0.0 on the search port. Two of
 * our servers sharing the port each answer it themselves; p4p, our client and a real p4p server
 * find each other that way. A socket of the test shares the port too and sees every search.
 */
import assert from "node:assert/strict";
import { ntScalar } from "../../protocol/nt/mod.ts";
import { PvaClient } from "../../protocol/pva/client/mod.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { Command } from "../../protocol/pva/header.ts";
import { readSearchRequest, SearchFlag, type SearchRequest } from "../../protocol/pva/messages/mod.ts";
import { type Received, UdpPeer } from "../support/udp_peer.ts";
import { host, loopbackConfig, PREFIX } from "./hosted.ts";
import { freePorts, requirePeers, runPython } from "./peers.ts";
import { P4pServer } from "../pva/client/p4p_peer.ts";

const LOOPBACK_BROADCAST = "127.255.255.255";
const IGNORE = !requirePeers("broadcast discovery with p4p");

/** Two of our servers bound to 0.0.0.0, sharing the UDP port `port`, one PV each. */
async function twoServers(port: number) {
  const config = loopbackConfig({ interfaces: ["0.0.0.0"], broadcastPort: port });
  const first = await host({ "bcast:first": { initial: ntScalar("int32", 1) } }, config);
  const second = await host({ "bcast:second": { initial: ntScalar("int32", 2) } }, config);
  assert.deepEqual([first.server.udpPort, second.server.udpPort], [port, port]);
  return {
    first,
    second,
    [Symbol.dispose]() {
      first.server.close();
      second.server.close();
    },
  };
}

/** A socket sharing the search port: broadcasts and the servers' forwarded searches reach it too. */
function portWatcher(port: number): UdpPeer {
  return new UdpPeer({ hostname: "0.0.0.0", port, reuseAddress: true });
}

/** Searches sent to the port directly, and how many datagrams servers forwarded (ORIGIN_TAG first). */
function searchesIn(received: Received[]): { direct: SearchRequest[]; forwarded: number } {
  const direct: SearchRequest[] = [];
  let forwarded = 0;
  for (const { parts } of received) {
    if (parts[0].header.command === Command.ORIGIN_TAG) forwarded++;
    else {
      for (const p of parts) if (p.header.command === Command.SEARCH) direct.push(readSearchRequest(p.body));
    }
  }
  return { direct, forwarded };
}

/** Our client searching only the loopback broadcast address on `port`. */
function broadcastClient(port: number): PvaClient {
  return new PvaClient({
    config: configFromEnv({}, { addrList: [LOOPBACK_BROADCAST], autoAddrList: false, broadcastPort: port }),
  });
}

Deno.test("a broadcast search without the unicast flag is answered by both servers on the port", async () => {
  const port = freePorts().udp;
  using servers = await twoServers(port);
  using peer = new UdpPeer();
  await peer.search(
    port,
    {
      sequenceId: 7,
      channels: [{ id: 1, name: PREFIX + "bcast:first" }, { id: 2, name: PREFIX + "bcast:second" }],
    },
    false,
    LOOPBACK_BROADCAST,
  );
  // Servers forward only searches flagged unicast: each reply comes from a server that received the broadcast.
  const replies = [await peer.reply(), await peer.reply()];
  const byGuid = new Map(replies.map((r) => [r.guid.toHex(), r]));
  for (const [{ server }, id] of [[servers.first, 1], [servers.second, 2]] as const) {
    const reply = byGuid.get(server.guid.toHex());
    assert.ok(reply, "a server did not answer");
    assert.deepEqual(reply.ids, [id]);
    assert.equal(reply.serverPort, server.tcpPort);
  }
});

Deno.test({
  name: "p4p with EPICS_PVA_ADDR_LIST=127.255.255.255 finds the PVs of both servers",
  ignore: IGNORE,
  fn: async () => {
    const port = freePorts().udp;
    using _servers = await twoServers(port);
    using watcher = portWatcher(port);
    const env = {
      EPICS_PVA_ADDR_LIST: LOOPBACK_BROADCAST,
      EPICS_PVA_AUTO_ADDR_LIST: "NO",
      EPICS_PVA_BROADCAST_PORT: String(port),
    };
    for (const [name, value] of [["bcast:first", 1], ["bcast:second", 2]] as const) {
      const { code, documents, stderr } = await runPython("p4p_client.py", ["get", PREFIX + name], { env });
      assert.equal(code, 0, stderr);
      assert.equal((documents[0] as { value: { value: number } }).value.value, value, name);
    }
    // pvxs counts only interfaces flagged IFF_BROADCAST, which lo is not, so it marks these
    // searches unicast and our servers also forward them; both copies are answered.
    const { direct } = searchesIn(await watcher.collect(100));
    assert.ok(direct.length > 0, "the searches did not arrive as broadcasts");
  },
});

Deno.test("our client finds the PVs of both servers by broadcast, no forwarding involved", async () => {
  const port = freePorts().udp;
  using _servers = await twoServers(port);
  using watcher = portWatcher(port);
  const client = broadcastClient(port);
  try {
    const [first, second] = await Promise.all(
      ["bcast:first", "bcast:second"].map((name) => client.get(PREFIX + name, { timeout: 3000 })),
    );
    assert.deepEqual([first.value.value, second.value.value], [1, 2]);
  } finally {
    client.close();
  }
  const { direct, forwarded } = searchesIn(await watcher.collect(100));
  assert.ok(direct.length > 0, "no search arrived");
  assert.deepEqual(direct.map((s) => s.flags & SearchFlag.UNICAST), direct.map(() => 0), "unicast flag set");
  assert.equal(forwarded, 0, "a server forwarded the search");
});

Deno.test({
  name: "our client finds a real p4p server by broadcast",
  ignore: IGNORE,
  fn: async () => {
    const ports = freePorts();
    // A pvxs server bound to 127.0.0.1 would not receive broadcasts.
    const server = await P4pServer.start(ports, ["scalar:float64"], { EPICS_PVAS_INTF_ADDR_LIST: "0.0.0.0" });
    const client = broadcastClient(ports.udp);
    try {
      const got = await client.get(server.pv("scalar:float64"), { timeout: 5000 });
      assert.equal(got.value.value, Math.PI);
    } finally {
      client.close();
      await server.stop();
    }
  },
});
