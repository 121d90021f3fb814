import assert from "node:assert/strict";
import { UsageError } from "../../../runtime/cli/args.ts";
import { channelName, formatId, parseIdList } from "../../../runtime/cli/ids.ts";

Deno.test("parseIdList: comma lists, brackets and Python's range()", () => {
  assert.deepEqual(parseIdList("1,2,5"), [1, 2, 5]);
  assert.deepEqual(parseIdList("[3, 4]"), [3, 4]);
  assert.deepEqual(parseIdList("range(5)"), [0, 1, 2, 3, 4]);
  assert.deepEqual(parseIdList("range(1,10,3)"), [1, 4, 7]);
  assert.deepEqual(parseIdList("range(5, 1, -2)"), [5, 3]);
});

Deno.test("parseIdList: names the list when it is malformed or empty", () => {
  assert.throws(() => parseIdList("1;2"), (e) => e instanceof UsageError && /"1;2"/.test(e.message));
  assert.throws(() => parseIdList("range(3,1)"), /is empty/);
  assert.throws(() => parseIdList("range(1,5,0)"), /step must not be zero/);
});

Deno.test("formatId: the integer format specs of Python's f-strings", () => {
  // Expected strings printed by CPython 3.11 for f"{id:spec}".
  assert.equal(formatId(7, "03d"), "007");
  assert.equal(formatId(7, ">3"), "  7");
  assert.equal(formatId(-7, "04d"), "-007");
  assert.equal(formatId(7, "x<3"), "7xx");
  assert.equal(formatId(7, "^4d"), " 7  ");
  assert.equal(formatId(7, "2"), " 7");
  assert.equal(formatId(17, "1d"), "17");
  assert.equal(formatId(17), "17");
  assert.throws(() => formatId(1, ".2f"), /--id-format-spec ".2f"/);
});

Deno.test("channelName: _ is PvaPy's default name, * the formatted id", () => {
  assert.equal(channelName("_", { kind: "consumer", role: "output", id: "3" }), "pvapy:consumer:3:output");
  assert.equal(
    channelName("_", { kind: "collector", role: "control", id: "01" }),
    "pvapy:collector:01:control",
  );
  assert.equal(channelName("ad:*:img:*", { kind: "consumer", role: "output", id: "02" }), "ad:02:img:02");
  assert.equal(channelName(undefined, { kind: "consumer", role: "status", id: "1" }), undefined);
});
