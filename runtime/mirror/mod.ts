/**
 * The mirror server (PvaPy's `pvapy-mirror-server` on pvastream): {@link MirrorServer} re-serves
 * remote pvAccess or Channel Access channels on a local pvAccess server, one {@link MirrorChannel} per
 * entry of a channel map ({@link parseChannelMap}). `scripts/mirror.ts` is its command line;
 * docs/mirror.md describes the behaviour.
 *
 * @example
 * ```ts ignore
 * import { MirrorServer, parseChannelMap } from "./mod.ts";
 * const mirror = new MirrorServer({ channels: parseChannelMap("(mirror:image,sim:image)"), runtime: 60 });
 * await mirror.start();
 * await mirror.finished;
 * ```
 *
 * @module
 */
export {
  ChannelMapError,
  type MirrorEntry,
  type MirrorProvider,
  parseChannelMap,
  upstreamRequest,
} from "./channel_map.ts";
export { MirrorChannel, type MirrorChannelOptions, type MirrorChannelStats } from "./mirror_channel.ts";
export { MirrorServer, type MirrorServerOptions } from "./mirror_server.ts";
export { mirrorHelp, type MirrorInvocation, parseMirrorArgs } from "./args.ts";
export { reportLine } from "./report.ts";
export { pvaUpstreams, type Upstream, type UpstreamEvent, type UpstreamFactory } from "./upstream.ts";
export { caUpstreams } from "./ca_upstream.ts";
