/**
 * The pvAccess server: host PVs with {@link SharedPV} on a {@link PvaServer}.
 * @module
 */
export * from "./server.ts";
export * from "./shared_pv.ts";
export { parseDistributorOptions } from "./distributor.ts";
export type { DistributorOptions } from "./distributor.ts";
export type { Selection, Update } from "./update.ts";
export type { Peer } from "../messages/handshake.ts";
export { AccessRules, AccessRulesError, DEFAULT_ASG } from "./access_rules.ts";
export type { AccessLevel, ChannelAccess } from "./access_rules.ts";
