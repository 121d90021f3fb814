import assert from "node:assert/strict";
import { readNTEnum, readNTNDArray, readNTScalar, readNTTable } from "../../protocol/nt/mod.ts";
import { findField, sameType, scalar, scalarArray, struct, union } from "../../protocol/pvdata/types.ts";
import { parsePvFile, PvFileError, typeFromSpec } from "../../scripts/lib/yaml_pvs.ts";

function fileError(text: string): string {
  try {
    parsePvFile(text, "pvs.yaml");
  } catch (e) {
    assert.ok(e instanceof PvFileError, `expected a PvFileError, got ${e}`);
    return e.message;
  }
  assert.fail("the file parsed without error");
}

Deno.test("NT kinds become normative types with their initial values", () => {
  const { pvs } = parsePvFile(`
pvs:
  - { name: a:temp, kind: scalar, type: float64, value: 21.5, display: { units: C }, descriptor: Room }
  - { name: a:big, kind: scalar, type: uint64, value: "18446744073709551615", readOnly: true }
  - { name: a:wave, kind: scalarArray, type: int16, value: [1, -2, 3] }
  - { name: a:mode, kind: enum, choices: [Off, On], value: On }
  - name: a:table
    kind: table
    columns: { x: { type: int32, value: [1, 2] }, label: [p, q] }
    labels: [X, Label]
  - { name: a:image, kind: ndarray, type: uint8, dims: [3, 2], value: [1, 2, 3, 4, 5, 6], attributes: { Gain: 2.5 } }
`);
  assert.deepEqual(pvs.map((p) => [p.name, p.type.id, p.readOnly]), [
    ["a:temp", "epics:nt/NTScalar:1.0", false],
    ["a:big", "epics:nt/NTScalar:1.0", true],
    ["a:wave", "epics:nt/NTScalarArray:1.0", false],
    ["a:mode", "epics:nt/NTEnum:1.0", false],
    ["a:table", "epics:nt/NTTable:1.0", false],
    ["a:image", "epics:nt/NTNDArray:1.0", false],
  ]);
  const temp = readNTScalar(pvs[0]);
  assert.equal(temp.value, 21.5);
  assert.equal(temp.display?.units, "C");
  assert.equal(temp.descriptor, "Room");
  assert.ok(temp.timeStamp!.secondsPastEpoch > 0n, "the time stamp is set");
  assert.equal(readNTScalar(pvs[1]).value, 2n ** 64n - 1n);
  assert.deepEqual(readNTScalar(pvs[2]).value, new Int16Array([1, -2, 3]));
  assert.equal(readNTEnum(pvs[3]).index, 1);
  const table = readNTTable(pvs[4]);
  assert.deepEqual(table.columns, { x: new Int32Array([1, 2]), label: ["p", "q"] });
  assert.deepEqual(table.labels, ["X", "Label"]);
  const image = readNTNDArray(pvs[5]);
  assert.deepEqual(image.dims, [3, 2]);
  assert.deepEqual(image.data, new Uint8Array([1, 2, 3, 4, 5, 6]));
  assert.equal(image.attributes.get("Gain"), 2.5);
});

Deno.test("a raw structure takes its type from fields and fills what value leaves out", () => {
  const { pvs: [pv] } = parsePvFile(`
- name: b:point
  kind: structure
  id: demo:point:1.0
  fields:
    x: float64
    n: int64
    tags: string[]
    where: { union: { at: float64, named: string } }
    sub: { struct: { a: uint8 }, id: sub_t }
    list: { struct: { k: int32 }, array: true }
  value: { x: 1.5, where: { name: named, value: home }, list: [{ k: 1 }, null] }
`);
  const expected = struct("demo:point:1.0", {
    x: scalar("float64"),
    n: scalar("int64"),
    tags: scalarArray("string"),
    where: union("", { at: scalar("float64"), named: scalar("string") }),
    sub: struct("sub_t", { a: scalar("uint8") }),
    list: { kind: "structureArray", element: struct("", { k: scalar("int32") }) },
  });
  assert.ok(sameType(pv.type, expected), "the type is built as described");
  assert.deepEqual(pv.value, {
    x: 1.5,
    n: 0n,
    tags: [],
    where: { name: "named", value: "home" },
    sub: { a: 0 },
    list: [{ k: 1 }, null],
  });
});

Deno.test("type descriptions: names, arrays, any, and errors naming the member", () => {
  assert.deepEqual(typeFromSpec("uint32[]"), scalarArray("uint32"));
  assert.deepEqual(typeFromSpec("any[]"), { kind: "anyArray" });
  assert.equal(findField(typeFromSpec({ struct: { a: { union: { b: "bool" } } } }), "a")?.kind, "union");
  assert.throws(
    () => typeFromSpec({ struct: { a: { struct: { b: "double" } } } }),
    /^InputError: a\.b: "double"/,
  );
  assert.throws(() => typeFromSpec({ struct: {}, union: {} }), /one of struct, union/);
});

Deno.test("bad YAML is an error with the file name and the line", () => {
  assert.match(fileError("pvs:\n  - { name: x, kind: scalar\n"), /^pvs\.yaml: .*line 3/);
  assert.match(fileError("name: x\n"), /^pvs\.yaml: expected a list of PVs/);
});

Deno.test("bad PV entries are errors naming the PV and the key", () => {
  assert.match(fileError("- { kind: scalar }"), /pvs\[0\]: expected a mapping with a name/);
  assert.match(fileError("- { name: x, kind: blob }"), /pvs\[0\] \(x\): kind "blob" is not one of scalar, /);
  assert.match(
    fileError("- { name: x, kind: scalar, type: int8, dims: [1] }"),
    /unknown key dims for kind scalar/,
  );
  assert.match(
    fileError("- { name: x, kind: scalar, type: int8, value: 300 }"),
    /\(x\): value: 300 is out of range/,
  );
  assert.match(fileError("- { name: x, kind: scalar, type: float }"), /\(x\): type: "float" is not a type/);
  assert.match(
    fileError("- { name: x, kind: enum, choices: [A], value: B }"),
    /value: "B" is neither a choice/,
  );
  assert.match(fileError("- { name: x, kind: ndarray, type: string, dims: [1] }"), /not a numeric type/);
  assert.match(
    fileError("- { name: x, kind: ndarray, type: int8, dims: [2], value: [1] }"),
    /1 elements where/,
  );
  assert.match(fileError("- { name: x, kind: table, columns: { a: [1], b: [1, 2] } }"), /\(x\): .*value\.b/);
  assert.match(
    fileError("- { name: x, kind: scalar, type: int8, readOnly: yes please }"),
    /readOnly: expected/,
  );
  const twice = "- { name: x, kind: scalar, type: int8 }\n- { name: x, kind: scalar, type: int8 }";
  assert.match(fileError(twice), /pvs\[1\] \(x\): the name is used twice/);
  const deep =
    "- { name: p, kind: structure, fields: { s: { struct: { n: int32 } } }, value: { s: { m: 1 } } }";
  assert.match(fileError(deep), /\(p\): value\.s\.m: no such field/);
});

Deno.test("a file's limits: read with the PVs, unknown or invalid ones named", () => {
  const { pvs, limits } = parsePvFile(`
limits: { maxMessageBytes: 65536, messageTimeout: 2.5 }
pvs:
  - { name: l:x, kind: scalar, type: int32, value: 1 }
`);
  assert.equal(pvs.length, 1);
  assert.deepEqual(limits, { maxMessageBytes: 65536, messageTimeout: 2.5 });
  assert.deepEqual(parsePvFile("- { name: l:y, kind: scalar, type: int32 }").limits, {});
  assert.match(
    fileError("limits: { maxMesageBytes: 1 }\npvs: []\n"),
    /pvs.yaml: limits: unknown limit maxMesageBytes/,
  );
  assert.match(
    fileError("limits: { maxConnections: -3 }\npvs: []\n"),
    /limits.maxConnections=-3 is not a positive integer/,
  );
  assert.match(fileError("limits: 5\npvs: []\n"), /limits: expected a mapping/);
  assert.match(fileError("pv: []\npvs: []\n"), /unknown key pv \(expected pvs, limits\)/);
});
