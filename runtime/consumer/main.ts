/**
 * The consumer tool: parse the command line, run one consumer here (or one child process per
 * consumer id), serve its HTTP API, show a status line, stop on `stop`, Ctrl-C or the end of
 * `--runtime`, and print a summary.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import { toolLogger } from "../cli/log_options.ts";
import { isCompiledBinary } from "../cli/compiled.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { PvaClient } from "../../protocol/pva/client/client.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import { readAccessRules } from "../cli/access_rules_file.ts";
import { helpText, UsageError } from "../cli/args.ts";
import { onStopSignals } from "../cli/signals.ts";
import { StatusLine } from "../cli/status_line.ts";
import type { HttpHandle } from "../http/mod.ts";
import { parsePermissions, ProcessorError } from "../processor/mod.ts";
import { FrameSampler } from "../preview/mod.ts";
import { Consumer, type ConsumerContext } from "./consumer.ts";
import { runChildren } from "./multi.ts";
import { CONSUMER_OPTIONS, type ConsumerOptions, parseConsumerArgs } from "./options.ts";

const ABOUT =
  "Receives frames from a channel, runs a processor on each in a sandbox and publishes the outputs, " +
  "with PvaPy's options, status and control channels (pvapy-hpc-consumer).";

const EXAMPLES = [
  "consumer --input-channel pvapy:image --output-channel _ --status-channel _ --control-channel _",
  "consumer -ic pvapy:image -nc 2 -dt uniqueId -du 1 --processor-file processors/image_stats.ts -rp 5",
  "consumer -ic pvapy:image --processor-file my.ts --processor-permissions read=/data --http-port 8080",
];

const PASSTHROUGH = new URL("../../processors/passthrough.ts", import.meta.url).href;

/** Where a consumer run writes. */
export interface ConsumerIo {
  /** Normal output lines. */
  out(line: string): void;
  /** Error lines. */
  err(line: string): void;
}

const STD_IO: ConsumerIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/**
 * Runs the consumer tool on `argv` until it stops; resolves to the exit status: 0 after a
 * stop, the end of the runtime or Ctrl-C; 1 when it failed; 2 for a wrong command line.
 */
export async function consumerMain(argv: readonly string[], io: ConsumerIo = STD_IO): Promise<number> {
  let opts: ConsumerOptions | "help";
  try {
    opts = parseConsumerArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n(consumer --help lists the options)`);
    return 2;
  }
  if (opts === "help") {
    io.out(helpText("consumer", ABOUT, CONSUMER_OPTIONS, EXAMPLES));
    return 0;
  }
  const logger = await toolLogger("consumer", opts);
  const stop = new AbortController();
  const unlisten = onStopSignals(() => stop.abort());
  try {
    if (opts.consumerIds.length > 1) return await runGroup(argv, opts, logger, stop.signal);
    return await runOne(opts, logger, io, stop.signal);
  } catch (e) {
    io.err(`consumer: ${e instanceof ProcessorError || e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    unlisten();
  }
}

/** The entry `processorMain` hands a processor script's command line to. */
export async function runConsumer(argv: string[]): Promise<void> {
  Deno.exitCode = await consumerMain(argv);
}

async function runOne(
  opts: ConsumerOptions,
  logger: Logger,
  io: ConsumerIo,
  signal: AbortSignal,
): Promise<number> {
  const config = configFromEnv();
  const access = opts.accessRules === undefined ? undefined : await readAccessRules(opts.accessRules);
  const server = new PvaServer({ config, logger, access });
  await server.start();
  const client = new PvaClient({ config });
  const processor: ConsumerContext["processor"] = {
    file: opts.processorFile ?? PASSTHROUGH,
    className: opts.processorClass,
    permissions: parsePermissions(opts.processorPermissions, Deno.cwd()),
    isolation: opts.processorIsolation,
    memoryMb: opts.processorIsolation === "process" ? opts.processorMemoryMb : undefined,
    timeLimitMs: opts.processorTimeLimit * 1000,
  };
  const id = opts.consumerIds[0];
  const sampler = new FrameSampler();
  let consumer: Consumer | undefined;
  let http: HttpHandle | undefined;
  try {
    consumer = await Consumer.start(id, opts, {
      server,
      client,
      logger,
      processor,
      // Only a served dashboard shows the preview: without one, frames are not sampled.
      onFrame: opts.httpPort >= 0 ? (f) => sampler.offer(f) : undefined,
    });
    const c = consumer;
    if (opts.httpPort >= 0) {
      // Loaded only when asked for: the HTTP API's module graph (Hono, routes, dashboard) is a
      // sizeable share of an idle consumer's memory.
      const { serveHttp } = await import("../http/mod.ts");
      http = await serveHttp({
        host: opts.httpHost,
        port: opts.httpPort,
        tokenFile: opts.httpTokenFile,
        target: c,
        status: c.statusProvider,
        preview: sampler,
        logger,
        title: `consumer ${id}`,
      });
    }
    for (const [role, name] of Object.entries(c.channels)) if (name) io.out(`${role} channel: ${name}`);
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
    consumer?.stop();
    await consumer?.done;
    await http?.close();
    client.close();
    await server.close();
  }
}

/** One child process per id: the same command line with one id each. */
function runGroup(argv: readonly string[], opts: ConsumerOptions, logger: Logger, signal: AbortSignal) {
  const own = withoutIdOptions(argv);
  const children = opts.consumerIds.map((id, i) => {
    const args = [...own, "--consumer-id-list", String(id)];
    if (opts.httpPort > 0) args.push("--http-port", String(opts.httpPort + i));
    return { id, command: Deno.execPath(), args: [...runArgs(), ...args] };
  });
  return runChildren(children, { logger, signal });
}

/** How this very program is started again: a compiled binary as it is, a script under `deno run`. */
function runArgs(): string[] {
  if (isCompiledBinary()) return [];
  const config = new URL("../../deno.json", import.meta.url).pathname;
  return ["run", "-A", "--config", config, Deno.mainModule];
}

const ID_OPTIONS = new Set(["--consumer-id", "-id", "--n-consumers", "-nc", "--consumer-id-list", "-cid"]);

function withoutIdOptions(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (ID_OPTIONS.has(a) || a === "--http-port") i++;
    else if (![...ID_OPTIONS, "--http-port"].some((o) => a.startsWith(`${o}=`))) out.push(a);
  }
  return out;
}
