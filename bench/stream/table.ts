/**
 * The run as text for stdout: the ratios the targets are about first (B/A, C/A, B/E,
 * then D/A, the two-consumer gain and the process isolation's cost), then every case with its
 * rate, data rate, CPU per frame and consumer memory, then the latency runs.
 *
 * @module
 */
import type { CaseResult, StreamReport } from "./run.ts";

const GB = 1e9;
const MIB = 2 ** 20;

/** Lines of aligned columns. */
function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd());
}

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? "-" : `${(a / b).toFixed(2)}`;

/** The report as lines of text. */
export function reportTable(report: StreamReport): string[] {
  const find = (pipeline: string, size: string, consumers: number): CaseResult | undefined =>
    report.cases.find((c) => c.pipeline === pipeline && c.size === size && c.consumers === consumers);
  const fps = (pipeline: string, size: string, consumers: number) =>
    find(pipeline, size, consumers)?.framesPerSecond;
  const keys = [...new Map(report.cases.map((c) => [`${c.size}/${c.consumers}`, c])).values()];
  const out: string[] = [];
  out.push("Ratios (zero-loss frames/s; B/E in bytes/s)");
  out.push(...columns([
    ["frame", "consumers", "B/A", "C/A", "B/E", "D/A", "B x2 / B x1", "B-process/B"],
    ...keys.map(({ size, consumers }) => {
      const raw = report.raw.find((r) => r.size === size && r.consumers === consumers);
      return [
        size,
        String(consumers),
        ratio(fps("B", size, consumers), fps("A", size, consumers)),
        ratio(fps("C", size, consumers), fps("A", size, consumers)),
        ratio(find("B", size, consumers)?.bytesPerSecond, raw?.bytesPerSecond),
        ratio(fps("D", size, consumers), fps("A", size, consumers)),
        consumers === 2 ? ratio(fps("B", size, 2), fps("B", size, 1)) : "",
        ratio(fps("B-process", size, consumers), fps("B", size, consumers)),
      ];
    }),
  ]));
  out.push("", "Zero-loss rates");
  out.push(...columns([
    ["case", "frame", "consumers", "frames/s", "GB/s", "consumer CPU/frame", "sim CPU/frame", "consumer RSS"],
    ...report.raw.map((r) => [
      "E",
      r.size,
      String(r.consumers),
      r.framesPerSecond.toFixed(0),
      (r.bytesPerSecond / GB).toFixed(2),
      "",
      "",
      "",
    ]),
    ...report.cases.map((c) => [
      c.pipeline,
      c.size,
      String(c.consumers),
      c.error ? "error (see JSON)" : String(c.framesPerSecond),
      (c.bytesPerSecond / GB).toFixed(2),
      c.confirmed ? `${(c.confirmed.consumerCpuPerFrame * 1e6).toFixed(0)} us` : "-",
      c.confirmed ? `${(c.confirmed.simCpuPerFrame * 1e6).toFixed(0)} us` : "-",
      c.confirmed ? `${(c.confirmed.consumerRssBytes / MIB).toFixed(0)} MiB` : "-",
    ]),
  ]));
  if (report.latency.length) {
    out.push("", "Latency, publication -> processor entry (our consumer)");
    out.push(...columns([
      ["case", "frame", "frames/s", "p50", "p99", "max", "frames", "lost"],
      ...report.latency.map((l) => [
        l.pipeline,
        l.size,
        String(l.rate),
        `${l.p50Ms.toFixed(2)} ms`,
        `${l.p99Ms.toFixed(2)} ms`,
        `${l.maxMs.toFixed(2)} ms`,
        String(l.frames),
        String(l.trial.published - l.trial.processed),
      ]),
    ]));
  }
  const m = report.machine;
  out.push(
    "",
    `${m.cores} cores (${m.cpuModel}), Linux ${m.kernel}, load ${
      m.loadAverage.map((l) => l.toFixed(1)).join(" ")
    } at start; ` +
      `deno ${m.deno}, python ${m.python}, p4p ${m.p4p}, pvapy ${m.pvapy}; ${report.mode} run, ` +
      `${report.settings.window} s windows, ${report.seconds.toFixed(0)} s`,
  );
  return out;
}
