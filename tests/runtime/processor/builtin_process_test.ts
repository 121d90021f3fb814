/**
 * The built-in processors run in a child-process sandbox too, which loads them with --no-npm: they
 * must not import the npm packages of the rest of the library (the HTTP API's).
 */
import assert from "node:assert/strict";
import { isFrame } from "../../../mod.ts";
import { testFrame, withHost } from "./helpers.ts";

const builtin = (name: string) => new URL(`../../../processors/${name}`, import.meta.url).pathname;

Deno.test("the pass-through runs in process isolation and returns the frame's pixels", async () => {
  await withHost({ file: builtin("passthrough.ts"), isolation: "process" }, async (host) => {
    const [out] = await host.process(testFrame({}, undefined, 42));
    assert.ok(isFrame(out));
    assert.equal(out.uniqueId, 42);
    assert.deepEqual([...out.data as Uint8Array], Array.from({ length: 16 }, (_, i) => i));
  });
});

Deno.test("image statistics run in process isolation", async () => {
  await withHost({ file: builtin("image_stats.ts"), isolation: "process" }, async (host) => {
    const [out] = await host.process(testFrame());
    assert.equal((out as unknown as { value: { max: number } }).value.max, 15);
  });
});
