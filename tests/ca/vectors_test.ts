/**
 * Real Channel Access traffic: every message in the shared CA captures decodes, and re-encodes
 * with our encoders to the received bytes (DBR pad fields aside); what the captures say about
 * their channels holds together.
 */
import assert from "node:assert/strict";
import { DbrType } from "../../protocol/ca/dbr.ts";
import type { Packet } from "../support/frames.ts";
import { walkCaCapture } from "../support/ca_walk.ts";
import { readPcapng } from "../support/pcapng.ts";

// The captures live in `shared/` beside the repository, wherever it is cloned; a git worktree
// elsewhere names the folder in PVASTREAM_VECTORS.
const VECTORS = new URL(Deno.env.get("PVASTREAM_VECTORS") ?? "../../../shared/vectors/", import.meta.url);
const vector = (name: string) => readPcapng(Deno.readFileSync(new URL(name, VECTORS)));
const CA_CAPTURES = ["ca_arrays.pcapng", "ca_enum.pcapng", "ca_monitor.pcapng.gz"];

Deno.test("ca vectors: every message of every capture decodes and re-encodes", async (t) => {
  for (const name of CA_CAPTURES) {
    await t.step(name, () => {
      const report = walkCaCapture(vector(name));
      assert.deepEqual(report.failures, []);
      const decoded = Object.values(report.counts).reduce((a, b) => a + b, 0);
      assert.ok(decoded > 10, `${name}: only ${decoded} messages`);
      assert.equal(report.reencoded, decoded);
    });
  }
});

Deno.test("ca vectors: search, create, read, write and subscribe are all met", () => {
  const counts = CA_CAPTURES.map((n) => walkCaCapture(vector(n)).counts).reduce((a, b) => {
    for (const [k, v] of Object.entries(b)) a[k] = (a[k] ?? 0) + v;
    return a;
  }, {} as Record<string, number>);
  for (
    const name of [
      "client:SEARCH",
      "server:SEARCH",
      "client:CREATE_CHAN",
      "server:CREATE_CHAN",
      "server:ACCESS_RIGHTS",
      "server:READ_NOTIFY",
      "client:WRITE",
      "client:EVENT_ADD",
      "server:EVENT_ADD",
      "client:CLEAR_CHANNEL",
    ]
  ) {
    assert.ok(counts[name] > 0, `no ${name}`);
  }
});

Deno.test("ca vectors: an enum read as GR, CTRL and TIME_STRING agrees with itself", () => {
  const { values } = walkCaCapture(vector("ca_enum.pcapng"));
  const graphic = values.filter((v) =>
    v.value.dbrType === DbrType.GR_ENUM || v.value.dbrType === DbrType.CTRL_ENUM
  );
  const strings = values.filter((v) => v.value.dbrType === DbrType.TIME_STRING);
  assert.ok(graphic.length >= 2 && strings.length >= 2);
  const choices = graphic[0].value.choices!;
  assert.ok(choices.length >= 2);
  for (const g of graphic) assert.deepEqual(g.value.choices, choices);
  // Each TIME_STRING read names a state; the GR read after it shows the index of that state.
  const written = strings.map((s) => choices.indexOf(s.value.value as string));
  assert.ok(written.every((i) => i >= 0), `strings ${strings.map((s) => s.value.value)} not in ${choices}`);
  assert.equal(graphic.at(-1)!.value.value, written.at(-1));
  for (const s of strings) assert.ok(s.value.timeStamp!.secondsPastEpoch > 631152000);
});

Deno.test("ca vectors: the strings written to a waveform come back as its doubles", () => {
  const { values } = walkCaCapture(vector("ca_arrays.pcapng"));
  const written = (values.find((v) => v.command === "client:WRITE")!.value.value as string[]).map(Number);
  const reads = values.filter((v) => v.value.dbrType === DbrType.TIME_DOUBLE).map((v) => v.value);
  // Reads of the record before it was ever written carry the UDF alarm (status 17) and no time.
  const processed = reads.filter((r) => r.alarm!.status !== 17);
  assert.ok(processed.length >= 3 && processed.length < reads.length);
  for (const r of processed) {
    assert.ok(r.value instanceof Float64Array);
    assert.deepEqual([...r.value.subarray(0, written.length)], written);
    assert.ok(r.timeStamp!.secondsPastEpoch > 631152000);
  }
  for (const r of reads.filter((r) => r.alarm!.status === 17)) {
    assert.equal(r.timeStamp!.secondsPastEpoch, 631152000);
  }
});

Deno.test("ca vectors: monitor updates of a counter step by one, a second apart", () => {
  const { values } = walkCaCapture(vector("ca_monitor.pcapng.gz"));
  const updates = values.filter((v) => v.command === "server:EVENT_ADD").map((v) => v.value);
  assert.ok(updates.length >= 3);
  for (let i = 1; i < updates.length; i++) {
    assert.equal(updates[i].value, (updates[i - 1].value as number) + 1);
    const t = (u: typeof updates[0]) => u.timeStamp!.secondsPastEpoch + u.timeStamp!.nanoseconds / 1e9;
    assert.ok(Math.abs(t(updates[i]) - t(updates[i - 1]) - 1) < 0.01);
  }
});

Deno.test("ca vectors: a corrupted count in a real reply is caught", () => {
  const packets: Packet[] = vector("ca_monitor.pcapng.gz").map((p) => ({ ...p, payload: p.payload.slice() }));
  // The first EVENT_ADD reply (command 1, 24-byte payload): claim 2 elements instead of 1.
  const hit = packets.find((p) => p.proto === "tcp" && p.payload[1] === 1 && p.payload[3] === 24);
  assert.ok(hit, "no EVENT_ADD reply in the capture");
  hit.payload[7] = 2;
  const failures = walkCaCapture(packets).failures;
  assert.equal(failures.length, 1);
  assert.match(failures[0], /needs 32 bytes, payload has 24/);
});
