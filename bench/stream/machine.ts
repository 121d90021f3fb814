/**
 * The machine a run measured: cores, CPU model, kernel, memory, load, and the versions of Deno
 * and of the Python peers, for the JSON next to the figures.
 *
 * @module
 */
import { peerPython } from "../../tests/interop/peers.ts";

/** Facts about the machine and the software of a run. */
export interface MachineFacts {
  /** Logical cores. */
  cores: number;
  /** From /proc/cpuinfo. */
  cpuModel: string;
  /** Kernel release. */
  kernel: string;
  /** Total memory. */
  memoryBytes: number;
  /** 1, 5 and 15-minute load averages when the run started (others' work skews the figures). */
  loadAverage: number[];
  /** Deno version. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** Version of the peer Python. */
  python: string;
  /** p4p version. */
  p4p: string;
  /** PvaPy version. */
  pvapy: string;
  /** numpy version. */
  numpy: string;
}

/** Reads the machine's facts (Linux /proc; "unknown" where a fact cannot be read). */
export async function machineFacts(): Promise<MachineFacts> {
  const read = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch {
      return "";
    }
  };
  const cpuModel = /model name\s*:\s*(.+)/.exec(read("/proc/cpuinfo"))?.[1] ?? "unknown";
  const py = await pythonVersions();
  return {
    cores: navigator.hardwareConcurrency,
    cpuModel,
    kernel: Deno.osRelease(),
    memoryBytes: Deno.systemMemoryInfo().total,
    loadAverage: Deno.loadavg(),
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    ...py,
  };
}

async function pythonVersions(): Promise<Pick<MachineFacts, "python" | "p4p" | "pvapy" | "numpy">> {
  const unknown = { python: "unknown", p4p: "unknown", pvapy: "unknown", numpy: "unknown" };
  const python = peerPython();
  if (!python) return unknown;
  const script = "import importlib.metadata as m, json, platform\n" +
    "print(json.dumps({'python': platform.python_version(), " +
    "**{k: m.version(k) for k in ('p4p', 'pvapy', 'numpy')}}))";
  try {
    const out = await new Deno.Command(python, { args: ["-c", script], stdout: "piped", stderr: "null" })
      .output();
    return { ...unknown, ...JSON.parse(new TextDecoder().decode(out.stdout)) };
  } catch {
    return unknown;
  }
}
