import assert from "node:assert/strict";
import { SharedPV } from "../../../protocol/pva/server/shared_pv.ts";
import { SELECT_ALL } from "../../../protocol/pva/server/update.ts";
import { BitSet } from "../../../protocol/pvdata/bitset.ts";
import { readChanged } from "../../../protocol/pvdata/partial.ts";
import { Reader } from "../../../protocol/pvdata/reader.ts";
import { scalar, scalarArray, struct } from "../../../protocol/pvdata/types.ts";
import { defaultValue } from "../../../protocol/pvdata/value.ts";

const TYPE = struct("t", {
  value: scalarArray("uint8"),
  alarm: struct("alarm_t", { severity: scalar("int32"), message: scalar("string") }),
  count: scalar("int64"),
});

function concat(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let o = 0;
  for (const c of chunks) out.set(c, (o += c.length) - c.length);
  return out;
}

Deno.test("post marks exactly the given members and merges nested objects", () => {
  const pv = new SharedPV();
  pv.open({ type: TYPE, value: { count: 1n } });
  pv.post({ alarm: { severity: 2 } });
  assert.deepEqual([...pv.latest().changed], [3]);
  assert.equal(pv.value.alarm && (pv.value.alarm as { message: string }).message, "");
  assert.equal(pv.value.count, 1n);
  assert.throws(() => pv.post({ nope: 1 }), /no field nope/);
});

Deno.test("an update is encoded once per selection and byte order; big arrays are not copied", () => {
  const pv = new SharedPV();
  pv.open({ type: TYPE });
  const frame = new Uint8Array(1 << 20).fill(9);
  pv.post({ value: frame, count: 5n });
  const u = pv.latest();
  const first = u.body(SELECT_ALL, true);
  assert.equal(u.body(SELECT_ALL, true), first, "second subscriber gets the same chunks");
  assert.ok(first.some((c) => c.buffer === frame.buffer), "the frame is referenced, not copied");
  const r = new Reader(concat(first), true);
  const { changed, value } = readChanged(r, TYPE, defaultValue(TYPE));
  assert.deepEqual([...changed], [1, 5]);
  assert.equal((value as { count: bigint }).count, 5n);
  assert.equal((value as { value: Uint8Array }).value.length, frame.length);
  assert.notEqual(u.body(SELECT_ALL, false), first, "other byte order is its own encoding");
});

Deno.test("a put without a handler is posted; a handler can refuse it", async () => {
  const pv = new SharedPV();
  pv.open({ type: TYPE });
  const peer = { method: "ca", user: "u", host: "h", address: "127.0.0.1" };
  const st = await pv.put({ value: { ...pv.value, count: 3n }, changed: BitSet.of(5), peer });
  assert.equal(st.type, "ok");
  assert.equal(pv.value.count, 3n);
  const strict = new SharedPV({ onPut: () => ({ type: "error", message: "no", callTree: "" }) });
  strict.open({ type: TYPE });
  assert.equal((await strict.put({ value: strict.value, changed: BitSet.of(5), peer })).message, "no");
});
