/** SEARCH over a TCP connection, as clients use a server as their name server. */
import assert from "node:assert/strict";
import { Command } from "../../../protocol/pva/header.ts";
import {
  readSearchResponse,
  type SearchedChannel,
  SearchFlag,
  writeSearchRequest,
} from "../../../protocol/pva/messages/mod.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { counterPv, startServer } from "./harness.ts";

/** Sends a SEARCH on the connection. */
function search(raw: RawPvaClient, sequenceId: number, flags: number, channels: SearchedChannel[]) {
  return raw.send(Command.SEARCH, (w) =>
    writeSearchRequest(w, {
      sequenceId,
      flags,
      replyAddress: null,
      replyPort: 0,
      protocols: ["tcp"],
      channels,
    }));
}

Deno.test("SEARCH on a TCP connection: found names, the must-reply ping, silence for unknown names", async () => {
  using s = await startServer({ "t:a": counterPv(), "t:b": counterPv() });
  const raw = await RawPvaClient.connect(s.port);
  try {
    await search(raw, 0x1234, 0, [{ id: 5, name: "t:b" }, { id: 6, name: "nobody" }, { id: 7, name: "t:a" }]);
    const found = readSearchResponse(await raw.expect(Command.SEARCH_RESPONSE));
    assert.equal(found.sequenceId, 0x1234);
    assert.deepEqual(found.guid, s.server.guid);
    assert.equal(found.serverPort, s.port);
    assert.equal(found.protocol, "tcp");
    assert.equal(found.found, true);
    assert.deepEqual(found.ids, [5, 7]);

    await search(raw, 0x99, SearchFlag.MUST_REPLY, []);
    const ping = readSearchResponse(await raw.expect(Command.SEARCH_RESPONSE));
    assert.equal(ping.sequenceId, 0x99);
    assert.equal(ping.found, false);
    assert.deepEqual(ping.ids, []);
    assert.equal(ping.serverPort, s.port);

    await search(raw, 0x77, 0, [{ id: 8, name: "nobody" }]);
    assert.deepEqual(await raw.ping(), [], "an unclaimed search without must-reply was answered");
  } finally {
    raw.close();
  }
});
