/**
 * The consumer tool: parse the command line, run one consumer here (or one child process per
 * consumer id), serve its HTTP API, show a status line, stop on `stop`, Ctrl-C or the end of
 * `--runtime`, and print a summary.
 *
 * @module
 */
import type { Logger } from "../../protocol/log.ts";
import { isCompiledBinary } from "../cli/compiled.ts";
import { runServed, STD_IO, type ToolIo, toolMain } from "../cli/tool_main.ts";
import { V8_FLAGS } from "../cli/tools.ts";
import { Consumer } from "./consumer.ts";
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

/** Where a consumer run writes. */
export type ConsumerIo = ToolIo;

/**
 * Runs the consumer tool on `argv` until it stops; resolves to the exit status: 0 after a
 * stop, the end of the runtime or Ctrl-C; 1 when it failed; 2 for a wrong command line.
 */
export function consumerMain(argv: readonly string[], io: ConsumerIo = STD_IO): Promise<number> {
  return toolMain(argv, io, {
    name: "consumer",
    about: ABOUT,
    options: CONSUMER_OPTIONS,
    examples: EXAMPLES,
    parse: parseConsumerArgs,
    run: (opts, logger, signal) => {
      if (opts.consumerIds.length > 1) return runGroup(argv, opts, logger, signal);
      const id = opts.consumerIds[0];
      return runServed(opts, { logger, io, signal }, {
        start: (ctx) => Consumer.start(id, opts, ctx),
        title: `consumer ${id}`,
        channelLines: (c) =>
          Object.entries(c.channels).flatMap(([role, name]) => name ? [`${role} channel: ${name}`] : []),
      });
    },
  });
}

/** The entry `processorMain` hands a processor script's command line to. */
export async function runConsumer(argv: string[]): Promise<void> {
  Deno.exitCode = await consumerMain(argv);
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
  return ["run", "-A", ...V8_FLAGS, "--config", config, Deno.mainModule];
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
