/**
 * The consumer's monitor request, in the form PvaPy's consumer sends (pvDatabase and pvxs
 * servers accept it): `record[queueSize=N]field(FIELDS,_[pydistributor=group:G;...])`.
 * Unlike PvaPy, a field request is kept when a distributor is used: the object id field is
 * always added, since the accounting needs it.
 *
 * @module
 */
import type { ConsumerOptions } from "./options.ts";

/** The options that shape the request. */
export type RequestOptions = Pick<
  ConsumerOptions,
  | "serverQueueSize"
  | "fieldRequest"
  | "oidField"
  | "distributorPluginName"
  | "distributorGroup"
  | "distributorSet"
  | "distributorTrigger"
  | "distributorUpdates"
  | "distributorMode"
>;

/**
 * The pvRequest text of the input monitor.
 * @example
 * ```ts
 * import { monitorRequest } from "./request.ts";
 * monitorRequest({
 *   serverQueueSize: 10, oidField: "uniqueId", distributorPluginName: "pydistributor",
 *   distributorUpdates: 2, distributorTrigger: "uniqueId",
 * }); // "record[queueSize=10]field(_[pydistributor=trigger:uniqueId;updates:2])"
 * ```
 */
export function monitorRequest(o: RequestOptions): string {
  const record = o.serverQueueSize > 0 ? `record[queueSize=${o.serverQueueSize}]` : "";
  const fields = requestedFields(o.fieldRequest, o.oidField);
  const dist = distributorEntry(o);
  const members = [...fields, ...(dist ? [dist] : [])];
  return `${record}field(${members.join(",")})`;
}

/** True when the request asks the server to share updates among clients. */
export function usesDistributor(o: RequestOptions): boolean {
  return distributorEntry(o) !== undefined;
}

/**
 * The id step between two updates one consumer receives, as PvaPy derives it when
 * `--oid-offset` is 0; only a hint for PvaPy's processors (our accounting does not use it).
 */
export function derivedOidOffset(
  o: Pick<ConsumerOptions, "oidOffset" | "distributorUpdates" | "nDistributorSets" | "consumerIds">,
): number {
  if (o.oidOffset > 0) return o.oidOffset;
  if (o.distributorUpdates === undefined) return 1;
  const members = o.nDistributorSets > 1 ? o.nDistributorSets : o.consumerIds.length;
  return (members - 1) * o.distributorUpdates + 1;
}

function requestedFields(fieldRequest: string | undefined, oidField: string): string[] {
  if (!fieldRequest) return [];
  const inner = fieldRequest.trim().replace(/^field\((.*)\)$/s, "$1");
  const fields = inner.split(",").map((f) => f.trim()).filter((f) => f !== "");
  if (oidField && !fields.includes(oidField)) fields.unshift(oidField);
  return fields;
}

function distributorEntry(o: RequestOptions): string | undefined {
  const parts: string[] = [];
  if (o.distributorGroup) parts.push(`group:${o.distributorGroup}`);
  if (o.distributorSet) parts.push(`set:${o.distributorSet}`);
  if (o.distributorTrigger) parts.push(`trigger:${o.distributorTrigger}`);
  if (o.distributorUpdates) parts.push(`updates:${o.distributorUpdates}`);
  if (o.distributorMode) parts.push(`mode:${o.distributorMode}`);
  return parts.length === 0 ? undefined : `_[${o.distributorPluginName}=${parts.join(";")}]`;
}
