import assert from "node:assert/strict";
import { type FrameLike, FramePreview, PreviewError } from "../../../runtime/preview/mod.ts";

/** A source whose frame the test swaps, counting how often the preview asks for it. */
class SwappableSource {
  frame: FrameLike | undefined;
  asked = 0;
  latest(): FrameLike | undefined {
    this.asked++;
    return this.frame;
  }
}

Deno.test("the preview is rendered at most maxPerSecond times a second and shared meanwhile", async () => {
  const source = new SwappableSource();
  let now = 1000;
  const preview = new FramePreview({ source, maxPerSecond: 4, clock: () => now });
  assert.deepEqual(await preview.current(), { kind: "empty" });
  source.frame = { data: new Uint8Array([0, 1, 2, 3]), shape: [2, 2] };
  now += 100;
  assert.deepEqual(await preview.current(), { kind: "empty" }, "within 250 ms: the cached answer");
  now += 150;
  const first = await preview.current();
  assert.equal(first.kind, "image");
  const burst = await Promise.all(Array.from({ length: 20 }, () => preview.current()));
  assert.ok(burst.every((r) => r === first), "every caller within the interval gets the same render");
  assert.equal(source.asked, 2);
  source.frame = { data: new Uint16Array(6), shape: [3, 2] };
  now += 250;
  const second = await preview.current();
  assert.equal(source.asked, 3);
  assert.ok(second.kind === "image" && first.kind === "image");
  assert.deepEqual([second.image.sourceWidth, second.image.dtype, second.image.frameBytes], [
    3,
    "uint16",
    12,
  ]);
  assert.deepEqual([first.image.sourceWidth, first.image.dtype, first.image.frameBytes], [2, "uint8", 4]);
  assert.ok(second.costMs > 0 && first.costMs > 0, "each render tells what it cost");
});

Deno.test("an unusable frame is told with its reason, not thrown", async () => {
  let now = 0;
  const preview = new FramePreview({
    source: { latest: () => ({ data: new Uint8Array(3), shape: [2, 2] }) },
    clock: () => (now += 1000),
  });
  assert.deepEqual(await preview.current(), {
    kind: "unusable",
    reason: "the frame holds 3 elements but dimensions [2, 2] need 4",
  });
  assert.throws(() => new FramePreview({ source: { latest: () => undefined }, maxPerSecond: 0 }), RangeError);
});

Deno.test("a source that cannot give a usable frame says why through a PreviewError", async () => {
  const preview = new FramePreview({
    source: {
      latest: () => {
        throw new PreviewError("the frame is compressed (bslz4); previews need raw pixels");
      },
    },
  });
  assert.deepEqual(await preview.current(), {
    kind: "unusable",
    reason: "the frame is compressed (bslz4); previews need raw pixels",
  });
});
