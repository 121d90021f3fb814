/**
 * The server target: sessions recorded from real clients are replayed against the server under
 * test (a child process), one connection each, with some of their messages mutated and extra
 * mutated messages spliced in. After each mutated message an ECHO probe checks that the server
 * handled it and still answers, unless our own framing left a message unfinished: then we either
 * hang up mid-message or wait for the server's messageTimeout to drop us.
 *
 * @module
 */
import { splitMessages } from "../support/pva_split.ts";
import type { Session } from "./corpus.ts";
import { concat, mutate } from "./mutate.ts";
import { ProbeSocket } from "./probe_socket.ts";
import type { Rng } from "./rng.ts";
import { Budget, bump, fail, hex, type TargetReport } from "./stats.ts";

/** How to fuzz a server. */
export interface ServerFuzzOptions {
  /** The little-endian server's TCP port. */
  port: number;
  /** The big-endian server's TCP port (a third of the sessions go there). */
  bigPort: number;
  /** Client sessions to replay. */
  sessions: Session[];
  /** Messages to send in all. */
  messages: number;
  /** Parallel connections. */
  concurrency?: number;
  /** Probability that a replayed message is mutated. */
  mutationRate?: number;
  /** Milliseconds an ECHO probe may take before the server counts as hung. */
  probeTimeoutMs?: number;
  /** The server's messageTimeout in ms: how long it may keep a connection with an unfinished message. */
  messageTimeoutMs?: number;
}

/** Messages written together, then probed. */
interface Step {
  messages: Uint8Array[];
  /** Mutator names when the step ends in a mutated message. */
  names: string[];
}

/** Runs the server target, adding to `report`. */
export async function fuzzServer(rng: Rng, opts: ServerFuzzOptions, report: TargetReport): Promise<void> {
  const { concurrency = 32 } = opts;
  const budget = new Budget(opts.messages);
  const donors = opts.sessions.flatMap((s) => s.messages);
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, async (_, i) => {
    const worker = rng.fork();
    while (budget.open) {
      const port = worker.chance(1 / 3) ? opts.bigPort : opts.port;
      const steps = plan(worker, worker.pick(opts.sessions), donors, opts.mutationRate ?? 0.3);
      await runSession(worker, port, steps, budget, opts, report).catch((e) =>
        fail(report, `worker ${i}: ${e instanceof Error ? e.stack : String(e)}`)
      );
    }
  }));
  report.seconds += (performance.now() - started) / 1000;
}

/** Cuts a session into steps, each ending in a mutated message (or the session's end). */
function plan(rng: Rng, session: Session, donors: Uint8Array[], rate: number): Step[] {
  const steps: Step[] = [];
  let pending: Uint8Array[] = [];
  const mutated = (m: Uint8Array) => {
    const { names, messages } = mutate(rng, m, donors);
    steps.push({ messages: [...pending, ...messages], names });
    pending = [];
  };
  for (const m of session.messages) {
    if (rng.chance(0.05)) mutated(rng.pick(donors));
    if (rng.chance(rate)) mutated(m);
    else pending.push(m);
  }
  // A tail of mutated strangers from any session: the state the session built is now their context.
  for (let n = rng.int(8); n > 0; n--) mutated(rng.pick(donors));
  if (pending.length > 0) steps.push({ messages: pending, names: [] });
  return steps;
}

async function runSession(
  rng: Rng,
  port: number,
  steps: Step[],
  budget: Budget,
  opts: ServerFuzzOptions,
  report: TargetReport,
): Promise<void> {
  const { probeTimeoutMs = 5000, messageTimeoutMs = 2000 } = opts;
  const socket = await ProbeSocket.connect(port);
  bump(report.outcomes, "connections");
  const sent: Uint8Array[] = [];
  try {
    for (const step of steps) {
      const bytes = step.messages.reduce(concat);
      const wrote = await writeInPieces(rng, socket, bytes);
      budget.spend(step.messages.length);
      report.messages += step.messages.length;
      if (step.names.length > 0) {
        report.mutated++;
        for (const name of step.names) bump(report.mutators, name);
      }
      sent.push(bytes);
      if (!wrote) return void bump(report.outcomes, "closed by server");
      if (framing(sent) === "unfinished") {
        // Hang up mid-message, or (one time in ten) wait for the server's messageTimeout.
        if (rng.chance(0.9)) return void bump(report.outcomes, "hung up mid-message");
        if (await closesWithin(socket, messageTimeoutMs + probeTimeoutMs)) {
          return void bump(report.outcomes, "dropped by messageTimeout");
        }
        return fail(report, `kept a connection with an unfinished message: ${hex(sent.reduce(concat))}`);
      }
      const result = await socket.probe(probeTimeoutMs);
      if (result === "closed") return void bump(report.outcomes, "closed by server");
      if (result === "silent") {
        return fail(report, `no echo within ${probeTimeoutMs} ms after: ${hex(sent.reduce(concat), 2048)}`);
      }
      if (!budget.open) break;
    }
    bump(report.outcomes, "session completed");
  } finally {
    socket.close();
  }
}

/** Writes `bytes` in one to three pieces, so that messages also arrive split across reads. */
async function writeInPieces(rng: Rng, socket: ProbeSocket, bytes: Uint8Array): Promise<boolean> {
  const cuts = [0, ...Array.from({ length: rng.int(3) }, () => rng.int(bytes.length)).sort((a, b) => a - b)];
  for (let i = 0; i < cuts.length; i++) {
    if (!await socket.write(bytes.subarray(cuts[i], cuts[i + 1] ?? bytes.length))) return false;
  }
  return true;
}

/** Whether what we sent ends inside a message (the server then waits for more) or not. */
function framing(sent: Uint8Array[]): "unfinished" | "whole or broken" {
  const { error } = splitMessages(sent.reduce(concat));
  return error !== undefined && /cut off|never ends|needs 8 bytes/.test(error.reason)
    ? "unfinished"
    : "whole or broken";
}

async function closesWithin(socket: ProbeSocket, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<false>((resolve) => timer = setTimeout(() => resolve(false), ms));
  try {
    return await Promise.race([socket.closed.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}
