/**
 * TCP port fallback: a second server configured with the port the first one holds listens on
 * another free port and advertises that one, in its search replies and its beacons, so that
 * clients (p4p too) reach it through the UDP port both servers share.
 */
import assert from "node:assert/strict";
import { readBeacon, SearchFlag } from "../../../protocol/pva/messages/mod.ts";
import { Command } from "../../../protocol/pva/header.ts";
import { PvaServer } from "../../../protocol/pva/server/mod.ts";
import { freePorts, requirePeers, runPython } from "../../interop/peers.ts";
import { UdpPeer } from "../../support/udp_peer.ts";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { counterPv } from "./harness.ts";

/** Two servers configured with the same TCP and UDP ports; the second one's beacons go to `beaconPort`. */
async function twoServers(beaconPort: number) {
  const { tcp, udp } = freePorts();
  const start = async (name: string, value: number, beaconAddrList: string[]) => {
    const server = new PvaServer({
      config: loopbackConfig({ serverPort: tcp, broadcastPort: udp, beaconAddrList }),
    });
    server.addPV(name, counterPv(value));
    await server.start();
    return server;
  };
  const first = await start("port:first", 1, []);
  const second = await start("port:second", 2, [`127.0.0.1:${beaconPort}`]).catch((e) => {
    first.close();
    throw e;
  });
  return {
    first,
    second,
    configured: tcp,
    udp,
    [Symbol.dispose]() {
      first.close();
      second.close();
    },
  };
}

Deno.test("the second server on a taken TCP port listens elsewhere and advertises the real port", async () => {
  using beacons = new UdpPeer();
  using servers = await twoServers(beacons.port);
  const { first, second, configured, udp } = servers;
  assert.equal(first.tcpPort, configured);
  assert.ok(second.tcpPort > 0 && second.tcpPort !== configured, `second server on ${second.tcpPort}`);
  assert.deepEqual([first.udpPort, second.udpPort], [udp, udp]);

  // The first beacon goes out at start.
  const { parts } = await beacons.receive();
  assert.equal(parts[0].header.command, Command.BEACON);
  const beacon = readBeacon(parts[0].body);
  assert.deepEqual(beacon.guid, second.guid);
  assert.equal(beacon.serverPort, second.tcpPort);

  // Sent unicast to the shared port, the search reaches both servers; only the second answers.
  using peer = new UdpPeer();
  await peer.search(udp, {
    sequenceId: 3,
    flags: SearchFlag.UNICAST,
    channels: [{ id: 9, name: "port:second" }],
  });
  const reply = await peer.reply();
  assert.deepEqual(reply.guid, second.guid);
  assert.equal(reply.serverPort, second.tcpPort);
  assert.deepEqual(reply.ids, [9]);
});

Deno.test({
  name: "p4p searching the shared UDP port gets the PV of the server that fell back",
  ignore: !requirePeers("p4p against a server on a fallback port"),
  fn: async () => {
    using beacons = new UdpPeer();
    using servers = await twoServers(beacons.port);
    const env = {
      EPICS_PVA_ADDR_LIST: "127.0.0.1",
      EPICS_PVA_AUTO_ADDR_LIST: "NO",
      EPICS_PVA_BROADCAST_PORT: String(servers.udp),
    };
    const { code, documents, stderr } = await runPython(
      "p4p_client.py",
      ["get", "port:second", "--timeout", "3"],
      { env },
    );
    assert.equal(code, 0, `${JSON.stringify(documents)} ${stderr}`);
    assert.equal((documents[0] as { value: { value: number } }).value.value, 2);
  },
});
