/**
 * pvData: the type system and its wire encoding (types, values, partial values, BitSet,
 * Status, pvRequest), shared by the pvAccess client and server.
 *
 * @example A structure type, a value of it, and its bytes on the wire
 * ```ts
 * import { readValue, Reader, scalar, scalarArray, struct, writeValue, Writer } from "./mod.ts";
 * const type = struct("demo:point", { x: scalar("float64"), tags: scalarArray("string") });
 * const w = new Writer(true);
 * writeValue(w, type, { x: 1.5, tags: ["a"] });
 * readValue(new Reader(w.toBytes(), true), type); // { x: 1.5, tags: ["a"] }
 * ```
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
