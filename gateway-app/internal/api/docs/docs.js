// Renders the gateway's OpenAPI document (/openapi.json) as a browsable
// page with a "try it" form. Plain DOM calls only: every string from the
// document is inserted as text, never as HTML.
"use strict";

let spec = null;
let token = ""; // kept in this page's memory only

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return e;
}

function resolve(schema) {
  let s = schema || {};
  const seen = new Set();
  while (s.$ref && !seen.has(s.$ref)) {
    seen.add(s.$ref);
    const name = s.$ref.split("/").pop();
    s = Object.assign({}, spec.components.schemas[name] || {}, s.description ? { description: s.description } : {});
  }
  return s;
}

function typeLabel(s) {
  if (s.$ref) return s.$ref.split("/").pop();
  if (s.type === "array") return "array of " + typeLabel(s.items || {});
  if (s.type === "object" && s.additionalProperties) return "map of " + typeLabel(s.additionalProperties);
  let t = s.type || "any";
  if (s.format) t += " (" + s.format + ")";
  if (s.enum) t += ": " + s.enum.join(" | ");
  if (s.pattern) t += " matching " + s.pattern;
  return t;
}

// schemaTree renders an object schema's properties, recursively, stopping
// at types already shown on the way down.
function schemaTree(schema, path) {
  const s = resolve(schema);
  path = path || [];
  const target = s.type === "array" ? resolve(s.items || {}) : s;
  if (!target.properties) return el("span", { class: "type" }, typeLabel(schema), s.description ? " — " + s.description : "");
  const name = (s.type === "array" ? s.items : schema).$ref || "";
  if (name && path.includes(name)) return el("span", { class: "type" }, typeLabel(schema) + " (recursive)");
  const order = target["x-order"] || Object.keys(target.properties);
  const required = new Set(target.required || []);
  return el("ul", {}, order.map((p) => {
    const ps = target.properties[p];
    const r = resolve(ps);
    const nested = r.properties || (r.type === "array" && resolve(r.items || {}).properties);
    return el("li", {},
      el("code", {}, p), " ", el("span", { class: "type" }, typeLabel(ps)),
      required.has(p) ? el("span", { class: "req" }, " required") : "",
      (ps.description || r.description) ? " — " + (ps.description || r.description) : "",
      nested ? schemaTree(ps, path.concat(name ? [name] : [])) : "");
  }));
}

function example(schema, depth) {
  const s = resolve(schema);
  if ((depth || 0) > 4) return null;
  if (s.examples && s.examples.length) return s.examples[0];
  if (s.enum) return s.enum[0];
  switch (s.type) {
    case "object": {
      const out = {};
      for (const p of s["x-order"] || Object.keys(s.properties || {})) out[p] = example(s.properties[p], (depth || 0) + 1);
      return out;
    }
    case "array": return [example(s.items || {}, (depth || 0) + 1)];
    case "integer": return 0;
    case "boolean": return false;
    case "string": return s.format === "date-time" ? new Date().toISOString() : "";
    default: return null;
  }
}

function tryIt(path, method, op) {
  const inputs = {};
  const params = (op.parameters || []).filter((p) => !p.$ref);
  const fields = params.map((p) => {
    const i = el("input", { placeholder: p.example || p.name });
    inputs[p.name] = { input: i, param: p };
    return el("label", {}, p.in + " " + p.name + (p.required ? " (required)" : ""), i);
  });
  const write = method !== "get";
  const idem = el("input", { placeholder: "optional, e.g. a UUID" });
  let body = null;
  const rb = op.requestBody && op.requestBody.content["application/json"];
  if (rb) body = el("textarea", { rows: "6" }, JSON.stringify(example(rb.schema), null, 2));
  // An upload's body is a file, sent as it is with its media type.
  const fileTypes = op.requestBody ? Object.keys(op.requestBody.content).filter((t) => t !== "application/json") : [];
  const file = fileTypes.length ? el("input", { type: "file" }) : null;
  const fileType = fileTypes.length ? el("select", {}, fileTypes.map((t) => el("option", { value: t }, t))) : null;
  const out = el("pre", {}, "");
  const send = async () => {
    let url = path;
    const query = new URLSearchParams();
    for (const { input, param } of Object.values(inputs)) {
      if (!input.value) continue;
      if (param.in === "path") url = url.replace("{" + param.name + "}", encodeURIComponent(input.value));
      else query.set(param.name, input.value);
    }
    if ([...query].length) url += "?" + query;
    const headers = {};
    if (token) headers["Authorization"] = "Bearer " + token;
    if (write && idem.value) headers["Idempotency-Key"] = idem.value;
    let payload = body ? body.value : undefined;
    if (body) headers["Content-Type"] = "application/json";
    if (file && file.files.length) {
      payload = file.files[0];
      headers["Content-Type"] = fileType.value;
    }
    out.textContent = method.toUpperCase() + " " + url + " …";
    try {
      const res = await fetch(url, { method: method.toUpperCase(), headers, body: payload });
      const text = await res.text();
      const shown = ["x-request-id", "x-transaction-id", "x-block-number", "idempotent-replayed", "retry-after"]
        .filter((h) => res.headers.get(h)).map((h) => h + ": " + res.headers.get(h)).join("\n");
      let pretty = text;
      try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch (_) { /* not JSON */ }
      out.textContent = res.status + " " + res.statusText + "\n" + shown + "\n\n" + pretty;
    } catch (e) {
      out.textContent = "request failed: " + e;
    }
  };
  return el("details", { class: "try" }, el("summary", {}, "Try it"),
    fields, write ? el("label", {}, "Idempotency-Key", idem) : "", body ? el("label", {}, "body (JSON)", body) : "",
    file ? el("label", {}, "file", file) : "", file ? el("label", {}, "as", fileType) : "",
    el("p", {}, el("button", { onclick: send, type: "button" }, "Send")), out);
}

function operation(path, method, op) {
  const id = "op-" + op.operationId;
  const cc = op["x-chaincode"];
  const secured = op.security && op.security.length > 0;
  const params = (op.parameters || []).map((p) => p.$ref ? spec.components.parameters[p.$ref.split("/").pop()] : p);
  const rb = op.requestBody && op.requestBody.content["application/json"];
  return el("section", { class: "op", id },
    el("h3", {}, el("span", { class: "method m-" + method }, method.toUpperCase()), el("span", { class: "path" }, path), op.summary || ""),
    op.description ? el("p", { class: "desc" }, op.description) : "",
    el("p", { class: "meta" },
      secured ? (op["x-roles"] ? el("span", { class: "badge" }, "roles: " + op["x-roles"].join(" or ")) : el("span", { class: "badge" }, "any authenticated user"))
        : el("span", { class: "badge" }, "no authentication"),
      cc ? el("span", { class: "badge" }, (cc.submit ? "submits " : "evaluates ") + cc.transaction) : "",
      cc && cc.transient ? el("span", { class: "badge" }, "transient: " + cc.transient.join(", ")) : "",
      cc && cc.endorsement ? el("span", { class: "badge" }, "endorsement: " + cc.endorsement) : "",
      cc && cc.privateData ? el("span", { class: "badge" }, "endorsers from collection config") : "",
      op["x-chaincode-functions"] ? el("span", { class: "badge" }, "runs " + op["x-chaincode-functions"].join(", ")) : ""),
    params.length ? el("table", {}, el("tr", {}, el("th", {}, "parameter"), el("th", {}, "in"), el("th", {}, "type"), el("th", {}, "description")),
      params.map((p) => el("tr", {}, el("td", {}, el("code", {}, p.name), p.required ? el("span", { class: "req" }, " required") : ""),
        el("td", {}, p.in), el("td", {}, typeLabel(p.schema || {})), el("td", {}, p.description || "")))) : "",
    rb ? el("div", { class: "schema" }, el("strong", {}, "Request body "), schemaTree(rb.schema)) : "",
    !rb && op.requestBody ? el("div", { class: "schema" }, el("strong", {}, "Request body: a file "),
      Object.keys(op.requestBody.content).join(", "), op.requestBody.description ? " — " + op.requestBody.description : "") : "",
    el("div", { class: "schema" }, el("strong", {}, "Responses"),
      el("ul", {}, Object.entries(op.responses).map(([status, r]) => {
        const ref = r.$ref ? r.$ref.split("/").pop() : null;
        const body = r.content && (r.content["application/json"] || null);
        return el("li", {}, el("code", {}, status), " ", ref ? el("a", { href: "#problems" }, ref + " (problem details)") : (r.description || ""),
          body ? schemaTree(body.schema) : "");
      }))),
    tryIt(path, method, op));
}

function render() {
  const main = document.getElementById("main");
  const nav = document.getElementById("nav");
  main.replaceChildren();
  nav.replaceChildren(el("strong", {}, spec.info.title), el("div", { class: "meta" }, "version " + spec.info.version));
  const tokenInput = el("input", { type: "password", placeholder: "bearer token", autocomplete: "off" });
  tokenInput.addEventListener("input", () => { token = tokenInput.value.trim(); });
  main.append(el("h1", {}, spec.info.title), el("p", { class: "desc" }, spec.info.description),
    el("div", { id: "auth" }, el("label", {}, "Bearer token for “Try it” (kept in this page only)", tokenInput)),
    el("p", {}, el("a", { href: "/openapi.json" }, "OpenAPI 3.1 document")));
  const byTag = new Map();
  for (const [path, ops] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  const tagOrder = (spec.tags || []).map((t) => t.name).filter((t) => byTag.has(t));
  for (const t of byTag.keys()) if (!tagOrder.includes(t)) tagOrder.push(t);
  for (const tag of tagOrder) {
    nav.append(el("h2", {}, tag));
    main.append(el("h2", { id: "tag-" + tag }, tag));
    for (const [path, method, op] of byTag.get(tag)) {
      nav.append(el("a", { href: "#op-" + op.operationId }, method.toUpperCase() + " " + path));
      main.append(operation(path, method, op));
    }
  }
  nav.append(el("h2", {}, "reference"), el("a", { href: "#problems" }, "Problem types"));
  main.append(el("h2", { id: "problems" }, "Problem types"),
    el("p", {}, "Every error is application/problem+json; its type links here and its code is stable."),
    el("table", {}, el("tr", {}, el("th", {}, "code"), el("th", {}, "status"), el("th", {}, "source"), el("th", {}, "meaning")),
      (spec["x-problem-types"] || []).map((c) => el("tr", { id: "problem-" + c.code },
        el("td", {}, el("code", {}, c.code)), el("td", {}, String(c.status)), el("td", {}, c.source), el("td", {}, c.description)))));
  if (location.hash) {
    const target = document.getElementById(location.hash.slice(1));
    if (target) target.scrollIntoView();
  }
}

fetch("/openapi.json")
  .then((r) => { if (!r.ok) throw new Error("HTTP " + r.status); return r.json(); })
  .then((doc) => { spec = doc; render(); })
  .catch((e) => { document.getElementById("status").textContent = "Could not load /openapi.json: " + e; });
