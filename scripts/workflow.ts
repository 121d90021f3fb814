/**
 * `workflow`: runs the pipeline a YAML file describes (simulators, consumers, collectors, mirrors on
 * this host), each stage its own process, their output prefixed with the stage's name; Ctrl-C or
 * POST /api/stop on the workflow page stops them all, and a summary gives the end-to-end accounting.
 *
 * ```sh
 * deno task workflow run workflows/default.yaml
 * deno task workflow run --check workflows/mirror_chain.yaml
 * ```
 * Exit status: 0 when every stage ended well, 1 when one failed, 2 for a wrong command line or file.
 *
 * @module
 */
import { workflowMain } from "../runtime/workflow/main.ts";

if (import.meta.main) Deno.exit(await workflowMain(Deno.args));
