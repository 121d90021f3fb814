/**
 * Our mirror of our server: every update arrives with identical values (a counter and an NTNDArray
 * image) and exactly the source's changed and overrun bits; a put to the mirror is refused; the source
 * going away makes the mirror's clients see a disconnect, and its return brings them back with data;
 * upstream monitors run without subscribers (a GET reads the current value).
 */
import assert from "node:assert/strict";
import {
  bitOf,
  BitSet,
  createLogger,
  loopbackConfig,
  ntNDArray,
  PvaServer,
  scalar,
  SharedPV,
  struct,
  type StructValue,
} from "../../../mod.ts";
import { COUNTER_TYPE, counterPv } from "../../pva/server/harness.ts";
import { expectConnected, nextData, nextEvent } from "../../support/monitor_events.ts";
import { until } from "../../ca/helpers.ts";
import { mirrorOf } from "./fixture.ts";

Deno.test("mirror of a counter: every update once, identical, overrun bits forwarded, puts refused", async () => {
  const src = counterPv(0);
  await using s = await mirrorOf({ "t:counter": src }, "(m:counter,t:counter)");
  const sub = s.client.monitor("m:counter", { queueSize: 64 });
  await expectConnected(sub);
  assert.equal((await nextData(sub)).value.value, 0, "the mirror starts with the source's value");

  // In lockstep: the upstream monitor does not pipeline (as PvaPy's), so a faster source would be folded.
  const N = 200;
  const got: number[] = [];
  for (let i = 1; i <= N; i++) {
    src.post({ value: i });
    const ev = await nextData(sub);
    assert.ok(ev.overrun.isEmpty(), `no overrun at ${ev.value.value}`);
    got.push(ev.value.value as number);
  }
  assert.deepEqual(got, Array.from({ length: N }, (_, i) => i + 1));

  // Overrun bits of the source's update travel through the mirror unchanged.
  const value = bitOf(COUNTER_TYPE, "value");
  const note = bitOf(COUNTER_TYPE, "note");
  src.post({ value: 1000, note: "lost some" }, {
    changed: BitSet.of(value, note),
    overrun: BitSet.of(value),
  });
  const ev = await nextData(sub);
  assert.deepEqual(ev.value, { value: 1000, note: "lost some" });
  assert.deepEqual([...ev.changed], [value, note]);
  assert.deepEqual([...ev.overrun], [value]);
  const stats = s.mirror.stats()[0];
  assert.equal(stats.nReceived, N + 2, "the first value, N updates and the overrun one");
  assert.equal(stats.nOverruns, 1);
  assert.equal(stats.nSubscribers, 1);
  assert.equal(stats.nSent, N + 2, "one client: one send per update");
  assert.equal(stats.connected, true);

  await assert.rejects(s.client.put("m:counter", { value: 5 }), /read-only|refused|not allowed/i);
  assert.equal((await s.client.get("m:counter")).value.value, 1000, "the refused put changed nothing");
  sub.close();
});

Deno.test("mirror of an NTNDArray: identical pixels; an update without new pixels does not resend them", async () => {
  const frame = (id: number) =>
    ntNDArray({
      data: Uint16Array.from({ length: 64 * 32 }, (_, i) => (i * 7 + id) & 0xffff),
      dims: [64, 32],
      uniqueId: id,
    });
  const src = new SharedPV();
  src.open(frame(0));
  await using s = await mirrorOf({ "t:image": src }, "(m:image,t:image,pva,8)");
  const sub = s.client.monitor("m:image", { queueSize: 16 });
  const first = await nextData(sub);
  assert.deepEqual(first.type, src.type, "the mirror has the source's type");
  for (let id = 1; id <= 20; id++) {
    const f = frame(id).value as StructValue;
    src.post({ value: f.value, uniqueId: id });
    const ev = await nextData(sub);
    assert.equal(ev.value.uniqueId, id);
    assert.deepEqual(ev.value.value, f.value, `frame ${id}: identical pixels`);
  }
  const before = sub.stats.bytes;
  src.post({ uniqueId: 21 });
  const ev = await nextData(sub);
  assert.deepEqual([...ev.changed], [bitOf(src.type, "uniqueId")], "only uniqueId changed");
  assert.ok(sub.stats.bytes - before < 64, `${sub.stats.bytes - before} bytes for an id: pixels not resent`);
  assert.deepEqual(
    ev.value.value,
    (frame(20).value as StructValue).value,
    "the pixels stay those of frame 20",
  );
  sub.close();
});

Deno.test("the source going away: mirror clients see a disconnect, then connected and data when it is back", async () => {
  const src = counterPv(1);
  await using s = await mirrorOf({ "t:c": src }, "(m:c,t:c)");
  const sub = s.client.monitor("m:c");
  await expectConnected(sub);
  assert.equal((await nextData(sub)).value.value, 1);

  const port = s.source.port;
  await s.source.server.close();
  const gone = await nextEvent(sub, 15_000);
  assert.equal(gone.kind, "disconnected", Deno.inspect(gone));
  await until(() => !s.mirror.stats()[0].connected, 5000, "the mirror to close");
  await assert.rejects(s.client.get("m:c", { timeout: 1 }), "no mirror without its source");

  // The source comes back on the same port with another value.
  const back = new SharedPV();
  back.open({ type: COUNTER_TYPE, value: { value: 42, note: "back" } });
  const again = new PvaServer({ config: loopbackConfig({ serverPort: port }), tcpOnly: true });
  again.addPV("t:c", back);
  await again.start();
  try {
    const connected = await expectConnected(sub, 20_000);
    assert.deepEqual(connected.type, COUNTER_TYPE);
    assert.deepEqual((await nextData(sub)).value, { value: 42, note: "back" });
    back.post({ value: 43 });
    assert.equal((await nextData(sub)).value.value, 43, "updates flow again");
    assert.equal(s.mirror.stats()[0].connected, true);
  } finally {
    sub.close();
    await again.close();
  }
});

Deno.test("upstream monitors run without subscribers: counts advance and a GET reads the current value", async () => {
  const src = counterPv(0);
  await using s = await mirrorOf({ "t:idle": src }, "(m:idle,t:idle)");
  await until(() => s.mirror.stats()[0].connected, 5000, "the mirror to open");
  for (let i = 1; i <= 5; i++) {
    src.post({ value: i });
    await until(
      () => s.mirror.stats()[0].nReceived === i + 1,
      5000,
      `update ${i} received with no subscriber`,
    );
  }
  assert.equal(s.mirror.stats()[0].nSubscribers, 0);
  assert.equal((await s.client.get("m:idle")).value.value, 5);
});

Deno.test("a source that comes back with another type: the mirror re-opens with it", async () => {
  const src = counterPv(3);
  await using s = await mirrorOf({ "t:t": src }, "(m:t,t:t)");
  const sub = s.client.monitor("m:t");
  await expectConnected(sub);
  assert.equal((await nextData(sub)).value.value, 3);
  const FLOAT_T = struct("float_t", { value: scalar("float64"), unit: scalar("string") });
  const next = new SharedPV();
  next.open({ type: FLOAT_T, value: { value: 2.5, unit: "mm" } });
  s.source.server.replacePV("t:t", next); // another type: the source destroys the channel
  assert.equal((await nextEvent(sub, 10_000)).kind, "disconnected");
  const connected = await expectConnected(sub, 20_000);
  assert.deepEqual(connected.type, FLOAT_T, "the mirror has the new type");
  assert.deepEqual((await nextData(sub)).value, { value: 2.5, unit: "mm" });
  sub.close();
});

Deno.test("a monitor the source refuses is logged at error level and the mirror stays unserved", async () => {
  const lines: string[] = [];
  const src = counterPv(0, { access: (_peer, op) => op !== "monitor" });
  await using s = await mirrorOf({ "t:no": src }, "(m:no,t:no)", {
    logger: createLogger({ level: "error", write: (l) => lines.push(l) }),
  });
  await until(() => lines.length > 0, 5000, "the refusal to be logged");
  assert.match(lines[0], /mirror m:no: monitor of t:no failed/);
  assert.equal(s.mirror.stats()[0].connected, false);
  await assert.rejects(s.client.get("m:no", { timeout: 1 }));
});
