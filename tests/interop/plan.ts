/**
 * Drives a Python client plan (py/p4p_plan.py, py/pvapy_plan.py): one peer process per test
 * file, fed one step at a time, with the events of long steps (monitor, distribute) handed to
 * the test so it can post updates while the peer listens.
 *
 * @module
 */
import { type PeerProcess, startPython } from "./peers.ts";
import { within } from "../support/within.ts";

/** Seconds a peer may take beyond a step's own timeout before the step fails. */
const STEP_GRACE_S = 10;

/** JSON.rawJSON (ES2025, not yet in TypeScript's lib): writes a bigint as an exact JSON number. */
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

/** One step of a plan; see the plan scripts for the keys each op takes. */
export interface Step {
  op: "get" | "info" | "put" | "rpc" | "monitor" | "distribute";
  pv: string;
  [key: string]: unknown;
}

/** A document the peer printed for a step. */
export interface StepDoc {
  step: number;
  event?: "subscribed" | "progress";
  error?: string;
  [key: string]: unknown;
}

/**
 * A running plan process.
 * @example
 * ```ts ignore
 * await using plan = await Plan.start("p4p_plan.py", env);
 * const doc = await plan.run({ op: "get", pv: "demo:x" });
 * ```
 */
export class Plan implements AsyncDisposable {
  private nextStep = 1;

  private constructor(private readonly peer: PeerProcess) {}

  /** Starts `script` with `env` and waits for its READY line. */
  static async start(script: string, env: Record<string, string>): Promise<Plan> {
    return new Plan(await startPython(script, [], { env, timeoutMs: 30_000 }));
  }

  /**
   * Runs one step; `onEvent` sees its events in order (and is awaited before the next is
   * read). Resolves with the step's result; an error result, or no document for the step's
   * timeout (default 10 s) plus 10 s, rejects. Bigints in the step reach the peer as exact
   * integers.
   */
  async run(step: Step, onEvent?: (e: StepDoc) => void | Promise<void>): Promise<StepDoc> {
    const number = this.nextStep++;
    const line = JSON.stringify(
      { ...step, step: number },
      (_k, v) => typeof v === "bigint" ? rawJSON(`${v}`) : v,
    );
    // A peer stuck in its library (pvapy can wait forever on a dropped connection) fails the step.
    const limitMs = (Number(step.timeout ?? 10) + STEP_GRACE_S) * 1000;
    const what = `step ${number} (${step.op} ${step.pv})`;
    let doc = await within(this.peer.send(line), limitMs, what) as StepDoc;
    for (;;) {
      if (doc.step !== number) throw new Error(`step ${number}: got a document of step ${doc.step}`);
      if (doc.error !== undefined) throw new Error(`${step.op} ${step.pv}: ${doc.error}`);
      if (doc.event === undefined) return doc;
      await onEvent?.(doc);
      doc = await within(this.peer.receive(), limitMs, what) as StepDoc;
    }
  }

  /** Stops the peer. */
  close(): Promise<void> {
    return this.peer.close();
  }

  /** Stops the peer (`await using`). */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
