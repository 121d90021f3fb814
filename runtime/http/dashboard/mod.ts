/**
 * The web dashboard of the HTTP API: the process page and the workflow page (static files in `assets/`,
 * uPlot vendored from npm), their routes, the preview route and the workflow's stage statuses.
 * docs/dashboard.md describes the pages.
 *
 * @module
 */
export { type DashboardOptions, mountDashboard } from "./routes.ts";
export { checkStages, type StageLink, type StageState, stageStates } from "./stages.ts";
