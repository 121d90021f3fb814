/**
 * The Python codec packages (lz4, bitshuffle, blosc) as test references: jobs for
 * `py/codec_tool.py` run in one interpreter start, with files in a temporary directory.
 */
import { requirePeers, runPython } from "../interop/peers.ts";

/** Skip (with an install hint) when the Python peers are missing, except under CI where that fails. */
export const IGNORE_PYTHON = !requirePeers(
  "codec tests against the Python lz4, bitshuffle and blosc packages",
);

const TOOL = new URL("./py/codec_tool.py", import.meta.url).pathname;

/** One job of codec_tool.py; paths are file names inside the working directory. */
export type PythonJob =
  | { op: "image"; width: number; height: number; dtype: string; seed: number; output: string }
  | {
    op: "compress";
    codec: "lz4" | "bslz4" | "blosc";
    dtype: string;
    input: string;
    output: string;
    cname?: string;
    shuffle?: number;
    clevel?: number;
  }
  | { op: "decompress"; codec: string; dtype: string; nbytes: number; input: string; output: string };

/** A directory shared with the Python tool; removed on dispose. */
export class PythonWorkspace implements AsyncDisposable {
  /** The directory. */
  readonly dir: string;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Makes a fresh temporary directory. */
  static async create(): Promise<PythonWorkspace> {
    return new PythonWorkspace(await Deno.makeTempDir({ prefix: "pvastream-codecs-" }));
  }

  /** Runs the jobs in order; throws when any fails, with the tool's message. */
  async run(jobs: PythonJob[]): Promise<void> {
    const inDir = jobs.map((j) => ({
      ...j,
      output: this.path(j.output),
      ...("input" in j ? { input: this.path(j.input) } : {}),
    }));
    const jobsFile = this.path("jobs.json");
    await Deno.writeTextFile(jobsFile, JSON.stringify(inDir));
    const { code, stderr, documents } = await runPython(TOOL, [jobsFile], { timeoutMs: 120_000 });
    if (code !== 0) throw new Error(`codec_tool.py exited with ${code}:\n${stderr}`);
    documents.forEach((d, i) => {
      const r = d as { ok: boolean; error?: string };
      if (!r.ok) throw new Error(`python ${JSON.stringify(jobs[i])}: ${r.error}`);
    });
  }

  /** The full path of a file in the workspace. */
  path(name: string): string {
    return `${this.dir}/${name}`;
  }

  /** Reads a file of the workspace. */
  read(name: string): Promise<Uint8Array> {
    return Deno.readFile(this.path(name));
  }

  /** Writes a file into the workspace. */
  write(name: string, data: Uint8Array): Promise<void> {
    return Deno.writeFile(this.path(name), data);
  }

  /** Removes the directory. */
  async [Symbol.asyncDispose](): Promise<void> {
    await Deno.remove(this.dir, { recursive: true });
  }
}
