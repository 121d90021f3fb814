/**
 * The one line that makes a processor script a complete consumer:
 *
 * ```ts ignore
 * if (import.meta.main) await processorMain(import.meta.url);
 * ```
 *
 * `deno run -A my_proc.ts --input-channel X ...` then runs the consumer with this module as
 * `--processor-file`; the processor itself still runs in the sandbox with only the grants of
 * `--processor-permissions` (the module is loaded again there, where `import.meta.main` is false).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { ProcessorError } from "./errors.ts";
import { PROCESSOR_CLI_OPTIONS, processorHostOptions } from "./options.ts";

/**
 * Runs the consumer on a full command line (the consumer's options and `--processor-*`). The
 * consumer module `runtime/consumer/main.ts` exports it as `runConsumer`.
 */
export type ConsumerRun = (argv: string[]) => Promise<void>;

/** Options of {@link processorMain}. */
export interface ProcessorMainOptions {
  /** The export to run (`--processor-class`); by default the module's only processor. */
  className?: string;
  /** The command line (default `Deno.args`). */
  argv?: readonly string[];
  /** The consumer to hand the command line to (default: `runConsumer` of runtime/consumer/main.ts). */
  run?: ConsumerRun;
}

const CONSUMER_MAIN = new URL("../consumer/main.ts", import.meta.url).href;

/**
 * Hands a processor script's command line to the consumer with the script as the processor.
 * @param moduleUrl the script's `import.meta.url`
 * @throws {ProcessorError} (kind "load") when the command line names another processor file
 * or a `--processor-*` option is wrong
 * @example
 * ```ts
 * import { processorMain } from "./main.ts";
 * let seen: string[] = [];
 * await processorMain("file:///p.ts", { argv: ["--input-channel", "x"], run: async (a) => void (seen = a) });
 * seen; // ["--processor-file", "file:///p.ts", "--input-channel", "x"]
 * ```
 */
export async function processorMain(moduleUrl: string, opts: ProcessorMainOptions = {}): Promise<void> {
  const argv = [...opts.argv ?? Deno.args];
  const { values } = parseArgs({ args: argv, options: PROCESSOR_CLI_OPTIONS, strict: false });
  if (values["processor-file"] !== undefined) {
    throw new ProcessorError("load", "--processor-file: this script is the processor; leave the option out");
  }
  const own = ["--processor-file", moduleUrl];
  if (opts.className !== undefined && values["processor-class"] === undefined) {
    own.push("--processor-class", opts.className);
  }
  processorHostOptions(
    { ...values, "processor-file": moduleUrl } as Parameters<typeof processorHostOptions>[0],
  );
  const run = opts.run ?? (await import(CONSUMER_MAIN) as { runConsumer: ConsumerRun }).runConsumer;
  await run([...own, ...argv]);
}
