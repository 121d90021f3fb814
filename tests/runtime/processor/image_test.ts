import assert from "node:assert/strict";
import {
  choiceArg,
  contiguousLayout,
  copyPixels,
  imageLayout,
  ImageLayoutError,
  integerArg,
  numberArg,
  ProcessorArgError,
  shiftMap,
} from "../../../mod.ts";

const RAW = { name: "" };

Deno.test("imageLayout: the sample positions of each colour mode, as docs/processors.md gives them", () => {
  const nx = 5;
  const ny = 4;
  const index: Record<number, (c: number, x: number, y: number) => number> = {
    0: (_c, x, y) => x + nx * y,
    2: (c, x, y) => c + 3 * (x + nx * y),
    3: (c, x, y) => x + nx * (c + 3 * y),
    4: (c, x, y) => x + nx * (y + ny * c),
  };
  for (const [mode, shape] of [[0, [5, 4]], [2, [3, 5, 4]], [3, [5, 3, 4]], [4, [5, 4, 3]]] as const) {
    const l = imageLayout({
      colorMode: mode,
      shape: [...shape],
      data: new Uint8Array(shape.reduce((a: number, b: number) => a * b, 1)),
      codec: RAW,
    });
    assert.deepEqual([l.nx, l.ny, l.colours, l.shape], [nx, ny, mode === 0 ? 1 : 3, shape]);
    for (let c = 0; c < l.colours; c++) {
      for (let y = 0; y < ny; y++) {
        for (let x = 0; x < nx; x++) {
          assert.equal(c * l.cStride + x * l.xStride + y * l.yStride, index[mode](c, x, y), `mode ${mode}`);
        }
      }
    }
  }
  const row = imageLayout({ colorMode: 0, shape: [7], data: new Uint8Array(7) });
  assert.deepEqual([row.nx, row.ny], [7, 1]);
});

Deno.test("imageLayout: compressed frames, shapes that do not fit and unknown colour modes are ImageLayoutErrors", () => {
  const data = new Uint8Array(24);
  const cases: [number, number[], { name: string }, RegExp][] = [
    [0, [4, 6], { name: "lz4" }, /compressed \(lz4\)/],
    [0, [4, 5], RAW, /shape \[4, 5\]: does not describe the frame's 24 samples/],
    [0, [2, 3, 4], RAW, /a mono frame \(colour mode 0\) has one or two dimensions/],
    [2, [4, 3, 2], RAW, /colour mode 2 needs three dimensions with 3 colours at position 0/],
    [4, [8, 3], RAW, /colour mode 4 needs three dimensions with 3 colours at position 2/],
    [5, [4, 6], RAW, /colour mode 5 is not mono/],
  ];
  for (const [colorMode, shape, codec, message] of cases) {
    assert.throws(() => imageLayout({ colorMode, shape, data, codec }), (e) => {
      assert.ok(e instanceof ImageLayoutError);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("copyPixels: a region or a source outside its image is a RangeError, nothing written", () => {
  const from = contiguousLayout(0, 4, 4);
  const to = contiguousLayout(0, 2, 2);
  const src = new Uint8Array(16).map((_, i) => i);
  const dst = new Uint8Array(4);
  assert.throws(
    () => copyPixels(src, from, dst, to, { x: 1, y: 0, width: 2, height: 2 }, shiftMap(0, 0)),
    RangeError,
  );
  assert.throws(
    () => copyPixels(src, from, dst, to, { x: 0, y: 0, width: 2, height: 2 }, shiftMap(3, 0)),
    RangeError,
  );
  assert.throws(
    () =>
      copyPixels(
        src,
        from,
        dst,
        contiguousLayout(2, 2, 2),
        { x: 0, y: 0, width: 1, height: 1 },
        shiftMap(0, 0),
      ),
    /copy from 1 colours to 3/,
  );
  assert.deepEqual([...dst], [0, 0, 0, 0]);
  copyPixels(src, from, dst, to, { x: 0, y: 0, width: 2, height: 2 }, shiftMap(2, 2));
  assert.deepEqual([...dst], [10, 11, 14, 15]);
});

Deno.test("argument readers: absent is undefined, invalid is a ProcessorArgError naming the argument", () => {
  assert.equal(integerArg({}, "n"), undefined);
  assert.equal(integerArg({ n: 3 }, "n", { min: 1, max: 5 }), 3);
  for (const n of [0, 6, 2.5, "3", null]) {
    assert.throws(() => integerArg({ n }, "n", { min: 1, max: 5 }), (e) => {
      assert.ok(e instanceof ProcessorArgError);
      assert.equal(e.arg, "n");
      assert.match(e.message, /^argument n: expected an integer from 1 to 5, got /);
      return true;
    });
  }
  assert.throws(() => numberArg({ t: Infinity }, "t"), /expected a finite number, got null/);
  assert.equal(choiceArg({ m: "b" }, "m", ["a", "b"]), "b");
  assert.throws(() => choiceArg({ m: "c" }, "m", ["a", "b"]), /expected one of "a", "b", got "c"/);
});
