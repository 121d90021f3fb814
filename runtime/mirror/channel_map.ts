/**
 * The `--channel-map` of PvaPy's `pvapy-mirror-server`:
 * `(mirror,source[,provider][,queueSize[,nMonitors,fieldRequest]]),(...)`, and the pvRequest a
 * mirror sends upstream for an entry.
 *
 * PvaPy splits the text on `)` and `,` without checking the parentheses, so a field request can
 * hold neither (`_[pydistributor=updates:1;trigger:uniqueId]` is the intended use). We keep that
 * grammar but parse it strictly: each entry is `(` ... `)`, entries are separated by commas, several
 * monitors need a distributor request (PvaPy would post each update once per monitor), and every error
 * quotes the entry it is about.
 *
 * @module
 */

/** Where a mirror takes its data: pvAccess, or Channel Access for metadata records. */
export type MirrorProvider = "pva" | "ca";

/** One entry of the channel map, with PvaPy's defaults filled in. */
export interface MirrorEntry {
  /** The name the mirror serves. */
  mirror: string;
  /** The upstream channel. */
  source: string;
  /** "pva" (default) or "ca". */
  provider: MirrorProvider;
  /** The upstream server's queue (`record[queueSize=N]`); 0 (default) leaves the server's default. */
  queueSize: number;
  /** Upstream monitors sharing the load through the distributor (default 1). */
  nMonitors: number;
  /** What goes inside `field(...)` of the upstream request ("" = every field). */
  fieldRequest: string;
}

/** A channel map that cannot be used; the message quotes the entry. */
export class ChannelMapError extends Error {
  /**
   * Creates the error.
   * @param message what is wrong, quoting the entry
   */
  constructor(message: string) {
    super(message);
    this.name = "ChannelMapError";
  }
}

/**
 * Parses a channel map.
 * @throws ChannelMapError naming the entry and what is wrong with it
 * @example
 * ```ts
 * import { parseChannelMap } from "./channel_map.ts";
 * parseChannelMap("(m:image,sim:image,pva,100,2,_[pydistributor=trigger:uniqueId]),(m:t,ioc:t,ca)");
 * // [{ mirror: "m:image", source: "sim:image", provider: "pva", queueSize: 100, nMonitors: 2,
 * //    fieldRequest: "_[pydistributor=trigger:uniqueId]" },
 * //  { mirror: "m:t", source: "ioc:t", provider: "ca", queueSize: 0, nMonitors: 1, fieldRequest: "" }]
 * ```
 */
export function parseChannelMap(text: string): MirrorEntry[] {
  const entries: MirrorEntry[] = [];
  let rest = text.trim();
  if (rest === "") throw new ChannelMapError("the channel map is empty");
  while (rest !== "") {
    const match = /^\(([^()]*)\)\s*(?:,\s*|$)/.exec(rest);
    if (!match) {
      throw new ChannelMapError(
        `expected "(mirror,source[,provider][,queueSize[,nMonitors,fieldRequest]])" at "${rest}"`,
      );
    }
    entries.push(parseEntry(match[1]));
    rest = rest.slice(match[0].length);
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (seen.has(e.mirror)) throw new ChannelMapError(`mirror channel "${e.mirror}" is mapped twice`);
    seen.add(e.mirror);
  }
  return entries;
}

/** Parses the inside of one `(...)`. */
function parseEntry(inner: string): MirrorEntry {
  const quoted = `channel map entry "(${inner})"`;
  const parts = inner.split(",").map((p) => p.trim());
  if (parts.length < 2 || parts.length > 6) {
    throw new ChannelMapError(`${quoted} has ${parts.length} item(s); it takes 2 to 6`);
  }
  const [mirror, source, provider = "pva", queueSize = "0", nMonitors = "1", fieldRequest = ""] = parts;
  if (mirror === "") throw new ChannelMapError(`${quoted}: the mirror channel name is empty`);
  if (source === "") throw new ChannelMapError(`${quoted}: the source channel name is empty`);
  const kind = provider.toLowerCase();
  if (kind !== "pva" && kind !== "ca") {
    throw new ChannelMapError(`${quoted}: the provider must be pva or ca, not "${provider}"`);
  }
  const entry: MirrorEntry = {
    mirror,
    source,
    provider: kind,
    queueSize: wholeNumber(queueSize, 0, `${quoted}: the queue size`),
    nMonitors: wholeNumber(nMonitors, 1, `${quoted}: the number of monitors`),
    fieldRequest,
  };
  if (entry.provider === "ca" && (entry.nMonitors > 1 || entry.fieldRequest !== "")) {
    throw new ChannelMapError(`${quoted}: a ca source takes neither several monitors nor a field request`);
  }
  // Without a distributor every monitor receives every update, and the mirror would post each n times.
  if (entry.nMonitors > 1 && !/\b(py)?distributor=/.test(entry.fieldRequest)) {
    throw new ChannelMapError(
      `${quoted}: ${entry.nMonitors} monitors need a distributor field request, ` +
        "e.g. _[pydistributor=updates:1;trigger:uniqueId]",
    );
  }
  return entry;
}

function wholeNumber(text: string, min: number, what: string): number {
  if (!/^\d+$/.test(text)) throw new ChannelMapError(`${what} must be a whole number, not "${text}"`);
  const n = Number(text);
  if (n < min || !Number.isSafeInteger(n)) {
    throw new ChannelMapError(`${what} must be at least ${min}, not ${text}`);
  }
  return n;
}

/**
 * The pvRequest text a mirror sends upstream for `entry`, built as PvaPy builds it:
 * `field(<fieldRequest>)` (or every field), preceded by `record[queueSize=N]` when N > 0.
 * @example
 * ```ts
 * import { upstreamRequest } from "./channel_map.ts";
 * upstreamRequest({ queueSize: 10, fieldRequest: "_[pydistributor=updates:1]" });
 * // "record[queueSize=10]field(_[pydistributor=updates:1])"
 * ```
 */
export function upstreamRequest(entry: Pick<MirrorEntry, "queueSize" | "fieldRequest">): string {
  const fields = `field(${entry.fieldRequest})`;
  return entry.queueSize > 0 ? `record[queueSize=${entry.queueSize}]${fields}` : fields;
}
