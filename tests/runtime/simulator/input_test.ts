/**
 * Frame input from files numpy wrote (.npy versions 1-3, both byte orders, every datatype, 2-D to 4-D)
 * and raw binary files with a YAML description; each compared with the bytes numpy gives for the array.
 */
import assert from "node:assert/strict";
import { openFrameSource } from "../../../runtime/simulator/input.ts";
import { parseNpy } from "../../../runtime/simulator/npy.ts";
import { parseRawDescription } from "../../../runtime/simulator/raw.ts";
import {
  FrameInputError,
  resolveSettings,
  SIM_DATATYPES,
  type SimulatorOptions,
} from "../../../runtime/simulator/mod.ts";
import { requirePeers, runPython } from "../../interop/peers.ts";

const IGNORE = !requirePeers("simulator input tests (numpy)");

/** Writes the arrays of `script` (Python with `np` and `d`, the directory) into a fresh directory. */
async function numpyFiles(script: string): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "sim_input_" });
  const path = `${dir}/write.py`;
  await Deno.writeTextFile(path, `import sys\nimport numpy as np\nd = sys.argv[1]\n${script}\n`);
  const { code, stderr } = await runPython(path, [dir]);
  assert.equal(code, 0, stderr);
  await Deno.remove(path);
  return dir;
}

/** The little-endian bytes of a typed array. */
function littleEndianBytes(a: ArrayBufferView): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength).slice();
}

function source(options: SimulatorOptions) {
  return openFrameSource(resolveSettings(options));
}

Deno.test({ name: ".npy of every datatype, versions 1-3, both byte orders", ignore: IGNORE }, async () => {
  const dir = await numpyFiles(`
for t in ${JSON.stringify(SIM_DATATYPES)}:
    for order in '<>':
        a = ((np.arange(2 * 3 * 4) * 37 - 200) % 251).astype(np.dtype(t).newbyteorder(order)).reshape(2, 3, 4)
        for v in (1, 2, 3):
            with open(f'{d}/{t}{order == "<" and "le" or "be"}_v{v}.npy', 'wb') as f:
                np.lib.format.write_array(f, a, version=(v, 0))
        a.astype(np.dtype(t).newbyteorder('<')).tofile(f'{d}/{t}.expected')
`);
  try {
    for (const t of SIM_DATATYPES) {
      const expected = await Deno.readFile(`${dir}/${t}.expected`);
      for (const order of ["le", "be"]) {
        for (const v of [1, 2, 3]) {
          const file = `${dir}/${t}${order}_v${v}.npy`;
          const npy = parseNpy(await Deno.readFile(file), file);
          assert.equal(npy.datatype, t, file);
          assert.deepEqual(npy.shape, [2, 3, 4], file);
          assert.deepEqual(littleEndianBytes(npy.data), expected, file);
          const src = source({ inputFile: file });
          assert.equal(src.count, 2, file);
          assert.deepEqual(src.frame(1).dims, [4, 3]);
          assert.deepEqual(
            littleEndianBytes(src.frame(1).data),
            expected.subarray(expected.length / 2),
            file,
          );
        }
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test(
  { name: ".npy shapes: one 2-D frame, RGB frames, a sorted directory, n-frames", ignore: IGNORE },
  async () => {
    const dir = await numpyFiles(`
np.save(f'{d}/b_single.npy', np.arange(12, dtype=np.uint16).reshape(3, 4))
np.save(f'{d}/a_two.npy', np.arange(24, dtype=np.uint16).reshape(2, 3, 4) + 100)
np.save(f'{d}/rgb1.npy', np.arange(2 * 3 * 4 * 3, dtype=np.uint8).reshape(2, 3, 4, 3))
with open(f'{d}/notes.txt', 'w') as f:
    f.write('not a frame')
`);
    try {
      const rgb = source({ inputFile: `${dir}/rgb1.npy`, colorMode: 2 });
      assert.equal(rgb.count, 2);
      assert.deepEqual(rgb.frame(0).dims, [3, 4, 3]);
      assert.equal(rgb.frame(1).data[0], 36);
      assert.equal(rgb.frame(1).colorMode, 2);

      await Deno.remove(`${dir}/rgb1.npy`);
      const all = source({ inputDirectory: dir });
      assert.equal(all.count, 3, "a_two (2 frames) then b_single (1); notes.txt skipped");
      assert.deepEqual([0, 1, 2].map((i) => all.frame(i).data[0]), [100, 112, 0]);
      assert.deepEqual(all.frame(2).dims, [4, 3]);
      assert.equal(source({ inputDirectory: dir, nFrames: 2 }).count, 2);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test(
  { name: ".npy that cannot be streamed: errors name the file and the problem", ignore: IGNORE },
  async () => {
    const dir = await numpyFiles(`
np.save(f'{d}/int64.npy', np.zeros((2, 2), dtype=np.int64))
np.save(f'{d}/fortran.npy', np.asfortranarray(np.zeros((2, 3), dtype=np.uint8)))
np.save(f'{d}/flat.npy', np.zeros(5, dtype=np.uint8))
np.save(f'{d}/empty.npy', np.zeros((0, 2, 2), dtype=np.uint8))
np.save(f'{d}/ok.npy', np.zeros((4, 4), dtype=np.uint8))
np.save(f'{d}/cube.npy', np.zeros((2, 4, 4), dtype=np.uint8))
with open(f'{d}/ok.npy', 'rb') as f:
    data = f.read()
with open(f'{d}/short.npy', 'wb') as f:
    f.write(data[:-3])
with open(f'{d}/junk.npy', 'wb') as f:
    f.write(b'hello world, not numpy')
`);
    try {
      const fails = (name: string, pattern: RegExp, options: SimulatorOptions = {}) =>
        assert.throws(
          () => source({ inputFile: `${dir}/${name}`, ...options }),
          (e) => e instanceof FrameInputError && e.message.includes(name) && pattern.test(e.message),
          name,
        );
      fails("int64.npy", /dtype '<i8' is not one of/);
      fails("fortran.npy", /Fortran/);
      fails("flat.npy", /not 2-D/);
      fails("empty.npy", /no frames/);
      fails("short.npy", /needs 16 bytes, the file holds 13/);
      fails("junk.npy", /not a \.npy file/);
      fails("cube.npy", /3 colors in dimension 2/, { colorMode: 4 });
      fails("ok.npy", /not 3-D \(one frame\) or 4-D/, { colorMode: 4 });
      fails("missing.npy", /cannot read/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);

Deno.test({ name: "raw binary with a YAML description", ignore: IGNORE }, async () => {
  const dir = await numpyFiles(`
a = np.arange(3 * 2 * 4, dtype=np.uint16).reshape(3, 2, 4) * 1000
with open(f'{d}/plain.raw', 'wb') as f:
    f.write(a.astype('<u2').tobytes())
with open(f'{d}/gaps.raw', 'wb') as f:
    f.write(b'H' * 7)
    for frame in a.astype('>u2'):
        f.write(frame.tobytes())
        f.write(b'gap')
a.astype('<u2').tofile(f'{d}/expected.bin')
`);
  try {
    const expected = await Deno.readFile(`${dir}/expected.bin`);
    await Deno.writeTextFile(
      `${dir}/plain.yaml`,
      "file_info:\n  datatype: uint16\n  width: 4\n  height: 2\n",
    );
    const plain = source({ inputFile: `${dir}/plain.raw`, configFile: `${dir}/plain.yaml` });
    assert.equal(plain.count, 3);
    assert.deepEqual(plain.frame(0).dims, [4, 2]);
    assert.deepEqual(littleEndianBytes(plain.frame(2).data), expected.subarray(32));

    await Deno.writeTextFile(
      `${dir}/gaps.yaml`,
      "file_info:\n  datatype: uint16\n  width: 4\n  height: 2\n  endian: '>'\n  header_offset: 7\n" +
        "  between_frames: 3\n  n_images: 2\n",
    );
    const gaps = source({ inputFile: `${dir}/gaps.raw`, configFile: `${dir}/gaps.yaml` });
    assert.equal(gaps.count, 2, "n_images limits the frames");
    assert.deepEqual(littleEndianBytes(gaps.frame(1).data), expected.subarray(16, 32));

    await Deno.writeTextFile(
      `${dir}/many.yaml`,
      "file_info:\n  datatype: uint16\n  width: 4\n  height: 2\n  n_images: 4\n",
    );
    assert.throws(
      () => source({ inputFile: `${dir}/plain.raw`, configFile: `${dir}/many.yaml` }),
      (e) => e instanceof FrameInputError && /plain\.raw.*48 bytes/.test(e.message),
    );
    assert.throws(
      () => source({ inputFile: `${dir}/plain.raw` }),
      (e) =>
        e instanceof FrameInputError && /plain\.raw: not a \.npy file, and no --config-file/.test(e.message),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("raw descriptions: defaults, and errors naming the key", () => {
  const d = parseRawDescription("file_info: {datatype: float32, width: 3, height: 2}", "d.yaml");
  assert.deepEqual(d, {
    datatype: "float32",
    width: 3,
    height: 2,
    byteOrder: "little",
    headerOffset: 0,
    betweenFrames: 0,
    nImages: null,
    orderedFiles: null,
  });
  assert.equal(
    parseRawDescription("file_info: {datatype: int8, width: 1, height: 1, endian: big}", "d").byteOrder,
    "big",
  );
  const bad: [string, RegExp][] = [
    ["nothing: 1", /'file_info' mapping/],
    ["file_info: {datatype: int64, width: 1, height: 1}", /file_info\.datatype must be one of/],
    ["file_info: {datatype: int8, width: 0, height: 1}", /file_info\.width must be an integer >= 1, not 0/],
    ["file_info: {datatype: int8, width: 1}", /file_info\.height must be an integer >= 1, not undefined/],
    ["file_info: {datatype: int8, width: 1, height: 1, endian: middle}", /file_info\.endian/],
    ["file_info: {datatype: int8, width: 1, height: 1, colour: red}", /unknown key file_info\.colour/],
    ["file_info: [", /not YAML/],
  ];
  for (const [text, pattern] of bad) {
    assert.throws(
      () => parseRawDescription(text, "desc.yaml"),
      (e) => e instanceof FrameInputError && e.message.startsWith("desc.yaml: ") && pattern.test(e.message),
      text,
    );
  }
});
