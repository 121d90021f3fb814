/**
 * The status PV: a read-only SharedPV that posts each status a feed announces, so `pvget`, `pvmonitor`
 * and PvaPy-era scrapers see the same content as the HTTP API.
 *
 * @module
 */
import { SharedPV } from "../../protocol/pva/server/shared_pv.ts";
import type { StructureDesc, StructValue } from "../../protocol/pvdata/types.ts";
import { isPlainObject } from "../../protocol/pvdata/coerce.ts";
import type { StatusDocument } from "./status_document.ts";
import type { StatusProvider } from "./status_feed.ts";

/**
 * Hosts a feed's status as a PV. Add {@link StatusPV.pv} to a server under the status channel name.
 * @example
 * ```ts ignore
 * const status = new StatusPV(builder.type, feed);
 * server.addPV("pvapy:consumer:1:status", status.pv);
 * ```
 */
export class StatusPV {
  /** The hosted PV (read-only: puts are refused). */
  readonly pv: SharedPV = new SharedPV({ readOnly: true });
  readonly #unsubscribe: () => void;

  /**
   * Opens the PV with the feed's current status and follows the feed.
   * @param type the status type, from the builder that makes the feed's documents
   * @param feed where the statuses come from; the PV starts with its current one
   */
  constructor(type: StructureDesc, feed: StatusProvider) {
    this.pv.open({ type, value: toValue(type, feed.current()) });
    this.#unsubscribe = feed.subscribe((status) => this.pv.post(toValue(type, status)));
  }

  /** Stops following the feed and closes the PV. */
  close(): void {
    this.#unsubscribe();
    this.pv.close();
  }
}

/**
 * The document as a pvData value: the stamp's seconds are int64 on the wire, and members beyond the
 * PV's type (a metadata block's associationStats, pvastream's own) stay in the HTTP document, so that
 * the PV keeps PvaPy's layout member for member.
 */
function toValue(type: StructureDesc, status: StatusDocument): StructValue {
  const t = status.objectTimestamp;
  return fitted(type, {
    ...status,
    objectTimestamp: { ...t, secondsPastEpoch: BigInt(t.secondsPastEpoch) },
  } as unknown as StructValue);
}

/** The members of `value` that `type` declares, structures within it likewise. */
function fitted(type: StructureDesc, value: StructValue): StructValue {
  const out: Record<string, unknown> = {};
  for (const { name, type: member } of type.fields) {
    const v = value[name];
    if (v === undefined) continue;
    out[name] = member.kind === "structure" && isPlainObject(v) ? fitted(member, v) : v;
  }
  return out as StructValue;
}
