import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { parseWorkflow, WorkflowError } from "../../../runtime/workflow/mod.ts";

const WORKFLOWS = new URL("../../../workflows/", import.meta.url);
const HAS_COLLECTOR = existsSync(new URL("../scripts/collector.ts", WORKFLOWS));

Deno.test("workflows/*.yaml: every example passes the checks (collector ones once the collector exists)", () => {
  const files = [...Deno.readDirSync(WORKFLOWS)].map((e) => e.name).filter((n) => n.endsWith(".yaml")).sort();
  assert.ok(files.includes("default.yaml") && files.length >= 8, files.join(", "));
  for (const file of files) {
    const text = Deno.readTextFileSync(new URL(file, WORKFLOWS));
    try {
      const spec = parseWorkflow(text, { file });
      assert.ok(spec.stages.length >= 2, file);
      assert.ok(spec.stages.some((s) => s.kind === "simulator"), `${file} has a source`);
    } catch (e) {
      if (!(e instanceof WorkflowError)) throw e;
      // Without scripts/collector.ts (branch collector), its stages are the only thing refused.
      assert.ok(!HAS_COLLECTOR, `${file}: ${e.message}`);
      assert.ok(
        e.issues.every((i) => /collector stages need scripts\/collector\.ts/.test(i.message)),
        e.message,
      );
    }
  }
});
