/**
 * The pvAccess server: host PVs with {@link SharedPV} on a {@link PvaServer}.
 * @example Host a counter that clients may not write
 * ```ts
 * import { PvaServer, SharedPV } from "./mod.ts";
 * import { loopbackConfig } from "../config.ts";
 * import { ntScalar } from "../../nt/mod.ts";
 * const pv = new SharedPV({ readOnly: true });
 * pv.open(ntScalar("int32", 0));
 * const server = new PvaServer({ config: loopbackConfig() });
 * server.addPV("demo:count", pv);
 * await server.start();
 * pv.post({ value: 1 });
 * await server.close();
 * ```
 *
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
