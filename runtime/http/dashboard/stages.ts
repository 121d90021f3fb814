/**
 * The workflow page's data: the pipeline's stages (each a process with its own HTTP API) and their
 * current statuses, gathered by the server so that the page needs no cross-origin access to each stage.
 *
 * @module
 */

/** One stage of a pipeline, as the workflow runner knows it. */
export interface StageLink {
  /** Name shown on the diagram, unique in the workflow. */
  name: string;
  /** What it is: "simulator", "consumer", "collector", ...; stages of one kind form one column. */
  kind: string;
  /** Base URL of the stage's HTTP API (its dashboard), e.g. `http://127.0.0.1:8101/`. */
  url: string;
}

/** A stage with its status as last fetched. */
export interface StageState extends StageLink {
  /** The stage's GET /api/status, or null when it did not answer. */
  status: Record<string, unknown> | null;
  /** Why there is no status. */
  error?: string;
}

/**
 * Checks a list of stages: unique names, http(s) URLs.
 * @throws {RangeError} naming the stage that is wrong
 */
export function checkStages(stages: readonly StageLink[]): void {
  const names = new Set<string>();
  for (const { name, url } of stages) {
    if (names.has(name)) throw new RangeError(`two stages are named "${name}"`);
    names.add(name);
    if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) {
      throw new RangeError(`stage "${name}" has no http(s) URL: "${url}"`);
    }
  }
}

async function fetchStatus(stage: StageLink, timeoutMs: number): Promise<StageState> {
  try {
    const res = await fetch(new URL("api/status", stage.url), { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) {
      await res.body?.cancel();
      return { ...stage, status: null, error: `GET /api/status answered ${res.status}` };
    }
    return { ...stage, status: await res.json() };
  } catch (e) {
    // Deno's fetch says only "fetch failed"; what failed (connection refused, ...) is in the cause.
    const cause = (e as Error).cause;
    const reason = e instanceof DOMException && e.name === "TimeoutError"
      ? `no answer within ${timeoutMs} ms`
      : cause instanceof Error
      ? `${(e as Error).message}: ${cause.message.replace(/^.*: /, "")}`
      : (e as Error).message;
    return { ...stage, status: null, error: reason };
  }
}

/**
 * Fetches every stage's status at once, each within `timeoutMs`.
 * @example
 * ```ts ignore
 * const states = await stageStates([{ name: "sim", kind: "simulator", url: "http://127.0.0.1:8101/" }]);
 * ```
 */
export function stageStates(stages: readonly StageLink[], { timeoutMs = 2000 } = {}): Promise<StageState[]> {
  return Promise.all(stages.map((s) => fetchStatus(s, timeoutMs)));
}
