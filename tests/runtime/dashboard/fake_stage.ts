/**
 * A stand-in for a pipeline process behind the dashboard: real accounting, status builder and status feed
 * fed by a timer that "receives" frames (skipping an id now and then, so frames go missing), a moving
 * image offered to a FrameSampler as a consumer does (the frame's buffer is then moved away, as the
 * consumer's goes to its processor), and a control target whose stop ends the stage. Imported by tests, or run as
 * a process (`deno run -A fake_stage.ts [--color-mode N]`) that prints `READY <url>` and exits on stop.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { FrameAccounting, StatsReporter } from "../../../runtime/stats/mod.ts";
import { type ConsumerStatus, ConsumerStatusBuilder, StatusFeed } from "../../../runtime/status/mod.ts";
import { type HttpHandle, serveHttp, type StageLink } from "../../../runtime/http/mod.ts";
import type { ConfigureArgs, ControlTarget } from "../../../runtime/control/mod.ts";
import { type FrameLike, FrameSampler } from "../../../runtime/preview/mod.ts";

/** Options of {@link startFakeStage}. */
export interface FakeStageOptions {
  /** The consumer id in the status (1). */
  id?: number;
  /** ColorMode of the frames: 0 mono uint16, 2/3/4 RGB uint8 (0). */
  colorMode?: 0 | 2 | 3 | 4;
  /** Milliseconds between two received frames (20). */
  frameMs?: number;
  /** Seconds between status updates (0.5). */
  reportPeriod?: number;
  /** Stages, for a workflow page. */
  stages?: readonly StageLink[];
}

/** A running fake stage. */
export interface FakeStage extends AsyncDisposable {
  http: HttpHandle;
  feed: StatusFeed<ConsumerStatus>;
  /** Configurations the stage accepted. */
  configured: ConfigureArgs[];
  /** Resolves when the stop command arrived. */
  stopped: Promise<void>;
  /** Stops the timers and the HTTP server. */
  close(): Promise<void>;
}

const [WIDTH, HEIGHT] = [640, 480];

/** Frame `n`: a bright spot circling over a gradient, so consecutive previews differ. */
function frameAt(n: number, colorMode: 0 | 2 | 3 | 4): FrameLike {
  const cx = WIDTH / 2 + 180 * Math.cos(n / 10);
  const cy = HEIGHT / 2 + 140 * Math.sin(n / 10);
  const level = (x: number, y: number) =>
    0.3 * (x / WIDTH) + Math.exp(-((x - cx) ** 2 + (y - cy) ** 2) / 1800);
  if (colorMode === 0) {
    const data = new Uint16Array(WIDTH * HEIGHT);
    for (let y = 0; y < HEIGHT; y++) {
      for (let x = 0; x < WIDTH; x++) data[y * WIDTH + x] = Math.round(4000 * level(x, y));
    }
    return { data, shape: [WIDTH, HEIGHT], colorMode };
  }
  const dims = colorMode === 2
    ? [3, WIDTH, HEIGHT]
    : colorMode === 3
    ? [WIDTH, 3, HEIGHT]
    : [WIDTH, HEIGHT, 3];
  const strides = dims.map((_, i) => dims.slice(0, i).reduce((a, b) => a * b, 1));
  const [sc, sx, sy] = colorMode === 2
    ? [strides[0], strides[1], strides[2]]
    : colorMode === 3
    ? [strides[1], strides[0], strides[2]]
    : [strides[2], strides[0], strides[1]];
  const data = new Uint8Array(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const v = level(x, y);
      data[x * sx + y * sy] = Math.min(255, Math.round(250 * v));
      data[x * sx + y * sy + sc] = Math.round(120 * (y / HEIGHT));
      data[x * sx + y * sy + 2 * sc] = Math.round(200 * (1 - x / WIDTH));
    }
  }
  return { data, shape: dims, colorMode };
}

/** Starts a fake stage on a free loopback port. */
export async function startFakeStage(
  { id = 1, colorMode = 0, frameMs = 20, reportPeriod = 0.5, stages }: FakeStageOptions = {},
): Promise<FakeStage> {
  const accounting = new FrameAccounting();
  const reporter = new StatsReporter();
  const builder = new ConsumerStatusBuilder({
    consumerId: id,
    inputChannel: `fake:${id}:image`,
    userStats: { spotX: "double", frames: "uint" },
  });
  let n = 0;
  const sampler = new FrameSampler();
  const feed = new StatusFeed({
    build: () =>
      builder.build(reporter.report(accounting.snapshot()), {
        userStats: { spotX: WIDTH / 2 + 180 * Math.cos(n / 10), frames: n },
      }),
    reportPeriod,
  });
  const receive = setInterval(() => {
    n++;
    // Every seventh id never arrives: the accounting counts it missed.
    if (n % 7 === 0) return;
    accounting.received(n);
    accounting.delivered();
    accounting.processed(n);
    if (n % 5 === 0) {
      const frame = frameAt(n, colorMode);
      sampler.offer(frame);
      structuredClone(frame.data.buffer, { transfer: [frame.data.buffer as ArrayBuffer] });
    }
  }, frameMs);
  const stop = Promise.withResolvers<void>();
  const configured: ConfigureArgs[] = [];
  const target: ControlTarget = {
    configure(args) {
      if (typeof args.refuse === "string") throw new Error(args.refuse);
      configured.push(args);
    },
    resetStats() {
      accounting.reset();
      feed.refresh();
    },
    getStats: () => void feed.refresh(),
    stop: () => stop.resolve(),
  };
  feed.start();
  const http = await serveHttp({ port: 0, target, status: feed, preview: sampler, stages });
  const close = async () => {
    clearInterval(receive);
    feed.stop();
    await http.close();
  };
  return { http, feed, configured, stopped: stop.promise, close, [Symbol.asyncDispose]: close };
}

/** The URL of a loopback port nobody listens on (bound and released), for a stage that is down. */
export function deadStageUrl(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const { port } = listener.addr as Deno.NetAddr;
  listener.close();
  return `http://127.0.0.1:${port}/`;
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { "color-mode": { type: "string", default: "0" } },
  });
  const stage = await startFakeStage({ colorMode: Number(values["color-mode"]) as 0 | 2 | 3 | 4 });
  console.log(`READY ${stage.http.url.href}`);
  await stage.stopped;
  await stage.close();
}
