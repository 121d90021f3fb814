/**
 * Segment reassembly under attack: empty middle segments and endless segment runs close the
 * connection that sends them, in time linear in what arrived, while other clients are served.
 */
import assert from "node:assert/strict";
import { Command, Flag } from "../../../protocol/pva/header.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { counterPv, startServer } from "../server/harness.ts";
import { assertLogged, assertServed, capturingLogger, messageBytes, RawSocket } from "./attacker.ts";

const PV = "t:counter";

/** An ECHO segment carrying `n` bytes (`flag` is one of Flag.SEGMENT_*). */
function echoSegment(flag: number, n: number): Uint8Array {
  const bytes = messageBytes(Command.ECHO, (w) => w.bytes(new Uint8Array(n)));
  bytes[2] |= flag;
  return bytes;
}

/** `count` copies of `frame` back to back. */
function repeat(frame: Uint8Array, count: number): Uint8Array {
  const out = new Uint8Array(frame.length * count);
  for (let i = 0; i < count; i++) out.set(frame, i * frame.length);
  return out;
}

Deno.test("empty middle segments before validation close the connection at once; others are served", async () => {
  const log = capturingLogger();
  using s = await startServer({ [PV]: counterPv(5) }, { server: { logger: log.logger } });
  const attacker = await RawSocket.connect(s.port);
  try {
    const flood = repeat(echoSegment(Flag.SEGMENT_MIDDLE, 0), 100_000);
    const sent = attacker.write(concat(echoSegment(Flag.SEGMENT_FIRST, 1), flood));
    const start = performance.now();
    await assertServed(s.server, PV, 5);
    assert.ok(await attacker.closesWithin(2000), "the server kept reading empty segments");
    assert.ok(performance.now() - start < 2500, "the flood held up the server");
    await sent;
    assertLogged(log.lines, "empty middle segment", "127.0.0.1:");
  } finally {
    attacker.close();
  }
});

Deno.test("a segmented message of more than maxSegments segments closes the connection", async () => {
  const log = capturingLogger();
  using s = await startServer({ [PV]: counterPv(6) }, {
    config: { limits: { maxSegments: 10 } },
    server: { logger: log.logger },
  });
  const raw = await RawPvaClient.connect(s.port);
  try {
    await raw.write(echoSegment(Flag.SEGMENT_FIRST, 1));
    await raw.write(repeat(echoSegment(Flag.SEGMENT_MIDDLE, 1), 20));
    assert.ok(await raw.closesWithin(2000), "the server accepted more than maxSegments segments");
    assertLogged(log.lines, "maxSegments", "127.0.0.1:");
    await assertServed(s.server, PV, 6);

    const polite = await RawPvaClient.connect(s.port);
    await polite.write(echoSegment(Flag.SEGMENT_FIRST, 3));
    await polite.write(repeat(echoSegment(Flag.SEGMENT_MIDDLE, 2), 8));
    await polite.write(echoSegment(Flag.SEGMENT_LAST, 0));
    assert.equal((await polite.expect(Command.ECHO)).bytes.length, 19, "ten segments within the limit");
    polite.close();
  } finally {
    raw.close();
  }
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}
