/**
 * pvAccess message payloads: typed objects and their wire encoding, no sockets.
 * @example A SEARCH payload written and read back
 * ```ts
 * import { readSearchRequest, writeSearchRequest } from "./mod.ts";
 * import { Reader, Writer } from "../../pvdata/mod.ts";
 * const w = new Writer(true);
 * writeSearchRequest(w, {
 *   sequenceId: 7,
 *   flags: 0,
 *   replyAddress: null,
 *   replyPort: 5076,
 *   protocols: ["tcp"],
 *   channels: [{ id: 1, name: "pv:image" }],
 * });
 * readSearchRequest(new Reader(w.toBytes(), true)).channels; // [{ id: 1, name: "pv:image" }]
 * ```
 *
 * @module
 */
export * from "./address.ts";
export * from "./discovery.ts";
export * from "./handshake.ts";
export * from "./channel.ts";
export * from "./ops.ts";
