/**
 * Reading a workflow file: every problem found before anything starts, each named by its YAML path
 * and line (`stages[2].options.frame-rate (line 14): --frame-rate needs a number, not "fast"`).
 *
 * @module
 */
import { isCompiledBinary } from "../cli/compiled.ts";
import { toolCommand } from "../cli/tools.ts";
import { STAGE_KIND_INFO } from "./stage_kinds.ts";
import { STAGE_KINDS, type StageKind, type StageSpec, type WorkflowSpec } from "./spec.ts";
import { formatPath, readYaml, type YamlIssue, type YamlPath, type YamlSource } from "./yaml_source.ts";

/** A workflow file that cannot run; {@link WorkflowError.issues} lists every problem found. */
export class WorkflowError extends Error {
  /** Every problem, in file order. */
  readonly issues: readonly YamlIssue[];

  /**
   * A file's problems, one line each in the message.
   * @param file the file's name, for the message
   * @param issues what is wrong and where
   */
  constructor(file: string, issues: readonly YamlIssue[]) {
    const lines = issues.map((i) =>
      `${file}${i.line === undefined ? "" : `:${i.line}`}: ${i.path ? `${i.path}: ` : ""}${i.message}`
    );
    super(lines.join("\n"));
    this.name = "WorkflowError";
    this.issues = issues;
  }
}

/** Options of {@link parseWorkflow}. */
export interface ParseWorkflowOptions {
  /** The file's name, for messages and the default workflow name ("workflow"). */
  file?: string;
  /** Where the tools' scripts are (this repository). */
  root?: URL;
}

const TOP_KEYS = ["name", "http-port", "runtime", "stop-grace", "start-timeout", "settle", "stages"];
const STAGE_KEYS = ["name", "kind", "options", "after"];
const REPOSITORY = new URL("../../", import.meta.url);

type Json = Record<string, unknown>;

/**
 * Reads and checks a workflow file.
 * @throws {WorkflowError} listing every problem with its path and line
 * @example
 * ```ts ignore
 * const spec = parseWorkflow(await Deno.readTextFile("workflows/default.yaml"), { file: "default.yaml" });
 * spec.stages.map((s) => s.name); // in start order
 * ```
 */
export function parseWorkflow(
  text: string,
  { file = "workflow", root = REPOSITORY }: ParseWorkflowOptions = {},
): WorkflowSpec {
  const read = readYaml(text);
  if ("issues" in read) throw new WorkflowError(file, read.issues);
  const checker = new Checker(read.source);
  const spec = checker.workflow(file, root);
  if (checker.issues.length > 0 || spec === undefined) {
    throw new WorkflowError(file, checker.issues.toSorted((a, b) => (a.line ?? 0) - (b.line ?? 0)));
  }
  return spec;
}

class Checker {
  readonly issues: YamlIssue[] = [];
  readonly #source: YamlSource;

  constructor(source: YamlSource) {
    this.#source = source;
  }

  fail(path: YamlPath, message: string): undefined {
    this.issues.push({ path: formatPath(path), line: this.#source.lineOf(path), message });
    return undefined;
  }

  #number(
    value: unknown,
    path: YamlPath,
    { fallback, min, max = Infinity, integer = false }: {
      fallback: number;
      min: number;
      max?: number;
      integer?: boolean;
    },
  ): number {
    if (value === undefined) return fallback;
    const kind = integer ? "an integer" : "a number";
    if (typeof value !== "number" || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
      return this.fail(path, `expected ${kind}, not ${JSON.stringify(value)}`) ?? fallback;
    }
    if (value < min || value > max) {
      const range = max === Infinity ? `>= ${min}` : `${min}..${max}`;
      return this.fail(path, `expected ${kind} ${range}, not ${value}`) ?? fallback;
    }
    return value;
  }

  #mapping(value: unknown, path: YamlPath, keys?: readonly string[]): Json | undefined {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return this.fail(path, `expected a mapping, not ${describe(value)}`);
    }
    for (const key of Object.keys(value)) {
      if (keys && !keys.includes(key)) this.fail([...path, key], `unknown key (known: ${keys.join(", ")})`);
    }
    return value as Json;
  }

  workflow(file: string, root: URL): WorkflowSpec | undefined {
    const top = this.#mapping(this.#source.value ?? {}, [], TOP_KEYS);
    if (!top) return undefined;
    const name = top.name ?? file.replace(/^.*\//, "").replace(/\.ya?ml$/, "");
    if (typeof name !== "string" || name === "") this.fail(["name"], "expected a non-empty string");
    const stagesValue = top.stages;
    if (!Array.isArray(stagesValue) || stagesValue.length === 0) {
      return this.fail(["stages"], "expected a list of at least one stage");
    }
    const stages = stagesValue.map((s, i) => this.#stage(s, i, root));
    const spec: WorkflowSpec = {
      name: String(name),
      httpPort: this.#number(top["http-port"], ["http-port"], {
        fallback: 0,
        min: -1,
        max: 65535,
        integer: true,
      }),
      runtime: this.#number(top.runtime, ["runtime"], { fallback: 0, min: 0 }),
      stopGrace: this.#number(top["stop-grace"], ["stop-grace"], { fallback: 5, min: 0 }),
      startTimeout: this.#number(top["start-timeout"], ["start-timeout"], { fallback: 60, min: 1 }),
      settle: this.#number(top.settle, ["settle"], { fallback: 5, min: 0 }),
      stages: [],
    };
    const indexes = new Map(stages.map((s, i) => [s, i]));
    spec.stages = this.#order(stages.filter((s) => s !== undefined), (s) => indexes.get(s)!);
    holdFirstFrames(spec.stages);
    return stages.includes(undefined) ? undefined : spec;
  }

  #stage(value: unknown, index: number, root: URL): StageSpec | undefined {
    const at: YamlPath = ["stages", index];
    const stage = this.#mapping(value, at, STAGE_KEYS);
    if (!stage) return undefined;
    const { name, kind } = stage;
    if (typeof name !== "string" || !/^[A-Za-z0-9][\w.:-]*( [\w.:-]+)*$/.test(name)) {
      return this.fail(
        [...at, "name"],
        `expected a name of letters, digits, _ . : - (not ${describe(name)})`,
      );
    }
    if (!STAGE_KINDS.includes(kind as StageKind)) {
      return this.fail([...at, "kind"], `expected one of ${STAGE_KINDS.join(", ")}, not ${describe(kind)}`);
    }
    const info = STAGE_KIND_INFO[kind as StageKind];
    const needs = isCompiledBinary() ? toolCommand(info.tool, [], root).command : info.tool.entry;
    try {
      Deno.statSync(isCompiledBinary() ? needs : new URL(needs, root));
    } catch {
      return this.fail([...at, "kind"], `${kind} stages need ${needs}, which is not here`);
    }
    const after = stage.after ?? [];
    if (!Array.isArray(after) || after.some((a) => typeof a !== "string")) {
      return this.fail([...at, "after"], "expected a list of stage names");
    }
    const options = this.#mapping(stage.options ?? {}, [...at, "options"]);
    if (!options) return undefined;
    const given = this.#options(options, [...at, "options"]);
    if (!given) return undefined;
    const { argv, values, httpPort } = given;
    let channels;
    try {
      channels = info.describe(argv, values);
    } catch (e) {
      const message = (e as Error).message;
      // The tools' messages name the option (`--frame-rate needs a number`): point at its key.
      const named = [...message.matchAll(/--([a-z][a-z0-9-]*)/g)].map((m) => m[1]).find((o) => o in options);
      return this.fail(named ? [...at, "options", named] : [...at, "options"], message.replace(/^\w+: /, ""));
    }
    const labels = channels.ids.map((id) => id === "" ? name : `${name} ${id}`);
    return {
      name,
      kind: kind as StageKind,
      argv,
      httpPort,
      processes: labels.length,
      labels,
      distribution: channels.distribution,
      releasedByRunner: false,
      serves: channels.serves,
      reads: channels.reads,
      dependsOn: after as string[],
    };
  }

  /** A stage's options as a command line: `key: value` is `--key=value`, `key: true` is `--key`. */
  #options(options: Json, at: YamlPath) {
    const argv: string[] = [];
    const values: Record<string, string | boolean> = {};
    let httpPort: number | undefined;
    let ok = true;
    for (const [key, value] of Object.entries(options)) {
      const path = [...at, key];
      if (!/^[a-z][a-z0-9-]*$/.test(key)) {
        ok = this.fail(path, "expected an option's long name without dashes, e.g. frame-rate") ?? false;
        continue;
      }
      if (key === "http-port") {
        // The runner reads each stage's status over HTTP, so it always serves one; 0 lets the runner pick.
        httpPort = this.#number(value, path, { fallback: 0, min: 0, max: 65535, integer: true }) || undefined;
        continue;
      }
      const text = optionText(value);
      if (text === undefined) {
        ok = this.fail(path, `expected a string, number, boolean, list or mapping, not ${describe(value)}`) ??
          false;
        continue;
      }
      values[key] = text;
      if (text === true) argv.push(`--${key}`);
      else if (text !== false) argv.push(`--${key}=${text}`);
    }
    return ok ? { argv, values, httpPort } : undefined;
  }

  /** Start order: each stage after those it depends on, otherwise as in the file. */
  #order(stages: StageSpec[], indexOf: (s: StageSpec) => number): StageSpec[] {
    const server = new Map<string, StageSpec>();
    stages.forEach((s) => {
      const i = indexOf(s);
      for (const channel of s.serves) {
        const other = server.get(channel);
        if (other && other !== s) {
          this.fail(["stages", i], `serves ${channel}, which stage "${other.name}" serves too`);
        }
        server.set(channel, s);
      }
    });
    const names = new Set(stages.map((s) => s.name));
    stages.forEach((s, k) => {
      const i = indexOf(s);
      if (stages.findIndex((t) => t.name === s.name) !== k) {
        this.fail(["stages", i, "name"], `"${s.name}" is taken`);
      }
      s.dependsOn.forEach((a, j) => {
        if (!names.has(a)) this.fail(["stages", i, "after", j], `no stage is named "${a}"`);
      });
      const feeders = s.reads.map((c) => server.get(c)?.name).filter((n): n is string => n !== undefined);
      s.dependsOn = [...new Set([...s.dependsOn, ...feeders])].filter((n) => n !== s.name);
    });
    const ordered: StageSpec[] = [];
    const placed = new Set<StageSpec>();
    const placedNames = new Set<string>();
    while (ordered.length < stages.length) {
      const next = stages.find((s) =>
        !placed.has(s) && s.dependsOn.every((d) => placedNames.has(d) || !names.has(d))
      );
      if (!next) {
        const left = stages.filter((s) => !placed.has(s)).map((s) => s.name);
        this.fail(["stages"], `stages wait for each other in a circle: ${left.join(", ")}`);
        return stages;
      }
      ordered.push(next);
      placed.add(next);
      placedNames.add(next.name);
    }
    return ordered;
  }
}

/**
 * Each simulator that does not say otherwise holds its first frame until every monitor the workflow opens
 * on its channel has started, and the runner's own (`--wait-for-subscribers`): the stages reading it start
 * after it, and the runner opens its monitor once every stage is up.
 */
function holdFirstFrames(stages: StageSpec[]): void {
  for (const sim of stages.filter((s) => s.kind === "simulator")) {
    if (sim.argv.some((a) => a.startsWith("--wait-for-subscribers="))) continue;
    const monitors = stages.flatMap((s) => s.reads).filter((c) => c === sim.serves[0]).length;
    sim.argv.push(`--wait-for-subscribers=${monitors + 1}`);
    sim.releasedByRunner = true;
  }
}

function optionText(value: unknown): string | boolean | undefined {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  if (Array.isArray(value) && value.every((v) => ["string", "number"].includes(typeof v))) {
    return value.join(",");
  }
  if (typeof value === "object" && value !== null && !Array.isArray(value)) return JSON.stringify(value);
  return undefined;
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return JSON.stringify(value);
}
