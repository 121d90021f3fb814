import assert from "node:assert/strict";
import {
  type DistributorOptions,
  parseDistributorOptions,
} from "../../../protocol/pva/server/distributor.ts";
import { SharedPV, type UpdateListener } from "../../../protocol/pva/server/shared_pv.ts";
import type { Update } from "../../../protocol/pva/server/update.ts";
import { bitOf } from "../../../protocol/pvdata/partial.ts";
import { scalar, struct } from "../../../protocol/pvdata/types.ts";

const TYPE = struct("epics:nt/NTNDArray:1.0", { uniqueId: scalar("int32"), v: scalar("float64") });

function member(log: number[]): UpdateListener {
  return {
    onUpdate: (u) => log.push(u.value.uniqueId as number),
    onClose() {},
    hasRoom: () => true,
    describe: () => {
      throw new Error("not asked in these tests");
    },
  };
}

/** Subscribes `s` to `pv` in a distributor group; returns the function that unsubscribes it. */
function joinDistributor(pv: SharedPV, s: UpdateListener, distributor: DistributorOptions): () => void {
  pv.subscribe(s, { distributor });
  return () => pv.unsubscribe(s);
}

function openPv(): SharedPV {
  const pv = new SharedPV();
  pv.open({ type: TYPE, value: { uniqueId: 0, v: 0 } });
  return pv;
}

Deno.test("distributor options: defaults and errors", () => {
  assert.deepEqual(parseDistributorOptions("trigger:uniqueId"), {
    group: "default",
    set: undefined,
    trigger: "uniqueId",
    updates: 1,
    mode: "one",
  });
  assert.equal(parseDistributorOptions("set:s1").mode, "all");
  assert.throws(() => parseDistributorOptions("updates:0"), /updates/);
  assert.throws(() => parseDistributorOptions("colour:red"), /unknown distributor option "colour"/);
  assert.throws(() => parseDistributorOptions("mode:some"), /mode/);
});

Deno.test("distributor: three clients round-robin, as the PvaPy reference describes", () => {
  const pv = openPv();
  const logs = [[], [], []] as number[][];
  const opts = parseDistributorOptions("trigger:uniqueId");
  logs.forEach((l) => joinDistributor(pv, member(l), opts));
  for (let id = 1; id <= 9; id++) pv.post({ uniqueId: id });
  assert.deepEqual(logs, [[1, 4, 7], [2, 5, 8], [3, 6, 9]]);
});

Deno.test("distributor: updates:2 gives consecutive pairs; duplicate triggers go to nobody", () => {
  const pv = openPv();
  const a: number[] = [];
  const b: number[] = [];
  const opts = parseDistributorOptions("trigger:uniqueId;updates:2");
  joinDistributor(pv, member(a), opts);
  joinDistributor(pv, member(b), opts);
  for (const id of [1, 2, 2, 3, 4, 5, 6]) pv.post({ uniqueId: id, v: Math.random() });
  assert.deepEqual(a, [1, 2, 5, 6]);
  assert.deepEqual(b, [3, 4]);
});

Deno.test("distributor: sets in mode all, groups independent, leaving adapts at once", () => {
  const pv = openPv();
  const [s1a, s1b, s2, other] = [[], [], [], []] as number[][];
  joinDistributor(pv, member(s1a), parseDistributorOptions("set:one;trigger:uniqueId"));
  joinDistributor(pv, member(s1b), parseDistributorOptions("set:one;trigger:uniqueId"));
  const leave = joinDistributor(pv, member(s2), parseDistributorOptions("set:two;trigger:uniqueId"));
  joinDistributor(pv, member(other), parseDistributorOptions("group:g2;trigger:uniqueId"));
  for (let id = 1; id <= 4; id++) pv.post({ uniqueId: id });
  leave();
  for (let id = 5; id <= 6; id++) pv.post({ uniqueId: id });
  assert.deepEqual(s1a, [1, 3, 5, 6]);
  assert.deepEqual(s1b, [1, 3, 5, 6]);
  assert.deepEqual(s2, [2, 4]);
  assert.deepEqual(other, [1, 2, 3, 4, 5, 6]);
});

Deno.test("distributor: every member counts as a subscriber; the group goes with its last member", () => {
  const pv = openPv();
  const opts = parseDistributorOptions("trigger:uniqueId");
  const a: number[] = [];
  const leaveA = joinDistributor(pv, member(a), opts);
  const leaveB = joinDistributor(pv, member([]), opts);
  assert.equal(pv.subscriberCount, 2);
  leaveA();
  leaveB();
  assert.equal(pv.subscriberCount, 0);
  // A new member starts a fresh group: it receives the next update, whatever the old turn was.
  joinDistributor(pv, member(a), opts);
  pv.post({ uniqueId: 7 });
  assert.deepEqual(a, [7]);
});

Deno.test("distributor: a member's update carries the fields changed by updates it was not given", () => {
  const pv = openPv();
  const seen: { id: number; changed: string[] }[][] = [[], []];
  const opts = parseDistributorOptions("trigger:uniqueId");
  const names = (u: Update) => ["uniqueId", "v"].filter((f) => u.changed.has(bitOf(TYPE, f)));
  for (const log of seen) {
    joinDistributor(pv, {
      ...member([]),
      onUpdate: (u) => log.push({ id: u.value.uniqueId as number, changed: names(u) }),
    }, opts);
  }
  pv.post({ uniqueId: 1, v: 2.5 }); // to the first: v set once, as a detector sets a frame's dimensions
  pv.post({ uniqueId: 2 }); // to the second, which never got v
  pv.post({ uniqueId: 2, v: 3.5 }); // a repeated trigger goes to nobody, but its change is owed to both
  pv.post({ uniqueId: 3 });
  pv.post({ uniqueId: 4 });
  assert.deepEqual(seen[0], [{ id: 1, changed: ["uniqueId", "v"] }, { id: 3, changed: ["uniqueId", "v"] }]);
  assert.deepEqual(seen[1], [{ id: 2, changed: ["uniqueId", "v"] }, { id: 4, changed: ["uniqueId", "v"] }]);
  pv.post({ uniqueId: 5 });
  pv.post({ uniqueId: 6 });
  assert.deepEqual(seen[0].at(-1), { id: 5, changed: ["uniqueId"] }, "nothing owed: just what changed");
  assert.deepEqual(seen[1].at(-1), { id: 6, changed: ["uniqueId"] });
});

Deno.test("distributor: a member's update carries the fields changed in others' turns", () => {
  const pv = openPv();
  const got: { changed: number[]; v: unknown }[][] = [[], []];
  const opts = parseDistributorOptions("trigger:uniqueId");
  got.forEach((log) =>
    joinDistributor(pv, {
      ...member([]),
      onUpdate: (u) => {
        const bits: number[] = [];
        for (let i = u.changed.nextSetBit(0); i >= 0; i = u.changed.nextSetBit(i + 1)) bits.push(i);
        log.push({ changed: bits, v: u.value.v });
      },
    }, opts)
  );
  // v changes once, in the first member's turn; later posts change uniqueId only (bit 1; v is bit 2).
  pv.post({ uniqueId: 1, v: 2.5 });
  pv.post({ uniqueId: 2 });
  pv.post({ uniqueId: 3 });
  pv.post({ uniqueId: 4 });
  assert.deepEqual(got[0], [{ changed: [1, 2], v: 2.5 }, { changed: [1], v: 2.5 }]);
  assert.deepEqual(
    got[1],
    [{ changed: [1, 2], v: 2.5 }, { changed: [1], v: 2.5 }],
    "v reaches the second member",
  );
});
