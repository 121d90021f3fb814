/**
 * The simulator's `--metadata-pv` channels: for every frame, each is posted just before the frame
 * with exactly the frame's time stamp, structure `{double value; time_t timeStamp}` (PvaPy's), so
 * that consumers can associate them exactly. The value of the k-th channel (1-based, in the order
 * given) for frame `uniqueId` is `uniqueId + k / 1000`: tests and users can tell which frame and
 * which channel a value belongs to.
 *
 * PvaPy also serves `ca://` (and bare) names from a Channel Access IOC it embeds; pvastream has a CA
 * client but no CA server, so those names are refused with an error that says so.
 *
 * @module
 */
import {
  type PvaServer,
  scalar,
  SharedPV,
  struct,
  type StructureDesc,
  TIME_T,
  timeStampFrom,
} from "../../mod.ts";

/** PvaPy's metadata PV structure. */
export const METADATA_PV_TYPE: StructureDesc = struct("structure", {
  value: scalar("float64"),
  timeStamp: TIME_T,
});

/**
 * The value the k-th metadata PV (1-based) carries with frame `uniqueId`.
 * @example
 * ```ts
 * import { metadataValue } from "./metadata_pvs.ts";
 * metadataValue(17, 2); // 17.002
 * ```
 */
export function metadataValue(uniqueId: number, k: number): number {
  return uniqueId + k / 1000;
}

/**
 * The PV names of a `--metadata-pv` list (`pva://NAME,...`); empty entries are skipped.
 * @returns the names without `pva://`, or the first entry that cannot be served
 */
export function metadataPvNames(list: string): { names: string[] } | { refused: string } {
  const names: string[] = [];
  for (const raw of list.split(",")) {
    const entry = raw.trim();
    if (entry === "") continue;
    const name = entry.startsWith("pva://") ? entry.slice("pva://".length) : "";
    if (name === "" || names.includes(name)) return { refused: entry };
    names.push(name);
  }
  return { names };
}

/** The metadata PVs on the simulator's server. */
export class MetadataPvs {
  readonly #server: PvaServer;
  readonly #pvs: [name: string, pv: SharedPV][];

  /** Opens and serves one PV per name (value 0, no time stamp until the first frame). */
  constructor(server: PvaServer, names: readonly string[]) {
    this.#server = server;
    this.#pvs = names.map((name) => {
      const pv = new SharedPV({ readOnly: true });
      pv.open({ type: METADATA_PV_TYPE });
      server.addPV(name, pv);
      return [name, pv];
    });
  }

  /**
   * Posts every PV's value for frame `uniqueId`, stamped `when`.
   * @param when the frame's time stamp, in ms since the epoch
   */
  publish(uniqueId: number, when: number): void {
    const timeStamp = timeStampFrom(when);
    this.#pvs.forEach(([, pv], i) => pv.post({ value: metadataValue(uniqueId, i + 1), timeStamp }));
  }

  /** Stops serving them. */
  close(): void {
    for (const [name] of this.#pvs) this.#server.removePV(name);
  }
}
