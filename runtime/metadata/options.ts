/**
 * The metadata options of the consumer and the collector: PvaPy's `--metadata-channels`, and the
 * association settings that PvaPy leaves to a processor (its example metadata processor takes
 * `timestampTolerance` and `metadataTimestampOffset`), here options of the runtime.
 *
 * @module
 */
import { type OptionReader, type OptionSpec, UsageError } from "../cli/args.ts";
import { MetadataChannelError, type MetadataChannelSpec, parseMetadataChannels } from "./channel_spec.ts";

/** The metadata settings of a consumer or collector. */
export interface MetadataSettings {
  /** The channels; none: no association. */
  channels: MetadataChannelSpec[];
  /** Seconds between frame and metadata time stamps that still match. */
  tolerance: number;
  /** Seconds added to metadata time stamps before comparing. */
  offset: number;
  /** Seconds a frame waits for metadata that has not arrived. */
  maxWait: number;
  /** Values kept per channel (and the monitor queue of each channel). */
  queueSize: number;
}

/** The metadata options, in the form the tools' option tables take. */
export const METADATA_OPTIONS: readonly OptionSpec[] = [
  {
    long: "metadata-channels",
    short: "mc",
    type: "string",
    value: "LIST",
    help:
      "metadata channels pva://NAME, ca://NAME or NAME (CA), comma-separated; values become frame attributes",
  },
  {
    long: "metadata-timestamp-tolerance",
    type: "string",
    default: "0.001",
    help: "seconds between frame and metadata time stamps that still match",
  },
  {
    long: "metadata-timestamp-offset",
    type: "string",
    default: "0",
    help: "seconds added to metadata time stamps before matching",
  },
  {
    long: "metadata-wait-time",
    type: "string",
    default: "0.5",
    help: "seconds a frame waits for metadata that has not arrived",
  },
  {
    long: "metadata-queue-size",
    type: "string",
    default: "1000",
    help: "metadata values kept per channel",
  },
];

/**
 * Reads the metadata options.
 * @param tool the tool's name, for errors
 * @throws UsageError naming the option at fault
 * @example
 * ```ts
 * import { OptionReader } from "../cli/args.ts";
 * import { readMetadataSettings } from "./options.ts";
 * const r = new OptionReader("consumer", { "metadata-channels": "pva://x,y" });
 * readMetadataSettings("consumer", r).channels.map((c) => c.provider); // ["pva", "ca"]
 * ```
 */
export function readMetadataSettings(tool: string, r: OptionReader): MetadataSettings {
  let channels: MetadataChannelSpec[];
  try {
    channels = parseMetadataChannels(r.string("metadata-channels", ""));
  } catch (e) {
    if (!(e instanceof MetadataChannelError)) throw e;
    throw new UsageError(`${tool}: --metadata-channels: ${e.message}`);
  }
  return {
    channels,
    tolerance: r.number("metadata-timestamp-tolerance", 0.001, { min: 0 }),
    offset: r.number("metadata-timestamp-offset", 0),
    maxWait: r.number("metadata-wait-time", 0.5, { min: 0 }),
    queueSize: r.number("metadata-queue-size", 1000, { integer: true, min: 1 }),
  };
}
