/**
 * The collector tool: parse the command line, run one collector, serve its HTTP API, show a status
 * line, stop on `stop`, Ctrl-C or the end of `--runtime`, and print a summary naming the missed ids.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { PvaClient } from "../../protocol/pva/client/client.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { helpText, UsageError } from "../cli/args.ts";
import { onStopSignals } from "../cli/signals.ts";
import { StatusLine } from "../cli/status_line.ts";
import { processorSettings } from "../cli/tool_setup.ts";
import { toolLogger } from "../cli/log_options.ts";
import { type HttpHandle, serveHttp } from "../http/mod.ts";
import { FrameSampler } from "../preview/mod.ts";
import { Collector } from "./collector.ts";
import { COLLECTOR_OPTIONS, type CollectorOptions, parseCollectorArgs } from "./options.ts";

const ABOUT =
  "Receives frames from several producers, puts them in order by object id, runs a processor on " +
  "each in a sandbox and publishes the outputs, with PvaPy's options, status and control channels " +
  "(pvapy-hpc-collector).";

const EXAMPLES = [
  "collector -ic 'pvapy:consumer:*:output' -pid 1,2 -oc _ -sc _ -cc _ -rp 5",
  "collector -ic 'det:*:out' -pid 'range(1,5)' -ifs 02d --collector-cache-size 100 --http-port 8403",
];

/** Where a collector run writes. */
export interface CollectorIo {
  /** Normal output lines. */
  out(line: string): void;
  /** Error lines. */
  err(line: string): void;
}

const STD_IO: CollectorIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Runs the collector tool on `argv` until it stops; resolves to the exit status: 0 after a stop,
 * the end of the runtime or Ctrl-C; 1 when it failed; 2 for a wrong command line.
 */
export async function collectorMain(argv: readonly string[], io: CollectorIo = STD_IO): Promise<number> {
  let opts: CollectorOptions | "help";
  try {
    opts = parseCollectorArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n(collector --help lists the options)`);
    return 2;
  }
  if (opts === "help") {
    io.out(helpText("collector", ABOUT, COLLECTOR_OPTIONS, EXAMPLES));
    return 0;
  }
  const logger = await toolLogger("collector", opts);
  const stop = new AbortController();
  const unlisten = onStopSignals(() => stop.abort());
  try {
    return await run(opts, logger, io, stop.signal);
  } catch (e) {
    io.err(`collector: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    unlisten();
  }
}

async function run(
  opts: CollectorOptions,
  logger: Logger,
  io: CollectorIo,
  signal: AbortSignal,
): Promise<number> {
  const config = configFromEnv();
  const server = new PvaServer({ config, logger });
  await server.start();
  const client = new PvaClient({ config, logger });
  const sampler = new FrameSampler();
  let collector: Collector | undefined;
  let http: HttpHandle | undefined;
  try {
    collector = await Collector.start(opts, {
      server,
      client,
      logger,
      processor: processorSettings(opts),
      onFrame: (f) => sampler.offer(f),
    });
    const c = collector;
    if (opts.httpPort >= 0) {
      http = await serveHttp({
        host: opts.httpHost,
        port: opts.httpPort,
        tokenFile: opts.httpTokenFile,
        target: c,
        status: c.statusProvider,
        preview: sampler,
        logger,
        title: `collector ${c.id}`,
      });
    }
    c.channels.inputs.forEach((name, i) =>
      io.out(`input channel (producer ${opts.producerIds[i]}): ${name}`)
    );
    for (const role of ["output", "status", "control"] as const) {
      const name = c.channels[role];
      if (name) io.out(`${role} channel: ${name}`);
    }
    if (http) io.out(`Dashboard: ${http.url} (HTTP API: ${http.url}api/status)`);
    signal.addEventListener("abort", () => c.stop(), { once: true });
    const timer = opts.runtime > 0 ? setTimeout(() => c.stop(), opts.runtime * 1000) : undefined;
    const line = new StatusLine();
    const ticker = setInterval(() => line.show(c.summary()), Math.max(1000, opts.reportPeriod * 1000));
    await c.done;
    clearTimeout(timer);
    clearInterval(ticker);
    line.done();
    io.out(c.summary());
    return 0;
  } finally {
    collector?.stop();
    await collector?.done;
    await http?.close();
    await client.close();
    await server.close();
  }
}
