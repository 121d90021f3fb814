/**
 * nMonitors = 2 through our server's distributor: the two upstream monitors share the source's updates
 * (each receives every other one) and every source update reaches the mirror's client exactly once.
 */
import assert from "node:assert/strict";
import { scalar, SharedPV, struct } from "../../../mod.ts";
import { expectConnected, nextData, nextEvent } from "../../support/monitor_events.ts";
import { until } from "../../ca/helpers.ts";
import { mirrorOf } from "./fixture.ts";

const ID_T = struct("id_t", { uniqueId: scalar("int32"), value: scalar("float64") });

Deno.test("nMonitors=2 with a distributor request: every update reaches the mirror exactly once", async () => {
  const src = new SharedPV();
  src.open({ type: ID_T, value: { uniqueId: 0, value: 0 } });
  await using s = await mirrorOf(
    { "t:ids": src },
    "(m:ids,t:ids,pva,16,2,_[pydistributor=updates:1;group:mirror;trigger:uniqueId])",
  );
  await until(
    () => src.subscriberCount === 2 && s.mirror.stats()[0].connected,
    5000,
    "both upstream monitors",
  );
  const members = src.subscribers();
  assert.deepEqual(members.map((m) => m.group), ["mirror", "mirror"], "both monitors joined the group");

  const sub = s.client.monitor("m:ids", { queueSize: 256 });
  assert.equal((await nextData(sub)).value.uniqueId, 0);
  // In lockstep: the upstream monitors do not pipeline (as PvaPy's), so a faster source would be folded.
  const N = 300;
  const got: number[] = [];
  for (let id = 1; id <= N; id++) {
    src.post({ uniqueId: id, value: id / 2 });
    const ev = await nextData(sub);
    assert.ok(ev.overrun.isEmpty(), `no overrun at ${ev.value.uniqueId}`);
    assert.equal(ev.value.value, (ev.value.uniqueId as number) / 2, "value and id come from the same update");
    got.push(ev.value.uniqueId as number);
  }
  // Both monitors arrive on one connection, so the order holds here; across connections it need not.
  assert.deepEqual(
    [...got].sort((a, b) => a - b),
    Array.from({ length: N }, (_, i) => i + 1),
    "each id once",
  );
  const sent = src.subscribers().map((m) => m.sent);
  assert.deepEqual(sent, [N / 2 + 1, N / 2 + 1], "each monitor: its initial value and every other update");
  const stats = s.mirror.stats()[0];
  assert.equal(
    stats.nReceived,
    N + 1,
    "the opening value and N updates; the second initial value is not counted",
  );
  assert.equal(stats.nOverruns, 0);
  sub.close();
});

Deno.test("nMonitors=2: when the source comes back with another type, the mirror re-opens once and shares again", async () => {
  const src = new SharedPV();
  src.open({ type: ID_T, value: { uniqueId: 0, value: 0 } });
  await using s = await mirrorOf(
    { "t:again": src },
    "(m:again,t:again,pva,0,2,_[pydistributor=trigger:uniqueId])",
  );
  const sub = s.client.monitor("m:again", { queueSize: 64 });
  assert.equal((await nextData(sub)).value.uniqueId, 0);

  const ID2_T = struct("id2_t", {
    uniqueId: scalar("int32"),
    value: scalar("float64"),
    tag: scalar("string"),
  });
  const next = new SharedPV();
  next.open({ type: ID2_T, value: { uniqueId: 100, value: 50, tag: "second" } });
  s.source.server.replacePV("t:again", next); // another type: the source destroys both monitors' channel
  assert.equal((await nextEvent(sub, 10_000)).kind, "disconnected");
  const connected = await expectConnected(sub, 20_000);
  assert.deepEqual(connected.type, ID2_T);
  assert.deepEqual((await nextData(sub)).value, { uniqueId: 100, value: 50, tag: "second" });
  await until(() => next.subscriberCount === 2, 5000, "both monitors back in the group");
  const got: number[] = [];
  for (let id = 101; id <= 120; id++) {
    next.post({ uniqueId: id, value: id / 2 });
    got.push((await nextData(sub)).value.uniqueId as number);
  }
  assert.deepEqual(got, Array.from({ length: 20 }, (_, i) => 101 + i), "each update once after the return");
  const stats = s.mirror.stats()[0];
  assert.equal(stats.nReceived, 1 + 1 + 20, "each opening value once, and the 20 updates");
  sub.close();
});
