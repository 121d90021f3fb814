/**
 * bench:stream, the pipeline benchmark of issue 9: zero-loss rate searches of PvaPy's and our
 * simulator and consumer in every combination (cases A-D, and B with process isolation), the raw
 * TCP ceiling (E), latency, CPU per frame and consumer memory; a table, JSON and an SVG chart.
 * `main.ts` is the command; this module exports the parts others may reuse (the latency probe is used
 * through `measureLatency`).
 *
 * @module
 */
export { FRAME_SIZES, type FrameSize, type Pipeline, type PipelineId, PIPELINES } from "./cases.ts";
export { SearchBudget } from "./budget.ts";
export { type LatencyResult, measureLatency } from "./latency.ts";
export { type MachineFacts, machineFacts } from "./machine.ts";
export { LoopbackNetwork } from "./network.ts";
export { parseStreamBenchArgs, type StreamBenchOptions, StreamBenchUsageError } from "./options.ts";
export { reportSvg } from "./plot.ts";
export { processTree, type TreeUsage, treeUsage } from "./proc.ts";
export { measureRaw, type RawRate } from "./raw.ts";
export { type CaseResult, type RawResult, runStreamBench, type StreamReport } from "./run.ts";
export { type Probe, roundRate, type SearchPlan, type SearchResult, searchZeroLoss } from "./search.ts";
export { reportTable } from "./table.ts";
export { type ConsumerTotals, consumerTotals, type SimTotals, simTotals } from "./tool_output.ts";
export { type Maker, spawnTool, type ToolProcess } from "./tools.ts";
export { runTrial, type TrialResult, type TrialSpec } from "./trial.ts";
