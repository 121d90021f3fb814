/**
 * The command-line tools, in one list: the script each one runs, the permissions and unstable
 * features it needs, and how its help is printed. `deno task compile` builds binaries from it,
 * docs/cli.md is generated from the help it names, and the workflow runner starts stages by it,
 * so none of them can drift from the tools.
 *
 * @module
 */
import { dirname } from "node:path";
import { isCompiledBinary } from "./compiled.ts";

/** One tool. */
export interface ToolEntry {
  /** Its name: the binary's name and the heading in docs/cli.md. */
  name: string;
  /** The script, relative to the repository root. */
  entry: string;
  /** `deno` permission flags it needs. */
  permissions: readonly string[];
  /** Files it loads at run time that a binary must carry (relative to the root). */
  include: readonly string[];
  /** Argument lists that print help, the first one the tool's own (others: subcommands). */
  helpArgs: readonly (readonly string[])[];
}

/** What the processor sandbox loads by URL next to the consumer's code: a binary must carry it. */
const SANDBOX_FILES = [
  "runtime/processor/worker_main.ts",
  "runtime/processor/worker_console.ts",
  "processors/",
];

/** Unstable features every tool is built with (the same as deno.json's `unstable`). */
export const UNSTABLE_FLAGS: readonly string[] = ["--unstable-net", "--unstable-worker-options"];

/**
 * V8 settings every tool runs with. A young generation of at most 1 MiB per semi-space is
 * collected every few hundred frames, and with it the frame buffers that died meanwhile: left to
 * grow (up to 16 MiB), it is collected so rarely that dead frames pile up between collections
 * and the process's memory creeps up for many minutes (docs/reliability.md, "Memory").
 */
export const V8_FLAGS: readonly string[] = ["--v8-flags=--max-semi-space-size=1"];

/** Network tools that read EPICS_* variables and name their host. */
const NETWORK = ["--allow-net", "--allow-env", "--allow-read", "--allow-sys"];

/** Every tool. */
export const TOOLS: readonly ToolEntry[] = [
  {
    name: "pva",
    entry: "scripts/pva.ts",
    permissions: NETWORK,
    include: [],
    helpArgs: [
      ["--help"],
      ...["get", "put", "monitor", "info", "rpc", "list", "serve"].map((c) => [c, "--help"]),
    ],
  },
  {
    name: "ad-sim-server",
    entry: "scripts/ad-sim-server.ts",
    permissions: NETWORK,
    include: [],
    helpArgs: [["--help"]],
  },
  {
    name: "consumer",
    entry: "scripts/consumer.ts",
    permissions: ["--allow-all"],
    include: SANDBOX_FILES,
    helpArgs: [["--help"]],
  },
  {
    name: "collector",
    entry: "scripts/collector.ts",
    permissions: ["--allow-all"],
    include: SANDBOX_FILES,
    helpArgs: [["--help"]],
  },
  {
    name: "mirror",
    entry: "scripts/mirror.ts",
    permissions: NETWORK,
    include: [],
    helpArgs: [["--help"]],
  },
  {
    name: "workflow",
    entry: "scripts/workflow.ts",
    permissions: ["--allow-all"],
    include: [],
    helpArgs: [["--help"]],
  },
  {
    name: "start",
    entry: "scripts/start.ts",
    permissions: ["--allow-all"],
    include: SANDBOX_FILES,
    helpArgs: [["--help"]],
  },
];

/**
 * The `deno compile` arguments that build `tool` into `outDir/<name>`.
 * @example
 * ```ts
 * import { compileArgs, TOOLS } from "./tools.ts";
 * compileArgs(TOOLS[0], "dist").at(-1); // "scripts/pva.ts"
 * ```
 */
export function compileArgs(tool: ToolEntry, outDir: string): string[] {
  return [
    "compile",
    ...UNSTABLE_FLAGS,
    ...V8_FLAGS,
    ...tool.permissions,
    ...tool.include.flatMap((f) => ["--include", f]),
    "--output",
    `${outDir}/${tool.name}`,
    tool.entry,
  ];
}

/**
 * The tool named `name`.
 * @throws {RangeError} for a name no tool has
 */
export function toolNamed(name: string): ToolEntry {
  const tool = TOOLS.find((t) => t.name === name);
  if (tool === undefined) throw new RangeError(`no tool named ${name}`);
  return tool;
}

/**
 * How to start `tool` with `args` from this program: under `deno run` with its permissions and the
 * repository's deno.json when this is a script; the binary of the same name beside this one when
 * this is a compiled binary (`deno task compile` builds them all into one directory).
 * @param root the repository root (where deno.json and the scripts are)
 * @example
 * ```ts
 * import { toolCommand, toolNamed } from "./tools.ts";
 * const { command, args } = toolCommand(toolNamed("consumer"), ["-ic", "pv:image"], new URL("../../", import.meta.url));
 * args.slice(-2); // ["-ic", "pv:image"]
 * ```
 */
export function toolCommand(
  tool: ToolEntry,
  args: readonly string[],
  root: URL,
): { command: string; args: string[] } {
  if (isCompiledBinary()) return { command: `${dirname(Deno.execPath())}/${tool.name}`, args: [...args] };
  return {
    command: Deno.execPath(),
    args: [
      "run",
      ...tool.permissions,
      ...V8_FLAGS,
      "--config",
      new URL("deno.json", root).pathname,
      new URL(tool.entry, root).pathname,
      ...args,
    ],
  };
}
