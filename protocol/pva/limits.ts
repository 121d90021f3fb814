/**
 * What one pvAccess peer may cost us: message sizes, reassembly, type cache, reply backlog,
 * connection counts and time to finish a message. One plain object with defaults, set in
 * `PvaConfig.limits` (and from PVASTREAM_* environment variables), used by both the
 * server and the client. docs/limits.md tabulates them with what happens when a peer
 * exceeds one.
 * @module
 */
/** Limits on what one peer may make us hold or do. */
export interface PvaLimits {
  /** Largest message payload, after reassembly, from a validated peer (bytes). */
  maxMessageBytes: number;
  /** Largest message payload from a peer that has not completed connection validation (bytes). */
  maxUnvalidatedMessageBytes: number;
  /** Most segments in one segmented message. */
  maxSegments: number;
  /** Seconds allowed to receive a message (all its segments) once its first byte has arrived. */
  messageTimeout: number;
  /** Most field descriptions (members counted one by one) held in one connection's type cache. */
  maxTypeCacheFields: number;
  /** Bytes of replies queued for a peer above which we stop reading its requests. */
  maxQueuedBytes: number;
  /** Largest monitor queue (`record[queueSize=N]`); larger requests are reduced to it. */
  maxMonitorQueue: number;
  /** Most client connections a server holds at once. */
  maxConnections: number;
  /** Most client connections a server holds from one IP address. */
  maxConnectionsPerPeer: number;
}

/** Defaults: room for detector frames from validated peers, little for strangers. */
export const DEFAULT_PVA_LIMITS: Readonly<PvaLimits> = {
  maxMessageBytes: 1 << 30,
  maxUnvalidatedMessageBytes: 64 * 1024,
  maxSegments: 65536,
  messageTimeout: 60,
  maxTypeCacheFields: 100_000,
  maxQueuedBytes: 64 * 1024 * 1024,
  maxMonitorQueue: 1024,
  maxConnections: 1024,
  maxConnectionsPerPeer: 256,
};

/** The environment variable of a limit: PVASTREAM_ and its name in upper snake case. */
export function limitEnvName(name: keyof PvaLimits): string {
  return `PVASTREAM_${name.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * Limits from PVASTREAM_* variables (e.g. PVASTREAM_MAX_MESSAGE_BYTES), `base` for the rest.
 * @param env the variables
 * @param base the limits the variables override (the defaults, or a file's limits over them)
 * @throws RangeError naming the variable when a value is not a positive number
 * @example
 * ```ts
 * import { limitsFromEnv } from "./limits.ts";
 * limitsFromEnv({ PVASTREAM_MAX_MESSAGE_BYTES: "1048576" }).maxMessageBytes; // 1048576
 * ```
 */
export function limitsFromEnv(
  env: Record<string, string>,
  base: Readonly<PvaLimits> = DEFAULT_PVA_LIMITS,
): PvaLimits {
  const limits = { ...base };
  for (const name of Object.keys(limits) as (keyof PvaLimits)[]) {
    const variable = limitEnvName(name);
    const text = env[variable]?.trim();
    if (text === undefined || text === "") continue;
    limits[name] = parseLimit(name, text, variable);
  }
  return limits;
}

/**
 * Checks one limit's value given as text (a command-line option or a variable).
 * @param name the limit
 * @param text its value
 * @param source what to name in the error (defaults to the limit's name)
 * @throws RangeError when the value is not a positive number (an integer, except messageTimeout)
 */
export function parseLimit(name: keyof PvaLimits, text: string, source: string = name): number {
  const n = Number(text);
  const integer = name !== "messageTimeout";
  if (text.trim() === "" || !(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new RangeError(`${source}=${text} is not a positive ${integer ? "integer" : "number"}`);
  }
  return n;
}

/** A peer went past one of the {@link PvaLimits}: the connection is closed with this reason. */
export class PvaLimitError extends Error {
  /** The limit exceeded. */
  readonly limit: keyof PvaLimits;

  /**
   * An error naming the limit a peer exceeded.
   * @param limit the limit exceeded
   * @param message what the peer did
   */
  constructor(limit: keyof PvaLimits, message: string) {
    super(`${message} (limit ${limit})`);
    this.name = "PvaLimitError";
    this.limit = limit;
  }
}
