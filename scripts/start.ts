/**
 * `deno task start`: the main job. A simulated detector publishes frames; two consumers share
 * them through the distributor and run the image-statistics processor in their sandboxes.
 * Prints the channels and HTTP URLs to look at and a live status until Ctrl-C or `--runtime`.
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
