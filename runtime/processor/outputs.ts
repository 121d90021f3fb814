/**
 * What `process` returned, as a list of outputs, and the rule that fixes the output channel's
 * type: declared by the processor, or taken from the first output; any later output of another
 * type is an error (the channel cannot change type under its subscribers).
 *
 * @module
 */
import { ntNDArrayType } from "../../protocol/nt/mod.ts";
import { type FieldDesc, isPlainObject, sameType } from "../../protocol/pvdata/mod.ts";
import { ProcessorError } from "./errors.ts";
import { dtypeOf, isFrame } from "./frame.ts";
import type { Output, OutputType, ProcessResult } from "./types.ts";

const NONE: readonly Output[] = Object.freeze([]);

/**
 * The outputs of one `process` call: none, one or several, in publishing order.
 * @throws {ProcessorError} (kind "output") for anything that is neither a frame nor `{type, value}`
 * @example
 * ```ts
 * import { outputList } from "./outputs.ts";
 * outputList(undefined).length; // 0
 * outputList({ type: { kind: "scalar", type: "int32" }, value: 1 }).length; // 1
 * ```
 */
export function outputList(result: ProcessResult): readonly Output[] {
  const list = asList(result);
  for (const o of list) {
    if (isFrame(o)) {
      // Compressed pixels are bytes whatever the dtype; raw ones must be what dtype says.
      const actual = pixelType(o.data);
      if (!o.codec?.name && actual !== o.dtype) {
        throw new ProcessorError("output", `a frame of dtype ${o.dtype} holds ${actual} data`);
      }
    } else if (!(isPlainObject(o) && isPlainObject(o.type) && "value" in o)) {
      throw new ProcessorError("output", "an output must be a Frame or a {type, value} PV value");
    }
  }
  return list;
}

function pixelType(data: ArrayBufferView): string {
  try {
    return dtypeOf(data);
  } catch {
    throw new ProcessorError("output", `${data.constructor.name} pixels have no pvData type`);
  }
}

/** What `process` returned as a list, unchecked. */
export function asList(result: ProcessResult): readonly Output[] {
  if (result === undefined || result === null) return NONE;
  return Array.isArray(result) ? result as readonly Output[] : [result as Output];
}

/** The pvData type an output is published with. */
export function outputTypeOf(o: Output): FieldDesc {
  return isFrame(o) ? ntNDArrayType : o.type;
}

/**
 * Holds the output channel's type: the declared one, else the first output's; every output is
 * checked against it.
 */
export class OutputTypeGuard {
  #type: FieldDesc | undefined;

  /**
   * Starts with the declared type, if any.
   * @param declared the processor's `outputType`
   */
  constructor(declared?: OutputType) {
    this.#type = declared === "frame" ? ntNDArrayType : declared;
  }

  /** The channel's type, once declared or seen. */
  get type(): FieldDesc | undefined {
    return this.#type;
  }

  /**
   * Fixes the type on the first output and checks every output against it.
   * @throws {ProcessorError} (kind "output") for an output of another type
   */
  check(outputs: readonly Output[]): void {
    for (const o of outputs) {
      const t = outputTypeOf(o);
      this.#type ??= t;
      if (t !== this.#type && !sameType(t, this.#type)) {
        throw new ProcessorError(
          "output",
          `output of type ${describe(t)}, the channel has ${describe(this.#type)}`,
        );
      }
    }
  }
}

function describe(t: FieldDesc): string {
  if (t === ntNDArrayType) return "NTNDArray";
  return t.kind === "scalar" || t.kind === "scalarArray"
    ? `${t.kind} ${t.type}`
    : `${t.kind} ${"id" in t ? t.id : ""}`;
}
