/**
 * The run as an SVG chart: two panels, frames/s (log scale: the sizes differ 64-fold) and GB/s,
 * with one group of bars per frame size and consumer count and one bar per case (A-D, B with
 * the processor in a child process, and E, the raw TCP ceiling).
 *
 * @module
 */
import type { StreamReport } from "./run.ts";

const COLORS: Record<string, string> = {
  A: "#8c8c8c",
  B: "#1f77b4",
  C: "#2ca02c",
  D: "#ff7f0e",
  "B-process": "#9467bd",
  E: "#d62728",
};

/** One bar: a case's value in a group. */
interface Bar {
  label: string;
  value: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");

/** The chart of `report` as an SVG document. */
export function reportSvg(report: StreamReport): string {
  const groups = [...new Set(report.cases.map((c) => `${c.size} x${c.consumers}`))];
  const bars = (key: "framesPerSecond" | "bytesPerSecond") =>
    groups.map((g) => {
      const [size, count] = g.split(" x");
      const cases: Bar[] = report.cases
        .filter((c) => c.size === size && c.consumers === Number(count))
        .map((c) => ({ label: c.pipeline, value: c[key] }));
      const raw = report.raw.find((r) => r.size === size && r.consumers === Number(count));
      if (raw) cases.push({ label: "E", value: raw[key] });
      return { group: g, bars: cases };
    });
  const width = Math.max(640, 80 + groups.length * 150);
  const panel = 260;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${
      2 * panel + 90
    }" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="10" y="18" font-size="14">bench:stream, ${esc(report.started)} (${report.mode}; ${
      esc(report.machine.cores + " cores, " + report.machine.cpuModel)
    })</text>`,
    ...panelSvg(bars("framesPerSecond"), {
      top: 30,
      height: panel,
      width,
      title: "zero-loss frames/s",
      log: true,
    }),
    ...panelSvg(
      bars("bytesPerSecond").map((g) => ({
        ...g,
        bars: g.bars.map((b) => ({ ...b, value: b.value / 1e9 })),
      })),
      {
        top: 30 + panel + 30,
        height: panel,
        width,
        title: "GB/s (10^9 bytes)",
        log: false,
      },
    ),
    ...legend(width),
    `</svg>`,
  ];
  return parts.join("\n") + "\n";
}

function panelSvg(
  groups: { group: string; bars: Bar[] }[],
  { top, height, width, title, log }: {
    top: number;
    height: number;
    width: number;
    title: string;
    log: boolean;
  },
): string[] {
  const left = 60;
  const plotH = height - 50;
  const values = groups.flatMap((g) => g.bars.map((b) => b.value)).filter((v) => v > 0);
  const max = Math.max(1e-9, ...values);
  const min = log ? Math.max(1, Math.min(...values, max)) : 0;
  const lo = log ? Math.floor(Math.log10(min)) : 0;
  const hi = log ? Math.ceil(Math.log10(max)) || 1 : niceCeil(max);
  const y = (v: number) => {
    const f = log ? (Math.log10(Math.max(v, 10 ** lo)) - lo) / Math.max(1, hi - lo) : v / hi;
    return top + 20 + plotH * (1 - f);
  };
  const out = [`<text x="${left}" y="${top + 12}" font-weight="bold">${esc(title)}</text>`];
  const ticks = log
    ? Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i))
    : Array.from({ length: 5 }, (_, i) => (hi * i) / 4);
  for (const t of ticks) {
    out.push(`<line x1="${left}" x2="${width - 10}" y1="${y(t)}" y2="${y(t)}" stroke="#ddd"/>`);
    out.push(
      `<text x="${left - 4}" y="${y(t) + 4}" text-anchor="end">${+t.toPrecision(3)}</text>`,
    );
  }
  const groupW = (width - left - 10) / Math.max(1, groups.length);
  groups.forEach((g, gi) => {
    const barW = Math.min(22, (groupW - 20) / Math.max(1, g.bars.length));
    const x0 = left + gi * groupW + (groupW - barW * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      const x = x0 + bi * barW;
      const yTop = b.value > 0 ? y(b.value) : y(log ? 10 ** lo : 0);
      out.push(
        `<rect x="${x.toFixed(1)}" y="${yTop.toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${
          (y(log ? 10 ** lo : 0) - yTop).toFixed(1)
        }" fill="${COLORS[b.label] ?? "#444"}"><title>${esc(b.label)}: ${+b.value.toPrecision(
          3,
        )}</title></rect>`,
      );
    });
    out.push(
      `<text x="${(left + gi * groupW + groupW / 2).toFixed(1)}" y="${
        top + 20 + plotH + 16
      }" text-anchor="middle">${esc(g.group)}</text>`,
    );
  });
  return out;
}

function niceCeil(v: number): number {
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((n) => n >= v)!;
}

function legend(width: number): string[] {
  return Object.entries(COLORS).map(([label, color], i) => {
    const x = width - 10 - (Object.keys(COLORS).length - i) * 80;
    return `<rect x="${x}" y="24" width="10" height="10" fill="${color}"/><text x="${x + 14}" y="33">${
      esc(label)
    }</text>`;
  });
}
