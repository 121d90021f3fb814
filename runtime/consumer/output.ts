/**
 * Where a consumer's outputs go, in PvaPy's three output modes: `pvas` hosts the output
 * channel on the consumer's own server (read-only for clients; its type declared by the
 * processor or taken from the first output), `pva` puts each output into a channel hosted
 * elsewhere, `rpc` sends each output as an RPC call. Each says whether an output was
 * published; the consumer's accounting counts (PvaPy's publisherStats).
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

/** Publishes outputs; never throws for a failed output (it logs it). */
export interface OutputPublisher {
  /** Publishes one output; false when it could not. */
  publish(out: TypedOutput): Promise<boolean>;
  /** Stops publishing (a hosted channel disappears). */
  close(): void;
}

/**
 * Hosts the output channel on `server` (`pvas` mode). Clients may read and monitor it but
 * not write it. An output of another type than the channel's is refused.
 */
export function hostedOutput(
  server: PvaServer,
  name: string,
  { declaredType, logger }: { declaredType?: StructureDesc; logger: Logger },
): OutputPublisher {
  const pv = new SharedPV({ readOnly: true });
  if (declaredType) pv.open({ type: declaredType });
  server.addPV(name, pv);
  return {
    publish(out) {
      if (!pv.isOpen) pv.open({ type: out.type, value: out.value });
      else if (out.type !== pv.type && !sameType(out.type, pv.type)) {
        logger.error("output type differs from the output channel's", { channel: name });
        return Promise.resolve(false);
      } else pv.post(out.value, { changed: BitSet.of(0) });
      return Promise.resolve(true);
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
  return {
    async publish(out) {
      try {
        if (mode === "rpc") await client.rpc(name, out, { timeout: timeoutMs });
        else await client.put(name, out.value, { timeout: timeoutMs });
        return true;
      } catch (e) {
        logger.error(`output ${mode} to ${name} failed`, { error: e as Error });
        return false;
      }
    },
    close() {},
  };
}
