/**
 * Normative types: builders that return `{ type, value }` ready to encode, and readers that
 * find fields by name whatever order the producer (normativeTypesCPP, pvxs) used.
 *
 * @example
 * ```ts
 * import { ntNDArray, readNTNDArray } from "./mod.ts";
 * const frame = ntNDArray({ data: new Uint8Array(512 * 512), dims: [512, 512], uniqueId: 7 });
 * readNTNDArray(frame).uniqueId; // 7
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./common.ts";
export * from "./time.ts";
export { isNT, type NTInput } from "./access.ts";
export { type ArrayInput, arrayScalarType, arrayValue, typedArrayType } from "./arrays.ts";
export type { Meta, MetaOptions } from "./meta.ts";
export * from "./scalar.ts";
export * from "./enum.ts";
export * from "./table.ts";
export * from "./attribute.ts";
export * from "./ndarray.ts";
export * from "./ndarray_read.ts";
