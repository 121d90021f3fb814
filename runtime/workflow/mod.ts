/**
 * Workflows: a YAML file describing simulators, consumers, collectors and mirrors on one host, checked
 * before anything starts, run as one process per stage in dependency order, stopped together, and
 * summed up end to end. See docs/workflows.md.
 *
 * @module
 */
export {
  STAGE_KINDS,
  type StageDistribution,
  type StageKind,
  type StageSpec,
  type WorkflowSpec,
} from "./spec.ts";
export { parseWorkflow, type ParseWorkflowOptions, WorkflowError } from "./validate.ts";
export { formatPath, readYaml, type YamlIssue, type YamlPath, type YamlSource } from "./yaml_source.ts";
export { runWorkflow, type RunWorkflowOptions, WorkflowStartError } from "./runner.ts";
export {
  addCounts,
  checkAgainstSource,
  type Counts,
  countsOf,
  type ProcessAccount,
  type SourceCheck,
  type StageAccount,
  summaryLines,
  type WorkflowSummary,
} from "./summary.ts";
export { stageEnv } from "./env.ts";
export { workflowMain, type WorkflowOverrides } from "./main.ts";
