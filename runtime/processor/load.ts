/**
 * Picking the processor out of its module: the export `--processor-class` names, else the
 * default export, else the module's only export that has a `process` method.
 *
 * @module
 */
import { ProcessorError } from "./errors.ts";
import type { Processor } from "./types.ts";

function isProcessorClass(x: unknown): x is new () => Processor {
  return typeof x === "function" &&
    typeof (x.prototype as Partial<Processor> | undefined)?.process === "function";
}

function isProcessorObject(x: unknown): x is Processor {
  return typeof x === "object" && x !== null && typeof (x as Partial<Processor>).process === "function";
}

/**
 * The processor a module provides: a class is constructed without arguments, an object is used
 * as it is.
 * @throws {ProcessorError} (kind "load") when the export is missing, ambiguous or not a processor
 * @example
 * ```ts
 * import { loadProcessor } from "./load.ts";
 * const p = loadProcessor({ Doubler: class { process() {} } }, "Doubler");
 * typeof p.process; // "function"
 * ```
 */
export function loadProcessor(module: Record<string, unknown>, className?: string): Processor {
  let name = className;
  if (name === undefined) {
    const candidates = Object.keys(module).filter((k) =>
      isProcessorClass(module[k]) || isProcessorObject(module[k])
    );
    name = "default" in module ? "default" : candidates.length === 1 ? candidates[0] : undefined;
    if (name === undefined) {
      throw new ProcessorError(
        "load",
        candidates.length === 0
          ? "the module exports no processor (a class or object with a process method)"
          : `the module exports several processors (${
            candidates.join(", ")
          }): choose one with --processor-class`,
      );
    }
  }
  const x = module[name];
  if (isProcessorClass(x)) return new x();
  if (isProcessorObject(x)) return x;
  throw new ProcessorError(
    "load",
    name in module
      ? `export ${name} is not a processor (no process method)`
      : `the module has no export ${name}`,
  );
}
