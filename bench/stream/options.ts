/**
 * The command line of `deno task bench:stream`: full run by default (15 s windows, 22 minutes
 * of searching, under 30 minutes in all), `--quick` for a run of a few minutes, and filters to
 * run a part.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CONSUMER_COUNTS, FRAME_SIZES, type FrameSize, type Pipeline, PIPELINES } from "./cases.ts";

/** What one run measures and how long it may take. */
export interface StreamBenchOptions {
  /** A short run (`--quick`). */
  quick: boolean;
  /** Frame sizes measured. */
  sizes: readonly FrameSize[];
  /** Consumer counts measured. */
  consumerCounts: readonly number[];
  /** Pipelines measured. */
  pipelines: readonly Pipeline[];
  /** Seconds of a confirming trial (the zero-loss window). */
  window: number;
  /** Seconds of a probe. */
  probeWindow: number;
  /** Seconds between a simulator serving its channel and its first frame. */
  startDelay: number;
  /** Seconds all searches together may take (the raw ceiling and latency runs come on top). */
  budgetSeconds: number;
  /** Measure latency (B and C at 512x512 / 1,000 frames/s and 4096x4096 / 100 frames/s). */
  latency: boolean;
  /** Directory of the JSON and SVG results. */
  outDir: string;
}

/** Thrown for a command line that cannot be run; the message names the option. */
export class StreamBenchUsageError extends Error {
  /** The error's name. */
  override name = "StreamBenchUsageError";
}

const HELP = `deno task bench:stream [--quick] [--sizes 512,1024,4096] [--consumers 1,2]
  [--cases A,B,C,D,B-process] [--window S] [--probe-window S] [--start-delay S]
  [--budget-minutes M] [--no-latency] [--out DIR]`;

/** Reads the command line; `"help"` for --help. */
export function parseStreamBenchArgs(argv: readonly string[]): StreamBenchOptions | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        quick: { type: "boolean", default: false },
        sizes: { type: "string" },
        consumers: { type: "string" },
        cases: { type: "string" },
        window: { type: "string" },
        "probe-window": { type: "string" },
        "start-delay": { type: "string" },
        "budget-minutes": { type: "string" },
        "no-latency": { type: "boolean", default: false },
        out: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new StreamBenchUsageError(`${(e as Error).message}\n${HELP}`);
  }
  if (values.help) return "help";
  const quick = values.quick;
  const number = (name: string, text: string | undefined, fallback: number) => {
    if (text === undefined) return fallback;
    const n = Number(text);
    if (!Number.isFinite(n) || n <= 0) {
      throw new StreamBenchUsageError(`--${name}: not a positive number: ${text}`);
    }
    return n;
  };
  const pick = <T>(name: string, text: string | undefined, all: readonly T[], key: (t: T) => string) => {
    if (text === undefined) return all;
    return text.split(",").map((k) => {
      const found = all.find((t) => key(t) === k.trim());
      if (!found) {
        throw new StreamBenchUsageError(`--${name}: unknown ${k} (one of ${all.map(key).join(", ")})`);
      }
      return found;
    });
  };
  return {
    quick,
    // --quick alone: the smallest and the largest frame, one consumer.
    sizes: pick("sizes", values.sizes ?? (quick ? "512,4096" : undefined), FRAME_SIZES, (s) => String(s.nx)),
    consumerCounts: pick("consumers", values.consumers ?? (quick ? "1" : undefined), CONSUMER_COUNTS, String),
    pipelines: pick("cases", values.cases, PIPELINES, (p) => p.id),
    window: number("window", values.window, quick ? 4 : 15),
    probeWindow: number("probe-window", values["probe-window"], quick ? 2 : 3),
    // Grows by itself when consumers connect late (see run.ts), so it can start short.
    startDelay: number("start-delay", values["start-delay"], 3),
    budgetSeconds: 60 * number("budget-minutes", values["budget-minutes"], quick ? 4 : 22),
    latency: !values["no-latency"],
    outDir: values.out ?? new URL("../results/", import.meta.url).pathname,
  };
}

/** The usage line. */
export const STREAM_BENCH_HELP = HELP;
