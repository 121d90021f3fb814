/**
 * The per-connection type cache under attack: CONNECTION_VALIDATION messages that each cache a
 * 65,535-member structure close the connection once maxTypeCacheFields is reached.
 */
import assert from "node:assert/strict";
import { Command } from "../../../protocol/pva/header.ts";
import { BoundedTypeCache, Reader, TypeCacheFullError } from "../../../protocol/pvdata/reader.ts";
import { readType, TYPE_CODE, writeType } from "../../../protocol/pvdata/typedesc.ts";
import { type FieldDesc, scalar, struct } from "../../../protocol/pvdata/types.ts";
import { Writer } from "../../../protocol/pvdata/writer.ts";
import { RawPvaClient } from "../../support/raw_pva.ts";
import { counterPv, startServer } from "../server/harness.ts";
import { assertLogged, assertServed, capturingLogger } from "./attacker.ts";

const PV = "t:counter";
const MEMBERS = 65_535;

/** A structure of `n` int8 members with empty names: 2 bytes of type and 1 of value each. */
function wide(n: number): FieldDesc {
  return {
    kind: "structure",
    id: "",
    fields: Array.from({ length: n }, () => ({ name: "", type: scalar("int8") })),
  };
}

Deno.test("validation messages caching huge types close the connection at maxTypeCacheFields", async () => {
  const log = capturingLogger();
  using s = await startServer({ [PV]: counterPv(3) }, { server: { logger: log.logger } });
  const raw = await RawPvaClient.connect(s.port);
  try {
    const type = wide(MEMBERS);
    for (let key = 1; key <= 4 && !raw.isClosed; key++) {
      await raw.send(Command.CONNECTION_VALIDATION, (w) => {
        w.u32(0x10000);
        w.u16(0x7fff);
        w.u16(0);
        w.string("ca");
        w.u8(TYPE_CODE.fullWithId);
        w.u16(key);
        writeType(w, type);
        w.bytes(new Uint8Array(MEMBERS));
      });
      await assertServed(s.server, PV, 3);
    }
    assert.ok(await raw.closesWithin(2000), "the server cached four 65,535-member structures");
    assertLogged(log.lines, "type cache", "field descriptions", "127.0.0.1:");
  } finally {
    raw.close();
  }
});

Deno.test("BoundedTypeCache counts members across entries, credits replaced keys and stops counting early", () => {
  const cache = new BoundedTypeCache(10);
  cache.set(1, struct("a", { x: scalar("int32"), y: scalar("int32") }));
  assert.equal(cache.fieldCount, 3);
  cache.set(1, scalar("int32"));
  assert.equal(cache.fieldCount, 1, "replacing an entry gives its room back");
  assert.throws(() => cache.set(2, wide(10)), TypeCacheFullError);
  assert.equal(cache.has(2), false);
  cache.delete(1);
  assert.equal(cache.fieldCount, 0);

  // Each level references the one below twice: 2^40 descriptions if counted naively.
  let t: FieldDesc = scalar("int8");
  for (let i = 0; i < 40; i++) t = struct("", { a: t, b: t });
  const start = performance.now();
  assert.throws(() => new BoundedTypeCache(100_000).set(1, t), TypeCacheFullError);
  assert.ok(performance.now() - start < 1000, "counting a shared tree took too long");

  const w = new Writer(true);
  w.u8(TYPE_CODE.fullWithId);
  w.u16(7);
  writeType(w, wide(20));
  const r = new Reader(w.toBytes(), true, { typeCache: new BoundedTypeCache(10) });
  assert.throws(() => readType(r), /type cache key 7/);
});
