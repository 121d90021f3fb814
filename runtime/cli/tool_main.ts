/**
 * What the consumer and collector tools do the same way around the object they run: read the
 * command line (help, usage errors), make the logger, stop on Ctrl-C, and run one consumer or
 * collector with its PVA server and client, its HTTP API, a status line, `--runtime` and a summary.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import { PvaClient } from "../../protocol/pva/client/client.ts";
import { PvaServer } from "../../protocol/pva/server/server.ts";
import type { ControlTarget } from "../control/control_target.ts";
import type { ConsumerContext } from "../consumer/consumer.ts";
import type { HttpHandle } from "../http/mod.ts";
import { FrameSampler } from "../preview/mod.ts";
import type { StatusProvider } from "../status/mod.ts";
import { readAccessRules } from "./access_rules_file.ts";
import { helpText, type OptionSpec, UsageError } from "./args.ts";
import { toolLogger } from "./log_options.ts";
import { onStopSignals } from "./signals.ts";
import { StatusLine } from "./status_line.ts";
import type { SystemOptions } from "./system_options.ts";
import { processorSettings } from "./tool_setup.ts";

/** Where a tool run writes. */
export interface ToolIo {
  /** Normal output lines. */
  out(line: string): void;
  /** Error lines. */
  err(line: string): void;
}

/** Standard output and standard error as a {@link ToolIo}. */
export const STD_IO: ToolIo = { out: (l) => console.log(l), err: (l) => console.error(l) };

/** One tool's command line and what it runs. */
export interface ToolCommand<O extends SystemOptions> {
  /** The tool's name, in messages and its help. */
  name: string;
  /** The help's opening paragraph. */
  about: string;
  /** Its options, for the help. */
  options: readonly OptionSpec[];
  /** Example command lines, for the help. */
  examples: readonly string[];
  /** Reads the command line; throws {@link UsageError} for a wrong one. */
  parse(argv: readonly string[]): O | "help";
  /** Runs the tool until `signal` aborts or it ends; resolves to the exit status. */
  run(opts: O, logger: Logger, signal: AbortSignal): Promise<number>;
}

/**
 * Runs a tool on `argv` until it stops; resolves to the exit status: 0 after a stop, the end of
 * the runtime or Ctrl-C; 1 when it failed; 2 for a wrong command line.
 */
export async function toolMain<O extends SystemOptions>(
  argv: readonly string[],
  io: ToolIo,
  command: ToolCommand<O>,
): Promise<number> {
  const { name } = command;
  let opts: O | "help";
  try {
    opts = command.parse(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.err(`${e.message}\n(${name} --help lists the options)`);
    return 2;
  }
  if (opts === "help") {
    io.out(helpText(name, command.about, command.options, command.examples));
    return 0;
  }
  const logger = await toolLogger(name, opts);
  const stop = new AbortController();
  const unlisten = onStopSignals(() => stop.abort());
  try {
    return await command.run(opts, logger, stop.signal);
  } catch (e) {
    io.err(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    unlisten();
  }
}

/** What a tool runs and serves: a consumer or a collector. */
export interface ServedRunner extends ControlTarget {
  /** The status feed the HTTP API reads. */
  readonly statusProvider: StatusProvider;
  /** Resolves once it has stopped. */
  readonly done: Promise<void>;
  /** One line for people: totals and rates. */
  summary(): string;
  /** Returns at once; {@link done} resolves once it has finished. */
  stop(): void;
}

/** How {@link runServed} starts and names the object it runs. */
export interface ServedRunnerSpec<R extends ServedRunner> {
  /** Starts the object with the tool's server, client, logger, processor and preview. */
  start(ctx: ConsumerContext): Promise<R>;
  /** The HTTP API's title. */
  title: string;
  /** The lines that name its channels, printed once it has started. */
  channelLines(runner: R): string[];
}

/**
 * Runs one consumer or collector with a PVA server and client of the EPICS_* environment, the
 * HTTP API when `--http-port` asks for it and a status line, until it stops, `signal` aborts or
 * `--runtime` ends; prints its summary and resolves to 0.
 */
export async function runServed<R extends ServedRunner>(
  opts: SystemOptions,
  { logger, io, signal }: { logger: Logger; io: ToolIo; signal: AbortSignal },
  spec: ServedRunnerSpec<R>,
): Promise<number> {
  const config = configFromEnv();
  const access = opts.accessRules === undefined ? undefined : await readAccessRules(opts.accessRules);
  const server = new PvaServer({ config, logger, access });
  await server.start();
  const client = new PvaClient({ config, logger });
  const sampler = new FrameSampler();
  let runner: R | undefined;
  let http: HttpHandle | undefined;
  try {
    runner = await spec.start({
      server,
      client,
      logger,
      processor: processorSettings(opts),
      // Only a served dashboard shows the preview: without one, frames are not sampled.
      onFrame: opts.httpPort >= 0 ? (f) => sampler.offer(f) : undefined,
    });
    const r = runner;
    if (opts.httpPort >= 0) {
      // Loaded only when asked for: the HTTP API's module graph (Hono, routes, dashboard, zod) is a
      // sizeable share of an idle consumer's memory.
      const { serveHttp } = await import("../http/mod.ts");
      http = await serveHttp({
        host: opts.httpHost,
        port: opts.httpPort,
        tokenFile: opts.httpTokenFile,
        target: r,
        status: r.statusProvider,
        preview: sampler,
        logger,
        title: spec.title,
      });
    }
    for (const line of spec.channelLines(r)) io.out(line);
    if (http) io.out(`Dashboard: ${http.url} (HTTP API: ${http.url}api/status)`);
    signal.addEventListener("abort", () => r.stop(), { once: true });
    const timer = opts.runtime > 0 ? setTimeout(() => r.stop(), opts.runtime * 1000) : undefined;
    const line = new StatusLine();
    const ticker = setInterval(() => line.show(r.summary()), Math.max(1000, opts.reportPeriod * 1000));
    await r.done;
    clearTimeout(timer);
    clearInterval(ticker);
    line.done();
    io.out(r.summary());
    return 0;
  } finally {
    runner?.stop();
    await runner?.done;
    await http?.close();
    await client.close();
    await server.close();
  }
}
