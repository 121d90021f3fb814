/**
 * `deno task start`: the main job, workflows/default.yaml run by the workflow runner. A simulated
 * detector publishes frames; two consumers share them through the distributor and run the
 * image-statistics processor in their sandboxes; a collector puts their outputs back in order.
 * Prints every stage's output and URL and the workflow page until Ctrl-C or `--runtime`, then the
 * end-to-end accounting.
 *
 * ```sh
 * deno task start
 * deno task start --runtime 30 --frame-rate 500
 * ```
 *
 * @module
 */
import { runMainJob } from "../runtime/start/main_job.ts";

if (import.meta.main) Deno.exit(await runMainJob(Deno.args));
