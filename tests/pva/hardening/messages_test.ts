/**
 * Message sizes and timing under attack: headers declaring huge payloads allocate only what
 * arrives, strangers get a small size limit, and a peer that starts a message and stalls is
 * dropped after messageTimeout; meanwhile other clients are served.
 */
import assert from "node:assert/strict";
import { loopbackConfig } from "../../../protocol/pva/config.ts";
import { PvaClient } from "../../../protocol/pva/client/mod.ts";
import { Command } from "../../../protocol/pva/header.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { counterPv, framePv, sleep, startServer } from "../server/harness.ts";
import { assertLogged, assertServed, capturingLogger, messageBytes, RawSocket } from "./attacker.ts";

const PV = "t:counter";

/** The process's virtual size in bytes (Linux). */
function virtualBytes(): number {
  const m = /VmSize:\s+(\d+) kB/.exec(Deno.readTextFileSync("/proc/self/status"));
  return Number(m![1]) * 1024;
}

/** An ECHO header declaring `size` payload bytes, followed by `sent` of them. */
function echoHead(size: number, sent = 0): Uint8Array {
  const bytes = messageBytes(Command.ECHO, (w) => w.bytes(new Uint8Array(sent)));
  new DataView(bytes.buffer).setUint32(4, size, true);
  return bytes;
}

Deno.test("headers declaring 512 MiB allocate only what arrived; a server with 20 of them serves a get", async () => {
  using s = await startServer({ [PV]: counterPv(1) }, { server: { logger: capturingLogger().logger } });
  const raws = await Promise.all(Array.from({ length: 20 }, () => RawPvaClient.connect(s.port)));
  try {
    const before = virtualBytes();
    for (const raw of raws) await raw.write(echoHead(512 << 20, 100_000));
    await sleep(200);
    await assertServed(s.server, PV, 1);
    const grown = virtualBytes() - before;
    assert.ok(grown < 1 << 30, `virtual size grew by ${grown} bytes`);
    assert.ok(raws.every((r) => !r.isClosed), "a validated peer may send large messages");
  } finally {
    for (const raw of raws) raw.close();
  }
});

Deno.test("before validation a message above maxUnvalidatedMessageBytes closes the connection", async () => {
  const log = capturingLogger();
  using s = await startServer({ [PV]: counterPv(2) }, {
    config: { limits: { maxUnvalidatedMessageBytes: 1000 } },
    server: { logger: log.logger },
  });
  const stranger = await RawSocket.connect(s.port);
  try {
    await stranger.write(echoHead(1001));
    assert.ok(await stranger.closesWithin(2000), "a stranger's large header was accepted");
    assertLogged(log.lines, "maxUnvalidatedMessageBytes", "127.0.0.1:");
    await assertServed(s.server, PV, 2);

    const validated = await RawPvaClient.connect(s.port);
    await validated.send(Command.ECHO, (w) => w.bytes(new Uint8Array(5000)));
    assert.equal(
      (await validated.expect(Command.ECHO)).bytes.length,
      5000,
      "validated peers get maxMessageBytes",
    );
    validated.close();
  } finally {
    stranger.close();
  }
});

Deno.test("a message started and stalled (or trickled) is dropped after messageTimeout", async () => {
  const log = capturingLogger();
  using s = await startServer({ [PV]: counterPv(4) }, {
    config: { idleTimeout: 30, limits: { messageTimeout: 0.5 } },
    server: { logger: log.logger },
  });
  const stalled = await RawSocket.connect(s.port);
  const trickler = await RawSocket.connect(s.port);
  try {
    await stalled.write(echoHead(100, 10).subarray(0, 18));
    const head = echoHead(100);
    const trickle = (async () => {
      for (let i = 0; i < 40 && await trickler.closesWithin(100) === false; i++) {
        await trickler.write(head.subarray(i, i + 1));
      }
    })();
    await assertServed(s.server, PV, 4);
    assert.ok(await stalled.closesWithin(3000), "a stalled message kept its connection");
    assert.ok(await trickler.closesWithin(3000), "a trickled message kept its connection");
    await trickle;
    assertLogged(log.lines, "messageTimeout", "127.0.0.1:");
  } finally {
    stalled.close();
    trickler.close();
  }
});

Deno.test("the client refuses messages above its own maxMessageBytes and carries on with other servers", async () => {
  const frame = framePv();
  frame.post({ value: new Uint8Array(200_000) });
  using big = await startServer({ "t:frame": frame }, { server: { logger: capturingLogger().logger } });
  using small = await startServer({ [PV]: counterPv(9) });
  const client = new PvaClient({
    config: loopbackConfig({
      nameServers: [`127.0.0.1:${big.port}`, `127.0.0.1:${small.port}`],
      limits: { maxMessageBytes: 100_000 },
    }),
  });
  try {
    await assert.rejects(client.get("t:frame", { timeout: 3000 }));
    assert.equal((await client.get(PV, { timeout: 3000 })).value.value, 9);
  } finally {
    client.close();
  }
});

Deno.test("a 6 MiB message read through the growing buffer (1, 4, 6 MiB) arrives intact", async () => {
  using s = await startServer({ [PV]: counterPv() });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const payload = new Uint8Array(6 << 20);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 31 + (i >>> 20)) & 0xff;
    await raw.send(Command.ECHO, (w) => w.bytes(payload, true));
    const echoed = (await raw.expect(Command.ECHO, 10_000)).bytes;
    assert.equal(echoed.length, payload.length);
    let differ = 0;
    for (let i = 0; i < payload.length; i++) differ += echoed[i] === payload[i] ? 0 : 1;
    assert.equal(differ, 0, "echoed bytes that differ");
  } finally {
    raw.close();
  }
});
