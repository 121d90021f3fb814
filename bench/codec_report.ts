/**
 * Times the codec benchmark operations with performance.now() and prints MB/s and the cost
 * relative to a memcpy of the same payload, plus whether decoding left the array as a view.
 *
 * Usage: `deno run bench/codec_report.ts [minMillisPerOp]`
 *
 * @module
 */
import { caseOps, codecCases, decode, type Op } from "./codec_cases.ts";
import type { UnionValue } from "../protocol/pvdata/mod.ts";

const minMillis = Number(Deno.args[0] ?? 400);

/** Mean milliseconds per call of `fn`, after a warm-up, over at least `minMillis`. */
function time(fn: Op): number {
  for (let i = 0; i < 3; i++) fn();
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < minMillis || n < 5) {
    fn();
    n++;
    elapsed = performance.now() - start;
  }
  return elapsed / n;
}

/** "view" when the decoded frame array shares the received buffer, "copy" otherwise, "" for structures. */
function decodedAs(bytes: Uint8Array): string {
  const u = decode(bytes).value.value as UnionValue | undefined;
  const data = u?.value;
  return ArrayBuffer.isView(data) ? (data.buffer === bytes.buffer ? "view" : "copy") : "";
}

const rows = [];
for (const c of codecCases()) {
  let memcpy = 0;
  for (const [op, fn] of caseOps(c)) {
    const ms = time(fn);
    if (op === "memcpy (set)") memcpy = ms;
    rows.push({
      case: c.name,
      op,
      "payload MiB": +(c.payloadBytes / 2 ** 20).toFixed(3),
      "µs/op": +(ms * 1000).toFixed(1),
      "MB/s": Math.round(c.payloadBytes / 1e6 / (ms / 1000)),
      "× memcpy": +(ms / memcpy).toFixed(2),
      array: op === "decode" ? decodedAs(c.bytes) : "",
    });
  }
}
console.table(rows);
