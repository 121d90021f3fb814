/**
 * Channel Access client configuration from EPICS_CA_* environment variables: one plain
 * object, read once and passed explicitly.
 * @module
 */
import { processEnv } from "../pva/config.ts";
import { CA_SERVER_PORT } from "./header.ts";

/** What a {@link CaClient} needs to know about the network and itself. */
export interface CaConfig {
  /** Where searches go (EPICS_CA_ADDR_LIST), as host[:port]. */
  addrList: string[];
  /** Add every interface's IPv4 broadcast address to the search list (EPICS_CA_AUTO_ADDR_LIST; yes). */
  autoAddrList: boolean;
  /** Port of servers, for searches without an explicit port (EPICS_CA_SERVER_PORT; 5064). */
  serverPort: number;
  /** Largest DBR payload accepted, in bytes (EPICS_CA_MAX_ARRAY_BYTES; 16384, at least 16384). */
  maxArrayBytes: number;
  /** Seconds of silence before a circuit is checked with ECHO (EPICS_CA_CONN_TMO; 30). */
  connectionTimeout: number;
  /** User name the server sees (CLIENT_NAME), for its access rules. */
  userName: string;
  /** Host name the server sees (HOST_NAME), for its access rules. */
  hostName: string;
}

/** Defaults when no variable is set. */
export const DEFAULT_CA_CONFIG: Readonly<CaConfig> = {
  addrList: [],
  autoAddrList: true,
  serverPort: CA_SERVER_PORT,
  maxArrayBytes: 16384,
  connectionTimeout: 30,
  userName: "pvastream",
  hostName: "localhost",
};

/**
 * A configuration that keeps the client on this host and reads nothing from the environment:
 * no automatic broadcast addresses, searches only where `overrides.addrList` says.
 * @example
 * ```ts
 * import { caLoopbackConfig } from "./config.ts";
 * const c = caLoopbackConfig({ addrList: ["127.0.0.1:15064"] });
 * c.autoAddrList; // false
 * ```
 */
export function caLoopbackConfig(overrides: Partial<CaConfig> = {}): CaConfig {
  return { ...DEFAULT_CA_CONFIG, autoAddrList: false, addrList: ["127.0.0.1"], ...overrides };
}

/** Every EPICS_CA* variable {@link caConfigFromEnv} reads, for tools that show the environment. */
export const CA_ENV_NAMES: readonly string[] = [
  "EPICS_CA_ADDR_LIST",
  "EPICS_CA_AUTO_ADDR_LIST",
  "EPICS_CA_SERVER_PORT",
  "EPICS_CA_MAX_ARRAY_BYTES",
  "EPICS_CA_CONN_TMO",
];

/**
 * Builds a configuration from environment variables (EPICS_CA_ADDR_LIST,
 * EPICS_CA_AUTO_ADDR_LIST, EPICS_CA_SERVER_PORT, EPICS_CA_MAX_ARRAY_BYTES, EPICS_CA_CONN_TMO,
 * USER/LOGNAME); `overrides` win. The repeater port is not read: a client that only
 * searches needs no repeater.
 * @throws RangeError for a port or size that is not a number in range
 * @example
 * ```ts
 * import { caConfigFromEnv } from "./config.ts";
 * const c = caConfigFromEnv({ EPICS_CA_ADDR_LIST: "127.0.0.1:15064", EPICS_CA_AUTO_ADDR_LIST: "NO" });
 * c.addrList; // ["127.0.0.1:15064"]
 * ```
 */
export function caConfigFromEnv(
  env: Record<string, string> = processEnv(),
  overrides: Partial<CaConfig> = {},
): CaConfig {
  const get = (name: string) => {
    const v = env[name]?.trim();
    return v === undefined || v === "" ? undefined : v;
  };
  const integer = (name: string, fallback: number, min: number, max: number) => {
    const v = get(name);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || n > max) {
      throw new RangeError(`${name}=${v} is not in ${min}..${max}`);
    }
    return n;
  };
  const tmo = Number(get("EPICS_CA_CONN_TMO") ?? DEFAULT_CA_CONFIG.connectionTimeout);
  return {
    addrList: (get("EPICS_CA_ADDR_LIST") ?? "").split(/\s+/).filter((s) => s !== ""),
    autoAddrList: !/^(no|n|false|0)$/i.test(get("EPICS_CA_AUTO_ADDR_LIST") ?? "yes"),
    serverPort: integer("EPICS_CA_SERVER_PORT", CA_SERVER_PORT, 1, 65535),
    // EPICS clients never go below 16384, the historical fixed maximum.
    maxArrayBytes: Math.max(16384, integer("EPICS_CA_MAX_ARRAY_BYTES", 16384, 0, 2 ** 31)),
    connectionTimeout: Number.isFinite(tmo) && tmo > 0 ? tmo : DEFAULT_CA_CONFIG.connectionTimeout,
    userName: get("USER") ?? get("LOGNAME") ?? DEFAULT_CA_CONFIG.userName,
    hostName: get("HOSTNAME") ?? systemHostName() ?? DEFAULT_CA_CONFIG.hostName,
    ...overrides,
  };
}

function systemHostName(): string | undefined {
  try {
    return Deno.hostname();
  } catch {
    return undefined; // no --allow-sys
  }
}
