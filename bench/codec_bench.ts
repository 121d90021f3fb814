/**
 * `deno bench` of the pvData codec on detector frames and a wide structure, each group
 * against a memcpy of the same payload (the baseline deno bench reports ratios to).
 * MB/s figures: `deno run bench/codec_report.ts`.
 *
 * @module
 */
import { caseOps, codecCases } from "./codec_cases.ts";

for (const c of codecCases()) {
  caseOps(c).forEach(([op, fn], i) => {
    Deno.bench({ name: `${op} · ${c.name}`, group: c.name, baseline: i === 0, fn: () => void fn() });
  });
}
