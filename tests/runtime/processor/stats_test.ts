import assert from "node:assert/strict";
import fc from "fast-check";
import { checkStats, ProcessorError, userStatsType, zeroStats } from "../../../mod.ts";

const declared = {
  nPeaks: "uint",
  mean: "double",
  total: "ulong",
  label: "string",
  ok: "bool",
  bins: "uint[]",
} as const;

Deno.test("checkStats: matching values become the userStats value (64-bit as bigint, arrays typed)", () => {
  const v = checkStats(declared, {
    nPeaks: 3,
    mean: 0.5,
    total: 2 ** 40,
    label: "x",
    ok: true,
    bins: [1, 2],
  });
  assert.deepEqual(v, {
    nPeaks: 3,
    mean: 0.5,
    total: 2n ** 40n,
    label: "x",
    ok: true,
    bins: new Uint32Array([1, 2]),
  });
});

Deno.test("checkStats: every mismatch is an error naming the key, never a dropped field", () => {
  const good = { nPeaks: 3, mean: 0.5, total: 1n, label: "x", ok: true, bins: [1] };
  const cases: [Record<string, unknown>, string, RegExp][] = [
    [{ nPeaks: "3" }, "nPeaks", /expected uint, got "3"/],
    [{ nPeaks: -1 }, "nPeaks", /out of range/],
    [{ nPeaks: 1.5 }, "nPeaks", /expected uint, got 1.5/],
    [{ mean: "0.5" }, "mean", /expected double/],
    [{ ok: 1 }, "ok", /expected bool, got 1/],
    [{ bins: [1, "2"] }, "bins", /expected uint\[\]/],
    [{ bins: 4 }, "bins", /expected uint\[\]/],
    [{ label: undefined }, "label", /expected string/],
    [{ extra: 1 }, "extra", /not declared in statsTypes/],
  ];
  for (const [patch, key, reason] of cases) {
    assert.throws(() => checkStats(declared, { ...good, ...patch }), (e: ProcessorError) => {
      assert.equal(e.kind, "stats");
      assert.equal(e.key, key);
      assert.match(e.message, new RegExp(`^stats key ${key}: `));
      assert.match(e.message, reason);
      return true;
    });
  }
  const { mean: _, ...missing } = good;
  assert.throws(() => checkStats(declared, missing), /stats key mean: declared but missing/);
});

Deno.test("checkStats: any uint in range passes, anything outside fails", () => {
  fc.assert(fc.property(fc.double({ noNaN: true }), (x) => {
    const fits = Number.isInteger(x) && x >= 0 && x < 2 ** 32;
    let passed = true;
    try {
      checkStats({ n: "uint" }, { n: x });
    } catch (e) {
      assert.ok(e instanceof ProcessorError && e.key === "n");
      passed = false;
    }
    assert.equal(passed, fits, `${x}`);
  }));
});

Deno.test("userStatsType and zeroStats follow the declaration; an unknown type names the key", () => {
  const t = userStatsType(declared);
  assert.deepEqual(t.fields.map((f) => [f.name, f.type]), [
    ["nPeaks", { kind: "scalar", type: "uint32" }],
    ["mean", { kind: "scalar", type: "float64" }],
    ["total", { kind: "scalar", type: "uint64" }],
    ["label", { kind: "scalar", type: "string" }],
    ["ok", { kind: "scalar", type: "bool" }],
    ["bins", { kind: "scalarArray", type: "uint32" }],
  ]);
  assert.deepEqual(zeroStats(declared), {
    nPeaks: 0,
    mean: 0,
    total: 0n,
    label: "",
    ok: false,
    bins: new Uint32Array(0),
  });
  // deno-lint-ignore no-explicit-any
  assert.throws(() => userStatsType({ n: "integer" as any }), /stats key n: unknown type "integer"/);
});
