/**
 * The notify PV: once the frames channel is served, pvapy-ad-sim-server puts `--notify-pv-value` to
 * `--notify-pv` (over Channel Access, e.g. `13PVA1:cam1:Acquire` = 1 to start an areaDetector PVA
 * driver acquiring). pvastream has no Channel Access client yet, so the put goes over pvAccess.
 *
 * @module
 */
import { PvaClient, type PvaConfig } from "../../mod.ts";

/** How long the put may take before it counts as failed. */
const NOTIFY_TIMEOUT_MS = 5000;

/**
 * Puts `value` (text, converted to the PV's type as `pva put` does) to the PV `name`.
 * @throws the client's error when the PV cannot be found or refuses the put
 * @example
 * ```ts ignore
 * await notifyPv("13PVA1:cam1:Acquire", "1", configFromEnv());
 * ```
 */
export async function notifyPv(name: string, value: string, config: PvaConfig): Promise<void> {
  const client = new PvaClient({ config });
  try {
    await client.put(name, value, { timeout: NOTIFY_TIMEOUT_MS });
  } finally {
    client.close();
  }
}
