/**
 * Untrusted bytes from a CA server: a malformed or oversized message closes the one circuit
 * that carried it (its channels search again and reconnect), never the client or the other
 * circuits; nothing is allocated for a size the server only declared.
 */
import fc from "fast-check";
import assert from "node:assert/strict";
import { CaError } from "../../protocol/ca/errors.ts";
import { CaCommand, encodeMessage } from "../../protocol/ca/header.ts";
import type { CaMonitorEvent } from "../../protocol/ca/monitor.ts";
import { FakeCaServer, timeDoubleReply, type ValueRequest } from "../support/fake_ca_server.ts";
import { nextEvent } from "../support/monitor_events.ts";
import { expectEvent, fakeServerClient, until } from "./helpers.ts";

/** Malformed replies to an EVENT_ADD, each with what must be wrong with it. */
const MALFORMED: { name: string; bytes: (req: ValueRequest) => Uint8Array }[] = [
  {
    name: "a count beyond the payload",
    bytes: (req) => {
      const good = timeDoubleReply(req, 1);
      new DataView(good.buffer).setUint16(6, 5000);
      return good;
    },
  },
  {
    name: "an unknown DBR type",
    bytes: (req) => {
      const good = timeDoubleReply(req, 1);
      new DataView(good.buffer).setUint16(4, 77);
      return good;
    },
  },
  {
    name: "an ERROR without the failed request's header",
    bytes: (req) =>
      encodeMessage({
        command: CaCommand.ERROR,
        dataType: 0,
        dataCount: 0,
        parameter1: 0,
        parameter2: req.ioid,
      }),
  },
];

for (const bad of MALFORMED) {
  Deno.test(`ca robustness: ${bad.name} closes only its circuit`, async () => {
    let sabotage = false;
    await using good = new FakeCaServer({ names: ["good:x"] });
    await using evil = new FakeCaServer({
      names: ["evil:x"],
      onRequest: (req) => void req.send(sabotage ? bad.bytes(req) : timeDoubleReply(req, 1.5)),
    });
    const log: string[] = [];
    const client = fakeServerClient([good, evil], log);
    try {
      const fine = client.monitor("good:x");
      const hurt = client.monitor("evil:x");
      assert.equal((await expectEvent(fine, "data")).value.value, 1.5);
      assert.equal((await expectEvent(hurt, "data")).value.value, 1.5);

      sabotage = true;
      await evil.subscriptions[0].send(bad.bytes(evil.subscriptions[0]));
      const gap = await expectEvent(hurt, "disconnected");
      assert.match(gap.reason, /malformed message/);
      await until(() => evil.closedByClient === 1, 10_000, "the client to close the evil circuit");
      assert.ok(log.some((l) => l.includes("ca circuit closed")), log.join("\n"));

      // The other circuit is untouched and still delivers.
      await good.subscriptions[0].send(timeDoubleReply(good.subscriptions[0], 2.5));
      const after = await nextEvent<CaMonitorEvent>(fine, 5000);
      assert.equal(after.kind, "data");
      assert.equal(good.closedByClient, 0);

      // The hurt channel searches again and comes back once the server behaves.
      sabotage = false;
      await expectEvent(hurt, "connected");
      assert.equal((await expectEvent(hurt, "data")).value.value, 1.5);
      assert.equal(evil.accepted, 2);
    } finally {
      client.close();
    }
  });
}

Deno.test("ca robustness: a declared payload over the limit closes the circuit before it arrives", async () => {
  await using server = new FakeCaServer({
    names: ["big:x"],
    onRequest: (req) => {
      // The extended header of a 100 MB reply, and nothing after it.
      const h = encodeMessage({
        command: req.command,
        dataType: 20,
        dataCount: 12_500_000,
        parameter1: 1,
        parameter2: req.ioid,
      });
      new DataView(h.buffer).setUint32(16, 100_000_016);
      void req.send(h);
    },
  });
  const client = fakeServerClient([server]);
  try {
    const started = performance.now();
    await assert.rejects(
      client.get("big:x", { timeout: 3000 }),
      (e) => e instanceof CaError && /exceeds/.test(e.message),
    );
    assert.ok(performance.now() - started < 2000);
    await until(() => server.closedByClient === 1, 2000, "the circuit to close");
  } finally {
    client.close();
  }
});

Deno.test("ca robustness: randomly corrupted replies end in a value or a closed circuit", async () => {
  let corrupt: (bytes: Uint8Array) => Uint8Array = (b) => b;
  await using server = new FakeCaServer({
    names: ["fuzz:x"],
    onRequest: (req) => void req.send(corrupt(timeDoubleReply(req, 3.25))),
  });
  const client = fakeServerClient([server]);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(fc.nat(63), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        async (edits) => {
          corrupt = (b) => {
            const out = b.slice();
            for (const [at, byte] of edits) out[at % out.length] = byte;
            return out;
          };
          try {
            const v = await client.get("fuzz:x", { timeout: 300 });
            assert.equal(typeof v.dbrType, "number");
          } catch (e) {
            assert.ok(e instanceof CaError, `not a CaError: ${e}`);
          }
        },
      ),
      { numRuns: 10 },
    );
    // Still a working client afterwards; a circuit left out of step by a corrupted length is
    // closed once its CREATE_CHAN goes unanswered for 5 s.
    corrupt = (b) => b;
    assert.equal((await client.get("fuzz:x", { timeout: 9000 })).value, 3.25);
  } finally {
    client.close();
  }
});
