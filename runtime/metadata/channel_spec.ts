/**
 * Metadata channel names as PvaPy's `--metadata-channels` takes them: a comma list of `pva://NAME`,
 * `ca://NAME` or a bare `NAME`, which is Channel Access (PvaPy's default).
 *
 * @module
 */

/** The protocol a metadata channel is read over. */
export type MetadataProvider = "pva" | "ca";

/** One metadata channel. */
export interface MetadataChannelSpec {
  /** pvAccess or Channel Access. */
  provider: MetadataProvider;
  /** The PV name without its `pva://`/`ca://` prefix: also the name of the frame attribute it fills. */
  name: string;
}

/** A metadata channel list that cannot be used; the message names the entry at fault. */
export class MetadataChannelError extends Error {
  /**
   * A channel list error.
   * @param message what is wrong
   */
  constructor(message: string) {
    super(message);
    this.name = "MetadataChannelError";
  }
}

const PREFIXES: readonly [string, MetadataProvider][] = [["pva://", "pva"], ["ca://", "ca"]];

/**
 * Reads a comma list of metadata channels; empty entries are skipped, as PvaPy does.
 * @throws {MetadataChannelError} for an entry with no name after its prefix, or a name given twice
 *   (both would fill the same frame attribute)
 * @example
 * ```ts
 * import { parseMetadataChannels } from "./channel_spec.ts";
 * parseMetadataChannels("pva://sim:x,ca://motor:y,temp");
 * // [{ provider: "pva", name: "sim:x" }, { provider: "ca", name: "motor:y" }, { provider: "ca", name: "temp" }]
 * ```
 */
export function parseMetadataChannels(list: string): MetadataChannelSpec[] {
  const specs: MetadataChannelSpec[] = [];
  for (const raw of list.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const [prefix, provider] = PREFIXES.find(([p]) => entry.startsWith(p)) ?? ["", "ca"];
    const name = entry.slice(prefix.length);
    if (name === "" || /\s/.test(name)) {
      throw new MetadataChannelError(`metadata channel "${entry}" has no usable PV name`);
    }
    if (specs.some((s) => s.name === name)) {
      throw new MetadataChannelError(`metadata channel "${name}" is given twice`);
    }
    specs.push({ provider, name });
  }
  return specs;
}
