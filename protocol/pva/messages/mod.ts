/**
 * pvAccess message payloads: typed objects and their wire encoding, no sockets.
 * @module
 */
export * from "./address.ts";
export * from "./discovery.ts";
export * from "./handshake.ts";
export * from "./channel.ts";
export * from "./ops.ts";
