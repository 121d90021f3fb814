/**
 * Several hosts on one machine, for tests of discovery and network faults between hosts: each host is a
 * Linux network namespace with its own address, joined to the others by a bridge that lives in a namespace
 * of its own. Needs root and iproute2 (`ip`, `tc`); `.ci/run` installs iproute2 when it is missing.
 *
 * Every lab numbers its hosts 10.77.0.1, 10.77.0.2, ... in 10.77.0.0/24. That subnet exists only on the
 * veths inside the lab's own namespaces: none of them is linked to the root namespace or to a real
 * interface, and no namespace has a route out, so traffic to it never leaves the lab. Two labs at once
 * (tests run in parallel) use the same subnet on separate bridges and cannot see each other; namespace
 * names carry a random suffix so that they do not clash either.
 *
 * @module
 */
import { ProcessLines } from "./process_lines.ts";

/** First three octets of every lab's subnet (a /24). */
const SUBNET = "10.77.0";
/** The subnet's broadcast address: UDP searches sent here cross the bridge to every host. */
export const LAB_BROADCAST = `${SUBNET}.255`;
/** Name of each host's end of its link, inside the host's namespace. */
const HOST_INTERFACE = "eth0";
const BRIDGE = "br0";
const LOSSY_WIRE = new URL("./lossy_wire.py", import.meta.url).pathname;

/** What impairs a link: tc netem, or `lossy_wire.py` when the kernel has no netem. */
export type ImpairedBy = "netem" | "user-space wire";

/** Loss and delay a link adds, each way. */
export interface LinkImpairment {
  /** Percentage of packets dropped, 0-100. */
  lossPercent?: number;
  /** Milliseconds every packet is held back. */
  delayMs?: number;
}

/** One host of a lab. */
export interface LabHost {
  /** Name of its network namespace (for `ip netns exec`). */
  readonly namespace: string;
  /** Its IPv4 address on the bridge. */
  readonly address: string;
  /** The bridge's end of its link (in the bridge's namespace): impairments and cuts are made there. */
  readonly port: string;
}

/** How a program is run inside a host. */
export interface HostCommandOptions {
  /** Arguments after the program. */
  args?: string[];
  /** Environment on top of this process's own. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /** Standard output ("piped" by default). */
  stdout?: "piped" | "inherit" | "null";
  /** Standard error ("piped" by default). */
  stderr?: "piped" | "inherit" | "null";
}

/** An `ip` or `tc` command failed. */
export class NetnsCommandError extends Error {
  /**
   * @param command the command line that failed
   * @param stderr what it printed
   */
  constructor(command: string, stderr: string) {
    super(`${command} failed: ${stderr.trim()}`);
    this.name = "NetnsCommandError";
  }
}

/**
 * Runs a command line to completion (split on spaces: no name in a lab has one); throws
 * {@link NetnsCommandError} unless it succeeds.
 */
async function run(line: string): Promise<void> {
  const [program, ...args] = line.split(" ");
  const out = await new Deno.Command(program, { args, stdin: "null", stdout: "null" }).output();
  if (!out.success) throw new NetnsCommandError(line, new TextDecoder().decode(out.stderr));
}

/** A command that runs `program` inside `namespace`. */
function commandIn(namespace: string, program: string, options: HostCommandOptions): Deno.Command {
  const { args = [], env, cwd, stdout = "piped", stderr = "piped" } = options;
  return new Deno.Command("ip", {
    args: ["netns", "exec", namespace, program, ...args],
    env,
    cwd,
    stdin: "null",
    stdout,
    stderr,
  });
}

/** Whether `program -V` runs. */
async function hasTool(program: string): Promise<boolean> {
  try {
    return (await new Deno.Command(program, { args: ["-V"], stdout: "null", stderr: "null" }).output())
      .success;
  } catch {
    return false;
  }
}

/**
 * Whether the kernel offers tc netem (it is a build option, CONFIG_NET_SCH_NETEM): tried on a throwaway
 * namespace's loopback.
 */
async function netemAvailable(): Promise<boolean> {
  const ns = `pvs-${crypto.randomUUID().slice(0, 8)}-probe`;
  await run(`ip netns add ${ns}`);
  try {
    await run(`ip netns exec ${ns} tc qdisc add dev lo root netem delay 1ms`);
    return true;
  } catch {
    return false;
  } finally {
    await run(`ip netns del ${ns}`);
  }
}

/**
 * Network namespaces joined by a bridge: create with {@link NetnsLab.create}, dispose with `await using`.
 * Disposing kills the processes started with {@link NetnsLab.spawn} that still run and deletes every
 * namespace (which removes the veths and the bridge with them), whatever happened before.
 * @example
 * ```ts ignore
 * await using lab = await NetnsLab.create({ hosts: 2 });
 * const [server, client] = lab.hosts;
 * await lab.cut(client);
 * await lab.restore(client);
 * ```
 */
export class NetnsLab implements AsyncDisposable {
  /** The hosts, numbered from 1 in their addresses. */
  readonly hosts: readonly LabHost[];
  readonly #bridgeNamespace: string;
  readonly #namespaces: string[];
  readonly #children = new Set<Deno.ChildProcess>();
  /** Impaired links: null where netem does it, else the relay and its veth. */
  readonly #impaired = new Map<LabHost, { relay: Deno.ChildProcess; wire: string } | null>();

  private constructor(bridgeNamespace: string, namespaces: string[], hosts: LabHost[]) {
    this.#bridgeNamespace = bridgeNamespace;
    this.#namespaces = namespaces;
    this.hosts = hosts;
  }

  /**
   * Builds `hosts` hosts (at most 254): their namespaces with `lo` up, a veth each from the host's `eth0`
   * (address 10.77.0.N/24) to a port of the bridge. A failure part way removes what was made.
   * @param options how many hosts
   */
  static async create({ hosts }: { hosts: number }): Promise<NetnsLab> {
    if (!Number.isInteger(hosts) || hosts < 1 || hosts > 254) {
      throw new RangeError(`a lab has 1 to 254 hosts, not ${hosts}`);
    }
    const tag = `pvs-${crypto.randomUUID().slice(0, 8)}`;
    const bridgeNs = `${tag}-bridge`;
    const namespaces = [bridgeNs];
    const list: LabHost[] = [];
    for (let i = 1; i <= hosts; i++) {
      namespaces.push(`${tag}-h${i}`);
      list.push({ namespace: `${tag}-h${i}`, address: `${SUBNET}.${i}`, port: `p${i}` });
    }
    const lab = new NetnsLab(bridgeNs, [], list);
    try {
      for (const ns of namespaces) {
        await run(`ip netns add ${ns}`);
        lab.#namespaces.push(ns);
        await run(`ip -n ${ns} link set lo up`);
      }
      await run(`ip -n ${bridgeNs} link add ${BRIDGE} type bridge`);
      await run(`ip -n ${bridgeNs} link set ${BRIDGE} up`);
      for (const h of list) {
        await run(
          `ip -n ${bridgeNs} link add ${h.port} type veth peer name ${HOST_INTERFACE} netns ${h.namespace}`,
        );
        await run(`ip -n ${bridgeNs} link set ${h.port} master ${BRIDGE} up`);
        await run(`ip -n ${h.namespace} addr add ${h.address}/24 brd + dev ${HOST_INTERFACE}`);
        await run(`ip -n ${h.namespace} link set ${HOST_INTERFACE} up`);
      }
      return lab;
    } catch (e) {
      await lab[Symbol.asyncDispose]();
      throw e;
    }
  }

  /**
   * A command that runs `program` inside `host` (`ip netns exec`). Prefer {@link NetnsLab.spawn} for
   * programs that keep running, so that disposing the lab ends them.
   */
  command(host: LabHost, program: string, options: HostCommandOptions = {}): Deno.Command {
    return commandIn(host.namespace, program, options);
  }

  /**
   * Starts `program` inside `host`; the lab kills it on disposal if it still runs. `ip netns exec` execs
   * the program itself, so the child's pid is the program's.
   */
  spawn(host: LabHost, program: string, options: HostCommandOptions = {}): Deno.ChildProcess {
    return this.#spawnIn(host.namespace, program, options);
  }

  #spawnIn(namespace: string, program: string, options: HostCommandOptions): Deno.ChildProcess {
    const child = commandIn(namespace, program, options).spawn();
    this.#children.add(child);
    child.status.finally(() => this.#children.delete(child));
    return child;
  }

  /**
   * Makes `host`'s link lossy and slow in both directions. With tc netem when the kernel has it (on both
   * ends of the host's veth); otherwise `lossy_wire.py` relays the link in user space: the host's veth is
   * taken off the bridge and joined to a new veth on the bridge through the relay.
   * @returns which of the two does it
   * @throws {NetnsCommandError} when a command fails
   */
  async impair(host: LabHost, { lossPercent = 0, delayMs = 0 }: LinkImpairment): Promise<ImpairedBy> {
    if (this.#impaired.has(host)) throw new Error(`${host.address}'s link is already impaired`);
    if (await netemAvailable()) {
      const netem = `root netem loss ${lossPercent}% delay ${delayMs}ms`;
      await run(`ip netns exec ${this.#bridgeNamespace} tc qdisc add dev ${host.port} ${netem}`);
      await run(`ip netns exec ${host.namespace} tc qdisc add dev ${HOST_INTERFACE} ${netem}`);
      this.#impaired.set(host, null);
      return "netem";
    }
    const wire = `w${host.port}`;
    const onBridge = `b${host.port}`;
    const bridgeNs = this.#bridgeNamespace;
    await run(`ip -n ${bridgeNs} link set ${host.port} nomaster`);
    await run(`ip -n ${bridgeNs} link add ${wire} type veth peer name ${onBridge}`);
    const relay = this.#spawnIn(bridgeNs, "python3", {
      args: [LOSSY_WIRE, host.port, wire, String(lossPercent), String(delayMs)],
    });
    this.#impaired.set(host, { relay, wire });
    await run(`ip -n ${bridgeNs} link set ${onBridge} master ${BRIDGE} up`);
    await run(`ip -n ${bridgeNs} link set ${wire} up`);
    await new ProcessLines(relay, "lossy_wire.py").until(/^READY$/, 10_000);
    return "user-space wire";
  }

  /** Removes what {@link NetnsLab.impair} added to `host`'s link. */
  async clearImpairment(host: LabHost): Promise<void> {
    const wire = this.#impaired.get(host);
    if (wire === undefined) return;
    this.#impaired.delete(host);
    if (wire === null) {
      await run(`ip netns exec ${this.#bridgeNamespace} tc qdisc del dev ${host.port} root`);
      await run(`ip netns exec ${host.namespace} tc qdisc del dev ${HOST_INTERFACE} root`);
      return;
    }
    wire.relay.kill("SIGKILL");
    await wire.relay.status;
    await run(`ip -n ${this.#bridgeNamespace} link del ${wire.wire}`);
    await run(`ip -n ${this.#bridgeNamespace} link set ${host.port} master ${BRIDGE}`);
  }

  /**
   * Cuts `host`'s link at the bridge, as when its cable is pulled at the switch: the host keeps its
   * address and routes and sees the carrier go; packets either way are lost until {@link NetnsLab.restore}.
   */
  async cut(host: LabHost): Promise<void> {
    await run(`ip -n ${this.#bridgeNamespace} link set ${host.port} down`);
  }

  /** Brings `host`'s link back after {@link NetnsLab.cut}. */
  async restore(host: LabHost): Promise<void> {
    await run(`ip -n ${this.#bridgeNamespace} link set ${host.port} up`);
  }

  /** Kills the processes still running in the lab, then deletes its namespaces; every step is tried. */
  async [Symbol.asyncDispose](): Promise<void> {
    const failures: unknown[] = [];
    for (const child of this.#children) {
      try {
        child.kill("SIGKILL");
      } catch {
        // exited meanwhile
      }
      await child.status;
    }
    for (const ns of this.#namespaces.splice(0).reverse()) {
      await run(`ip netns del ${ns}`).catch((e) => failures.push(e));
    }
    if (failures.length > 0) throw new AggregateError(failures, "the lab was not removed completely");
  }
}

/**
 * Whether lab tests can run here: as root, with `ip` and `tc`. When they cannot, the reason is printed and
 * false returned (for a test's `ignore`), except under CI (`CI` set, as `.ci/run` has it), where it throws.
 * @param what names the tests in the message
 * @example
 * ```ts ignore
 * const IGNORE = !(await requireNetns("discovery across hosts"));
 * ```
 */
export async function requireNetns(what: string): Promise<boolean> {
  const missing = Deno.uid() !== 0
    ? "they need root (network namespaces)"
    : !(await hasTool("ip")) || !(await hasTool("tc"))
    ? "they need iproute2 (ip, tc): apt-get install iproute2"
    : null;
  if (missing === null) return true;
  if (Deno.env.get("CI")) throw new Error(`cannot run ${what}: ${missing}`);
  console.log(`%cignoring ${what}: ${missing}`, "color: yellow");
  return false;
}
