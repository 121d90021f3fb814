/**
 * The collector tool: parse the command line, run one collector, serve its HTTP API, show a status
 * line, stop on `stop`, Ctrl-C or the end of `--runtime`, and print a summary naming the missed ids.
 *
 * @module
 */
import { runServed, STD_IO, type ToolIo, toolMain } from "../cli/tool_main.ts";
import { Collector } from "./collector.ts";
import { COLLECTOR_OPTIONS, parseCollectorArgs } from "./options.ts";

const ABOUT =
  "Receives frames from several producers, puts them in order by object id, runs a processor on " +
  "each in a sandbox and publishes the outputs, with PvaPy's options, status and control channels " +
  "(pvapy-hpc-collector).";

const EXAMPLES = [
  "collector -ic 'pvapy:consumer:*:output' -pid 1,2 -oc _ -sc _ -cc _ -rp 5",
  "collector -ic 'det:*:out' -pid 'range(1,5)' -ifs 02d --collector-cache-size 100 --http-port 8403",
];

/** Where a collector run writes. */
export type CollectorIo = ToolIo;

/**
 * Runs the collector tool on `argv` until it stops; resolves to the exit status: 0 after a stop,
 * the end of the runtime or Ctrl-C; 1 when it failed; 2 for a wrong command line.
 */
export function collectorMain(argv: readonly string[], io: CollectorIo = STD_IO): Promise<number> {
  return toolMain(argv, io, {
    name: "collector",
    about: ABOUT,
    options: COLLECTOR_OPTIONS,
    examples: EXAMPLES,
    parse: parseCollectorArgs,
    run: (opts, logger, signal) =>
      runServed(opts, { logger, io, signal }, {
        start: (ctx) => Collector.start(opts, ctx),
        title: `collector ${opts.collectorId}`,
        channelLines: (c) => [
          ...c.channels.inputs.map((name, i) => `input channel (producer ${opts.producerIds[i]}): ${name}`),
          ...(["output", "status", "control"] as const).flatMap((role) => {
            const name = c.channels[role];
            return name ? [`${role} channel: ${name}`] : [];
          }),
        ],
      }),
  });
}
