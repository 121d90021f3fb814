/** The table and the chart of a run: ratios from the cases, one bar per case and group. */
import assert from "node:assert/strict";
import { reportSvg } from "../../../bench/stream/plot.ts";
import { type CaseResult, latencyRates, type StreamReport } from "../../../bench/stream/run.ts";
import { FRAME_SIZES } from "../../../bench/stream/cases.ts";
import { reportTable } from "../../../bench/stream/table.ts";

const SIZE = "512x512 uint8";
const BYTES = 512 * 512;

function caseOf(pipeline: CaseResult["pipeline"], consumers: number, fps: number): CaseResult {
  return {
    pipeline,
    size: SIZE,
    bytes: BYTES,
    consumers,
    framesPerSecond: fps,
    bytesPerSecond: fps * BYTES,
    trials: [],
  };
}

const report: StreamReport = {
  started: "2026-12-02T00:00:00.000Z",
  seconds: 60,
  mode: "quick",
  machine: {
    cores: 2,
    cpuModel: "test CPU",
    kernel: "6.0",
    memoryBytes: 2 ** 30,
    loadAverage: [0.5, 0.4, 0.3],
    deno: "2.9.6",
    v8: "15",
    python: "3.11",
    p4p: "4.3.0",
    pvapy: "5.6.0",
    numpy: "2",
  },
  settings: { window: 4, probeWindow: 2, startDelay: 3, budgetSeconds: 240 },
  raw: [
    { size: SIZE, bytes: BYTES, consumers: 1, framesPerSecond: 10_000, bytesPerSecond: 10_000 * BYTES },
    { size: SIZE, bytes: BYTES, consumers: 2, framesPerSecond: 16_000, bytesPerSecond: 16_000 * BYTES },
  ],
  cases: [caseOf("A", 1, 2000), caseOf("B", 1, 4000), caseOf("C", 1, 3000), caseOf("B", 2, 6000)],
  latency: [],
};

Deno.test("the ratio table divides the zero-loss rates of the cases it has, and marks the rest", () => {
  const lines = reportTable(report);
  const one = lines.find((l) => l.startsWith(SIZE) && /\s1\s/.test(l))!;
  const cells = one.split(/\s{2,}/);
  // frame, consumers, B/A, C/A, B/E, D/A, (B x2 / B x1 empty), B-process/B
  assert.deepEqual(cells.slice(1, 6), ["1", "2.00", "1.50", "0.40", "-"]);
  const two = lines.find((l) => l.startsWith(SIZE) && /\s2\s/.test(l))!;
  assert.match(two, /1\.50/, "B with 2 consumers over B with 1");
  assert.ok(lines.some((l) => l.includes("test CPU") && l.includes("pvapy 5.6.0")));
});

Deno.test("the chart has a bar per case and ceiling in each group, in both panels", () => {
  const svg = reportSvg(report);
  assert.ok(svg.startsWith("<svg") && svg.trimEnd().endsWith("</svg>"));
  // Group x1: A, B, C and E; group x2: B and E; two panels; plus 6 legend swatches.
  const bars = [...svg.matchAll(/<rect [^>]*><title>/g)].length;
  assert.equal(bars, 2 * (4 + 2));
  assert.match(svg, /<title>B: 4000<\/title>/);
});

Deno.test("B's latency is also measured at the rate its one consumer held, when that is below the issue's", () => {
  const size = FRAME_SIZES[0];
  assert.equal(size.label, SIZE);
  const cases = [caseOf("B", 1, 685), caseOf("B", 2, 900), caseOf("C", 1, 300)];
  assert.deepEqual(latencyRates(1000, "B", size, cases), [1000, 685]);
  assert.deepEqual(latencyRates(1000, "C", size, cases), [1000], "C only at the issue's rate");
  assert.deepEqual(latencyRates(500, "B", size, cases), [500], "B held more than the issue asks");
  assert.deepEqual(latencyRates(1000, "B", size, [caseOf("B", 1, 0)]), [1000], "nothing held");
});
