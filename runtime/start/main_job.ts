/**
 * The main job (`deno task start`): a simulated detector and two consumers sharing its frames
 * through the server-side distributor, each running the image-statistics processor in its
 * sandbox, in one process. It prints the channel names and HTTP URLs to look at, shows one
 * live status line, and runs until Ctrl-C or `--runtime`.
 *
 * Unless the EPICS_PVA* environment says otherwise, everything stays on this host: servers
 * bind 127.0.0.1 and searches and beacons go to 127.0.0.1 only.
 *
 * @module
 */
import { createLogger, type Logger } from "../../protocol/log.ts";
import { configFromEnv, processEnv, type PvaConfig } from "../../protocol/pva/config.ts";
import { PvaClient } from "../../protocol/pva/client/client.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { helpText, OptionReader, type OptionSpec, parseToolArgs, UsageError } from "../cli/args.ts";
import { onStopSignals } from "../cli/signals.ts";
import { StatusLine } from "../cli/status_line.ts";
import { Consumer } from "../consumer/consumer.ts";
import { parseConsumerArgs } from "../consumer/options.ts";
import { type HttpHandle, serveHttp } from "../http/mod.ts";
import { FrameSampler } from "../preview/mod.ts";
import { Simulator } from "../simulator/mod.ts";
import { runTotals } from "../stats/mod.ts";
import { serveSimulatorStatus } from "../simulator/status.ts";

const OPTIONS: readonly OptionSpec[] = [
  { long: "help", short: "h", type: "boolean", help: "show this help and exit" },
  { long: "runtime", short: "rt", type: "string", default: "0", help: "seconds to run; 0 until Ctrl-C" },
  { long: "frame-rate", short: "fps", type: "string", default: "100", help: "simulated frames per second" },
  { long: "n-x-pixels", short: "nx", type: "string", default: "512", help: "frame width" },
  { long: "n-y-pixels", short: "ny", type: "string", default: "512", help: "frame height" },
  {
    long: "http-port",
    type: "string",
    default: "8400",
    help: "workflow page on this port, the simulator's and consumers' dashboards on the next three",
  },
];

const IMAGE_STATS = new URL("../../processors/image_stats.ts", import.meta.url).href;

/** Runs the main job on `argv`; resolves to the exit status. */
export async function runMainJob(argv: readonly string[]): Promise<number> {
  let settings: Omit<Job, "logger" | "config">;
  try {
    const { values, positionals } = parseToolArgs("start", OPTIONS, argv);
    if (positionals.length > 0) throw new UsageError(`start: unexpected argument "${positionals[0]}"`);
    if (values.help === true) {
      console.log(
        helpText("start", "The main job: a simulated detector and two distributed consumers.", OPTIONS, [
          "deno task start",
          "deno task start --runtime 30 --frame-rate 500 -nx 1024 -ny 1024",
          "deno task start --http-port 9400",
        ]),
      );
      return 0;
    }
    const r = new OptionReader("start", values);
    settings = {
      runtime: r.number("runtime", 0, { min: 0 }),
      frameRate: r.number("frame-rate", 100, { min: 0 }),
      nx: r.number("n-x-pixels", 512, { min: 1, integer: true }),
      ny: r.number("n-y-pixels", 512, { min: 1, integer: true }),
      httpPort: r.number("http-port", 8400, { min: 0, max: 65533, integer: true }),
    };
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(e.message);
    return 2;
  }
  return await run({ ...settings, logger: createLogger({ name: "start" }), config: localConfig() });
}

interface Job {
  runtime: number;
  frameRate: number;
  nx: number;
  ny: number;
  httpPort: number;
  logger: Logger;
  config: PvaConfig;
}

async function run(job: Job): Promise<number> {
  const { logger, config } = job;
  const sim = new Simulator({
    channelName: "pvapy:image",
    frameRate: job.frameRate,
    nx: job.nx,
    ny: job.ny,
    nFrames: 100,
    runtime: 0,
    startDelay: 1,
    shutdownDelay: 0,
    reportPeriod: 0,
    config,
    logger,
    report: () => {},
  });
  await sim.start();
  const simServices = await serveSimulatorStatus(sim, {
    statusChannel: "pvapy:sim:status",
    httpPort: String(job.httpPort + 1),
  }, logger);
  // The consumers share one server for their own channels and one client for the frames.
  const server = new PvaServer({ config, logger });
  await server.start();
  const client = new PvaClient({ config, logger });
  const consumers: Consumer[] = [];
  const https: HttpHandle[] = [];
  for (const id of [1, 2]) {
    const opts = parseConsumerArgs([
      ...["-ic", "pvapy:image", "-oc", "_", "-sc", "_", "-cc", "_", "-nc", "2", "-id", String(id)],
      ...["-dt", "uniqueId", "-du", "1", "-rp", "1"],
    ]);
    if (opts === "help") throw new Error("unreachable");
    const sampler = new FrameSampler();
    const c = await Consumer.start(id, opts, {
      server,
      client,
      logger,
      processor: { file: IMAGE_STATS },
      onFrame: (f) => sampler.offer(f),
    });
    consumers.push(c);
    const port = job.httpPort + 1 + id;
    const title = `consumer ${id}`;
    https.push(
      await serveHttp({ port, target: c, status: c.statusProvider, preview: sampler, logger, title }),
    );
  }
  const stop = Promise.withResolvers<void>();
  // The workflow page: every stage with its rates, and one stop for the whole job.
  const workflow = await serveHttp({
    port: job.httpPort,
    target: {
      configure() {
        throw new Error("configure a stage on its own page");
      },
      resetStats: () => Promise.all(consumers.map((c) => c.resetStats())).then(() => {}),
      getStats: () => void simServices.feed.refresh(),
      stop: () => stop.resolve(),
    },
    status: simServices.feed,
    stages: [
      { name: "simulator", kind: "simulator", url: simServices.httpUrl!.href },
      ...consumers.map((c, i) => ({ name: `consumer ${c.id}`, kind: "consumer", url: https[i].url.href })),
    ],
    logger,
    title: "pvastream main job",
  });
  console.log("Frames:    pvapy:image (simulator status: pvapy:sim:status)");
  for (const c of consumers) {
    console.log(
      `Consumer ${c.id}: output ${c.channels.output}, status ${c.channels.status}, control ${c.channels.control}`,
    );
  }
  console.log(
    `Workflow:  ${workflow.url}  (stages: ${[simServices.httpUrl, ...https.map((h) => h.url)].join(", ")})`,
  );
  https.push(workflow);
  console.log(
    "Look with: EPICS_PVA_AUTO_ADDR_LIST=NO EPICS_PVA_ADDR_LIST=127.0.0.1 deno task pva get pvapy:consumer:1:status",
  );
  console.log("Ctrl-C stops.");

  const unlisten = onStopSignals(() => stop.resolve());
  const timer = job.runtime > 0 ? setTimeout(() => stop.resolve(), job.runtime * 1000) : undefined;
  const line = new StatusLine();
  const ticker = setInterval(() => line.show(statusText(sim, consumers)), 1000);
  // A stop from a control PV or the HTTP API of any part ends the whole job.
  Promise.race([sim.finished, ...consumers.map((c) => c.done)]).then(() => stop.resolve());
  await stop.promise;
  clearTimeout(timer);
  clearInterval(ticker);
  line.done();
  unlisten();

  sim.stopPublishing();
  const published = await sim.finished;
  // Let the frames in flight arrive before the consumers stop taking them.
  await new Promise((r) => setTimeout(r, 500));
  // Our server knows how many frames it folded into the queues of consumers that were too slow.
  const folded = sim.pv.stats.overruns;
  for (const c of consumers) c.stop();
  await Promise.all(consumers.map((c) => c.done));
  console.log(statusText(sim, consumers));
  const totals = runTotals(published.framesPublished, consumers.map((c) => c.accounting()));
  console.log(
    `Published ${published.framesPublished} frames: ${published.notDeliveredNoSubscriber} before anyone ` +
      `subscribed; processed ${totals.processed}; missed ${totals.missed} (named by id in the status); ` +
      `${folded} folded by the server into slow consumers' queues (${totals.unattributed} of them seen as ` +
      `gaps the consumers could not attribute); errors ${totals.processErrors}.`,
  );
  await Promise.all(https.map((h) => h.close()));
  await simServices.close();
  await client.close();
  await server.close();
  await sim.stop();
  return 0;
}

function statusText(sim: Simulator, consumers: Consumer[]): string {
  const s = sim.stats();
  return [
    `simulator ${s.framesPublished} frames (${s.frameRate.toFixed(0)} fps)`,
    ...consumers.map((c) => c.summary()),
  ]
    .join(" | ");
}

/** The EPICS_PVA* environment, or this host only when it sets no addresses. */
function localConfig(): PvaConfig {
  const env = processEnv();
  const given = ["EPICS_PVA_ADDR_LIST", "EPICS_PVA_AUTO_ADDR_LIST", "EPICS_PVAS_INTF_ADDR_LIST"].some((n) =>
    n in env
  );
  if (given) return configFromEnv(env);
  return configFromEnv(env, {
    interfaces: ["127.0.0.1"],
    addrList: ["127.0.0.1"],
    autoAddrList: false,
    beaconAddrList: ["127.0.0.1"],
    autoBeaconAddrList: false,
  });
}
