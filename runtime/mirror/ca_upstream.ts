/**
 * The Channel Access upstream: a CA monitor (DBR_TIME form) whose values become NTScalar or
 * NTScalarArray structures with alarm and timeStamp, as pvAccess's ca provider serves them to PvaPy.
 * A channel with more than one element becomes an NTScalarArray; an enum becomes its index as a
 * uint16 (the state strings come only with the CTRL form, which a monitor of values does not read).
 *
 * @module
 */
import {
  bitOf,
  BitSet,
  type CaClient,
  type CaSubscription,
  type CaValue,
  ntScalar,
  ntScalarArray,
  type ScalarType,
  type StructValue,
  type Typed,
} from "../../mod.ts";
import type { Upstream, UpstreamEvent, UpstreamFactory } from "./upstream.ts";

/** pvData element types of CA's native types, indexed by DBR element (string, short, float, enum, char, long, double). */
const ELEMENT_TYPES: readonly ScalarType[] = [
  "string",
  "int16",
  "float32",
  "uint16",
  "uint8",
  "int32",
  "float64",
];

/**
 * Opens one CA monitor per entry (CA has no distributor); a queue size above 0 sizes the client's
 * queue of the monitor.
 * @example
 * ```ts ignore
 * const [monitor] = caUpstreams(new CaClient())({ source: "ioc:temperature", queueSize: 0, ... });
 * ```
 */
export function caUpstreams(client: CaClient): UpstreamFactory {
  return (entry) => [
    new CaUpstream(
      client.monitor(entry.source, {
        type: "time",
        ...(entry.queueSize > 0 ? { queueSize: entry.queueSize } : {}),
      }),
    ),
  ];
}

/** A CA subscription seen as pvAccess-like events. */
class CaUpstream implements Upstream {
  readonly #sub: CaSubscription;

  constructor(sub: CaSubscription) {
    this.#sub = sub;
  }

  close(): void {
    this.#sub.close();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<UpstreamEvent> {
    let array = false;
    for await (const ev of this.#sub) {
      if (ev.kind === "connected") {
        array = ev.nativeCount > 1;
        yield { kind: "connected" };
      } else if (ev.kind === "disconnected") yield ev;
      else {
        const nt = toNT(ev.value, array);
        const overrun = ev.overrun > 0 ? BitSet.of(bitOf(nt.type, "value")) : new BitSet();
        yield { kind: "data", type: nt.type, value: nt.value as StructValue, changed: BitSet.of(0), overrun };
      }
    }
  }
}

/** A CA value as NTScalar (one element) or NTScalarArray, with alarm and timeStamp. */
function toNT(v: CaValue, array: boolean): Typed {
  const type = ELEMENT_TYPES[v.dbrType % 7];
  const opts = {
    alarm: { severity: v.alarm?.severity ?? 0, status: v.alarm?.status ?? 0, message: "" },
    timeStamp: {
      secondsPastEpoch: BigInt(v.timeStamp?.secondsPastEpoch ?? 0),
      nanoseconds: v.timeStamp?.nanoseconds ?? 0,
      userTag: 0,
    },
  };
  const data = v.value;
  const isScalar = typeof data === "number" || typeof data === "string";
  if (!array) return ntScalar(type, isScalar ? data : data[0], opts);
  return ntScalarArray(type, isScalar ? [data] as number[] | string[] : data, opts);
}
