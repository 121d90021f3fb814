/**
 * What the runner asks of a stage's HTTP API: is it up, a fresh status, stop publishing.
 *
 * @module
 */

/**
 * The stage's status (GET /api/status), refreshed first when `fresh` (POST /api/get-stats); null without
 * an answer.
 */
export async function readStatus(
  base: URL,
  { fresh, timeoutMs = 2000 }: { fresh: boolean; timeoutMs?: number },
): Promise<Record<string, unknown> | null> {
  try {
    const signal = AbortSignal.timeout(timeoutMs);
    if (fresh) {
      const refreshed = await fetch(new URL("api/get-stats", base), { method: "POST", signal });
      await refreshed.body?.cancel();
    }
    const res = await fetch(new URL("api/status", base), { signal });
    if (!res.ok) {
      await res.body?.cancel();
      return null;
    }
    return await res.json();
  } catch {
    return null;
  }
}

/** True once GET /api/health answers 200. */
export async function answers(base: URL, timeoutMs = 1000): Promise<boolean> {
  try {
    const res = await fetch(new URL("api/health", base), { signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok;
  } catch {
    return false;
  }
}

/** POST /api/stop: a simulator stops publishing (its shutdown delay follows); others stop. */
export async function requestStop(base: URL, timeoutMs = 2000): Promise<void> {
  try {
    const res = await fetch(new URL("api/stop", base), {
      method: "POST",
      signal: AbortSignal.timeout(timeoutMs),
    });
    await res.body?.cancel();
  } catch {
    // Gone already: then it has stopped.
  }
}

/**
 * `count` consecutive free TCP ports on 127.0.0.1 (a consumer stage with several ids serves its HTTP
 * APIs on consecutive ports).
 */
export function freePortRun(count: number): number {
  for (let attempt = 0; attempt < 100; attempt++) {
    const first = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const base = first.addr.port;
    const held = [first];
    try {
      for (let i = 1; i < count; i++) held.push(Deno.listen({ hostname: "127.0.0.1", port: base + i }));
      return base;
    } catch {
      // One of the next ports is taken: try elsewhere.
    } finally {
      for (const l of held) l.close();
    }
  }
  throw new Error(`no ${count} consecutive free ports on 127.0.0.1`);
}
