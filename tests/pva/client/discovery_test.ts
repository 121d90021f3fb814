/** How PvaClient finds servers: name servers over TCP, a shared UDP port, duplicate PVs. */
import assert from "node:assert/strict";
import { createLogger } from "../../../protocol/log.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { clientConfig, freePorts, IGNORE_P4P, P4pServer } from "./p4p_peer.ts";

Deno.test({
  name: "search through a name server over TCP, without any UDP address",
  ignore: IGNORE_P4P,
  fn: async () => {
    const ports = freePorts();
    const server = await P4pServer.start(ports, ["scalar:float64"]);
    const client = new PvaClient({
      config: clientConfig(ports, {
        addrList: [],
        autoAddrList: false,
        nameServers: [`127.0.0.1:${ports.tcp}`],
        broadcastPort: freePorts().udp,
      }),
    });
    try {
      const got = await client.get(server.pv("scalar:float64"), { timeout: 5000 });
      assert.equal(got.value.value, 3.141592653589793);
    } finally {
      client.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "a client bound to the servers' UDP port (before or after them) still finds their channels",
  ignore: IGNORE_P4P,
  fn: async () => {
    const ports = freePorts();
    // Bound first (a client binds its sockets on first use): the server, bound last, receives
    // the unicast searches itself.
    const early = new PvaClient({ config: clientConfig(ports) });
    await early.info("nobody:here", { timeout: 50 }).catch(() => {});
    const server = await P4pServer.start(ports, ["scalar:float64"]);
    // Bound last: unicast searches reach this client, which forwards them to the local servers.
    const late = new PvaClient({ config: clientConfig(ports) });
    try {
      for (const client of [early, late]) {
        assert.equal((await client.get(server.pv("scalar:float64"))).value.value, 3.141592653589793);
      }
    } finally {
      early.close();
      late.close();
      await server.stop();
    }
  },
});

Deno.test({
  name: "the same PV on two servers is reported once as a duplicate",
  ignore: IGNORE_P4P,
  fn: async () => {
    const a = freePorts();
    const b = { tcp: freePorts().tcp, udp: a.udp };
    const first = await P4pServer.start(a, ["scalar:float64"]);
    const second = await P4pServer.start(b, ["scalar:float64"]);
    const warnings: string[] = [];
    const logger = createLogger({ write: (line) => warnings.push(line) });
    const client = new PvaClient({ config: clientConfig(a), logger });
    try {
      assert.equal((await client.get(first.pv("scalar:float64"))).value.value, 3.141592653589793);
      // The second answer may come a moment after the first.
      const deadline = performance.now() + 3000;
      while (!warnings.some((w) => w.includes("duplicate")) && performance.now() < deadline) {
        await new Promise((r) => setTimeout(r, 50));
      }
      // Later answers (the retry of the other server) do not warn again.
      await new Promise((r) => setTimeout(r, 300));
      const dups = warnings.filter((w) => w.includes("duplicate PV pvastream:test:scalar:float64"));
      assert.equal(dups.length, 1, warnings.join("\n"));
    } finally {
      await client.close();
      await first.stop();
      await second.stop();
    }
  },
});
