/**
 * `deno task soak [--minutes 30] [--frame-rate 200] [--nx 512] [--ny 512] [--warmup-minutes M]
 * [--samples FILE]`: the
 * simulator (uint8 frames, 512x512 as in bench:stream by default) and two
 * distributed consumers (image statistics in worker sandboxes), each in its own process on loopback, run for
 * the given time while their HTTP status is polled every second and each consumer's preview is requested
 * every two seconds. Passes when no frame was lost (none missed, rejected, folded or failed, and the
 * consumers processed every frame the simulator delivered), resident memory after the warm-up stayed flat
 * (the median of the last third of the samples within 5% of the median of the first third), and the open
 * descriptors stayed flat. Prints a result table; exits 1 when a check failed. `--samples FILE` keeps the
 * memory and descriptor samples (every 5 s) as JSON.
 *
 * A collector puts the consumers' outputs (each frame's statistics) back in frame order: simulator -> 2
 * consumers -> collector, as in the main job.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { processTreeUsage, type ProcessUsage } from "./lib/process_usage.ts";
import { toolCommand, toolNamed } from "../runtime/cli/tools.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const { values } = parseArgs({
  args: Deno.args,
  options: {
    minutes: { type: "string", default: "30" },
    "frame-rate": { type: "string", default: "200" },
    nx: { type: "string", default: "512" },
    samples: { type: "string" },
    ny: { type: "string", default: "512" },
    "warmup-minutes": { type: "string" },
  },
});
const minutes = Number(values.minutes);
const frameRate = Number(values["frame-rate"]);
const warmupS = 60 * Number(values["warmup-minutes"] ?? Math.min(5, minutes / 4));
const NX = Number(values.nx);
const NY = Number(values.ny);
if (
  !(minutes > 0) || !(frameRate > 0) || !(warmupS >= 0) || warmupS >= minutes * 60 ||
  !Number.isInteger(NX) || NX < 1 || !Number.isInteger(NY) || NY < 1
) {
  console.error(
    "soak: --minutes and --frame-rate must be positive, --nx and --ny positive integers, " +
      "--warmup-minutes shorter than the run",
  );
  Deno.exit(2);
}
const START_DELAY_S = 10;

function freeTcpPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

function freeUdpPort(): number {
  const s = Deno.listenDatagram({ hostname: "127.0.0.1", port: 0, transport: "udp" });
  const port = (s.addr as Deno.NetAddr).port;
  s.close();
  return port;
}

const pva = freeTcpPort();
const udp = freeUdpPort();
const simHttp = freeTcpPort();
const consumerHttp = freeTcpPort(); // the second consumer takes the next port
const collectorHttp = freeTcpPort();
const env = {
  EPICS_PVA_ADDR_LIST: "127.0.0.1",
  EPICS_PVA_AUTO_ADDR_LIST: "NO",
  EPICS_PVA_SERVER_PORT: String(pva),
  EPICS_PVA_BROADCAST_PORT: String(udp),
  EPICS_PVAS_INTF_ADDR_LIST: "127.0.0.1",
  EPICS_PVAS_BEACON_ADDR_LIST: "127.0.0.1",
  EPICS_PVAS_AUTO_BEACON_ADDR_LIST: "NO",
  EPICS_PVAS_BROADCAST_PORT: String(udp),
};
const logDir = await Deno.makeTempDir({ prefix: "pvastream-soak-" });

/** Starts a tool as the workflow runner would, with its output in `logDir/name.log`. */
async function tool(name: string, toolName: string, args: string[]): Promise<Deno.ChildProcess> {
  const log = await Deno.open(`${logDir}/${name}.log`, { write: true, create: true });
  const { command, args: commandArgs } = toolCommand(
    toolNamed(toolName),
    args,
    new URL("../", import.meta.url),
  );
  const child = new Deno.Command(command, {
    args: commandArgs,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = child.stdout.pipeTo(log.writable, { preventClose: true });
  const err = child.stderr.pipeTo(
    (await Deno.open(`${logDir}/${name}.err`, { write: true, create: true })).writable,
  );
  Promise.all([out, err]).finally(() => log.close());
  return child;
}

const runtimeS = minutes * 60;
const sim = await tool("simulator", "ad-sim-server", [
  ...["-cn", "soak:image", "-fps", String(frameRate), "-nx", String(NX), "-ny", String(NY)],
  ...["-rt", String(runtimeS), "-std", String(START_DELAY_S), "-shd", "30", "-rp", "0"],
  ...["-sc", "soak:sim:status", "-hp", String(simHttp)],
]);
const consumers = await tool("consumers", "consumer", [
  ...[
    "-ic",
    "soak:image",
    "-nc",
    "2",
    "-dt",
    "uniqueId",
    "-du",
    "1",
    "-oc",
    "_",
    "-sc",
    "_",
    "-cc",
    "_",
    "-rp",
    "1",
  ],
  ...["--processor-file", `${ROOT}processors/image_stats.ts`, "--http-port", String(consumerHttp)],
]);

const collector = await tool("collector", "collector", [
  ...["-ic", "pvapy:consumer:*:output", "-pid", "1,2", "-siu", "0", "-sc", "_", "-rp", "1"],
  ...["-ccs", "1000", "-sqs", "200", "--collector-idle-time", "1", "--http-port", String(collectorHttp)],
]);

type Json = Record<string, Record<string, number>> & Record<string, number>;

async function getJson(url: string, onFailure = (_why: string) => {}): Promise<Json | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
    if (res.ok) return await res.json();
    await res.body?.cancel();
    onFailure(`${new URL(url).pathname} ${res.status}`);
  } catch (e) {
    onFailure(`${new URL(url).pathname} ${(e as Error).name}`);
  }
  return null;
}

const simUrl = `http://127.0.0.1:${simHttp}`;
const consumerUrls = [0, 1].map((i) => `http://127.0.0.1:${consumerHttp + i}`);
const collectorUrl = `http://127.0.0.1:${collectorHttp}`;
const polls = { status: 0, statusFailed: 0, preview: 0, previewFailed: 0 };
/** Why polls failed: HTTP status or error name, with counts. */
const reasons = new Map<string, number>();
const failedBecause = (why: string) => reasons.set(why, (reasons.get(why) ?? 0) + 1);
const samples: { t: number; sim: ProcessUsage; consumers: ProcessUsage; collector: ProcessUsage }[] = [];
// The clock starts once every tool answers (starting them takes seconds on a loaded machine).
for (const url of [simUrl, ...consumerUrls, collectorUrl]) {
  const deadline = performance.now() + 60_000;
  while ((await getJson(`${url}/api/status`)) === null) {
    if (performance.now() > deadline) {
      throw new Error(`soak: ${url} did not answer within 60 s; logs in ${logDir}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
const started = performance.now();
const elapsedS = () => (performance.now() - started) / 1000;

const pollStatus = setInterval(async () => {
  for (const url of [simUrl, ...consumerUrls, collectorUrl]) {
    const ok = (await getJson(`${url}/api/status`, failedBecause)) !== null;
    polls.status++;
    if (!ok) polls.statusFailed++;
  }
}, 1000);
const pollPreview = setInterval(async () => {
  for (const url of consumerUrls) {
    polls.preview++;
    try {
      const res = await fetch(`${url}/api/preview.png`, { signal: AbortSignal.timeout(5000) });
      if (!res.ok) {
        polls.previewFailed++;
        const body = new TextDecoder().decode(await res.arrayBuffer()).slice(0, 120);
        failedBecause(`preview ${res.status} ${body}`);
      } else await res.arrayBuffer();
    } catch (e) {
      polls.previewFailed++;
      failedBecause(`preview ${(e as Error).name}`);
    }
  }
}, 2000);
const sample = setInterval(() => {
  samples.push({
    t: elapsedS(),
    sim: processTreeUsage(sim.pid),
    consumers: processTreeUsage(consumers.pid),
    collector: processTreeUsage(collector.pid),
  });
}, 5000);

// The simulator publishes for `runtimeS` after its start delay; then its numbers stop changing.
let published = -1;
let still = 0;
while (still < 3) {
  await new Promise((r) => setTimeout(r, 1000));
  if (elapsedS() < START_DELAY_S + runtimeS) continue;
  const now = (await getJson(`${simUrl}/api/status`))?.framesPublished ?? -1;
  still = now === published ? still + 1 : 0;
  published = now;
}
clearInterval(pollStatus);
clearInterval(pollPreview);
clearInterval(sample);
const simStatus = (await getJson(`${simUrl}/api/status`))!;
const consumerStatus = await Promise.all(consumerUrls.map((u) => getJson(`${u}/api/status`)));
// The collector's last frames leave its cache after its idle time.
await new Promise((r) => setTimeout(r, 2000));
const collectorStatus = (await getJson(`${collectorUrl}/api/status`))!;
collector.kill("SIGINT");
await collector.status;
consumers.kill("SIGINT");
await consumers.status;
sim.kill("SIGINT");
await sim.status;

const sum = (f: (s: Json) => number) => consumerStatus.reduce((n, s) => n + (s ? f(s) : NaN), 0);
const processed = sum((s) => s.processorStats.nProcessed);
const delivered = simStatus.framesPublished - simStatus.notDeliveredNoSubscriber;
const afterWarmup = samples.filter((s) => s.t >= START_DELAY_S + warmupS);
const mb = (b: number) => (b / 2 ** 20).toFixed(1);
/**
 * A process tree's memory after the warm-up. V8 collects in waves, so one sample can sit at the top
 * or the bottom of a wave: the level is the median of a third of the samples, and memory is flat
 * when the last third's level is within 5% of the first third's. The largest sample against the
 * first one is shown too.
 */
const growth = (pick: (s: (typeof samples)[0]) => ProcessUsage) => {
  const base = pick(afterWarmup[0]);
  const rss = afterWarmup.map((s) => pick(s).rssBytes);
  const third = Math.max(1, Math.floor(rss.length / 3));
  const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)];
  const first = median(rss.slice(0, third));
  const last = median(rss.slice(-third));
  const fds = afterWarmup.map((s) => pick(s).fds);
  return {
    base,
    rssMax: Math.max(...rss),
    rssFirst: first,
    rssLast: last,
    levelGrowth: last / first - 1,
    maxGrowth: Math.max(...rss) / base.rssBytes - 1,
    fdMin: Math.min(...fds),
    fdMax: Math.max(...fds),
  };
};
const memory = (u: ReturnType<typeof growth>) =>
  `level ${mb(u.rssFirst)} -> ${mb(u.rssLast)} MiB (${(100 * u.levelGrowth).toFixed(1)}%); ` +
  `largest ${mb(u.rssMax)} MiB, ${(100 * u.maxGrowth).toFixed(1)}% over the first sample`;
if (values.samples) await Deno.writeTextFile(values.samples, JSON.stringify({ warmupS, samples }));
const simUse = growth((s) => s.sim);
const conUse = growth((s) => s.consumers);
const colUse = growth((s) => s.collector);
const collected = collectorStatus.collectorStats;

const checks: [string, boolean, string][] = [
  [
    "frames delivered = processed",
    processed === delivered,
    `${delivered} delivered (of ${simStatus.framesPublished} published), ${processed} processed`,
  ],
  ["missed", sum((s) => s.processorStats.nMissed) === 0, String(sum((s) => s.processorStats.nMissed))],
  [
    "rejected by queues",
    sum((s) => s.receiverStats.nRejected) === 0,
    String(sum((s) => s.receiverStats.nRejected)),
  ],
  ["overruns", sum((s) => s.receiverStats.nOverruns) === 0, String(sum((s) => s.receiverStats.nOverruns))],
  [
    "processing errors",
    sum((s) => s.processorStats.nErrors) === 0,
    String(sum((s) => s.processorStats.nErrors)),
  ],
  [
    "simulator: frames folded in full queues",
    simStatus.notDeliveredQueuesFull === 0,
    String(simStatus.notDeliveredQueuesFull),
  ],
  [
    "HTTP status polls answered",
    polls.statusFailed === 0,
    `${polls.status - polls.statusFailed} of ${polls.status}`,
  ],
  [
    "previews served",
    polls.previewFailed === 0,
    `${polls.preview - polls.previewFailed} of ${polls.preview}`,
  ],
  [
    "simulator RSS after warm-up (level of the last third vs the first)",
    simUse.levelGrowth <= 0.05,
    memory(simUse),
  ],
  [
    "consumers RSS after warm-up (level of the last third vs the first)",
    conUse.levelGrowth <= 0.05,
    `${memory(conUse)} (${conUse.base.processes} processes)`,
  ],
  [
    "collector: every processed frame collected, in order",
    collected.nCollected === processed && collected.nMissed === 0 && collected.nRejected === 0,
    `${collected.nCollected} collected, ${collected.nMissed} missed, ${collected.nRejected} rejected`,
  ],
  [
    "collector RSS after warm-up (level of the last third vs the first)",
    colUse.levelGrowth <= 0.05,
    memory(colUse),
  ],
  ["collector fds after warm-up", colUse.fdMax - colUse.fdMin <= 2, `${colUse.fdMin}..${colUse.fdMax}`],
  ["simulator fds after warm-up", simUse.fdMax - simUse.fdMin <= 2, `${simUse.fdMin}..${simUse.fdMax}`],
  ["consumers fds after warm-up", conUse.fdMax - conUse.fdMin <= 4, `${conUse.fdMin}..${conUse.fdMax}`],
];

console.log(
  `soak: ${minutes} min at ${frameRate} fps (${NX}x${NY} uint8), warm-up ${warmupS / 60} min, ` +
    `${samples.length} samples; logs in ${logDir}\n`,
);
console.log("| check | result | value |\n| --- | --- | --- |");
for (const [what, ok, value] of checks) console.log(`| ${what} | ${ok ? "pass" : "FAIL"} | ${value} |`);
if (reasons.size > 0) {
  console.log(`\npolls that failed: ${[...reasons].map(([w, n]) => `${w} x${n}`).join(", ")}`);
}
const failed = checks.filter(([, ok]) => !ok).length;
console.log(`\n${checks.length - failed} passed, ${failed} failed`);
if (failed === 0) await Deno.remove(logDir, { recursive: true });
Deno.exit(failed === 0 ? 0 : 1);
