/**
 * A Channel Access metadata channel: a DBR_TIME monitor, each update handed to the associator.
 * Numbers become doubles (every CA number fits one exactly), strings strings, arrays keep their
 * element type. An update without a time stamp, or with EPICS's zero (a record never processed), is
 * invalid.
 *
 * @module
 */
import type { CaClient } from "../../protocol/ca/client.ts";
import { type CaValue, EPICS_EPOCH_OFFSET } from "../../protocol/ca/dbr.ts";
import { typedArrayType } from "../../protocol/nt/mod.ts";
import { scalar, scalarArray } from "../../protocol/pvdata/mod.ts";
import { type MetadataUpdate, secondsOf } from "./associator.ts";
import { type MetadataSink, type MetadataSource, monitorMetadataSource } from "./source.ts";

/**
 * Subscribes to `name` until closed; the CA client searches again after a disconnect.
 * @param queueSize monitor queue of the CA client
 */
export function caMetadataSource(
  client: CaClient,
  name: string,
  sink: MetadataSink,
  { queueSize }: { queueSize: number },
): MetadataSource {
  const sub = client.monitor(name, { type: "time", queueSize });
  return monitorMetadataSource(
    sub,
    sink,
    (ev) => ev.kind === "data" ? { lost: ev.overrun, update: caUpdate(ev.value) } : undefined,
  );
}

function caUpdate({ value, timeStamp }: CaValue): MetadataUpdate | undefined {
  if (!timeStamp) return undefined;
  if (timeStamp.secondsPastEpoch === EPICS_EPOCH_OFFSET && timeStamp.nanoseconds === 0) return undefined;
  const time = secondsOf(timeStamp);
  if (typeof value === "number") return { time, value, type: scalar("float64") };
  if (typeof value === "string") return { time, value, type: scalar("string") };
  if (Array.isArray(value)) return { time, value, type: scalarArray("string") };
  return { time, value, type: scalarArray(typedArrayType(value)) };
}
