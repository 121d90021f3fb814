/**
 * What a mirrored channel reads from upstream: a stream of connection and data events, the same for a
 * pvAccess monitor (our client's {@link Subscription} is one) and a Channel Access monitor converted to
 * normative types (ca_upstream.ts).
 *
 * @module
 */
import type { BitSet, FieldDesc, PvaClient, StructValue } from "../../mod.ts";
import { type MirrorEntry, upstreamRequest } from "./channel_map.ts";

/** One event of an upstream monitor. */
export type UpstreamEvent =
  | { kind: "connected" }
  | {
    kind: "data";
    /** The upstream type (a structure). */
    type: FieldDesc;
    /** The full value with this update applied. */
    value: StructValue;
    /** Fields this update carries. */
    changed: BitSet;
    /** Fields whose intermediate values were lost upstream. */
    overrun: BitSet;
  }
  | { kind: "disconnected"; reason: string };

/** One upstream monitor: iterate its events; `close()` ends it. */
export interface Upstream extends AsyncIterable<UpstreamEvent> {
  /** Ends the monitor; the iteration then finishes. */
  close(): void;
}

/** Opens the upstream monitors of one channel-map entry. */
export type UpstreamFactory = (entry: MirrorEntry) => Upstream[];

/**
 * The pvAccess upstream: `entry.nMonitors` monitors of `entry.source`, each with the request PvaPy
 * sends (see {@link upstreamRequest}); they share one channel of `client`. They do not pipeline, as
 * PvaPy's never do: pvAccessCPP servers (pvapy, and so PvaPy's own mirror) send pipelined updates with
 * an empty change set, which would freeze the mirror's value.
 * @example
 * ```ts ignore
 * const [monitor] = pvaUpstreams(client)({ source: "sim:image", queueSize: 0, nMonitors: 1, fieldRequest: "" });
 * ```
 */
export function pvaUpstreams(client: PvaClient): UpstreamFactory {
  return (entry) => {
    const request = upstreamRequest(entry);
    return Array.from(
      { length: entry.nMonitors },
      () => client.monitor(entry.source, { request, pipeline: false }),
    );
  };
}
