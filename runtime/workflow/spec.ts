/**
 * What a workflow file describes, once checked: the stages in the order they start, each with the
 * command line it runs with and the channels it serves and reads.
 *
 * @module
 */

/** The tools a stage can run. */
export const STAGE_KINDS = ["simulator", "consumer", "collector", "mirror"] as const;

/** One of {@link STAGE_KINDS}. */
export type StageKind = typeof STAGE_KINDS[number];

/**
 * How a stage's processes divide the frames of their input: each sees every frame, they share them
 * through the distributor (each frame to one), or they belong to distributor sets (other stages' sets
 * take turns with them, so no stage sees every frame).
 */
export type StageDistribution = "every-frame" | "shared" | "sets";

/** One stage: one tool, started as one process (which may start its own, as `--n-consumers` does). */
export interface StageSpec {
  /** Unique in the workflow; prefixes the stage's output lines. */
  name: string;
  /** The tool it runs. */
  kind: StageKind;
  /** The tool's command line, from the stage's `options` (`--long-name=value`), without `--http-port`. */
  argv: string[];
  /** `--http-port` from the file, when given: the first of {@link processes} consecutive ports. */
  httpPort?: number;
  /** Processes with an HTTP API each: the consumer ids of a consumer stage, else 1. */
  processes: number;
  /** Labels of those processes on the workflow page (`consumers 1`, `consumers 2`), in port order. */
  labels: string[];
  /** How its processes divide the frames of their input. */
  distribution: StageDistribution;
  /** Channels this stage serves (frames, outputs, pvas inputs, mirrors). */
  serves: string[];
  /** Channels this stage reads or writes to that another stage may serve, once per monitor. */
  reads: string[];
  /**
   * A simulator whose first frame also waits for the runner's own monitor, opened once every stage is up
   * (so that stages reading it through others, a mirror's readers, are ready too).
   */
  releasedByRunner: boolean;
  /** Stages that must be up first: those serving what it reads, and those named in `after`. */
  dependsOn: string[];
}

/** A checked workflow, stages in start order. */
export interface WorkflowSpec {
  /** The workflow's name (`name`, else the file's base name). */
  name: string;
  /** Port of the workflow page; 0 picks a free one, -1 serves none. */
  httpPort: number;
  /** Seconds the workflow runs once every stage is up; 0 until its simulators have finished, a stop, or Ctrl-C. */
  runtime: number;
  /** Seconds a stage has between SIGTERM and SIGKILL. */
  stopGrace: number;
  /** Seconds a stage has to come up (HTTP API answering, channels served). */
  startTimeout: number;
  /** Longest wait, in seconds, for frames in flight to arrive once the sources have stopped. */
  settle: number;
  /** The stages, each after the stages it depends on. */
  stages: StageSpec[];
}
