/**
 * pvAccess configuration from EPICS_PVA* environment variables: one plain object, read once
 * and passed explicitly, so nothing deep inside reads the environment.
 * @module
 */
import { DEFAULT_PVA_LIMITS, limitsFromEnv, type PvaLimits } from "./limits.ts";

/** Network settings shared by the client and server. */
export interface PvaConfig {
  /** TCP port servers listen on (EPICS_PVAS_SERVER_PORT, EPICS_PVA_SERVER_PORT; 5075). */
  serverPort: number;
  /** UDP port for searches and beacons (EPICS_PVAS_BROADCAST_PORT, EPICS_PVA_BROADCAST_PORT; 5076). */
  broadcastPort: number;
  /** Where clients send searches (EPICS_PVA_ADDR_LIST), as host[:port]. */
  addrList: string[];
  /** Add every interface's IPv4 broadcast address to the search list (EPICS_PVA_AUTO_ADDR_LIST). */
  autoAddrList: boolean;
  /** Where servers send beacons (EPICS_PVAS_BEACON_ADDR_LIST, else EPICS_PVA_ADDR_LIST). */
  beaconAddrList: string[];
  /** Add broadcast addresses to the beacon list (EPICS_PVAS_AUTO_BEACON_ADDR_LIST, else auto addr list). */
  autoBeaconAddrList: boolean;
  /** Interface addresses servers bind (EPICS_PVAS_INTF_ADDR_LIST, EPICS_PVA_INTF_ADDR_LIST; 0.0.0.0). */
  interfaces: string[];
  /** TCP name servers clients search through (EPICS_PVA_NAME_SERVERS), as host[:port]. */
  nameServers: string[];
  /** Seconds of silence before a connection is dropped (EPICS_PVA_CONN_TMO × 4/3; 40). */
  idleTimeout: number;
  /** What one peer may cost us (PVASTREAM_* variables, see docs/limits.md). */
  limits: PvaLimits;
}

/** Configuration overrides; limits may be given in part (the rest keep their values). */
export type PvaConfigOverrides = Partial<Omit<PvaConfig, "limits">> & { limits?: Partial<PvaLimits> };

/** Defaults when no variable is set. */
export const DEFAULT_CONFIG: Readonly<PvaConfig> = {
  serverPort: 5075,
  broadcastPort: 5076,
  addrList: [],
  autoAddrList: true,
  beaconAddrList: [],
  autoBeaconAddrList: true,
  interfaces: ["0.0.0.0"],
  nameServers: [],
  idleTimeout: 40,
  limits: DEFAULT_PVA_LIMITS,
};

/**
 * A configuration that keeps all traffic on this host and reads nothing from the
 * environment: servers bind 127.0.0.1 on free ports and send no beacons; clients search
 * nowhere until given `nameServers` or `addrList`. For demos, tests and benchmarks.
 * @example
 * ```ts
 * import { loopbackConfig } from "./config.ts";
 * const c = loopbackConfig({ nameServers: ["127.0.0.1:5075"] });
 * c.interfaces; // ["127.0.0.1"]
 * ```
 */
export function loopbackConfig(overrides: PvaConfigOverrides = {}): PvaConfig {
  const { limits, ...rest } = overrides;
  return {
    ...DEFAULT_CONFIG,
    interfaces: ["127.0.0.1"],
    serverPort: 0,
    broadcastPort: 0,
    addrList: [],
    autoAddrList: false,
    beaconAddrList: [],
    autoBeaconAddrList: false,
    ...rest,
    limits: { ...DEFAULT_PVA_LIMITS, ...limits },
  };
}

/** The process environment when readable, else empty (no env permission). */
export function processEnv(): Record<string, string> {
  try {
    return Deno.env.toObject();
  } catch {
    return {};
  }
}

/**
 * Builds a configuration from environment variables (EPICS_PVA*, and PVASTREAM_* for the
 * limits); `overrides` win over them, and they win over `fileLimits`.
 * @param env the variables (the process's by default)
 * @param overrides settings that win (e.g. from the command line)
 * @param fileLimits limits from a configuration file, over the defaults and under the variables
 * @example
 * ```ts
 * import { configFromEnv } from "./config.ts";
 * const c = configFromEnv({ EPICS_PVA_ADDR_LIST: "127.0.0.1", EPICS_PVA_AUTO_ADDR_LIST: "NO" });
 * c.addrList; // ["127.0.0.1"]
 * ```
 */
export function configFromEnv(
  env: Record<string, string> = processEnv(),
  overrides: PvaConfigOverrides = {},
  fileLimits: Partial<PvaLimits> = {},
): PvaConfig {
  const { limits, ...rest } = overrides;
  const pick = (...names: string[]) =>
    names.map((n) => env[n]?.trim()).find((v) => v !== undefined && v !== "");
  const list = (v: string | undefined) => (v ?? "").split(/\s+/).filter((s) => s !== "");
  const yes = (v: string | undefined, fallback: boolean) =>
    v === undefined ? fallback : /^(y|yes|true|1)$/i.test(v);
  const port = (v: string | undefined, fallback: number, name: string) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new RangeError(`${name}=${v} is not a port number`);
    return n;
  };
  const addrList = list(pick("EPICS_PVA_ADDR_LIST"));
  const autoAddrList = yes(pick("EPICS_PVA_AUTO_ADDR_LIST"), true);
  const tmo = Number(pick("EPICS_PVA_CONN_TMO") ?? 30);
  const beacons = list(pick("EPICS_PVAS_BEACON_ADDR_LIST"));
  const interfaces = list(pick("EPICS_PVAS_INTF_ADDR_LIST", "EPICS_PVA_INTF_ADDR_LIST"));
  return {
    serverPort: port(pick("EPICS_PVAS_SERVER_PORT", "EPICS_PVA_SERVER_PORT"), 5075, "EPICS_PVA_SERVER_PORT"),
    broadcastPort: port(
      pick("EPICS_PVAS_BROADCAST_PORT", "EPICS_PVA_BROADCAST_PORT"),
      5076,
      "EPICS_PVA_BROADCAST_PORT",
    ),
    addrList,
    autoAddrList,
    beaconAddrList: beacons.length > 0 ? beacons : addrList,
    autoBeaconAddrList: yes(pick("EPICS_PVAS_AUTO_BEACON_ADDR_LIST"), autoAddrList),
    interfaces: interfaces.length > 0 ? interfaces : ["0.0.0.0"],
    nameServers: list(pick("EPICS_PVA_NAME_SERVERS")),
    idleTimeout: Number.isFinite(tmo) && tmo > 0 ? tmo * 4 / 3 : 40,
    ...rest,
    limits: { ...limitsFromEnv(env, { ...DEFAULT_PVA_LIMITS, ...fileLimits }), ...limits },
  };
}

/**
 * Every EPICS_PVA* variable {@link configFromEnv} reads, for tools that show the environment
 * (`pva list --env`). The PVASTREAM_* limit variables come from `limitEnvName`.
 */
export const PVA_ENV_NAMES: readonly string[] = [
  "EPICS_PVA_ADDR_LIST",
  "EPICS_PVA_AUTO_ADDR_LIST",
  "EPICS_PVA_NAME_SERVERS",
  "EPICS_PVA_SERVER_PORT",
  "EPICS_PVAS_SERVER_PORT",
  "EPICS_PVA_BROADCAST_PORT",
  "EPICS_PVAS_BROADCAST_PORT",
  "EPICS_PVAS_BEACON_ADDR_LIST",
  "EPICS_PVAS_AUTO_BEACON_ADDR_LIST",
  "EPICS_PVA_INTF_ADDR_LIST",
  "EPICS_PVAS_INTF_ADDR_LIST",
  "EPICS_PVA_CONN_TMO",
];

/** Splits "host[:port]" into its parts, with `defaultPort` when none is given. */
export function parseHostPort(s: string, defaultPort: number): { host: string; port: number } {
  // EPICS lists may add ",TTL" and "@iface" (multicast); neither changes where we send.
  const m = /^([^:,@]+)(?::(\d+))?(?:,\d+)?(?:@\S+)?$/.exec(s.trim());
  if (!m) throw new RangeError(`not host[:port]: ${s}`);
  return { host: m[1], port: m[2] ? Number(m[2]) : defaultPort };
}
