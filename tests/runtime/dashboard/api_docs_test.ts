/** The interactive API reference at /api/docs, in a real browser against a fake stage. */
import assert from "node:assert/strict";
import { launchChromium, requireChromium } from "./browser.ts";
import { startFakeStage } from "./fake_stage.ts";

Deno.test({
  name: "API reference page: every operation listed, GET and POST sent from its forms",
  ignore: !requireChromium("the API reference browser test"),
}, async () => {
  await using stage = await startFakeStage();
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(e.message));
    page.setDefaultTimeout(8000);
    await page.goto(new URL("/api/docs", stage.http.url).href);
    const doc = await (await fetch(new URL("/api/openapi.json", stage.http.url))).json();
    const operations = Object.entries(doc.paths as Record<string, object>)
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`));
    await page.locator(".operation").first().waitFor();
    const listed = await page.locator(".operation h2").allTextContents();
    assert.deepEqual(listed.sort(), operations.sort());

    const status = page.locator("#get-_api_status");
    await status.getByRole("button", { name: "Send" }).click();
    await status.locator(".status", { hasText: "200" }).waitFor();
    const body = JSON.parse(await status.locator("pre").textContent() ?? "");
    assert.equal(body.consumerId, 1);

    // The prefilled JSON body of configure is sent as typed in.
    const configure = page.locator("#post-_api_configure");
    await configure.locator("textarea").fill('{"threshold": 7}');
    await configure.getByRole("button", { name: "Send" }).press("Enter");
    await configure.locator(".status", { hasText: "200" }).waitFor();
    assert.deepEqual(stage.configured.at(-1), { threshold: 7 });

    const preview = page.locator("#get-_api_preview_png");
    await preview.getByRole("button", { name: "Send" }).click();
    await preview.locator(".response img, .response .status").first().waitFor();
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
