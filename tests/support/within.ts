/**
 * Waiting with a deadline, for tests whose failure would otherwise be a hang.
 *
 * @module
 */

/**
 * Rejects after `ms` unless `p` settles first.
 * @example
 * ```ts
 * import { within } from "./within.ts";
 * await within(Promise.resolve(1), 100, "one"); // 1
 * ```
 */
export async function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
