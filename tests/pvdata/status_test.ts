/**
 * Status encoding (pvaccess-protocol.md §2.4; spec "Status" examples).
 */
import assert from "node:assert/strict";
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import {
  errorStatus,
  isSuccess,
  readStatus,
  type Status,
  STATUS_OK,
  writeStatus,
} from "../../protocol/pvdata/status.ts";
import { ascii, decode, encode, hex, ORDERS, toHex } from "./helpers.ts";

Deno.test("Status: plain OK is the single byte 0xFF", () => {
  for (const { le } of ORDERS) {
    assert.equal(toHex(encode(le, (w) => writeStatus(w, STATUS_OK))), "ff");
    assert.deepEqual(decode(hex("ff"), le, readStatus), STATUS_OK);
  }
});

Deno.test('Status: spec WARNING "Low memory" (13 bytes)', () => {
  const bytes = hex("01 0a 4c 6f 77 20 6d 65 6d 6f 72 79 00");
  const s: Status = { type: "warning", message: "Low memory", callTree: "" };
  assert.equal(toHex(encode(true, (w) => writeStatus(w, s))), toHex(bytes));
  assert.deepEqual(decode(bytes, false, readStatus), s);
  assert.ok(isSuccess(s));
});

Deno.test("Status: spec ERROR with a Java call tree (264 bytes)", () => {
  const message = "Failed to get, due to unexpected exception";
  const callTree = "java.lang.RuntimeException\n" +
    "\tat org.epics.ca.client.example.SerializationExamples.statusExamples(SerializationExamples.java:118)\n" +
    "\tat org.epics.ca.client.example.SerializationExamples.main(SerializationExamples.java:126)\n";
  // Layout: type 02, Size 0x2A + message, Size 0xDB + call tree.
  const bytes = hex(`02 2a ${ascii(message)} db ${ascii(callTree)}`);
  assert.equal(bytes.length, 264);
  const s = errorStatus(message, callTree);
  assert.equal(toHex(encode(false, (w) => writeStatus(w, s))), toHex(bytes));
  assert.deepEqual(decode(bytes, true, readStatus), s);
  assert.ok(!isSuccess(s));
});

Deno.test("Status: OK with a message keeps the long form; FATAL decodes", () => {
  const ok: Status = { type: "ok", message: "x", callTree: "" };
  assert.equal(toHex(encode(true, (w) => writeStatus(w, ok))), "00 01 78 00");
  assert.deepEqual(decode(hex("03 01 21 00"), true, readStatus), {
    type: "fatal",
    message: "!",
    callTree: "",
  });
});

Deno.test("Status: an unknown type byte or a truncated message is a DecodeError", () => {
  assert.throws(() => decode(hex("04 00 00"), true, readStatus), DecodeError);
  assert.throws(() => decode(hex("02 05 61"), true, readStatus), DecodeError);
  assert.throws(() => decode(hex(""), true, readStatus), DecodeError);
});
