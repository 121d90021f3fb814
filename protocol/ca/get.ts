/**
 * GET: one READ_NOTIFY on a connected channel, answered by one reply with the values.
 * @module
 */
import { callSignal } from "../pva/client/errors.ts";
import type { CaChannel } from "./channel.ts";
import type { CaHeader } from "./header.ts";
import { ECA_NORMAL } from "./header.ts";
import type { CaValue } from "./dbr.ts";
import { decodeDbr } from "./dbr_decode.ts";
import { CaDisconnectedError, CaRemoteError, CaTimeoutError } from "./errors.ts";
import { readNotifyMessage } from "./messages.ts";
import type { ErrorReport } from "./messages.ts";
import { type CaRequestForm, type ChannelPool, requestCount, requestType } from "./pool.ts";

/** Options of a get. */
export interface CaGetOptions {
  /** DBR form to ask for (default "time": value, alarm and timestamp). */
  type?: CaRequestForm;
  /** Milliseconds before the get fails with CaTimeoutError, searching included (default 5000). */
  timeout?: number;
  /** Cancels the get; it then fails with the signal's reason. */
  signal?: AbortSignal;
}

/** Reads a channel once (normally through `CaClient.get`). */
export async function caGet(pool: ChannelPool, name: string, opts: CaGetOptions = {}): Promise<CaValue> {
  const ch = pool.acquire(name);
  const call = callSignal(opts, () => ({ what: `get ${name} (${ch.state})` }), (m) => new CaTimeoutError(m));
  try {
    await ch.whenConnected(call.signal);
    return await read(ch, opts.type ?? "time", call.signal);
  } finally {
    call.dispose();
    pool.release(ch);
  }
}

function read(ch: CaChannel, form: CaRequestForm, signal: AbortSignal): Promise<CaValue> {
  const circuit = ch.circuit;
  if (circuit === null) return Promise.reject(new CaDisconnectedError(`get ${ch.name}: channel lost`));
  return new Promise<CaValue>((resolve, reject) => {
    const finish = (settle: () => void) => {
      circuit.removeOp(ioid);
      signal.removeEventListener("abort", onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(signal.reason));
    const ioid = circuit.addOp({
      onReply: (h: CaHeader, payload: Uint8Array) => {
        if (h.parameter1 !== ECA_NORMAL) {
          return finish(() => reject(new CaRemoteError(`get ${ch.name}`, h.parameter1)));
        }
        // A DecodeError escapes to the circuit, which closes; onLost then rejects.
        const value = decodeDbr(h.dataType, h.dataCount, payload, { array: ch.nativeCount > 1 });
        finish(() => resolve(value));
      },
      onError: (r: ErrorReport) =>
        finish(() => reject(new CaRemoteError(`get ${ch.name}`, r.status, r.message))),
      onLost: (reason: string) => finish(() => reject(new CaDisconnectedError(`get ${ch.name}: ${reason}`))),
    });
    signal.addEventListener("abort", onAbort, { once: true });
    circuit.send(readNotifyMessage(ch.sid, ioid, requestType(ch, form), requestCount(ch)));
  });
}
