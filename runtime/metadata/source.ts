/**
 * What a metadata source (pvAccess or Channel Access) and the association see of each other.
 *
 * @module
 */
import type { MetadataUpdate } from "./associator.ts";

/** Where a source delivers: one channel of a {@link MetadataAssociator}. */
export interface MetadataSink {
  /** A value with its time stamp. */
  offer(update: MetadataUpdate): void;
  /** An update without a usable value or time stamp. */
  invalid(): void;
  /** Updates lost before they reached us. */
  overrun(lost: number): void;
}

/** A running subscription of a metadata channel. */
export interface MetadataSource {
  /** Ends the subscription; resolves once it has stopped delivering. */
  close(): Promise<void>;
}
