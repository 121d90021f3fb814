/**
 * pvRequest text, structure, field masks and options (pvaccess-protocol.md §5.14; cases after
 * pvDataCPP testCreateRequest.cpp and pvxs pvrequest.cpp).
 */
import assert from "node:assert/strict";
import {
  fieldOptions,
  optionBool,
  optionNumber,
  parseRequest,
  RequestError,
  requestMask,
  requestOptions,
  unknownFields,
} from "../../protocol/pvdata/pvrequest.ts";
import { scalar, struct, type StructValue } from "../../protocol/pvdata/types.ts";
import { readTypedValue, writeValue } from "../../protocol/pvdata/value.ts";
import { writeType } from "../../protocol/pvdata/typedesc.ts";
import { ascii, assertSame, decode, encode, hex, ORDERS, toHex } from "./helpers.ts";

const CASES: [string, StructValue][] = [
  ["", { field: {} }],
  ["  ", { field: {} }],
  ["field()", { field: {} }],
  ["field(a,b.c)", { field: { a: {}, b: { c: {} } } }],
  ["value", { field: { value: {} } }],
  ["alarm,timeStamp,power.value", { field: { alarm: {}, timeStamp: {}, power: { value: {} } } }],
  ["record[queueSize=4,pipeline=true]", {
    record: { _options: { queueSize: "4", pipeline: "true" } },
    field: {},
  }],
  ["field(value[opt=v])", { field: { value: { _options: { opt: "v" } } } }],
  ["field(alarm{severity,status})", { field: { alarm: { severity: {}, status: {} } } }],
  ["a{b{c{d}}}", { field: { a: { b: { c: { d: {} } } } } }],
  ["field(a.b[x=y]{c.d[x=y]})", {
    field: { a: { b: { _options: { x: "y" }, c: { d: { _options: { x: "y" } } } } } },
  }],
  [
    "record[a=b,x=y]field(a) putField(a),getField(a)",
    { record: { _options: { a: "b", x: "y" } }, field: { a: {} }, putField: { a: {} }, getField: { a: {} } },
  ],
  ["record[]field()getField()putField()", { field: {}, getField: {}, putField: {} }],
  [" record [ process = true ] field ( alarm , value ) ", {
    record: { _options: { process: "true" } },
    field: { alarm: {}, value: {} },
  }],
  // Repeated paths merge, as in pvxs (pvDataCPP refuses them).
  ["field(alarm.status,alarm.severity)", { field: { alarm: { status: {}, severity: {} } } }],
  ["field(a)field(b)", { field: { a: {}, b: {} } }],
  ["record[a=1,a=2]", { record: { _options: { a: "2" } }, field: {} }],
  [
    "_[distributor=group:g;set:s;trigger:uniqueId;updates:2;mode:one]",
    { field: { _: { _options: { distributor: "group:g;set:s;trigger:uniqueId;updates:2;mode:one" } } } },
  ],
  ["_[pydistributor=group:g;mode:all]", {
    field: { _: { _options: { pydistributor: "group:g;mode:all" } } },
  }],
  ["record[float=3.14159,url=a=b:c]", {
    record: { _options: { float: "3.14159", url: "a=b:c" } },
    field: {},
  }],
  ["field(__proto__[__proto__=x])", JSON.parse('{"field":{"__proto__":{"_options":{"__proto__":"x"}}}}')],
];

Deno.test("parseRequest: pvDataCPP grammar cases", () => {
  for (const [text, value] of CASES) assertSame(parseRequest(text).value, value, JSON.stringify(text));
});

Deno.test("parseRequest: the type matches the value, default ids, options before sub-fields", () => {
  const { type } = parseRequest("field(a[o=1].b)");
  const str = scalar("string");
  assert.deepEqual(
    type,
    struct("", {
      field: struct("", { a: struct("", { _options: struct("", { o: str }), b: struct("", {}) }) }),
    }),
  );
});

Deno.test("parseRequest: {field{}} is exactly what pvxs sends for no request", () => {
  const { type, value } = parseRequest("");
  const bytes = `80 00 01 ${ascii("\x05field")} 80 00 00`;
  assert.equal(toHex(encode(true, (w) => writeType(w, type))), bytes);
  assert.equal(encode(true, (w) => writeValue(w, type, value)).length, 0);
});

Deno.test("parseRequest: record options encode as string members, beside an empty field", () => {
  const { type, value } = parseRequest("record[queueSize=4]");
  const typeBytes = `80 00 02 ${ascii("\x06record")} 80 00 01 ${ascii("\x08_options")} 80 00 01 ${
    ascii("\x09queueSize")
  } 60 ${ascii("\x05field")} 80 00 00`;
  assert.equal(toHex(encode(false, (w) => writeType(w, type))), typeBytes);
  assert.equal(toHex(encode(false, (w) => writeValue(w, type, value))), "01 34");
});

Deno.test("parseRequest: every built request round-trips through writeType/writeValue", () => {
  for (const [text] of CASES) {
    const req = parseRequest(text);
    for (const { le } of ORDERS) {
      const bytes = encode(le, (w) => {
        writeType(w, req.type);
        writeValue(w, req.type, req.value);
      });
      const back = decode(bytes, le, (r) => readTypedValue(r, "pvRequest"));
      assert.deepEqual(back.type, req.type);
      assertSame(back.value, req.value);
    }
  }
});

const BAD: [string, number, RegExp][] = [
  ["field(", 6, /field name/],
  ["field(a", 7, /expected '\)'/],
  ["a)", 1, /unexpected '\)'/],
  ["field(a{})", 8, /empty \{\}/],
  ["field(a[])", 8, /empty \[\]/],
  ["field(a[x])", 9, /expected '='/],
  ["record[process=true,power.value", 25, /expected '='/],
  ["record[x=1", 10, /missing '\]'/],
  [":field(record[process=false]power.value)", 0, /expected record/],
  ["field(a)bogus(b)", 8, /unknown group 'bogus'/],
  ["field(a..b)", 8, /field name/],
  ["field(a{b}c)", 10, /expected '\)'/],
  ["a{b{c}", 6, /expected '\}'/],
  ["field(a,)", 8, /field name/],
  ["field(é)", 6, /field name/],
  ["record[=1]", 7, /option name/],
];

Deno.test("parseRequest: malformed text throws RequestError naming problem and position", () => {
  for (const [text, position, reason] of BAD) {
    assert.throws(() => parseRequest(text), (e) => {
      assert.ok(e instanceof RequestError, `${text}: ${e}`);
      assert.equal(e.position, position, `${text}: ${e.message}`);
      assert.match(e.message, reason, text);
      assert.match(e.message, new RegExp(`at position ${position}$`));
      return true;
    });
  }
});

Deno.test("parseRequest: absurd nesting is refused instead of overflowing the stack", () => {
  assert.throws(() => parseRequest("a.".repeat(5000) + "a"), RequestError);
  assert.throws(() => parseRequest("a{".repeat(5000) + "a" + "}".repeat(5000)), RequestError);
  assert.doesNotThrow(() => parseRequest("a.".repeat(30) + "a"));
});

// pvDataCPP's masking type: A, B, C{D, E{F}} → bits 0 top, 1 A, 2 B, 3 C, 4 C.D, 5 C.E, 6 C.E.F
const MASKING = struct("", {
  A: scalar("int32"),
  B: scalar("int32"),
  C: struct("", { D: scalar("int32"), E: struct("", { F: scalar("int32") }) }),
});

Deno.test("requestMask: selected fields, their descendants and ancestors", () => {
  const cases: [string, number[]][] = [
    ["", [0, 1, 2, 3, 4, 5, 6]],
    ["field(B)", [0, 2]],
    ["B,C.D", [0, 2, 3, 4]],
    ["field(C.E)", [0, 3, 5, 6]],
    ["field(C)", [0, 3, 4, 5, 6]],
    ["field(C{E{F}})", [0, 3, 5, 6]],
    ["field(C[opt=1])", [0, 3, 4, 5, 6]],
    ["field(B,invalid)", [0, 2]],
    ["field(B,C.bogus)", [0, 2, 3]],
    ["record[queueSize=2]", [0, 1, 2, 3, 4, 5, 6]],
    ["_[distributor=group:x]", [0, 1, 2, 3, 4, 5, 6]],
    ["putField(A)", [0, 1, 2, 3, 4, 5, 6]],
  ];
  for (const [text, bits] of cases) {
    assert.deepEqual([...requestMask(MASKING, parseRequest(text))], bits, text);
  }
});

Deno.test("unknownFields: dotted paths the type lacks", () => {
  assert.deepEqual(unknownFields(MASKING, parseRequest("field(B,invalid,C.bogus,C.E.F.deeper)")), [
    "invalid",
    "C.bogus",
    "C.E.F.deeper",
  ]);
  assert.deepEqual(unknownFields(MASKING, parseRequest("")), []);
});

Deno.test("requestMask: selecting only unknown fields, or a non-structure field, is an error", () => {
  assert.throws(() => requestMask(MASKING, parseRequest("field(invalid)")), /selects no fields/);
  const odd = { type: struct("", { field: scalar("int32") }), value: { field: 1 } };
  assert.throws(() => requestMask(MASKING, odd), RequestError);
});

Deno.test("requestMask: a request received with pvAccessCPP-style 0xFD caching", () => {
  // little-endian: FD 1 {field: FD 2 {}, record: FD 3 {_options: FD 4 {queueSize, pipeline: string}}}
  const bytes = hex(`fd 01 00 80 00 02 ${ascii("\x05field")} fd 02 00 80 00 00
    ${ascii("\x06record")} fd 03 00 80 00 01 ${ascii("\x08_options")} fd 04 00 80 00 02
    ${ascii("\x09queueSize")} 60 ${ascii("\x08pipeline")} 60
    01 34 04 74 72 75 65`);
  const req = decode(bytes, true, (r) => readTypedValue(r, "pvRequest"));
  assert.deepEqual(requestOptions(req), { queueSize: "4", pipeline: "true" });
  assert.deepEqual([...requestMask(MASKING, req)], [0, 1, 2, 3, 4, 5, 6]);
});

Deno.test("requestOptions / fieldOptions: strings, numbers, booleans and bigints as strings", () => {
  const req = parseRequest("record[queueSize=4]field(value[deadband=0.5],_[distributor=group:g;set:s])");
  assert.deepEqual(requestOptions(req), { queueSize: "4" });
  assert.deepEqual(fieldOptions(req, "value"), { deadband: "0.5" });
  assert.deepEqual(fieldOptions(req, "_"), { distributor: "group:g;set:s" });
  assert.deepEqual(fieldOptions(req, "missing.path"), {});
  assert.deepEqual(requestOptions(parseRequest("field(a)")), {});
  const typed = struct("", {
    record: struct("", {
      _options: struct("", {
        n: scalar("int32"),
        b: scalar("bool"),
        l: scalar("int64"),
        s: scalar("string"),
      }),
    }),
  });
  const value = { record: { _options: { n: 4, b: true, l: 5n, s: "x" } } };
  assert.deepEqual(requestOptions({ type: typed, value }), { n: "4", b: "true", l: "5", s: "x" });
});

Deno.test("optionNumber / optionBool: accepted forms, fallbacks and garbage", () => {
  const opts = { q: "4", f: "2.5", t: "true", F: "FALSE", one: "1", zero: "0", junk: "4x", empty: "" };
  assert.equal(optionNumber(opts, "q", 1), 4);
  assert.equal(optionNumber(opts, "f", 1), 2.5);
  assert.equal(optionNumber(opts, "absent", 7), 7);
  assert.throws(
    () => optionNumber(opts, "junk", 1),
    (e) => e instanceof RequestError && /junk="4x"/.test(e.message),
  );
  assert.throws(() => optionNumber(opts, "empty", 1), RequestError);
  assert.equal(optionBool(opts, "t", false), true);
  assert.equal(optionBool(opts, "F", true), false);
  assert.equal(optionBool(opts, "one", false), true);
  assert.equal(optionBool(opts, "zero", true), false);
  assert.equal(optionBool(opts, "absent", true), true);
  assert.throws(() => optionBool(opts, "junk", false), RequestError);
  assert.throws(() => optionBool(opts, "empty", false), RequestError);
});

Deno.test("requestMask: the plugin entry _ alone selects everything; beside fields it only carries options", () => {
  const t = struct("", {
    value: scalar("float64"),
    uniqueId: scalar("int32"),
    alarm: struct("", { severity: scalar("int32") }),
  });
  assert.deepEqual([...requestMask(t, parseRequest("field(_[pydistributor=trigger:uniqueId])"))], [
    0,
    1,
    2,
    3,
    4,
  ]);
  assert.deepEqual([...requestMask(t, parseRequest("field(uniqueId,_[pydistributor=trigger:uniqueId])"))], [
    0,
    2,
  ]);
  assert.deepEqual(unknownFields(t, parseRequest("field(value,_[distributor=updates:2])")), []);
});
