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

/** What one monitor event brings a {@link MetadataSink}; undefined for an event without data. */
export interface MetadataEventData {
  /** Updates lost before this one. */
  lost: number;
  /** The update, or undefined when it has no usable value or time stamp. */
  update: MetadataUpdate | undefined;
}

/**
 * A source fed by a monitor subscription (pvAccess or Channel Access): each event that `read`
 * turns into data goes to `sink`, until {@link MetadataSource.close} closes the subscription.
 * @param subscription the monitor, iterated until it ends or throws on close
 * @param read what an event brings, undefined to pass it over
 */
export function monitorMetadataSource<E>(
  subscription: AsyncIterable<E> & { close(): void },
  sink: MetadataSink,
  read: (event: E) => MetadataEventData | undefined,
): MetadataSource {
  const done = (async () => {
    try {
      for await (const ev of subscription) {
        const data = read(ev);
        if (!data) continue;
        if (data.lost > 0) sink.overrun(data.lost);
        if (data.update) sink.offer(data.update);
        else sink.invalid();
      }
    } catch {
      // Closed: the subscription ends by throwing its signal's reason.
    }
  })();
  return {
    close: () => {
      subscription.close();
      return done;
    },
  };
}
