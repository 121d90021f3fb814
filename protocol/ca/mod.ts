/**
 * The Channel Access client: search, circuits, channels, get and monitor of every DBR type
 * (plain, STS, TIME, GR, CTRL), reconnection, and the codec of CA messages and DBR payloads.
 *
 * @example
 * ```ts ignore
 * import { CaClient, caConfigFromEnv } from "./mod.ts";
 * const client = new CaClient({ config: caConfigFromEnv() });
 * const { value, alarm, timeStamp } = await client.get("motor:x");
 * client.close();
 * ```
 * @module
 */
export { CaClient, type CaClientOptions } from "./client.ts";
export type { CaGetOptions } from "./get.ts";
export { type CaMonitorEvent, type CaMonitorOptions, CaSubscription } from "./monitor.ts";
export type { CaRequestForm } from "./pool.ts";
export { type CaConfig, caConfigFromEnv, caLoopbackConfig, DEFAULT_CA_CONFIG } from "./config.ts";
export { CaDisconnectedError, CaError, CaRemoteError, CaTimeoutError } from "./errors.ts";
export {
  type CaAlarm,
  type CaControl,
  type CaDisplay,
  type CaTimeStamp,
  type CaValue,
  type CaValueAlarm,
  type CaValueData,
  type DbrElement,
  type DbrForm,
  type DbrLayout,
  dbrLayout,
  dbrSize,
  DbrType,
  dbrTypeOf,
  EPICS_EPOCH_OFFSET,
} from "./dbr.ts";
export { decodeDbr, type DecodeDbrOptions } from "./dbr_decode.ts";
export { encodeDbr } from "./dbr_encode.ts";
export {
  AccessRight,
  CA_MINOR_VERSION,
  CA_SERVER_PORT,
  CaCommand,
  type CaHeader,
  ECA_NORMAL,
  encodeMessage as encodeCaMessage,
  EventMask,
  type OutgoingHeader as CaOutgoingHeader,
  readHeader as readCaHeader,
  SearchReply,
} from "./header.ts";
