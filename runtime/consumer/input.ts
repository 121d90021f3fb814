/**
 * Where a consumer's frames come from, in PvaPy's three input modes: `pva` monitors a
 * remote channel (pipelined, so the server sends only what we have room for), `pvas` hosts
 * the input channel and takes the puts of remote producers, `rpc` hosts an RPC service and
 * takes its calls. Each received update goes to one sink; a sink that returns a promise
 * holds back the next update until it settles, which is how "no receiver queue" keeps flow
 * control all the way to the producer.
 *
 * @module
 */
import type { BitSet } from "../../protocol/pvdata/bitset.ts";
import type { FieldDesc, StructureDesc, StructValue } from "../../protocol/pvdata/types.ts";
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import type { Subscription } from "../../protocol/pva/client/monitor.ts";
import type { PvaServer } from "../../protocol/pva/server/server.ts";
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";
import { errorStatus, STATUS_OK } from "../../protocol/pvdata/status.ts";
import { int32Status } from "./rpc_status.ts";

/** One received update. */
export interface InputItem {
  /** Its type. */
  type: FieldDesc;
  /** The full value. */
  value: StructValue;
  /** Fields the server folded more than once into this update (monitor input only). */
  overrun?: BitSet;
}

/** Where received updates go; a promise holds back the next update until it settles. */
export type InputSink = (item: InputItem) => void | Promise<void>;

/** Connection events of a `pva` input, for the status and the accounting. */
export interface InputEvents {
  /** The monitor (re)connected. */
  onConnected?(): void;
  /** The monitor lost its server; updates in between are lost. */
  onDisconnected?(reason: string): void;
}

/** A running input. */
export interface Input {
  /** Resolves when the input has ended (stopped, or the server ended the monitor). */
  readonly done: Promise<void>;
  /** Stops receiving. */
  stop(): void;
}

/**
 * Monitors `channel` with `request` and hands every update to `sink`. With `takeArrays`, each
 * update's arrays are taken from the subscription (`Subscription.take`) so the sink may
 * transfer their buffers to another thread without breaking the next partial update.
 */
export function monitorInput(
  client: PvaClient,
  channel: string,
  { request, queueSize, sink, takeArrays = false, events = {} }: {
    request: string;
    queueSize: number;
    sink: InputSink;
    takeArrays?: boolean;
    events?: InputEvents;
  },
): Input & { subscription: Subscription } {
  const subscription = client.monitor(channel, { request, queueSize, pipeline: true });
  const done = (async () => {
    for await (const ev of subscription) {
      if (ev.kind === "data") {
        if (takeArrays) subscription.take(ev);
        const pending = sink({ type: ev.type, value: ev.value, overrun: ev.overrun });
        if (pending) await pending;
      } else if (ev.kind === "connected") events.onConnected?.();
      else events.onDisconnected?.(ev.reason);
    }
  })();
  return { subscription, done, stop: () => subscription.close() };
}

/**
 * Hosts `channel` on `server` (`pvas` input): producers put whole updates into it. Each
 * accepted put is handed to `sink`; the put completes once the sink has taken it.
 */
export function hostedInput(
  server: PvaServer,
  channel: string,
  { type, sink }: { type: StructureDesc; sink: InputSink },
): Input {
  const pv = new SharedPV({
    onPut: async (_pv, put) => {
      try {
        await sink({ type, value: put.value });
        return STATUS_OK;
      } catch (e) {
        return errorStatus((e as Error).message);
      }
    },
  });
  pv.open({ type });
  return hostChannel(server, channel, pv);
}

/**
 * Hosts an RPC service `channel` on `server` (`rpc` input): each call's argument is one
 * update. The reply is PvaPy's `{status: int}` (0 accepted), with `errorMessage` on failure.
 */
export function rpcInput(server: PvaServer, channel: string, { sink }: { sink: InputSink }): Input {
  const pv = new SharedPV({
    onRpc: async (args) => {
      if (args.type.kind !== "structure") return int32Status(-1, "the argument must be a structure");
      try {
        await sink({ type: args.type, value: args.value as StructValue });
        return int32Status(0);
      } catch (e) {
        return int32Status(-1, (e as Error).message);
      }
    },
  });
  return hostChannel(server, channel, pv);
}

/** Hosts `pv` as an input until stopped. */
function hostChannel(server: PvaServer, channel: string, pv: SharedPV): Input {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => finish = resolve);
  server.addPV(channel, pv);
  return {
    done,
    stop() {
      server.removePV(channel);
      finish();
    },
  };
}
