/**
 * The environment a workflow's stages run in: the runner's own, kept on this host when it names no
 * pvAccess addresses (servers bind 127.0.0.1, searches and beacons go to 127.0.0.1 only), since a
 * workflow runs on one host.
 *
 * @module
 */

const ADDRESS_VARIABLES = ["EPICS_PVA_ADDR_LIST", "EPICS_PVA_AUTO_ADDR_LIST", "EPICS_PVAS_INTF_ADDR_LIST"];

const LOOPBACK: Readonly<Record<string, string>> = {
  EPICS_PVA_ADDR_LIST: "127.0.0.1",
  EPICS_PVA_AUTO_ADDR_LIST: "NO",
  EPICS_PVAS_INTF_ADDR_LIST: "127.0.0.1",
  EPICS_PVAS_BEACON_ADDR_LIST: "127.0.0.1",
  EPICS_PVAS_AUTO_BEACON_ADDR_LIST: "NO",
};

/**
 * `env` as it is when it sets any of EPICS_PVA_ADDR_LIST, EPICS_PVA_AUTO_ADDR_LIST or
 * EPICS_PVAS_INTF_ADDR_LIST; else `env` with loopback-only addresses.
 * @example
 * ```ts
 * import { stageEnv } from "./env.ts";
 * stageEnv({ HOME: "/root" }).EPICS_PVA_ADDR_LIST; // "127.0.0.1"
 * ```
 */
export function stageEnv(env: Readonly<Record<string, string>>): Record<string, string> {
  if (ADDRESS_VARIABLES.some((name) => name in env)) return { ...env };
  return { ...env, ...LOOPBACK };
}
