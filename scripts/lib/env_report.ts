/**
 * `pva list --env`: the EPICS and PVASTREAM variables the tools read, as set in this
 * environment, and the settings they add up to, so that "why does it not find my PV" starts
 * from facts.
 *
 * @module
 */
import { CA_ENV_NAMES, caConfigFromEnv } from "../../protocol/ca/config.ts";
import { configFromEnv, PVA_ENV_NAMES } from "../../protocol/pva/config.ts";
import { DEFAULT_PVA_LIMITS, limitEnvName, type PvaLimits } from "../../protocol/pva/limits.ts";

/** The variables, each with its value or null when unset, and the effective settings. */
export interface EnvironmentReport {
  /** Every variable the tools read, by name: its text, or null when unset. */
  variables: Record<string, string | null>;
  /** The pvAccess settings these give (limits included). */
  pva: ReturnType<typeof configFromEnv>;
  /** The Channel Access client settings these give. */
  ca: ReturnType<typeof caConfigFromEnv>;
}

/**
 * Reads the report from `env`.
 * @throws RangeError naming a variable whose value is not valid
 * @example
 * ```ts
 * import { environmentReport } from "./env_report.ts";
 * environmentReport({ EPICS_PVA_SERVER_PORT: "15075" }).pva.serverPort; // 15075
 * ```
 */
export function environmentReport(env: Record<string, string>): EnvironmentReport {
  const limitNames = (Object.keys(DEFAULT_PVA_LIMITS) as (keyof PvaLimits)[]).map(limitEnvName);
  const names = [...PVA_ENV_NAMES, ...CA_ENV_NAMES, ...limitNames];
  const variables = Object.fromEntries(names.map((n) => [n, env[n] ?? null]));
  return { variables, pva: configFromEnv(env), ca: caConfigFromEnv(env) };
}

/** The report as lines: the variables (set ones first), then the effective settings. */
export function formatEnvironmentReport(report: EnvironmentReport): string[] {
  const entries = Object.entries(report.variables);
  const set = entries.filter(([, v]) => v !== null).map(([n, v]) => `  ${n}=${v}`);
  const unset = entries.filter(([, v]) => v === null).map(([n]) => n);
  const settings = (o: object) =>
    Object.entries(o).filter(([k]) => k !== "limits").map(([k, v]) => `  ${k} ${JSON.stringify(v)}`);
  return [
    "environment variables set:",
    ...(set.length > 0 ? set : ["  (none)"]),
    `not set (defaults apply): ${unset.join(" ")}`,
    "",
    "pvAccess settings in effect:",
    ...settings(report.pva),
    ...Object.entries(report.pva.limits).map(([k, v]) => `  limits.${k} ${v}`),
    "",
    "Channel Access settings in effect:",
    ...settings(report.ca),
  ];
}
