/**
 * Deno checks a path grant against the path as written, not against where a symbolic link
 * leads: a link inside a granted directory pointing elsewhere would let a processor out. A
 * processor cannot make such links itself (creating one needs unscoped read and write), so the
 * host refuses to start while a granted directory already holds one.
 *
 * @module
 */
import { ProcessorError } from "./errors.ts";
import type { SandboxPermissions } from "./permissions.ts";

/** Entries examined per granted path before refusing it (about a second of directory reading). */
const MAX_ENTRIES = 1_000_000;

function realOrUndefined(path: string): string | undefined {
  try {
    return Deno.realPathSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
}

function inside(path: string, roots: readonly string[]): boolean {
  return roots.some((r) => path === r || path.startsWith(r.endsWith("/") ? r : `${r}/`));
}

/**
 * Refuses grants under which a symbolic link leads outside the grants of the same kind.
 * @throws {ProcessorError} (kind "load") naming the link and its target, or a grant too large to check
 */
export function checkGrantedPaths(p: SandboxPermissions): void {
  for (const kind of ["read", "write"] as const) {
    const roots = p[kind].map((g) => realOrUndefined(g)).filter((r): r is string => r !== undefined);
    for (const root of roots) walk(root, roots, kind);
  }
}

function walk(root: string, roots: readonly string[], kind: string): void {
  const stack = [root];
  let seen = 0;
  while (stack.length > 0) {
    const dir = stack.pop()!;
    if (!Deno.statSync(dir).isDirectory) continue;
    for (const e of Deno.readDirSync(dir)) {
      if (++seen > MAX_ENTRIES) {
        throw new ProcessorError(
          "load",
          `${kind} grant ${root} holds more than ${MAX_ENTRIES} entries: grant less`,
        );
      }
      const path = `${dir}/${e.name}`;
      if (e.isSymlink) {
        // A dangling link counts too: writing through it would create its target.
        const target = realOrUndefined(path) ?? `${Deno.readLinkSync(path)} (missing)`;
        if (!inside(target, roots)) {
          throw new ProcessorError(
            "load",
            `${kind} grant holds ${path}, a link to ${target} outside the grants`,
          );
        }
      } else if (e.isDirectory) stack.push(path);
    }
  }
}
