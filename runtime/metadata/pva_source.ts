/**
 * A pvAccess metadata channel: a monitor of `value` and `timeStamp` (the fields PvaPy's metadata
 * channels read), each update handed to the associator with the type of its value.
 *
 * @module
 */
import type { PvaClient } from "../../protocol/pva/client/client.ts";
import type { MonitorData } from "../../protocol/pva/client/monitor_event.ts";
import { isPlainObject, type StructureDesc } from "../../protocol/pvdata/mod.ts";
import { type MetadataUpdate, secondsOf } from "./associator.ts";
import { type MetadataSink, type MetadataSource, monitorMetadataSource } from "./source.ts";

/**
 * Subscribes to `name` until closed; reconnections are the client's business.
 * @param queueSize monitor queue (pipelined: the server sends no more than this ahead)
 */
export function pvaMetadataSource(
  client: PvaClient,
  name: string,
  sink: MetadataSink,
  { queueSize }: { queueSize: number },
): MetadataSource {
  const sub = client.monitor(name, { request: "field(value,timeStamp)", queueSize, pipeline: true });
  // The monitor marks that updates were lost, not how many: one at least.
  return monitorMetadataSource(
    sub,
    sink,
    (ev) => ev.kind === "data" ? { lost: ev.overrun.isEmpty() ? 0 : 1, update: pvaUpdate(ev) } : undefined,
  );
}

/**
 * The value, its type and its time stamp; undefined when either is missing, or the stamp is zero
 * (a PV never posted, such as a metadata PV before its first frame).
 */
function pvaUpdate(ev: MonitorData): MetadataUpdate | undefined {
  const { value, timeStamp } = ev.value;
  const type = (ev.type as StructureDesc).fields?.find((f) => f.name === "value")?.type;
  if (value === undefined || type === undefined || !isPlainObject(timeStamp)) return undefined;
  const { secondsPastEpoch, nanoseconds } = timeStamp;
  if (typeof secondsPastEpoch !== "bigint" || typeof nanoseconds !== "number") return undefined;
  if (secondsPastEpoch === 0n && nanoseconds === 0) return undefined;
  return { time: secondsOf({ secondsPastEpoch, nanoseconds }), value, type };
}
