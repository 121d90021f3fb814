/**
 * Where a consumer's outputs go, in PvaPy's three output modes: `pvas` hosts the output
 * channel on the consumer's own server (read-only for clients; its type declared by the
 * processor or taken from the first output), `pva` puts each output into a channel hosted
 * elsewhere, `rpc` sends each output as an RPC call. Each counts what it published and
 * what failed (PvaPy's publisherStats).
 *
 * @module
 */
import { BitSet } from "../../protocol/pvdata/bitset.ts";
import { sameType, type StructureDesc, type StructValue } from "../../protocol/pvdata/types.ts";
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import type { PvaServer } from "../../protocol/pva/server/server.ts";
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";
import type { Logger } from "../../protocol/log.ts";

/** A typed structure value, as processors produce outputs. */
export interface TypedOutput {
  /** The structure type. */
  type: StructureDesc;
  /** Its value. */
  value: StructValue;
}

/** PvaPy's publisherStats counters. */
export interface PublisherCounters {
  /** Outputs published. */
  nPublished: number;
  /** Outputs that could not be published. */
  nErrors: number;
}

/** Publishes outputs; never throws for a failed output (it counts and logs it). */
export interface OutputPublisher {
  /** Counters. */
  readonly stats: PublisherCounters;
  /** Publishes one output. */
  publish(out: TypedOutput): Promise<void>;
  /** Stops publishing (a hosted channel disappears). */
  close(): void;
}

/**
 * Hosts the output channel on `server` (`pvas` mode). Clients may read and monitor it but
 * not write it. An output of another type than the channel's is an error (counted).
 */
export function hostedOutput(
  server: PvaServer,
  name: string,
  { declaredType, logger }: { declaredType?: StructureDesc; logger: Logger },
): OutputPublisher {
  const pv = new SharedPV({ readOnly: true });
  if (declaredType) pv.open({ type: declaredType });
  server.addPV(name, pv);
  const stats: PublisherCounters = { nPublished: 0, nErrors: 0 };
  return {
    stats,
    publish(out) {
      if (!pv.isOpen) pv.open({ type: out.type, value: out.value });
      else if (out.type !== pv.type && !sameType(out.type, pv.type)) {
        stats.nErrors++;
        logger.error("output type differs from the output channel's", { channel: name });
        return Promise.resolve();
      } else pv.post(out.value, { changed: BitSet.of(0) });
      stats.nPublished++;
      return Promise.resolve();
    },
    close() {
      server.removePV(name);
    },
  };
}

/** Puts (`pva` mode) or calls (`rpc` mode) each output into a channel served elsewhere. */
export function remoteOutput(
  client: PvaClient,
  name: string,
  { mode, logger, timeoutMs = 5000 }: { mode: "pva" | "rpc"; logger: Logger; timeoutMs?: number },
): OutputPublisher {
  const stats: PublisherCounters = { nPublished: 0, nErrors: 0 };
  return {
    stats,
    async publish(out) {
      try {
        if (mode === "rpc") await client.rpc(name, out, { timeout: timeoutMs });
        else await client.put(name, out.value, { timeout: timeoutMs });
        stats.nPublished++;
      } catch (e) {
        stats.nErrors++;
        logger.error(`output ${mode} to ${name} failed`, { error: e as Error });
      }
    },
    close() {},
  };
}
