/**
 * Size and String encodings (pvaccess-protocol.md §2.1, §2.3; spec "Sizes", "Strings").
 */
import assert from "node:assert/strict";
import { DecodeError } from "../../protocol/pvdata/errors.ts";
import { ascii, decode, encode, hex, ORDERS, toHex } from "./helpers.ts";

// [value, little-endian bytes, big-endian bytes]: below 254 one byte, else 0xFE + 32-bit count.
const SIZES: [number, string, string][] = [
  [0, "00", "00"],
  [1, "01", "01"],
  [253, "fd", "fd"],
  [254, "fe fe 00 00 00", "fe 00 00 00 fe"],
  [0xffff, "fe ff ff 00 00", "fe 00 00 ff ff"],
  [0x7fffffff, "fe ff ff ff 7f", "fe 7f ff ff ff"],
];

Deno.test("Size: hand-derived vectors in both byte orders", () => {
  for (const [n, le, be] of SIZES) {
    for (const { le: littleEndian, name } of ORDERS) {
      const bytes = hex(littleEndian ? le : be);
      assert.equal(toHex(encode(littleEndian, (w) => w.size(n))), toHex(bytes), `encode ${n} ${name}`);
      assert.equal(decode(bytes, littleEndian, (r) => r.size()), n, `decode ${n} ${name}`);
    }
  }
});

Deno.test("Size: 0xFF is the null size, read as -1 and written for -1", () => {
  assert.equal(decode(hex("ff"), true, (r) => r.size()), -1);
  assert.equal(toHex(encode(true, (w) => w.size(-1))), "ff");
});

Deno.test("Size: a null or over-limit count is a DecodeError at the count's offset", () => {
  assert.throws(() => decode(hex("ff"), true, (r) => r.count(10, "test")), (e) => {
    return e instanceof DecodeError && e.offset === 0 && /null size/.test(e.reason);
  });
  assert.throws(() => decode(hex("0b"), true, (r) => r.count(10, "test")), DecodeError);
  assert.equal(decode(hex("0a"), true, (r) => r.count(10, "test")), 10);
});

Deno.test("Size: a truncated 32-bit count is a DecodeError", () => {
  assert.throws(() => decode(hex("fe 01 02"), true, (r) => r.size()), DecodeError);
});

// [string, bytes]: Size (byte count, not characters) then UTF-8.
const STRINGS: [string, string][] = [
  ["", "00"],
  ["abc", "03 61 62 63"],
  ["héllo", "06 68 c3 a9 6c 6c 6f"],
  ["€", "03 e2 82 ac"],
  ["😀", "04 f0 9f 98 80"],
  ["a€😀", "08 61 e2 82 ac f0 9f 98 80"],
];

Deno.test("String: empty, ASCII and multibyte UTF-8 (both orders agree below 254 bytes)", () => {
  for (const [s, bytes] of STRINGS) {
    for (const { le } of ORDERS) {
      assert.equal(toHex(encode(le, (w) => w.string(s))), bytes, JSON.stringify(s));
      assert.equal(decode(hex(bytes), le, (r) => r.string()), s);
    }
  }
});

Deno.test("String: 0xFF (Java's null string) reads as the empty string", () => {
  assert.equal(decode(hex("ff"), true, (r) => r.string()), "");
  assert.equal(decode(hex("ff 02 68 69"), false, (r) => [r.string(), r.string()].join("|")), "|hi");
});

Deno.test("String: 300 bytes use the 0xFE long form", () => {
  const s = "x".repeat(300);
  const le = hex(`fe 2c 01 00 00 ${ascii(s)}`);
  const be = hex(`fe 00 00 01 2c ${ascii(s)}`);
  assert.equal(toHex(encode(true, (w) => w.string(s))), toHex(le));
  assert.equal(toHex(encode(false, (w) => w.string(s))), toHex(be));
  assert.equal(decode(le, true, (r) => r.string()), s);
  assert.equal(decode(be, false, (r) => r.string()), s);
});

Deno.test("String: a long non-ASCII string (TextDecoder path) round-trips", () => {
  const s = "Grüße ".repeat(20);
  const bytes = encode(true, (w) => w.string(s));
  assert.equal(bytes.length, 1 + new TextEncoder().encode(s).length);
  assert.equal(decode(bytes, true, (r) => r.string()), s);
});

Deno.test("String: length past the end or past maxStringBytes is a DecodeError", () => {
  assert.throws(() => decode(hex("05 61 62"), true, (r) => r.string()), DecodeError);
  assert.throws(
    () => decode(hex("05 61 62 63 64 65"), true, (r) => r.string(), { limits: { maxStringBytes: 4 } }),
    (e) => e instanceof DecodeError && /limit 4/.test(e.reason),
  );
});
