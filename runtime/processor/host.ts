/**
 * {@link ProcessorHost}: runs one processor in a sandbox (a Worker or a child process) behind
 * one interface, so the consumer does not care which. It checks what comes back (statistics
 * against their declaration, outputs against the channel type), enforces the time limit per
 * call, and restarts a sandbox that hangs or dies, calling `configure` again.
 *
 * @module
 */
import { type Logger, silentLogger } from "../../protocol/log.ts";
import type { FieldDesc, StructureDesc, StructValue } from "../../protocol/pvdata/mod.ts";
import { ProcessorError, type ProcessorErrorKind } from "./errors.ts";
import type { GpuAdapterPreference, GpuAdapterSummary } from "./gpu/adapter.ts";
import type { OpenLink, SandboxLink } from "./link.ts";
import type { HostRequest, SandboxReply } from "./messages.ts";
import { outputList, OutputTypeGuard } from "./outputs.ts";
import { noPermissions, type SandboxPermissions } from "./permissions.ts";
import { openProcessLink } from "./process_link.ts";
import { checkStats, userStatsType } from "./stats.ts";
import { checkGrantedPaths } from "./symlinks.ts";
import type { Frame, Output, ProcessorArgs, StatsDeclaration } from "./types.ts";
import { openWorkerLink } from "./worker_link.ts";

/** Where the processor runs. */
export type Isolation = "worker" | "process";

/** How to run a processor. */
export interface ProcessorHostOptions {
  /** The processor module: a path or a URL. */
  file: string;
  /** The export to use (`--processor-class`). */
  className?: string;
  /** Arguments of the first `configure`: the user's JSON plus the system keys. */
  args?: ProcessorArgs;
  /** The grants; default none. */
  permissions?: SandboxPermissions;
  /** `"worker"` (default) or `"process"` (own memory limit). */
  isolation?: Isolation;
  /** Heap limit of the child process in MiB (process isolation). */
  memoryMb?: number;
  /** The WebGPU adapter the processor gets (`--gpu-adapter`; needs the `gpu` grant). */
  gpuAdapter?: GpuAdapterPreference;
  /** Longest a call may take before the sandbox is ended and restarted, in ms (default 10000). */
  timeLimitMs?: number;
  /** Longest loading and the first `configure` may take, in ms (default 30000). */
  startLimitMs?: number;
  /** Receives the errors and restarts as they happen. */
  onEvent?: (event: HostEvent) => void;
  /** Where the host logs (default: silent). */
  logger?: Logger;
}

/** Something the consumer puts into its status. */
export type HostEvent =
  | { kind: "error"; error: ProcessorError }
  | { kind: "restart"; reason: ProcessorErrorKind; message: string; restarts: number };

/** Counts since the host started (they survive restarts). */
export interface HostCounters {
  /** Calls that failed, of any kind. */
  errors: number;
  /** Sandboxes restarted after a time-out or a crash. */
  restarts: number;
  /** Calls that exceeded the time limit. */
  timeouts: number;
  /** Sandboxes that died (uncaught error, out of memory). */
  crashes: number;
}

interface Pending {
  id: number;
  op: HostRequest["op"];
  resolve(v: unknown): void;
  reject(e: ProcessorError): void;
  /** When the call began to run in the sandbox (performance.now); undefined while it waits its turn. */
  startedAt: number | undefined;
}

const OPEN: Record<Isolation, OpenLink> = { worker: openWorkerLink, process: openProcessLink };

/**
 * One processor in its sandbox.
 *
 * @example
 * ```ts ignore
 * import { ProcessorHost } from "./host.ts";
 * const host = new ProcessorHost({ file: "processors/passthrough.ts", args: { processorId: 1 } });
 * await host.start();
 * const outputs = await host.process(frame);
 * await host.stop();
 * ```
 */
export class ProcessorHost {
  readonly #opts: ProcessorHostOptions;
  readonly #log: Logger;
  readonly #pending = new Map<number, Pending>();
  readonly #counters: HostCounters = { errors: 0, restarts: 0, timeouts: 0, crashes: 0 };
  #link: SandboxLink | undefined;
  /** Settles when the current sandbox is loaded and configured; undefined before start. */
  #ready: Promise<void> | undefined;
  /** True while the current sandbox is loaded and configured (calls then skip awaiting #ready). */
  #running = false;
  #nextId = 1;
  #args: ProcessorArgs;
  #statsTypes: StatsDeclaration = {};
  #outputs = new OutputTypeGuard();
  #batch = false;
  #gpuAdapter: GpuAdapterSummary | undefined;
  #stopped = false;
  /** The one timer of the time limit, armed no later than the running call's deadline (see #startClock). */
  #watchdog: ReturnType<typeof setTimeout> | undefined;

  /**
   * Prepares the host; nothing runs before {@link start}.
   * @param opts what to run and how
   */
  constructor(opts: ProcessorHostOptions) {
    this.#opts = opts;
    this.#log = opts.logger ?? silentLogger;
    this.#args = opts.args ?? {};
  }

  /** The statistics the processor declared (known after {@link start}). */
  get statsTypes(): StatsDeclaration {
    return this.#statsTypes;
  }

  /** The `userStats` structure of the status PV (after {@link start}). */
  get userStatsType(): StructureDesc {
    return userStatsType(this.#statsTypes);
  }

  /** The output channel's type: declared, or the first output's; undefined until known. */
  get outputType(): FieldDesc | undefined {
    return this.#outputs.type;
  }

  /** True when the processor has `processBatch` (known after {@link start}). */
  get batching(): boolean {
    return this.#batch;
  }

  /** The WebGPU adapter the processor obtained last; undefined until it asks for one. */
  get gpuAdapter(): GpuAdapterSummary | undefined {
    return this.#gpuAdapter;
  }

  /** Errors, restarts, time-outs and crashes so far. */
  get counters(): Readonly<HostCounters> {
    return { ...this.#counters };
  }

  /**
   * Loads the processor, configures it with the options' args and checks its statistics.
   * @throws {ProcessorError} kind "load" (module, export, grants), "stats" (naming the key),
   * "thrown" or "timeout" (configure)
   */
  async start(): Promise<void> {
    if (this.#ready) throw new ProcessorError("load", "the processor host is already started");
    checkGrantedPaths(this.#opts.permissions ?? noPermissions());
    this.#ready = this.#launch();
    try {
      await this.#ready;
      checkStats(this.#statsTypes, await this.#call({ op: "stats" }));
    } catch (e) {
      await this.#close();
      throw e;
    }
  }

  /**
   * Runs the processor on one frame; the frame's buffer moves to the sandbox (its `data` is
   * detached afterwards). Resolves with the outputs to publish, in order. Several frames may be
   * in flight (a window hides the round trip); the processor still gets them one at a time, in
   * order, and each call's time limit runs only while it is the one being processed.
   * @throws {ProcessorError} when the processor threw, returned a bad or mistyped output, took
   * too long (the sandbox is then restarted) or died
   */
  process(frame: Frame): Promise<readonly Output[]> {
    return this.#outputsOf(this.#call({ op: "process", frame }));
  }

  /**
   * Runs the processor's `processBatch` on several frames in one call (their buffers move to the
   * sandbox); resolves with the outputs of the whole batch, in order.
   * @throws {ProcessorError} as {@link process}, and kind "load" when the processor has no
   * `processBatch` (see {@link batching})
   */
  processBatch(frames: Frame[]): Promise<readonly Output[]> {
    if (!this.#batch) {
      return Promise.reject(new ProcessorError("load", "the processor has no processBatch method"));
    }
    return this.#outputsOf(this.#call({ op: "processBatch", frames }));
  }

  async #outputsOf(call: Promise<unknown>): Promise<readonly Output[]> {
    const r = await call;
    try {
      const outputs = outputList(r as Output[]);
      this.#outputs.check(outputs);
      return outputs;
    } catch (e) {
      throw this.#count(e as ProcessorError);
    }
  }

  /**
   * Reconfigures the processor at runtime; the arguments are kept for restarts.
   * @param args the new arguments (the user's keys plus the system keys)
   */
  async configure(args: ProcessorArgs): Promise<void> {
    await this.#call({ op: "configure", args });
    this.#args = args;
  }

  /**
   * The processor's statistics, checked against the declaration, as the `userStats` value.
   * @throws {ProcessorError} (kind "stats") naming the key that does not match
   */
  async stats(): Promise<StructValue> {
    const values = await this.#call({ op: "stats" });
    try {
      return checkStats(this.#statsTypes, values);
    } catch (e) {
      throw this.#count(e as ProcessorError);
    }
  }

  /** Zeroes the processor's statistics. */
  async resetStats(): Promise<void> {
    await this.#call({ op: "resetStats" });
  }

  /** Calls the processor's `stop` (within the time limit) and ends the sandbox. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    try {
      if (this.#link) await this.#call({ op: "stop" });
    } finally {
      this.#stopped = true;
      await this.#close();
    }
  }

  async #launch(): Promise<void> {
    const { file, className, isolation = "worker", memoryMb, gpuAdapter, startLimitMs = 30_000 } = this.#opts;
    const permissions = this.#opts.permissions ?? noPermissions();
    const processorUrl = toUrl(file);
    const loaded = Promise.withResolvers<SandboxReply & { op: "ready" }>();
    const timer = setTimeout(
      () =>
        loaded.reject(new ProcessorError("timeout", `the processor did not load within ${startLimitMs} ms`)),
      startLimitMs,
    );
    let loading = true;
    const link: SandboxLink = OPEN[isolation]({
      processorUrl,
      className,
      gpu: permissions.gpu,
      gpuAdapter,
      permissions,
      memoryMb,
      logger: this.#log,
    }, {
      reply: (r) => {
        if (r.op === "ready") loaded.resolve(r);
        else if (r.op === "failed") loaded.reject(new ProcessorError("load", r.error.message));
        else if (r.op === "log") {
          this.#log[r.level]("processor output", { line: r.line, processor: processorUrl });
        } else if (r.op === "gpu") this.#gpuAdapter = r.adapter;
        else this.#settle(r);
      },
      exit: (reason) => {
        // Dying while loading fails the start; restarting would only die again.
        if (loading) loaded.reject(new ProcessorError("load", `the sandbox ended while loading: ${reason}`));
        else if (this.#link === link) this.#crashed(reason);
      },
    });
    this.#link = link;
    try {
      const ready = await loaded.promise;
      this.#statsTypes = ready.statsTypes;
      userStatsType(ready.statsTypes); // unknown stat types fail here, at start
      this.#outputs = new OutputTypeGuard(ready.outputType);
      this.#batch = ready.batch === true;
    } catch (e) {
      link.close();
      throw e;
    } finally {
      loading = false;
      clearTimeout(timer);
    }
    await this.#send({ op: "configure", args: this.#args });
    this.#running = true;
  }

  async #call(req: DistributiveOmit<HostRequest, "id">): Promise<unknown> {
    if (this.#stopped) throw new ProcessorError("stopped", "the processor host is stopped");
    if (!this.#ready) throw new ProcessorError("stopped", "the processor host is not started");
    if (!this.#running) await this.#ready;
    return this.#send(req);
  }

  #send(req: DistributiveOmit<HostRequest, "id">): Promise<unknown> {
    const id = this.#nextId++;
    const { promise, resolve, reject } = Promise.withResolvers<unknown>();
    const p: Pending = { id, op: req.op, resolve, reject, startedAt: undefined };
    this.#pending.set(id, p);
    if (this.#pending.size === 1) this.#startClock(p);
    this.#link!.send({ ...req, id } as HostRequest);
    return promise;
  }

  /**
   * The sandbox answers calls one at a time, in order, so only the oldest call is running: its
   * time limit starts when the one before it ends, and calls waiting behind it are not timed.
   * One timer serves every call (a timer set and cleared per frame showed in the consumer's CPU
   * profile): it is armed for the running call's deadline and, when it fires after that call has
   * ended, re-armed for the deadline of the one running then.
   */
  #startClock(p: Pending): void {
    p.startedAt = performance.now();
    if (this.#watchdog === undefined) this.#watchdog = setTimeout(this.#checkClock, this.#limitMs);
  }

  get #limitMs(): number {
    return this.#opts.timeLimitMs ?? 10_000;
  }

  readonly #checkClock = (): void => {
    this.#watchdog = undefined;
    const running = this.#pending.values().next();
    if (running.done || running.value.startedAt === undefined) return;
    const { id, op, startedAt } = running.value;
    const left = startedAt + this.#limitMs - performance.now();
    if (left <= 0) this.#timedOut(id, op, this.#limitMs);
    else this.#watchdog = setTimeout(this.#checkClock, left);
  };

  #settle(r: Extract<SandboxReply, { id: number }>): void {
    const p = this.#pending.get(r.id);
    if (!p) return;
    this.#pending.delete(r.id);
    const next = this.#pending.values().next();
    if (!next.done && next.value.startedAt === undefined) this.#startClock(next.value);
    if (r.op === "result") p.resolve(r.value);
    else p.reject(this.#count(new ProcessorError("thrown", r.error.message, { errorName: r.error.name })));
  }

  #count(e: ProcessorError): ProcessorError {
    this.#counters.errors++;
    this.#opts.onEvent?.({ kind: "error", error: e });
    return e;
  }

  #timedOut(id: number, op: string, limit: number): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#counters.timeouts++;
    this.#restart("timeout", `${op} took longer than ${limit} ms`);
  }

  #crashed(reason: string): void {
    if (this.#stopped) return;
    this.#counters.crashes++;
    this.#restart("crash", `the sandbox died: ${reason}`);
  }

  /**
   * Fails every call in flight and ends the sandbox; a sandbox that was running is replaced by a
   * new one configured with the last arguments. One that fails while being configured is not:
   * its launch fails instead, or a processor that dies in `configure` would restart forever.
   */
  #restart(kind: ProcessorErrorKind, message: string): void {
    const relaunch = this.#running && !this.#stopped;
    const link = this.#link;
    this.#link = undefined;
    this.#running = false;
    this.#failPending(kind, message);
    link?.close();
    if (!relaunch) return;
    this.#counters.restarts++;
    this.#log.warn("processor restarted", { reason: kind, message, file: this.#opts.file });
    this.#opts.onEvent?.({ kind: "restart", reason: kind, message, restarts: this.#counters.restarts });
    this.#ready = this.#launch();
    // A failed relaunch fails the calls waiting on it; nothing else awaits it.
    this.#ready.catch((e) => this.#log.error("processor restart failed", { message: String(e) }));
  }

  #failPending(kind: ProcessorErrorKind, message: string): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    clearTimeout(this.#watchdog);
    this.#watchdog = undefined;
    for (const p of all) {
      p.reject(this.#count(new ProcessorError(kind, message)));
    }
  }

  async #close(): Promise<void> {
    this.#stopped = true;
    this.#running = false;
    this.#failPending("stopped", "the processor host stopped");
    const link = this.#link;
    this.#link = undefined;
    await link?.close();
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

function toUrl(file: string): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(file)) return file;
  return new URL(file, `file://${Deno.cwd()}/`).href;
}
