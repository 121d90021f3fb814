// The interactive API reference: reads this server's OpenAPI document and, for each operation, shows
// what it takes and returns with a form that sends a real request. Built with DOM calls only (no HTML
// from data), so the page's content-security policy holds.

/** A minimal example value for a JSON schema, to prefill request bodies. */
function example(schema, doc, depth = 0) {
  if (!schema || depth > 6) return null;
  if (schema.$ref) return example(doc.components?.schemas?.[schema.$ref.split("/").pop()], doc, depth + 1);
  if (schema.example !== undefined) return schema.example;
  if (schema.default !== undefined) return schema.default;
  if (schema.type === "object" || schema.properties) {
    return Object.fromEntries(
      Object.entries(schema.properties ?? {}).map(([k, v]) => [k, example(v, doc, depth + 1)]),
    );
  }
  if (schema.type === "array") return [];
  if (schema.type === "string") return schema.enum?.[0] ?? "";
  if (schema.type === "number" || schema.type === "integer") return 0;
  if (schema.type === "boolean") return false;
  return null;
}

function el(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  for (const c of children) node.append(c);
  return node;
}

/** Sends the operation's request and shows the answer below its form. */
async function send(method, pathTemplate, inputs, body, out) {
  const path = pathTemplate.replace(/\{(\w+)\}/g, (_, name) => encodeURIComponent(inputs[name].value));
  const headers = {};
  const token = document.querySelector("#token").value;
  if (token !== "") headers.authorization = `Bearer ${token}`;
  const init = { method: method.toUpperCase(), headers };
  if (body) {
    headers["content-type"] = "application/json";
    init.body = body.value;
  }
  out.replaceChildren(`${init.method} ${path} …`);
  try {
    const response = await fetch(path, init);
    const type = response.headers.get("content-type") ?? "";
    let shown;
    if (type.startsWith("image/")) {
      shown = el("img", { src: URL.createObjectURL(await response.blob()), alt: `${path} response` });
    } else if (type.includes("json")) {
      shown = el("pre", {}, JSON.stringify(await response.json(), null, 2));
    } else if (type.startsWith("text/event-stream")) {
      await response.body?.cancel();
      shown = el("p", {}, "an event stream: open it with EventSource or curl -N");
    } else {
      shown = el("pre", {}, (await response.text()).slice(0, 2000));
    }
    out.replaceChildren(el("p", { className: "status" }, `${response.status} ${response.statusText}`), shown);
  } catch (e) {
    out.replaceChildren(el("p", { className: "bad" }, String(e)));
  }
}

function operationSection(doc, method, path, op) {
  const id = `${method}-${path}`.replace(/[^\w-]/g, "_");
  const section = el("section", { id, className: "operation" });
  section.setAttribute("aria-labelledby", `${id}-h`);
  section.append(
    el("h2", { id: `${id}-h` }, el("code", {}, `${method.toUpperCase()} ${path}`)),
    el("p", {}, op.summary ?? ""),
  );
  const form = el("form");
  const inputs = {};
  for (const p of op.parameters ?? []) {
    const input = el("input", { id: `${id}-${p.name}`, name: p.name, required: p.required === true });
    inputs[p.name] = input;
    form.append(el("p", {}, el("label", { htmlFor: input.id }, `${p.name} (${p.in})`), " ", input));
  }
  let body;
  const json = op.requestBody?.content?.["application/json"];
  if (json) {
    body = el("textarea", { id: `${id}-body`, rows: 6, cols: 60 });
    body.value = JSON.stringify(example(json.schema, doc), null, 2);
    form.append(el("p", {}, el("label", { htmlFor: body.id }, "JSON body"), el("br"), body));
  }
  const responses = Object.entries(op.responses ?? {}).map(([code, r]) => `${code} ${r.description ?? ""}`);
  form.append(el("p", {}, el("button", { type: "submit" }, "Send")));
  const out = el("div", { className: "response" });
  out.setAttribute("role", "status");
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    send(method, path, inputs, body, out);
  });
  section.append(form, el("ul", {}, ...responses.map((r) => el("li", {}, r))), out);
  return section;
}

async function main() {
  const target = document.querySelector("#operations");
  const doc = await (await fetch("/api/openapi.json")).json();
  document.querySelector("#title").textContent = doc.info?.title ?? "pvastream HTTP API";
  const sections = [];
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      sections.push(operationSection(doc, method, path, op));
    }
  }
  target.replaceChildren(...sections);
}

main().catch((e) => {
  document.querySelector("#operations").textContent = `cannot read /api/openapi.json: ${e}`;
});
