/**
 * Nothing but the handshake, ECHO and SEARCH is served before connection validation: a peer
 * that creates channels or puts without validating is disconnected and changes nothing.
 */
import assert from "node:assert/strict";
import { Command, Subcmd } from "../../../protocol/pva/header.ts";
import { writeCreateChannelRequest, writeOpRequestHead } from "../../../protocol/pva/messages/mod.ts";
import type { Writer } from "../../../protocol/pvdata/writer.ts";
import { counterPv, startServer } from "../server/harness.ts";
import { assertLogged, assertServed, capturingLogger, RawSocket } from "./attacker.ts";

const PV = "t:counter";

Deno.test("CREATE_CHANNEL and PUT before validation close the connection; the PV is untouched", async () => {
  const log = capturingLogger();
  const counter = counterPv(8);
  using s = await startServer({ [PV]: counter }, { server: { logger: log.logger } });
  const early: [string, number, (w: Writer) => void][] = [
    ["CREATE_CHANNEL", Command.CREATE_CHANNEL, (w) => writeCreateChannelRequest(w, [{ cid: 1, name: PV }])],
    ["PUT", Command.PUT, (w) => writeOpRequestHead(w, { sid: 1, ioid: 1, subcmd: Subcmd.INIT })],
  ];
  for (const [what, command, body] of early) {
    const stranger = await RawSocket.connect(s.port);
    try {
      await stranger.send(command, body);
      assert.ok(await stranger.closesWithin(2000), `${what} before validation was served`);
      assertLogged(log.lines, "before connection validation", "127.0.0.1:");
      assert.equal(s.server.connectionCount, 0, what);
      await assertServed(s.server, PV, 8);
    } finally {
      stranger.close();
    }
  }
  assert.equal(counter.subscriberCount, 0);
});

Deno.test("ECHO before validation is answered", async () => {
  using s = await startServer({ [PV]: counterPv() }, { server: { logger: capturingLogger().logger } });
  const stranger = await RawSocket.connect(s.port);
  try {
    await stranger.send(Command.ECHO, (w) => w.u32(1));
    assert.equal(await stranger.closesWithin(300), false, "an ECHO before validation closed the connection");
  } finally {
    stranger.close();
  }
});
