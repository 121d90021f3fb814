/**
 * pvData: the type system and its wire encoding (types, values, partial values, BitSet,
 * Status, pvRequest), shared by the pvAccess client and server.
 *
 * @module
 */
export * from "./errors.ts";
export * from "./types.ts";
export * from "./reader.ts";
export * from "./writer.ts";
export * from "./status.ts";
export * from "./bitset.ts";
export * from "./typedesc.ts";
export * from "./value.ts";
export * from "./partial.ts";
export * from "./coerce.ts";
export * from "./pvrequest.ts";
