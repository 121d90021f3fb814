/**
 * How PvaClient searches and connects: channels on one server share its connection; a missing
 * channel is searched at growing intervals; a beacon from a server not seen before makes it
 * search again at once; only searches sent to a single host carry the unicast flag. A UDP socket
 * of the test plays the server for the search tests.
 */
import assert from "node:assert/strict";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { Command } from "../../../protocol/pva/header.ts";
import { readSearchRequest, SearchFlag, type SearchRequest } from "../../../protocol/pva/messages/mod.ts";
import { newGuid } from "../../../protocol/pva/server/beacon.ts";
import { PvaServer } from "../../../protocol/pva/server/mod.ts";
import { searchDestinations } from "../../../protocol/pva/udp.ts";
import { freePorts } from "../../interop/peers.ts";
import { beaconDatagram, type Received, UdpPeer } from "../../support/udp_peer.ts";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { counterPv, nextData } from "../server/harness.ts";

const MISSING = "search:missing";

/** A received datagram, which must be one SEARCH for {@link MISSING}. */
function searchIn({ parts }: Received): SearchRequest {
  assert.deepEqual(parts.map((p) => p.header.command), [Command.SEARCH]);
  const search = readSearchRequest(parts[0].body);
  assert.deepEqual(search.channels.map((c) => c.name), [MISSING]);
  return search;
}

/** When the next search for {@link MISSING} arrived at `peer`. */
async function nextSearch(peer: UdpPeer, ms: number): Promise<number> {
  const received = await peer.receive(ms);
  searchIn(received);
  return received.at;
}

/** A client whose searches go to `peer` only; it listens for beacons on `beaconPort`. */
function clientSearching(peer: UdpPeer, beaconPort = 0): PvaClient {
  return new PvaClient({
    config: loopbackConfig({ addrList: [`127.0.0.1:${peer.port}`], broadcastPort: beaconPort }),
  });
}

Deno.test("channels on one server share one connection", async () => {
  const server = new PvaServer({ config: loopbackConfig() });
  server.addPV("share:a", counterPv(1));
  server.addPV("share:b", counterPv(2));
  await server.start();
  const client = new PvaClient({
    config: loopbackConfig({ addrList: ["127.0.0.1"], broadcastPort: server.udpPort }),
  });
  const subs = [client.monitor("share:a"), client.monitor("share:b")];
  try {
    const first = await Promise.all(subs.map((s) => nextData(s)));
    assert.deepEqual(first.map((ev) => ev.value.value), [1, 2]);
    assert.equal((await client.get("share:b")).value.value, 2);
    assert.equal(server.connectionCount, 1);
  } finally {
    for (const s of subs) s.close();
    client.close();
    server.close();
  }
});

Deno.test("a missing channel is searched at growing intervals", async () => {
  using peer = new UdpPeer();
  const client = clientSearching(peer);
  const sub = client.monitor(MISSING);
  try {
    const searches = (await peer.collect(3500)).map((received) => {
      const { flags } = searchIn(received);
      assert.equal(flags & SearchFlag.UNICAST, SearchFlag.UNICAST, "searches to 127.0.0.1 are unicast");
      return received.at;
    });
    // Searching every 250 ms would have sent 14 by now.
    assert.ok(searches.length >= 2 && searches.length <= 4, `${searches.length} searches in 3.5 s`);
    const gaps = searches.slice(1).map((at, i) => at - searches[i]);
    assert.ok(gaps[0] >= 900, `first retry after ${gaps[0]} ms`);
    if (gaps.length > 1) assert.ok(gaps[1] >= gaps[0] + 700, `gaps ${gaps.join(", ")} ms do not grow`);
  } finally {
    sub.close();
    client.close();
  }
});

Deno.test("a beacon from a new server makes an unresolved channel search again at once", async () => {
  using peer = new UdpPeer();
  const beaconPort = freePorts().udp;
  const client = clientSearching(peer, beaconPort);
  const sub = client.monitor(MISSING);
  try {
    // The first search and the first retry, a second later; the next retry is due two seconds on.
    await nextSearch(peer, 2000);
    await nextSearch(peer, 2000);
    const beacon = beaconDatagram({ guid: newGuid(), serverPort: 5075 });
    const sent = performance.now();
    await peer.send(beacon, beaconPort);
    const at = await nextSearch(peer, 1500);
    assert.ok(at - sent < 500, `searched ${Math.round(at - sent)} ms after the beacon`);

    // The same server again is no news: the back-off holds.
    await peer.send(beacon, beaconPort);
    await assert.rejects(peer.receive(600), /no datagram/, "a repeated beacon hurried the search");
  } finally {
    sub.close();
    client.close();
  }
});

Deno.test("searches to a broadcast address of this host, loopback's included, go without the unicast flag", () => {
  const lo = { address: "127.0.0.1", broadcast: "127.255.255.255", loopback: true };
  const eth = { address: "192.0.2.2", broadcast: "192.0.2.255", loopback: false };
  // A /32 interface: its "broadcast" is its own address, a single host.
  const host32 = { address: "198.51.100.7", broadcast: "198.51.100.7", loopback: true };
  const addrList = [
    "127.255.255.255",
    "127.0.0.1",
    "255.255.255.255",
    "192.0.2.255:6000",
    "198.51.100.7",
    "10.9.9.255",
  ];
  const destinations = (autoAddrList: boolean) =>
    searchDestinations(loopbackConfig({ addrList, autoAddrList, broadcastPort: 5076 }), [lo, eth, host32])
      .map((d) => `${d.hostname}:${d.port}${d.unicast ? " unicast" : ""}`);
  const listed = [
    "127.255.255.255:5076",
    "127.0.0.1:5076 unicast",
    "255.255.255.255:5076",
    "192.0.2.255:6000",
    "198.51.100.7:5076 unicast",
    "10.9.9.255:5076 unicast",
  ];
  assert.deepEqual(destinations(false), listed);
  assert.deepEqual(destinations(true), [...listed, "192.0.2.255:5076"]);
});
