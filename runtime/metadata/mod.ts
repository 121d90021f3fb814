/**
 * Metadata over pvAccess and Channel Access, associated with frames by time stamp: the channel list
 * (`--metadata-channels`), the association (bounded per-channel buffers, tolerance, offset, bounded
 * waits, cheap discarding of other consumers' values), the sources, and `metadataStats_<n>` counts.
 * Used by the consumer and meant for the collector alike (see docs/metadata.md).
 *
 * @module
 */
export {
  type AssociationOptions,
  MetadataAssociator,
  type MetadataTarget,
  type MetadataUpdate,
  secondsOf,
} from "./associator.ts";
export {
  MetadataChannelError,
  type MetadataChannelSpec,
  type MetadataProvider,
  parseMetadataChannels,
} from "./channel_spec.ts";
export { MetadataChannels, type MetadataClients } from "./metadata_channels.ts";
// The command-line options (METADATA_OPTIONS, readMetadataSettings) are in ./options.ts, for the tools.
export type { MetadataSettings } from "./options.ts";
export type { MetadataSink, MetadataSource } from "./source.ts";
export { caMetadataSource } from "./ca_source.ts";
export { pvaMetadataSource } from "./pva_source.ts";
