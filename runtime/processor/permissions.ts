/**
 * What a processor may do, parsed from `--processor-permissions` and turned into a Worker's
 * permission object or a child process's `--allow-*` flags. Everything not granted is denied:
 * files, network, environment, subprocesses, FFI, system information, remote imports, npm
 * packages (in process isolation) and WebGPU.
 *
 * @module
 */
import { ProcessorError } from "./errors.ts";

/** The grants of one processor; empty lists deny. */
export interface SandboxPermissions {
  /** Files and directories it may read (absolute paths). */
  read: string[];
  /** Files and directories it may write (absolute paths). */
  write: string[];
  /** `host`, `host:port` or `ip:port` it may connect to or listen on. */
  net: string[];
  /** Environment variables it may read. */
  env: string[];
  /** Hosts it may import remote modules from. */
  import: string[];
  /** WebGPU (`navigator.gpu`); removed before the processor loads unless granted. */
  gpu: boolean;
  /** npm packages (process isolation; a Worker always resolves them, see docs/processors.md). */
  npm: boolean;
}

const LIST_KEYS = ["read", "write", "net", "env", "import"] as const;
const FLAG_KEYS = ["gpu", "npm"] as const;
type ListKey = typeof LIST_KEYS[number];

/** No grants at all: the default. */
export function noPermissions(): SandboxPermissions {
  return { read: [], write: [], net: [], env: [], import: [], gpu: false, npm: false };
}

/**
 * Parses `--processor-permissions` values, each a comma list of `key=value` grants where a bare
 * item continues the previous key's list: `read=/data,/calib,write=/out,net=127.0.0.1:9000,env=HOME,gpu`.
 * Relative paths are resolved against `cwd` (default: the working directory).
 * @param specs the option's values
 * @param cwd the directory relative paths start from
 * @throws {ProcessorError} (kind "load") for an unknown key or an empty value
 * @example
 * ```ts
 * import { parsePermissions } from "./permissions.ts";
 * const p = parsePermissions(["read=/data,/calib", "net=127.0.0.1:9000,gpu"]);
 * [p.read, p.net, p.gpu]; // [["/data", "/calib"], ["127.0.0.1:9000"], true]
 * ```
 */
export function parsePermissions(specs: readonly string[], cwd: string = Deno.cwd()): SandboxPermissions {
  const out = noPermissions();
  for (const spec of specs) {
    let current: ListKey | undefined;
    for (const item of spec.split(",").map((s) => s.trim()).filter((s) => s !== "")) {
      const eq = item.indexOf("=");
      if (eq < 0 && (FLAG_KEYS as readonly string[]).includes(item)) {
        out[item as typeof FLAG_KEYS[number]] = true;
        current = undefined;
        continue;
      }
      const key = eq < 0 ? current : item.slice(0, eq);
      const value = eq < 0 ? item : item.slice(eq + 1);
      if (key === undefined || !(LIST_KEYS as readonly string[]).includes(key)) {
        throw new ProcessorError(
          "load",
          `--processor-permissions: unknown grant "${item}" (read=, write=, net=, env=, import=, gpu, npm)`,
        );
      }
      if (value === "") throw new ProcessorError("load", `--processor-permissions: ${key}= needs a value`);
      current = key as ListKey;
      out[current].push(current === "read" || current === "write" ? absolute(value, cwd) : value);
    }
  }
  return out;
}

function absolute(path: string, cwd: string): string {
  const joined = path.startsWith("/") ? path : `${cwd.replace(/\/$/, "")}/${path}`;
  const parts: string[] = [];
  for (const p of joined.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return `/${parts.join("/")}`;
}

/** The `deno.permissions` option of a Worker holding exactly these grants. */
export function workerPermissions(p: SandboxPermissions): Deno.PermissionOptionsObject {
  const list = (l: string[]) => l.length > 0 ? l : false;
  return {
    read: list(p.read),
    write: list(p.write),
    net: list(p.net),
    env: list(p.env),
    import: list(p.import),
    run: false,
    ffi: false,
    sys: false,
  };
}

/** The `deno run` flags granting exactly these permissions to a child process. */
export function permissionFlags(p: SandboxPermissions): string[] {
  const flags = ["--no-prompt"];
  for (const key of LIST_KEYS) {
    if (p[key].length > 0) flags.push(`--allow-${key}=${p[key].join(",")}`);
  }
  if (p.import.length === 0) flags.push("--deny-import");
  if (!p.npm) flags.push("--no-npm");
  return flags;
}
