/**
 * What the runner knows of each tool it can start: its script, the permissions its `deno task` grants,
 * and, from the tool's own command-line parser, the channels a command line makes it serve and read.
 * Reading the options with the tools' parsers means a workflow file is checked exactly as the command
 * line would be, and stays so when a tool gains options.
 *
 * @module
 */
import { type ToolEntry, toolNamed } from "../cli/tools.ts";
import { channelName, formatId, parseIdList } from "../cli/ids.ts";
import { parseConsumerArgs } from "../consumer/options.ts";
import { usesDistributor } from "../consumer/request.ts";
import { parseMirrorArgs } from "../mirror/args.ts";
import { parseSimulatorArgs } from "../simulator/args.ts";
import type { StageDistribution, StageKind } from "./spec.ts";

/** What one stage's command line makes it do. */
export interface StageChannels {
  /** Channels it serves. */
  serves: string[];
  /** Channels it monitors or writes to, once per monitor (a consumer stage's ids, a mirror's nMonitors). */
  reads: string[];
  /** Its processes with an HTTP API each, by label suffix (consumer ids), or one without a label. */
  ids: string[];
  /** How its processes divide the frames of their input (see {@link StageDistribution}). */
  distribution: StageDistribution;
}

/** How the runner starts a tool and reads its command line. */
export interface StageKindInfo {
  /** The tool (runtime/cli/tools.ts): its script, permissions and binary name. */
  tool: ToolEntry;
  /**
   * Reads a command line (long options only) with the tool's parser.
   * @throws {Error} naming the option at fault, as the tool would
   */
  describe(argv: string[], options: Readonly<Record<string, string | boolean>>): StageChannels;
}

function simulator(argv: string[]): StageChannels {
  const inv = parseSimulatorArgs(argv);
  if ("help" in inv) throw new Error("help is not an option of a stage");
  return { serves: [inv.settings.channelName], reads: [], ids: [""], distribution: "every-frame" };
}

function consumer(argv: string[]): StageChannels {
  const opts = parseConsumerArgs(argv);
  if (opts === "help") throw new Error("help is not an option of a stage");
  const serves: string[] = [];
  const reads: string[] = [];
  for (const id of opts.consumerIds) {
    const idText = formatId(id, opts.idFormatSpec);
    const input = opts.inputChannel.replaceAll("*", idText);
    // In pva mode the consumer monitors its input; in pvas and rpc modes it hosts it for others to fill.
    (opts.inputMode === "pva" ? reads : serves).push(input);
    const output = channelName(opts.outputChannel, { kind: "consumer", role: "output", id: idText });
    if (output !== undefined) (opts.outputMode === "pvas" ? serves : reads).push(output);
  }
  const ids = opts.consumerIds.length > 1 ? opts.consumerIds.map(String) : [""];
  const distribution = opts.distributorSet !== undefined
    ? "sets"
    : usesDistributor(opts)
    ? "shared"
    : "every-frame";
  return { serves, reads, ids, distribution };
}

function mirror(argv: string[]): StageChannels {
  const inv = parseMirrorArgs(argv);
  if ("help" in inv) throw new Error("help is not an option of a stage");
  return {
    serves: inv.channels.map((c) => c.mirror),
    // Channel Access sources are IOCs, never a stage of a workflow.
    reads: inv.channels.filter((c) => c.provider === "pva").flatMap((c) => Array(c.nMonitors).fill(c.source)),
    ids: [""],
    distribution: "every-frame",
  };
}

/**
 * The collector's channels from PvaPy's collector options (`--input-channel` with `*` for each id of
 * `--producer-id-list`, `--output-channel`); its other options are checked by the collector when it
 * starts.
 */
function collector(_argv: string[], options: Readonly<Record<string, string | boolean>>): StageChannels {
  const text = (name: string) => typeof options[name] === "string" ? options[name] as string : undefined;
  const input = text("input-channel");
  if (input === undefined) throw new Error("--input-channel is required");
  const spec = text("id-format-spec");
  const producers = parseIdList(text("producer-id-list") ?? "1,2");
  const id = formatId(Number(text("collector-id") ?? "1"), spec);
  const output = channelName(text("output-channel"), { kind: "collector", role: "output", id });
  return {
    serves: output === undefined ? [] : [output],
    reads: producers.map((p) => input.replaceAll("*", formatId(p, spec))),
    ids: [""],
    distribution: "every-frame",
  };
}

/** Every stage kind. */
export const STAGE_KIND_INFO: Readonly<Record<StageKind, StageKindInfo>> = {
  simulator: { tool: toolNamed("ad-sim-server"), describe: simulator },
  consumer: { tool: toolNamed("consumer"), describe: consumer },
  collector: { tool: toolNamed("collector"), describe: collector },
  mirror: { tool: toolNamed("mirror"), describe: mirror },
};
