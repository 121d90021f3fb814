/**
 * The pvAccess client.
 *
 * @example
 * ```ts ignore
 * import { PvaClient } from "./mod.ts";
 * const client = new PvaClient();
 * console.log((await client.get("pv:x")).value);
 * await client.close();
 * ```
 * @module
 */
export { PvaClient, type PvaClientOptions } from "./client.ts";
export type { GetOptions, GetResult } from "./get.ts";
export type { PutOptions } from "./put.ts";
export type { RpcOptions } from "./rpc.ts";
export type { InfoOptions } from "./info.ts";
export {
  type MonitorData,
  type MonitorEvent,
  type MonitorOptions,
  type MonitorStats,
  Subscription,
} from "./monitor.ts";
export {
  type CallOptions,
  DEFAULT_TIMEOUT_MS,
  PvaDisconnectedError,
  PvaError,
  PvaRemoteError,
  PvaTimeoutError,
} from "./errors.ts";
