/**
 * Running a workflow: each stage started as its own process once the stages it reads from serve their
 * channels, the workflow page on its own port, and an end that loses no frame from the accounting:
 * the simulators stop publishing first, the runner waits for frames in flight to arrive, reads every
 * stage's final status, and only then stops the processes (SIGTERM, SIGKILL after the grace period).
 *
 * @module
 */
import { toolCommand } from "../cli/tools.ts";
import { type Logger, silentLogger } from "../../protocol/log.ts";
import { PvaClient } from "../../protocol/pva/client/client.ts";
import { configFromEnv } from "../../protocol/pva/config.ts";
import type { ControlTarget } from "../control/mod.ts";
import { type HttpHandle, serveHttp } from "../http/mod.ts";
import { type StatusDocument, StatusFeed } from "../status/mod.ts";
import { stageEnv } from "./env.ts";
import type { StageSpec, WorkflowSpec } from "./spec.ts";
import { answers, freePortRun, readStatus, requestStop } from "./stage_api.ts";
import { STAGE_KIND_INFO } from "./stage_kinds.ts";
import { StageProcess } from "./stage_process.ts";
import {
  addCounts,
  checkAgainstSource,
  countsOf,
  type StageAccount,
  type WorkflowSummary,
} from "./summary.ts";

/** Options of {@link runWorkflow}. */
export interface RunWorkflowOptions {
  /** The stages' environment (this process's by default), kept on loopback when it names no addresses. */
  env?: Readonly<Record<string, string>>;
  /** Receives the runner's lines and every stage's output lines, prefixed with the stage's name. */
  write?: (line: string) => void;
  /** Aborting ends the run as a stop does (Ctrl-C). */
  signal?: AbortSignal;
  /** Told about stages that fail. */
  logger?: Logger;
  /** Where the tools' scripts and deno.json are (this repository). */
  root?: URL;
  /** Working directory of the stages, against which their relative paths resolve (this process's). */
  cwd?: string;
  /** Milliseconds between status polls while running (1000). */
  pollMs?: number;
}

/** A workflow that could not start: a stage did not come up. */
export class WorkflowStartError extends Error {
  /**
   * A start failure.
   * @param message which stage and why
   */
  constructor(message: string) {
    super(message);
    this.name = "WorkflowStartError";
  }
}

interface Running {
  stage: StageSpec;
  proc: StageProcess;
  /** One HTTP API per process, in label order. */
  urls: URL[];
}

const REPOSITORY = new URL("../../", import.meta.url);
const FINISHED_STATES = ["draining", "stopped"];

/**
 * Runs `spec` until its simulators have finished, its runtime is over, a stop (the workflow page's
 * POST /api/stop, a stage's own stop) or `signal`; resolves with the end-to-end accounting.
 * @throws {WorkflowStartError} when a stage does not come up (everything started is stopped first)
 * @example
 * ```ts ignore
 * const spec = parseWorkflow(await Deno.readTextFile("workflows/default.yaml"));
 * const summary = await runWorkflow(spec, { signal: AbortSignal.timeout(30_000) });
 * for (const line of summaryLines(summary)) console.log(line);
 * ```
 */
export async function runWorkflow(
  spec: WorkflowSpec,
  opts: RunWorkflowOptions = {},
): Promise<WorkflowSummary> {
  return await new WorkflowRun(spec, opts).run();
}

class WorkflowRun {
  readonly #spec: WorkflowSpec;
  readonly #write: (line: string) => void;
  readonly #logger: Logger;
  readonly #env: Record<string, string>;
  readonly #root: URL;
  readonly #pollMs: number;
  readonly #cwd?: string;
  readonly #signal?: AbortSignal;
  readonly #running: Running[] = [];
  /** The last status of each process, by label. */
  readonly #last = new Map<string, Record<string, unknown>>();
  readonly #ended = Promise.withResolvers<string>();
  /** The runner's monitors holding simulators' first frames, by simulator stage name, until they publish. */
  readonly #gates = new Map<string, AbortController>();
  /** The workflow page's status (the first stage's), once the page is served. */
  #pageFeed: StatusFeed<StatusDocument> | undefined;

  constructor(spec: WorkflowSpec, opts: RunWorkflowOptions) {
    this.#spec = spec;
    this.#write = opts.write ?? ((line) => console.log(line));
    this.#logger = opts.logger ?? silentLogger;
    this.#env = stageEnv(opts.env ?? Deno.env.toObject());
    this.#root = opts.root ?? REPOSITORY;
    this.#pollMs = opts.pollMs ?? 1000;
    this.#cwd = opts.cwd;
    this.#signal = opts.signal;
  }

  #end(reason: string): void {
    this.#ended.resolve(reason);
  }

  async run(): Promise<WorkflowSummary> {
    const onAbort = () => this.#end("stop requested");
    if (this.#signal?.aborted) onAbort();
    this.#signal?.addEventListener("abort", onAbort, { once: true });
    const client = new PvaClient({ config: configFromEnv(this.#env), logger: this.#logger });
    let page: HttpHandle | undefined;
    try {
      for (const stage of this.#spec.stages) {
        await this.#waitForInputs(stage, client);
        await this.#start(stage);
      }
      await this.#waitForMirrorReaders();
      this.#releaseSimulators(client);
      await this.#poll({ fresh: true });
      page = await this.#servePage();
      const timer = this.#spec.runtime > 0
        ? setTimeout(() => this.#end("runtime"), this.#spec.runtime * 1000)
        : undefined;
      const ended = await this.#watch();
      clearTimeout(timer);
      this.#write(`Workflow ${this.#spec.name} ending: ${ended}`);
      await this.#drain();
      return await this.#stopAll(ended);
    } catch (e) {
      await this.#stopAll("start failed");
      throw e;
    } finally {
      for (const gate of this.#gates.values()) gate.abort();
      this.#signal?.removeEventListener("abort", onAbort);
      await page?.close();
      await client.close();
    }
  }

  /** Waits until every channel `stage` reads that an earlier stage serves is found. */
  async #waitForInputs(stage: StageSpec, client: PvaClient): Promise<void> {
    const served = new Set(this.#running.flatMap((r) => r.stage.serves));
    const deadline = performance.now() + this.#spec.startTimeout * 1000;
    for (const channel of new Set(stage.reads.filter((c) => served.has(c)))) {
      for (;;) {
        this.#throwIfEnded(`stage ${stage.name} waited for ${channel}`);
        const left = deadline - performance.now();
        if (left <= 0) {
          throw new WorkflowStartError(
            `stage ${stage.name}: its input ${channel} was not served within ${this.#spec.startTimeout} s`,
          );
        }
        try {
          await client.info(channel, { timeout: Math.min(2000, left) });
          break;
        } catch {
          await delay(100);
        }
      }
    }
  }

  /** Starts `stage` and waits until each of its processes' HTTP API answers. */
  async #start(stage: StageSpec): Promise<void> {
    const info = STAGE_KIND_INFO[stage.kind];
    const port = stage.httpPort ?? freePortRun(stage.processes);
    const { command, args } = toolCommand(info.tool, [...stage.argv, `--http-port=${port}`], this.#root);
    const proc = StageProcess.spawn({
      name: stage.name,
      command,
      args,
      env: this.#env,
      cwd: this.#cwd,
      write: this.#write,
    });
    const urls = stage.labels.map((_, i) => new URL(`http://127.0.0.1:${port + i}/`));
    const running = { stage, proc, urls };
    this.#running.push(running);
    proc.exited.then((code) => this.#end(`stage ${stage.name} exited (code ${code})`));
    const deadline = performance.now() + this.#spec.startTimeout * 1000;
    for (const url of urls) {
      while (!await answers(url)) {
        if (proc.exitCode !== undefined) {
          throw new WorkflowStartError(`stage ${stage.name} exited (code ${proc.exitCode}) before it was up`);
        }
        this.#throwIfEnded(`stage ${stage.name} was starting`);
        if (performance.now() > deadline) {
          throw new WorkflowStartError(
            `stage ${stage.name}: no HTTP API on ${url} within ${this.#spec.startTimeout} s`,
          );
        }
        await delay(100);
      }
    }
    this.#write(
      `Stage ${stage.name} (${stage.kind}) up: ${urls.join(", ")}` +
        (stage.serves.length > 0 ? `; serves ${stage.serves.join(", ")}` : ""),
    );
  }

  /**
   * Waits until each mirror serves every monitor the workflow opens on its channels (its status counts
   * them), so that frames do not pass through it before its readers are there.
   */
  async #waitForMirrorReaders(): Promise<void> {
    const reads = this.#running.flatMap((r) => r.stage.reads);
    const deadline = performance.now() + this.#spec.startTimeout * 1000;
    for (const { stage, urls } of this.#running.filter((r) => r.stage.kind === "mirror")) {
      for (;;) {
        const status = await readStatus(urls[0], { fresh: true });
        const channels = (status?.channels ?? []) as { mirror: string; nSubscribers: number }[];
        if (channels.every((c) => c.nSubscribers >= reads.filter((r) => r === c.mirror).length)) break;
        this.#throwIfEnded(`stage ${stage.name} waited for its readers`);
        if (performance.now() > deadline) {
          throw new WorkflowStartError(
            `stage ${stage.name}: its readers did not subscribe within ${this.#spec.startTimeout} s`,
          );
        }
        await delay(100);
      }
    }
  }

  /** Opens the runner's monitor (uniqueId only) on each simulator that waits for it: its first frame goes. */
  #releaseSimulators(client: PvaClient): void {
    for (const { stage } of this.#running.filter((r) => r.stage.releasedByRunner)) {
      const gate = new AbortController();
      this.#gates.set(stage.name, gate);
      (async () => {
        try {
          for await (
            const _ of client.monitor(stage.serves[0], { request: "field(uniqueId)", signal: gate.signal })
          ) {
            // Read only to keep the subscription flowing; closed once the simulator publishes.
          }
        } catch {
          // Closed.
        }
      })();
    }
  }

  #throwIfEnded(what: string): void {
    if (this.#signal?.aborted) throw new WorkflowStartError(`stopped while ${what}`);
  }

  /**
   * Reads the status of every process still running; `fresh` has each refresh it first (get_stats), for
   * the final counts (while running, the periodic statuses do, and get_stats would make mirrors report).
   */
  async #poll({ fresh }: { fresh: boolean }): Promise<void> {
    await Promise.all(this.#running.flatMap(({ stage, proc, urls }) =>
      urls.map(async (url, i) => {
        if (proc.exitCode !== undefined) return;
        const status = await readStatus(url, { fresh });
        if (status) this.#last.set(stage.labels[i], status);
      })
    ));
    this.#pageFeed?.refresh();
  }

  async #servePage(): Promise<HttpHandle | undefined> {
    if (this.#spec.httpPort < 0) return undefined;
    const first = this.#running[0].stage.labels[0];
    // The page's own status is the first stage's (the source's) status document, refreshed at each poll.
    const feed = new StatusFeed({ build: () => (this.#last.get(first) ?? {}) as unknown as StatusDocument });
    this.#pageFeed = feed;
    const target: ControlTarget = {
      configure() {
        throw new Error("configure a stage on its own page");
      },
      resetStats: async () => {
        for (const { urls } of this.#running) {
          await Promise.all(urls.map((u) =>
            fetch(new URL("api/reset-stats", u), { method: "POST" })
              .then((r) => r.body?.cancel())
          ));
        }
      },
      getStats: () => this.#poll({ fresh: true }),
      stop: () => this.#end("stop requested"),
    };
    const page = await serveHttp({
      port: this.#spec.httpPort,
      target,
      status: feed,
      stages: this.#running.flatMap(({ stage, urls }) =>
        urls.map((u, i) => ({ name: stage.labels[i], kind: stage.kind, url: u.href }))
      ),
      logger: this.#logger,
      title: `pvastream workflow ${this.#spec.name}`,
    });
    this.#write(`Workflow ${this.#spec.name}: ${page.url} (stop: POST ${page.url}api/stop or Ctrl-C)`);
    return page;
  }

  /** Polls the stages until the run ends; resolves with why. */
  async #watch(): Promise<string> {
    const simulators = this.#running.filter((r) => r.stage.kind === "simulator");
    for (;;) {
      const reason = await Promise.race([this.#ended.promise, delay(this.#pollMs).then(() => undefined)]);
      if (reason !== undefined) return reason;
      await this.#poll({ fresh: false });
      for (const [name, gate] of this.#gates) {
        const state = String(this.#last.get(name)?.state);
        if (state !== "waiting" && state !== "idle") {
          gate.abort();
          this.#gates.delete(name);
        }
      }
      const finished = (r: Running) =>
        r.proc.exitCode !== undefined ||
        FINISHED_STATES.includes(String(this.#last.get(r.stage.labels[0])?.state));
      if (simulators.length > 0 && simulators.every(finished)) return "simulators finished";
    }
  }

  /**
   * The simulators stop publishing (their channels stay up through their shutdown delay); then the
   * runner waits until no stage's counts change any more (frames in flight arrived), at most `settle`.
   */
  async #drain(): Promise<void> {
    const simulators = this.#running.filter((r) =>
      r.stage.kind === "simulator" && r.proc.exitCode === undefined
    );
    await Promise.all(simulators.map((r) => requestStop(r.urls[0])));
    const deadline = performance.now() + this.#spec.settle * 1000;
    let before = "";
    for (;;) {
      await this.#poll({ fresh: true });
      const now = JSON.stringify(
        this.#running.map(({ stage }) =>
          stage.labels.map((l) => countsOf(stage.kind, this.#last.get(l) ?? null))
        ),
      );
      // A collector's last frames wait in its cache for its idle time: not settled until they left.
      const cached = this.#running.some(({ stage }) =>
        stage.kind === "collector" &&
        stage.labels.some((l) => Number(collectorCached(this.#last.get(l) ?? null)) > 0)
      );
      if ((now === before && !cached) || performance.now() > deadline) return;
      before = now;
      await delay(300);
    }
  }

  /** Stops every process (the consumers' before the sources'), and sums up. */
  async #stopAll(ended: string): Promise<WorkflowSummary> {
    const grace = { graceMs: this.#spec.stopGrace * 1000 };
    const codes = new Map<string, number>();
    for (const r of this.#running.toReversed()) codes.set(r.stage.name, await r.proc.stop(grace));
    const stages = this.#running.map(({ stage }): StageAccount => {
      const processes = stage.labels.map((label) => {
        const status = this.#last.get(label) ?? null;
        return { label, status, counts: countsOf(stage.kind, status) };
      });
      return {
        name: stage.name,
        kind: stage.kind,
        exitCode: codes.get(stage.name) ?? null,
        counts: addCounts(processes.map((p) => p.counts)),
        processes,
      };
    });
    for (const [i, { stage }] of this.#running.entries()) {
      const fed = this.#running.findIndex((r) =>
        r.stage.kind === "simulator" && stage.reads.includes(r.stage.serves[0])
      );
      // Distributor sets take turns across stages: no one stage can be checked against the source.
      if (stage.kind !== "consumer" || fed < 0 || stage.distribution === "sets") continue;
      const published = stages[fed].counts.published ?? 0;
      stages[i].source = checkAgainstSource(
        stages[i].processes,
        { name: stages[fed].name, published },
        { shared: stage.distribution === "shared" },
      );
    }
    return { workflow: this.#spec.name, ended, stages };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Updates a collector holds in its cache, from its status (0 when unknown). */
function collectorCached(status: unknown): number {
  const stats = (status as { collectorStats?: { nCached?: number } } | null)?.collectorStats;
  return stats?.nCached ?? 0;
}
