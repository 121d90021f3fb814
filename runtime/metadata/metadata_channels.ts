/**
 * The metadata of one consumer or collector: a subscription per channel (pvAccess or Channel
 * Access) feeding one {@link MetadataAssociator}, which adds the matching values to each frame.
 *
 * @module
 */
import { CaClient } from "../../protocol/ca/client.ts";
import { caConfigFromEnv } from "../../protocol/ca/config.ts";
import { type Logger, silentLogger } from "../../protocol/log.ts";
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import type { MetadataStats } from "../status/mod.ts";
import { MetadataAssociator, type MetadataTarget } from "./associator.ts";
import { caMetadataSource } from "./ca_source.ts";
import type { MetadataSettings } from "./options.ts";
import { pvaMetadataSource } from "./pva_source.ts";
import type { MetadataSink, MetadataSource } from "./source.ts";

/** Where the metadata channels are read from. */
export interface MetadataClients {
  /** Reads the `pva://` channels. */
  pva: PvaClient;
  /** Reads the `ca://` channels; default a client of its own from the EPICS_CA_* environment. */
  ca?: CaClient;
  /** Where the association (a channel behind the frames) and the CA client it makes report (default silent). */
  logger?: Logger;
}

/**
 * Subscriptions and association for a list of metadata channels.
 * @example
 * ```ts ignore
 * const metadata = MetadataChannels.open(settings, { pva: client });
 * await metadata.attach(frame); // on the frame path, in frame order: frame.attributes gains the values
 * builder.build(stats, { metadataStats: metadata.stats() });
 * await metadata.close();
 * ```
 */
export class MetadataChannels {
  readonly #associator: MetadataAssociator;
  readonly #sources: MetadataSource[];
  readonly #ownCa: CaClient | undefined;

  private constructor(
    associator: MetadataAssociator,
    sources: MetadataSource[],
    ownCa: CaClient | undefined,
  ) {
    this.#associator = associator;
    this.#sources = sources;
    this.#ownCa = ownCa;
  }

  /** Subscribes to every channel of `settings` (nothing waits for them to connect). */
  static open(settings: MetadataSettings, clients: MetadataClients): MetadataChannels {
    const { channels, tolerance, offset, maxWait, queueSize } = settings;
    const associator = new MetadataAssociator(channels.map((c) => c.name), {
      tolerance,
      offset,
      maxWait,
      capacity: queueSize,
      logger: clients.logger,
    });
    const needsCa = channels.some((c) => c.provider === "ca");
    const ownCa = needsCa && !clients.ca
      ? new CaClient({ config: caConfigFromEnv(), logger: clients.logger ?? silentLogger })
      : undefined;
    const ca = clients.ca ?? ownCa;
    const sources = channels.map((c, i) => {
      const sink: MetadataSink = {
        offer: (u) => associator.offer(i, u),
        invalid: () => associator.invalid(i),
        overrun: (n) => associator.overrun(i, n),
      };
      return c.provider === "pva"
        ? pvaMetadataSource(clients.pva, c.name, sink, { queueSize })
        : caMetadataSource(ca!, c.name, sink, { queueSize });
    });
    return new MetadataChannels(associator, sources, ownCa);
  }

  /** See {@link MetadataAssociator.attach}. */
  attach(target: MetadataTarget): Promise<void> | undefined {
    return this.#associator.attach(target);
  }

  /** One `metadataStats_<n>` block per channel. */
  stats(): MetadataStats[] {
    return this.#associator.stats();
  }

  /** Zeroes the counts. */
  resetStats(): void {
    this.#associator.resetStats();
  }

  /** Ends the subscriptions and completes the frames still waiting. */
  async close(): Promise<void> {
    this.#associator.close();
    await Promise.all(this.#sources.map((s) => s.close()));
    this.#ownCa?.close();
  }
}
