/**
 * The web dashboard of the HTTP API: the process page and the workflow page (static files in `assets/`,
 * uPlot vendored from npm), their routes, the preview route and the workflow's stage statuses.
 * docs/dashboard.md describes the pages.
 *
 * @example Stages of a workflow page, checked before the app is built
 * ```ts
 * import { checkStages, type StageLink } from "./mod.ts";
 * const stages: StageLink[] = [
 *   { name: "detector", kind: "simulator", url: "http://127.0.0.1:8401/" },
 *   { name: "consumer 1", kind: "consumer", url: "http://127.0.0.1:8402/" },
 * ];
 * checkStages(stages); // throws RangeError for a repeated name or a URL that is not http(s)
 * ```
 *
 * @module
 */
export type { DashboardOptions } from "./routes.ts";
export { checkStages, type StageLink, type StageState, stageStates } from "./stages.ts";
