// The tranchenet console: a hash-routed page over the gateway's REST API.
// Everything shown comes from /v1 under the signed-in user's bearer token;
// nothing is inserted as HTML (every string becomes a text node), and an
// action button is drawn only for the roles the API lets do it.

import { lineChart, legend, waterfallChart } from "/console/charts.js";

const TOKEN = "tranchenet.token";
const main = document.getElementById("main");
let me = null; // GET /v1/whoami
let leave = null; // cleanup of the current page (the event stream)
let routing = 0; // the latest navigation: an earlier one still loading must not draw over it

// ---- DOM ----------------------------------------------------------------

function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "class") e.className = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) if (c != null && c !== false) e.append(c instanceof Node ? c : String(c));
  return e;
}

function table(id, caption, head, rows, numeric = []) {
  return h("table", { id },
    caption ? h("caption", {}, caption) : null,
    h("thead", {}, h("tr", {}, head.map((c, i) => h("th", { scope: "col", class: numeric.includes(i) ? "num" : null }, c)))),
    h("tbody", {}, rows.length ? rows.map((r) => h("tr", {}, r.map((c, i) => h("td", { class: numeric.includes(i) ? "num" : null }, c ?? "")))) :
      h("tr", {}, h("td", { colspan: head.length, class: "muted" }, "none"))));
}

function field(label, input) {
  return h("label", {}, label, input);
}

function kv(pairs) {
  return h("dl", { class: "kv" }, pairs.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v ?? "—")]));
}

function toast(msg) {
  const t = document.getElementById("toast");
  t.textContent = msg;
  setTimeout(() => { if (t.textContent === msg) t.textContent = ""; }, 6000);
}

function problemBox(p) {
  return h("div", { class: "problem", role: "alert" },
    h("strong", {}, `${p.status || ""} ${p.code || "ERROR"}`), " ", p.detail || p.title || p.message || "",
    p.rule ? ` (rule ${p.rule})` : "", p.field ? ` — field ${p.field}` : "");
}

// ---- API ----------------------------------------------------------------

class Problem extends Error {
  constructor(p) { super(p.detail || p.title || "request failed"); Object.assign(this, p); }
}

async function api(method, path, body, opts = {}) {
  const headers = { Authorization: "Bearer " + sessionStorage.getItem(TOKEN) };
  let payload;
  if (body instanceof Blob) { payload = body; headers["Content-Type"] = opts.contentType; }
  else if (body !== undefined) { payload = JSON.stringify(body); headers["Content-Type"] = "application/json"; }
  if (method !== "GET") headers["Idempotency-Key"] = "console-" + crypto.randomUUID();
  if (opts.accept) headers.Accept = opts.accept;
  const r = await fetch(path, { method, headers, body: payload });
  if (r.status === 401) { signOut(); throw new Problem({ status: 401, code: "UNAUTHENTICATED", detail: "sign in again" }); }
  const text = await r.text();
  if (!r.ok) {
    let p;
    try { p = JSON.parse(text); } catch { p = { status: r.status, detail: text }; }
    throw new Problem(p);
  }
  if (opts.raw) return text;
  return text ? JSON.parse(text) : null;
}

const get = (path) => api("GET", path);
const maybe = (p) => p.catch(() => null);
const can = (...roles) => me && roles.some((r) => me.roles.includes(r));
const enc = encodeURIComponent;
const keyPath = (key) => key.split("/").map(enc).join("/");
const num = (v) => (v == null || v === "" ? null : Number(v));
const pct = (v) => (v == null ? "—" : (100 * v).toFixed(2) + "%");
const money = (v) => (v == null ? "—" : Number(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 }));
const short = (s, n = 12) => (s && s.length > n ? s.slice(0, n) + "…" : s || "");

// ---- shell and routing --------------------------------------------------

const pages = [
  ["deals", "Deals", deals],
  ["servicer", "Servicer", servicer],
  ["blotter", "Settlement blotter", blotter],
  ["investor", "Investor", investor],
  ["compliance", "Compliance", compliance],
  ["events", "Events", eventsPage],
];

function signOut() {
  sessionStorage.removeItem(TOKEN);
  me = null;
  location.hash = "";
  route();
}

function shell() {
  const nav = document.getElementById("nav");
  nav.replaceChildren(...pages.map(([id, label]) => h("a", { href: "#/" + id, id: "nav-" + id }, label)));
  nav.hidden = false;
  document.getElementById("who").replaceChildren(
    h("span", { id: "whoami" }, `${me.user} · ${me.roles.join(", ")} · ${me.identity.mspId}`),
    h("button", { class: "secondary", id: "signout", onclick: signOut }, "Sign out"));
}

async function route() {
  if (leave) { leave(); leave = null; }
  if (!sessionStorage.getItem(TOKEN)) return login();
  if (!me) {
    try { me = await get("/v1/whoami"); } catch (p) { return login(p); }
    shell();
  }
  const [, name, ...args] = (location.hash || "#/deals").split("/");
  const page = name === "deal" ? ["deal", "Deal", deal] : pages.find((p) => p[0] === name) || pages[0];
  for (const a of document.querySelectorAll("#nav a")) a.removeAttribute("aria-current");
  document.getElementById("nav-" + (page[0] === "deal" ? "deals" : page[0]))?.setAttribute("aria-current", "page");
  document.title = page[1] + " — tranchenet console";
  const seq = ++routing;
  main.removeAttribute("data-page");
  main.replaceChildren(h("h1", {}, page[1]), h("p", { class: "muted", id: "busy" }, "Loading…"));
  main.focus();
  let content;
  try {
    content = [await page[2](...args.map(decodeURIComponent))].flat();
  } catch (p) {
    content = [h("h1", {}, page[1]), problemBox(p)];
  }
  if (seq !== routing) return;
  main.replaceChildren(...content);
  main.setAttribute("data-page", page[0]);
}

function login(p) {
  document.getElementById("nav").hidden = true;
  document.getElementById("who").replaceChildren();
  const input = h("input", { id: "token", type: "password", autocomplete: "off", required: true, spellcheck: "false" });
  const form = h("form", { id: "login", class: "card" },
    h("p", {}, "Sign in with the API token your bank's gateway issued to you (make demo prints one per role). It stays in this tab only."),
    field("API token", input), h("p", {}, h("button", { type: "submit", id: "signin" }, "Sign in")));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    sessionStorage.setItem(TOKEN, input.value.trim());
    me = null;
    await route();
  });
  main.replaceChildren(h("h1", {}, "Sign in"), p ? problemBox(p) : "", form);
  main.setAttribute("data-page", "login");
  input.focus();
}

window.addEventListener("hashchange", route);
route();

// ---- deals --------------------------------------------------------------

// certifications returns the certified periods 1..n of a deal.
async function certifications(id, n) {
  const list = await Promise.all(Array.from({ length: n }, (_, i) => maybe(get(`/v1/deals/${enc(id)}/periods/${i + 1}/certification`))));
  return list.filter(Boolean).map((c) => ({ ...c, result: typeof c.result === "string" ? JSON.parse(c.result) : c.result }));
}

function nextPaymentDate(lastPaid) {
  if (!lastPaid) return "—";
  const d = new Date(lastPaid + "T00:00:00Z");
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 10);
}

function triggerStatus(state) {
  const breached = (state?.triggers || []).filter((t) => t.breached);
  if (!state?.triggers?.length) return h("span", { class: "muted" }, "none defined");
  return breached.length ? h("span", { class: "bad" }, "BREACHED: " + breached.map((t) => t.trigger).join(", ")) : h("span", { class: "ok" }, "ok");
}

async function deals() {
  const evs = await get("/v1/events?name=DealCreated&limit=500");
  const ids = [...new Set(evs.events.map((e) => e.data?.deal).filter(Boolean))];
  const rows = await Promise.all(ids.map(async (id) => {
    const [d, sv] = await Promise.all([maybe(get(`/v1/deals/${enc(id)}`)), maybe(get(`/v1/deals/${enc(id)}/servicing`))]);
    const last = sv && sv.period > 0 ? await maybe(get(`/v1/deals/${enc(id)}/periods/${sv.period}/certification`)) : null;
    const result = last && (typeof last.result === "string" ? JSON.parse(last.result) : last.result);
    const classes = (d?.tranches || []).map((t) => t.slice(id.length + 1) || t).join(" · ");
    return [h("a", { href: "#/deal/" + enc(id) }, id), d?.name || "", classes, result ? Number(result.pool.factor).toFixed(4) : "1.0000",
      sv ? String(sv.period) : "—", nextPaymentDate(last?.inputs?.paymentDate), sv ? triggerStatus(sv.state) : "—"];
  }));
  const input = h("input", { id: "deal-id", required: true });
  const open = h("form", { class: "inline", onsubmit: (ev) => { ev.preventDefault(); location.hash = "#/deal/" + enc(input.value.trim()); } },
    field("Deal ID", input), h("button", { type: "submit" }, "Open"));
  return [h("h1", {}, "Deals"), open,
    table("deals-table", "Deals on the channel (from this gateway's event log)",
      ["Deal", "Name", "Classes", "Pool factor", "Last period", "Next payment date", "Triggers"], rows, [3, 4])];
}

async function deal(id) {
  const base = `/v1/deals/${enc(id)}`;
  const [d, sv] = await Promise.all([get(base), get(base + "/servicing")]);
  const certs = await certifications(id, sv.period);
  const tranches = await Promise.all(d.tranches.map(async (t) => {
    const [tr, sup] = await Promise.all([get(`/v1/tranches/${enc(t)}`), maybe(get(`/v1/tranches/${enc(t)}/supply`))]);
    return { tr, sup };
  }));
  const lastResult = certs.length ? certs[certs.length - 1].result : null;
  const factorOf = (cls) => lastResult?.classes?.find((c) => c.class === cls)?.factor;
  const coupon = (c) => !c ? "—" : c.fixed ? pct(num(c.fixed)) : `${c.index || ""}+${pct(num(c.margin))}`;
  const out = [h("h1", {}, `${d.name} (${d.id})`),
    kv([["Pool", d.pool], ["Arranger", d.arranger], ["Last certified period", String(sv.period)], ["Waterfall version", String(sv.waterfallVersion)],
      ["Triggers", triggerStatus(sv.state)], ["Event of default", sv.eventOfDefault ? h("span", { class: "bad" }, "yes") : "no"]]),
    h("h2", {}, "Tranches"),
    table("tranche-table", null, ["Class", "Tranche", "Kind", "Coupon", "Original face", "Outstanding face", "Factor", "Holders"],
      tranches.map(({ tr, sup }) => [tr.class, tr.id, tr.kind, coupon(tr.coupon), money(tr.originalFace), sup ? money(sup.outstandingFace) : "—",
        factorOf(tr.class) != null ? Number(factorOf(tr.class)).toFixed(4) : "1.0000", sup ? String(sup.holders) : "—"]), [4, 5, 6, 7])];
  if (!certs.length) return [...out, h("p", { class: "muted" }, "No period certified yet.")];

  const labels = certs.map((c) => c.period);
  const R = certs.map((c) => c.result);
  const agg = certs.map((c) => c.inputs?.aggregates || {});
  const bucket = (a, k) => num(a.delinquency?.[k]?.balance) || 0;
  const end = (a, i) => num(a.endingBalance) || num(R[i].pool.endingBalance) || 1;
  const cnlTrigger = (r) => (r.triggers || []).find((t) => /loss/i.test(t.trigger) || /loss/i.test(t.test));
  const reserve = (r) => (r.reserves || [])[0];
  const charts = [
    ["Pool balance", lineChart({ title: "Pool balance by period", labels, series: [{ name: "pool balance", values: R.map((r) => num(r.pool.endingBalance)) }], fmt: compact }), ["pool balance"]],
    ["Pool factor", lineChart({ title: "Pool factor by period", labels, series: [{ name: "factor", values: R.map((r) => num(r.pool.factor)) }], fmt: (v) => v.toFixed(2) }), ["factor"]],
    ["Delinquency (share of pool balance)", lineChart({ title: "30, 60 and 90+ day delinquency by period", labels, fmt: pct, series: [
      { name: "31–60 days", values: agg.map((a, i) => bucket(a, "days31To60") / end(a, i)) },
      { name: "61–90 days", values: agg.map((a, i) => bucket(a, "days61To90") / end(a, i)) },
      { name: "91+ days", values: agg.map((a, i) => (bucket(a, "days91To120") + bucket(a, "over120")) / end(a, i)) }] }), ["31–60 days", "61–90 days", "91+ days"]],
    ["Cumulative net loss vs trigger", lineChart({ title: "Cumulative net loss ratio against its trigger threshold", labels, fmt: pct, series: [
      { name: "cumulative net loss", values: R.map((r) => num(r.pool.cumulativeNetLossRatio)) },
      { name: "trigger threshold", dashed: true, values: R.map((r) => num(cnlTrigger(r)?.threshold)) }] }), ["cumulative net loss", "trigger threshold"]],
    ["Overcollateralization and reserve vs target", lineChart({ title: "Overcollateralization and reserve against their targets", labels, fmt: compact, series: [
      { name: "OC", values: R.map((r) => num(r.pool.overcollateralization)) },
      { name: "OC target", dashed: true, values: R.map((r) => num(r.pool.ocTarget)) },
      { name: "reserve", values: R.map((r) => num(reserve(r)?.endingBalance)) },
      { name: "reserve target", dashed: true, values: R.map((r) => num(reserve(r)?.target)) }] }), ["OC", "OC target", "reserve", "reserve target"]],
    ["Class balances", lineChart({ title: "Each class's balance by period", labels, fmt: compact,
      series: (R[0].classes || []).map((c) => ({ name: c.class, values: R.map((r) => num(r.classes.find((x) => x.class === c.class)?.endingBalance)) })) }),
      (R[0].classes || []).map((c) => c.class)],
  ];
  out.push(h("h2", {}, "Over the periods"),
    h("div", { class: "grid", id: "charts" }, charts.map(([title, svg, names]) => h("figure", { class: "card" }, h("h3", {}, title), svg, legend(names)))));

  const periodSel = h("select", { id: "period" }, labels.map((p) => h("option", { value: p, selected: p === sv.period }, "Period " + p)));
  const detail = h("div", { id: "period-detail" });
  const showPeriod = async () => detail.replaceChildren(...await periodDetail(id, certs.find((c) => c.period === Number(periodSel.value))));
  periodSel.addEventListener("change", showPeriod);
  await showPeriod();
  out.push(h("h2", {}, "Period"), h("form", { class: "inline noprint" }, field("Certified period", periodSel)), detail);
  return out;
}

function compact(v) {
  const a = Math.abs(v);
  return a >= 1e6 ? (v / 1e6).toFixed(1) + "M" : a >= 1e3 ? (v / 1e3).toFixed(0) + "k" : String(Math.round(v));
}

function paymentLabel(p) {
  return [p.kind, p.class || p.fee || p.account].filter(Boolean).join(" ");
}

async function periodDetail(id, cert) {
  const r = cert.result;
  const base = `/v1/deals/${enc(id)}/periods/${cert.period}`;
  const [por, replay] = await Promise.all([maybe(get(base + "/proof-of-reserve")), maybe(get(base + "/replay"))]);
  const pays = (r.payments || []).filter((p) => num(p.paid) > 0);
  const out = [
    h("h3", {}, `Waterfall of period ${cert.period} (payment date ${cert.inputs?.paymentDate || "—"})`),
    h("figure", { class: "card", id: "waterfall" }, waterfallChart({ title: `Period ${cert.period} waterfall from available funds to each line`,
      total: num(r.availableFunds.total), lines: pays.map((p) => ({ label: paymentLabel(p), value: num(p.paid) })), fmt: money })),
    table("waterfall-table", "Every line of the waterfall", ["Step", "Line", "Due", "Paid", "Shortfall"],
      (r.payments || []).map((p) => [String(p.step), paymentLabel(p), money(p.due), money(p.paid), money(p.shortfall)]), [0, 2, 3, 4]),
    h("h3", {}, "Distribution statement"),
    table("distribution-table", `Certified in ${short(cert.certifiedTx, 16)} by ${cert.certifiedBy || "—"}`,
      ["Class", "Tranche", "Beginning balance", "Interest paid", "Principal paid", "Ending balance", "Factor"],
      (r.classes || []).map((c) => [c.class, cert.distributions?.find((d) => d.class === c.class)?.tranche || "", money(c.beginningBalance),
        money(c.interestPaid), money(c.principalPaid), money(c.endingBalance), Number(c.factor).toFixed(6)]), [2, 3, 4, 5, 6]),
  ];
  if (can("trustee", "compliance", "admin")) {
    out.push(h("p", { class: "noprint" }, h("button", { class: "secondary", id: "statement-csv", onclick: async () => {
      try { download(`statement-${id}-${cert.period}.csv`, await api("GET", base + "/statement?format=csv", undefined, { raw: true }), "text/csv"); }
      catch (p) { toast(p.message); }
    } }, "This bank's clients' statement (CSV)")));
  }
  out.push(h("h3", {}, "Proof of reserve"), por ? h("div", { id: "proof-of-reserve" }, kv([
    ["Pool balance", money(por.poolBalance)], ["Notes outstanding", money(por.notesOutstanding)],
    ["Required collateralization", por.requiredCollateralization], ["Coverage", por.coverage],
    ["Covered", por.covered ? h("span", { class: "ok" }, "✓ covered") : h("span", { class: "bad" }, "✗ not covered")],
    ["Merkle root", h("code", {}, por.merkleRoot || "—")]])) : h("p", { class: "muted" }, "not available"));
  out.push(h("h3", {}, "Replay"), replay ? h("div", { id: "replay" }, kv([
    ["Verdict", replay.agree ? h("span", { class: "ok" }, "identical: this gateway and the chaincode reproduce the certified result") : h("span", { class: "bad" }, "MISMATCH")],
    ["Result hash", h("code", {}, replay.local?.storedHash || cert.resultHash || "—")]])) : h("p", { class: "muted" }, "not available"));
  return out;
}

function download(name, text, type) {
  const a = h("a", { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
}

// ---- servicer -----------------------------------------------------------

async function servicer() {
  const out = [h("h1", {}, "Servicer")];
  if (!can("servicer")) {
    out.push(h("p", { id: "no-upload" }, `Uploads are for the servicer role; you hold ${me.roles.join(", ")}.`));
    return out;
  }
  const kind = h("select", { id: "upload-kind" }, h("option", { value: "report" }, "Servicer report (next period)"), h("option", { value: "tape" }, "Loan tape"));
  const target = h("input", { id: "upload-target", required: true });
  const loanCount = h("input", { id: "upload-loancount", inputmode: "numeric", pattern: "[0-9]*" });
  const file = h("input", { id: "upload-file", type: "file", accept: ".csv,.xml,text/csv,application/xml" });
  const chosen = h("p", { id: "upload-chosen", class: "muted" }, "No file chosen.");
  const progress = h("progress", { id: "upload-progress", max: 1, value: 0, "aria-label": "Chunks submitted" });
  const status = h("p", { id: "upload-status", "aria-live": "polite" });
  const result = h("div", { id: "upload-result" });
  let picked = null;
  const pick = (f) => { picked = f; chosen.textContent = f ? `${f.name} · ${f.size.toLocaleString()} bytes` : "No file chosen."; };
  file.addEventListener("change", () => pick(file.files[0]));
  const drop = h("div", { class: "drop", id: "drop", tabindex: 0, role: "button", "aria-label": "Drop a CSV or XML file here, or press Enter to choose one" },
    "Drop a CSV or EX-102 XML file here, or press Enter to choose one");
  drop.addEventListener("click", () => file.click());
  drop.addEventListener("keydown", (ev) => { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); file.click(); } });
  drop.addEventListener("dragover", (ev) => { ev.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (ev) => { ev.preventDefault(); drop.classList.remove("over"); pick(ev.dataTransfer.files[0]); });
  const form = h("form", { id: "upload-form", class: "card" },
    h("div", { class: "inline" }, field("What", kind), field("Deal ID (report) or pool ID (tape)", target), field("Loan count (control total, optional)", loanCount)),
    drop, field("File", file), chosen, h("p", {}, h("button", { type: "submit", id: "upload-submit" }, "Upload")), progress, status);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (!picked) { status.textContent = "Choose a file first."; return; }
    result.replaceChildren();
    const report = kind.value === "report";
    const id = target.value.trim();
    const q = loanCount.value ? "?loanCount=" + enc(loanCount.value) : "";
    const path = report ? `/v1/deals/${enc(id)}/reports${q}` : `/v1/pools/${enc(id)}/loans${q}`;
    const type = /\.xml$/i.test(picked.name) ? "application/xml" : "text/csv";
    status.textContent = "Checking every row…";
    progress.value = 0;
    const watch = report ? watchChunks(id, progress, status) : () => {};
    try {
      const r = await api(report ? "POST" : "PUT", path, picked, { contentType: type });
      progress.max = r.chunks || 1;
      progress.value = r.chunks || 1;
      status.textContent = `Done: ${r.rows ?? r.loans ?? ""} rows in ${r.chunks} chunks.`;
      result.replaceChildren(h("div", { class: "success", role: "status" }, `Accepted: ${report ? "period " + r.period : "pool " + id}, ${r.chunks} chunks, status ${r.status || "complete"}`),
        kv([["Merkle root", h("code", {}, r.merkleRoot || "—")], ["Transactions", String((r.transactions || []).length)]]));
    } catch (p) {
      status.textContent = p.code === "UPLOAD_INVALID" ? "Refused: nothing was submitted." : "Refused.";
      result.replaceChildren(problemBox(p));
      if (p.errors?.length) {
        result.append(table("upload-errors", `Rows in error${p.limited ? " (the first 50)" : ""}`, ["Row", "Loan", "Field", "Rule", "Detail"],
          p.errors.map((e) => [String(e.row), e.assetNumber || "", e.field || "", e.rule || "", e.detail || ""]), [0]));
      }
    } finally {
      watch();
    }
  });
  out.push(h("p", {}, "The file is checked whole before anything is submitted; a file with a bad row is refused with every bad row listed."), form, result);
  return out;
}

// watchChunks follows the report's chunks in the read model while the
// upload runs, and returns the function that stops it.
function watchChunks(deal, progress, status) {
  let seen = null, stop = false;
  const tick = async () => {
    const hist = await maybe(get(`/v1/deals/${enc(deal)}/reports`));
    if (!hist || stop) return;
    const evs = hist.events || [];
    if (seen == null) { seen = evs.length; return; }
    const fresh = evs.slice(seen);
    const sub = fresh.find((e) => e.chunks);
    const done = fresh.filter((e) => e.chunk != null).length;
    if (sub) { progress.max = sub.chunks; progress.value = done; status.textContent = `Submitting: chunk ${done} of ${sub.chunks} committed.`; }
  };
  tick();
  const timer = setInterval(tick, 700);
  return () => { stop = true; clearInterval(timer); };
}

// ---- settlement blotter -------------------------------------------------

const STATUSES = ["pending-deliver", "pending-receive", "matched", "failed", "awaiting-payment", "settled", "released", "returned", "cancelled", "expired"];

async function blotter() {
  // The trustee and auditors may look at every custodian bank's settlements;
  // the banks come from the consortium configuration on the ledger.
  let others = [];
  if (can("trustee", "auditor")) {
    try {
      others = ((await get("/v1/consortium")).orgs || []).filter((o) => o.custodian && o.msp !== me.identity.mspId).map((o) => o.msp);
    } catch (e) {
      others = []; // without the consortium the blotter still shows this bank's settlements
    }
  }
  const bank = h("select", { id: "filter-bank" }, [me.identity.mspId, ...others].map((m) => h("option", { value: m }, m)));
  const status = h("select", { id: "filter-status" }, h("option", { value: "" }, "all"), STATUSES.map((s) => h("option", { value: s }, s)));
  const tranche = h("input", { id: "filter-tranche" });
  const list = h("div", { id: "blotter-list" });
  const msg = h("div", { id: "blotter-message", "aria-live": "polite" });
  const render = async () => {
    const page = await get(`/v1/settlements?pageSize=1000&bank=${enc(bank.value)}`);
    const rows = (page.settlements || []).filter((s) => (!status.value || s.status === status.value) && (!tranche.value || s.tranche.includes(tranche.value)));
    const counts = STATUSES.map((st) => [st, (page.settlements || []).filter((s) => s.status === st).length]).filter(([, n]) => n);
    list.replaceChildren(h("p", { id: "blotter-counts", class: "muted" }, counts.map(([s, n]) => `${s} ${n}`).join(" · ") || "no settlements"),
      table("blotter", null, ["Trade ref", "Kind", "Tranche", "Seller bank", "Buyer bank", "Payment", "Status", "Expiry", "Actions"],
        rows.map((s) => [h("code", {}, s.tradeRef), s.kind, s.tranche, s.sellerBank, s.buyerBank, s.payment,
          h("span", { class: s.status === "settled" || s.status === "released" ? "ok" : s.status === "failed" ? "bad" : null, "data-status": s.status }, s.status + (s.failure?.code ? ` (${s.failure.code})` : "")),
          (s.expiry || "").replace("T", " ").slice(0, 16), actions(s)])));
  };
  const act = async (label, path, body) => {
    msg.replaceChildren();
    try {
      const r = await api("POST", path, body);
      msg.replaceChildren(h("div", { class: "success", role: "status" }, `${label}: ${r.tradeRef} is ${r.status}${r.code ? " (" + r.code + ")" : ""} · tx ${short(r.txId, 16)}`));
    } catch (p) { msg.replaceChildren(problemBox(p)); }
    await render();
  };
  const actions = (s) => {
    const b = [];
    const ref = `/v1/settlements/${enc(s.tradeRef)}`;
    const party = s.sellerBank === me.identity.mspId || s.buyerBank === me.identity.mspId;
    if (["matched", "failed"].includes(s.status) && can("investor", "arranger", "trustee"))
      b.push(h("button", { "data-action": "settle", "data-ref": s.tradeRef, onclick: () => act("Settle", ref + "/settle", {}) }, "Settle"));
    if (s.status === "awaiting-payment" && s.sellerBank === me.identity.mspId && can("investor", "arranger"))
      b.push(h("button", { "data-action": "confirm", onclick: () => act("Payment confirmed", ref + "/payment-confirmation", {}) }, "Confirm payment"));
    if (["pending-deliver", "pending-receive", "matched", "failed"].includes(s.status) && party && can("investor", "arranger")) {
      const side = s.sellerBank === me.identity.mspId ? "deliver" : "receive";
      b.push(h("button", { class: "danger", "data-action": "cancel", "data-ref": s.tradeRef, onclick: () => act("Cancel", ref + "/cancellation", { side }) }, "Cancel"));
    }
    return b.length ? h("span", {}, b) : h("span", { class: "muted" }, "—");
  };
  for (const f of [bank, status]) f.addEventListener("change", render);
  tranche.addEventListener("input", render);
  await render();
  const out = [h("h1", {}, "Settlement blotter"),
    h("form", { class: "inline", id: "blotter-filters", onsubmit: (ev) => ev.preventDefault() }, field("Bank", bank), field("Status", status), field("Tranche contains", tranche)),
    msg, list];
  if (can("investor", "arranger")) out.push(instructForm(act));
  return out;
}

function instructForm(act) {
  const f = (id, label, attrs = {}) => field(label, h("input", { id: "instr-" + id, ...attrs }));
  const side = h("select", { id: "instr-side" }, h("option", { value: "deliver" }, "deliver (seller)"), h("option", { value: "receive" }, "receive (buyer)"));
  const payment = h("select", { id: "instr-payment" }, h("option", { value: "ledger" }, "ledger"), h("option", { value: "rtgs" }, "RTGS"));
  const hold = h("input", { id: "instr-hold", type: "checkbox", checked: true });
  const tomorrow = new Date(Date.now() + 86400000).toISOString().slice(0, 16);
  const form = h("form", { id: "instruct-form", class: "card" }, h("h2", {}, "Instruct a side"),
    h("p", { class: "muted" }, "Both sides must send the same terms (the nonce included): the ledger compares their hashes."),
    h("div", { class: "inline" }, f("ref", "Trade ref", { required: true }), field("Side", side), f("tranche", "Tranche", { required: true }),
      f("seller", "Seller key (MSP/id)", { required: true }), f("buyer", "Buyer key (MSP/id)", { required: true }),
      f("units", "Units", { required: true, inputmode: "numeric" }), f("cash", "Cash", { required: true }),
      f("date", "Settlement date", { type: "date", value: new Date().toISOString().slice(0, 10) }),
      f("expiry", "Expiry (UTC)", { type: "datetime-local", value: tomorrow }), field("Payment", payment),
      f("nonce", "Nonce (32+ hex)", { required: true, value: [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("") }),
      field("Hold until the end", hold)),
    h("button", { type: "submit", id: "instr-submit" }, "Instruct"));
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const v = (id) => document.getElementById("instr-" + id).value.trim();
    const expiry = new Date(v("expiry") + "Z").toISOString().replace(/\.\d+Z$/, "Z");
    const terms = { tradeRef: v("ref"), kind: "trade", tranche: v("tranche"), seller: v("seller"), buyer: v("buyer"), units: Number(v("units")),
      cash: v("cash"), settlementDate: v("date"), expiry, payment: payment.value, nonce: v("nonce") };
    if (payment.value === "rtgs") terms.paymentDeadline = expiry;
    act("Instructed", `/v1/settlements/${enc(terms.tradeRef)}/${side.value}`, { terms, hold: hold.checked });
  });
  return form;
}

// ---- investor -----------------------------------------------------------

async function investor(key) {
  const staff = can("compliance", "admin", "trustee");
  key = key || (staff && !can("investor") ? "" : me.identity.key);
  const out = [h("h1", {}, "Investor")];
  const keyInput = h("input", { id: "investor-key", value: key, size: 60 });
  if (staff) out.push(h("form", { class: "inline", onsubmit: (ev) => { ev.preventDefault(); location.hash = "#/investor/" + enc(keyInput.value.trim()); } },
    field("Investor key (MSP/id)", keyInput), h("button", { type: "submit" }, "Show")));
  if (!key) { out.push(h("p", { class: "muted" }, "Enter one of this bank's clients' keys.")); return out; }
  const st = await get(`/v1/investors/${keyPath(key)}/statement`);
  const own = key === me.identity.key && can("investor");
  const msg = h("div", { id: "claim-message", "aria-live": "polite" });
  const rows = await Promise.all((st.positions || []).map(async (p) => {
    const acc = await maybe(get(`/v1/tranches/${enc(p.tranche)}/holders/${keyPath(key)}/accrual`));
    const claimable = acc ? num(acc.claimable) : null;
    const btn = own && claimable > 0 ? h("button", { "data-action": "claim", "data-tranche": p.tranche, onclick: async () => {
      try {
        const r = await api("POST", `/v1/tranches/${enc(p.tranche)}/claims`);
        // The page is redrawn with the new positions first and the receipt
        // shown once in it, so the message never sits in a page about to go.
        const receipt = h("div", { class: "success", role: "status" }, `Claimed ${money(r.amount)} on ${r.tranche} · tx ${short(r.txId, 16)}`);
        const again = await investor(key === me.identity.key ? undefined : key);
        main.replaceChildren(...again);
        document.getElementById("claim-message").replaceChildren(receipt);
      } catch (e) { msg.replaceChildren(problemBox(e)); }
    } }, "Claim") : null;
    return [p.tranche, String(p.units), String(p.frozenUnits), String(p.heldUnits), String(p.free), acc ? acc.entitlement : "—", acc ? money(acc.claimable) : "—", btn];
  }));
  out.push(kv([["Investor", h("code", {}, st.investor)], ["Cash", st.cash ? money(st.cash.balance) : "—"]]),
    h("h2", {}, "Positions"), msg,
    table("positions", null, ["Tranche", "Units", "Frozen", "Held", "Free", "Accrued (exact)", "Claimable", ""], rows, [1, 2, 3, 4, 5, 6]),
    h("h2", {}, "Statement"),
    h("p", { class: "noprint" }, h("button", { class: "secondary", id: "statement-csv", onclick: () => download(`statement-${key.replace("/", "-")}.csv`, statementCSV(st), "text/csv") }, "Download CSV"),
      " ", h("button", { class: "secondary", id: "print", onclick: () => window.print() }, "Print view")),
    table("statement", "Distributions", ["Deal", "Period", "Tranche", "Class", "Units", "Per unit", "Amount"],
      (st.distributions || []).map((l) => [l.deal, String(l.period), l.tranche, l.class, String(l.units), l.perUnit, money(l.amount)]), [1, 4, 5, 6]),
    table("cash-history", "Cash", ["Block", "Change", "Balance", "Detail"],
      (st.cashHistory || []).map((c) => [String(c.block ?? ""), money(c.change), money(c.balance), c.detail || c.event || ""]), [0, 1, 2]));
  out.push(preTrade(key));
  return out;
}

function statementCSV(st) {
  const q = (v) => /[",\n]/.test(String(v)) ? `"${String(v).replaceAll('"', '""')}"` : String(v);
  const lines = [["deal", "period", "tranche", "class", "units", "perUnit", "entitlement", "amount"].join(",")];
  for (const l of st.distributions || []) lines.push([l.deal, l.period, l.tranche, l.class, l.units, l.perUnit, l.entitlement, l.amount].map(q).join(","));
  return lines.join("\n") + "\n";
}

function preTrade(from) {
  const tranche = h("input", { id: "dry-tranche", required: true });
  const to = h("input", { id: "dry-to", required: true, size: 60 });
  const units = h("input", { id: "dry-units", required: true, inputmode: "numeric", value: "1" });
  const out = h("div", { id: "dry-result", "aria-live": "polite" });
  const form = h("form", { id: "dry-run", class: "card" }, h("h2", {}, "Pre-trade check (dry run)"),
    h("p", { class: "muted" }, "Asks the ledger whether the transfer would pass every transfer rule now; nothing is submitted."),
    h("div", { class: "inline" }, field("Tranche", tranche), field("To (MSP/id)", to), field("Units", units), h("button", { type: "submit", id: "dry-submit" }, "Check")), out);
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      const r = await api("POST", `/v1/tranches/${enc(tranche.value.trim())}/transfers/dry-run`, { from, to: to.value.trim(), units: Number(units.value) });
      out.replaceChildren(r.allowed ? h("div", { class: "success", id: "dry-verdict" }, "Allowed: every rule passes.")
        : h("div", { class: "problem", id: "dry-verdict" }, h("strong", {}, `Refused by rule ${r.rule}: ${r.code}`), " ", r.message || ""));
    } catch (p) { out.replaceChildren(problemBox(p)); }
  });
  return form;
}

// ---- compliance ---------------------------------------------------------

async function compliance() {
  const out = [h("h1", {}, "Compliance")];
  const msg = h("div", { id: "compliance-message", "aria-live": "polite" });
  const keyInput = h("input", { id: "compliance-key", required: true, size: 60 });
  const claimsBox = h("div", { id: "claims" });
  const show = async (key) => {
    keyInput.value = key;
    try {
      const c = await get(`/v1/investors/${keyPath(key)}/claims`);
      claimsBox.replaceChildren(kv([["Investor", h("code", {}, c.investor)], ["Type", c.claims.investorType], ["Jurisdiction", c.claims.jurisdiction],
        ["KYC expiry", (c.claims.kycExpiry || "").slice(0, 10)], ["Accreditation expiry", (c.claims.accreditationExpiry || "—").slice(0, 10)],
        ["Frozen", c.claims.frozen ? h("span", { class: "bad" }, "frozen") : "no"], ["Revoked", c.claims.revoked ? "yes" : "no"],
        ["Attested by", c.claims.attestedBy]]), actionsFor(key, c.claims));
    } catch (p) { claimsBox.replaceChildren(problemBox(p), actionsFor(key, null)); }
  };
  const actionsFor = (key, claims) => {
    const b = h("div", { class: "noprint" });
    if (can("trustee", "compliance")) {
      const reason = h("input", { id: "freeze-reason", value: "compliance review" });
      const freeze = (method) => async () => {
        try {
          await api(method, `/v1/investors/${keyPath(key)}/freeze`, { reason: reason.value });
          msg.replaceChildren(h("div", { class: "success", role: "status" }, method === "PUT" ? "Frozen." : "Unfrozen."));
          await show(key);
        } catch (p) { msg.replaceChildren(problemBox(p)); }
      };
      b.append(h("div", { class: "inline" }, field("Reason (published; no personal data)", reason),
        claims?.frozen ? h("button", { id: "unfreeze", onclick: freeze("DELETE") }, "Unfreeze") : h("button", { class: "danger", id: "freeze", onclick: freeze("PUT") }, "Freeze")));
    }
    if (can("compliance")) b.append(attestForm(key, msg, () => show(key)));
    return b;
  };
  out.push(h("form", { class: "inline", onsubmit: (ev) => { ev.preventDefault(); show(keyInput.value.trim()); } },
    field("Investor key (MSP/id)", keyInput), h("button", { type: "submit", id: "compliance-show" }, "Show claims")), msg, claimsBox);

  // The claim expiry calendar: every investor attested on the channel
  // that this user may read, by the first of its KYC or accreditation expiry.
  const evs = await get("/v1/events?name=ClaimsAttested&limit=500");
  const keys = [...new Set(evs.events.map((e) => e.data?.investor).filter(Boolean))];
  const all = (await Promise.all(keys.map((k) => maybe(get(`/v1/investors/${keyPath(k)}/claims`))))).filter(Boolean);
  const now = Date.now();
  const entries = all.flatMap((c) => [["KYC", c.claims.kycExpiry], ["accreditation", c.claims.accreditationExpiry]]
    .filter(([, d]) => d && !d.startsWith("0001")).map(([what, d]) => ({ key: c.investor, what, d: new Date(d), c })))
    .sort((a, b) => a.d - b.d);
  out.push(h("h2", {}, "Claim expiry calendar"), h("div", { class: "calendar", id: "calendar" }, entries.length ? entries.map((e) => {
    const days = Math.floor((e.d - now) / 86400000);
    return h("div", { class: "card " + (days < 0 ? "past" : days < 60 ? "soon" : "") },
      h("strong", {}, e.d.toISOString().slice(0, 10)), h("br"), `${e.what} expires `,
      h("span", { class: days < 0 ? "bad" : days < 60 ? "warn" : "muted" }, days < 0 ? `${-days} days ago` : `in ${days} days`), h("br"),
      h("a", { href: "#/compliance", onclick: (ev) => { ev.preventDefault(); show(e.key); } }, h("code", {}, short(e.key, 28))),
      ` · ${e.c.claims.jurisdiction}${e.c.claims.frozen ? " · frozen" : ""}`);
  }) : h("p", { class: "muted" }, "No attested investors visible to you.")));
  return out;
}

function attestForm(key, msg, done) {
  const type = h("select", { id: "att-type" }, ["qib", "institutional", "accredited", "retail"].map((t) => h("option", { value: t }, t)));
  const jur = h("input", { id: "att-jurisdiction", required: true, value: "US" });
  const kyc = h("input", { id: "att-kyc", type: "date", required: true, value: new Date(Date.now() + 365 * 86400000).toISOString().slice(0, 10) });
  const acc = h("input", { id: "att-accreditation", type: "date" });
  const dossier = h("textarea", { id: "att-dossier", rows: 3, cols: 50 }, '{"name": ""}');
  const form = h("form", { id: "attest-form", class: "card" }, h("h3", {}, "Attest"),
    h("div", { class: "inline" }, field("Investor type", type), field("Jurisdiction", jur), field("KYC expiry", kyc), field("Accreditation expiry", acc),
      field("Dossier (JSON; kept in this bank's collection only)", dossier)), h("button", { type: "submit", id: "attest" }, "Attest"));
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const claims = { investorType: type.value, jurisdiction: jur.value.trim(), kycExpiry: kyc.value + "T00:00:00Z" };
    if (acc.value) claims.accreditationExpiry = acc.value + "T00:00:00Z";
    try {
      await api("PUT", `/v1/investors/${keyPath(key)}/attestation`, { claims, dossier: JSON.parse(dossier.value) });
      msg.replaceChildren(h("div", { class: "success", role: "status" }, "Attested."));
      await done();
    } catch (p) { msg.replaceChildren(problemBox(p instanceof Problem ? p : { code: "BAD_INPUT", detail: p.message })); }
  });
  return form;
}

// ---- events -------------------------------------------------------------

async function eventsPage() {
  const name = h("input", { id: "events-name", placeholder: "e.g. TokenTransferred" });
  const state = h("p", { id: "events-state", "aria-live": "polite" }, "Connecting…");
  const body = h("tbody", {});
  const tbl = h("table", { id: "events-table", class: "events" }, h("thead", {}, h("tr", {}, ["Block", "Time", "Event", "Transaction", "Data"].map((c) => h("th", { scope: "col" }, c)))), body);
  let ctrl = null;
  const connect = async () => {
    if (ctrl) ctrl.abort();
    ctrl = new AbortController();
    body.replaceChildren();
    const q = name.value.trim() ? "?name=" + enc(name.value.trim()) : "";
    try {
      const r = await fetch("/v1/events/stream" + q, { headers: { Authorization: "Bearer " + sessionStorage.getItem(TOKEN) }, signal: ctrl.signal });
      if (!r.ok) { state.replaceChildren(problemBox(await r.json())); return; }
      state.textContent = "Live: new events appear at the top.";
      state.className = "ok";
      const reader = r.body.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const msg = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const data = msg.split("\n").filter((l) => l.startsWith("data: ")).map((l) => l.slice(6)).join("\n");
          if (!data) continue;
          const ev = JSON.parse(data);
          body.prepend(h("tr", { "data-event": ev.name }, h("td", { class: "num" }, String(ev.block)), h("td", {}, (ev.time || "").replace("T", " ").slice(0, 19)),
            h("td", {}, ev.name), h("td", {}, h("code", {}, short(ev.txId, 12))), h("td", {}, h("code", {}, short(JSON.stringify(ev.data ?? ""), 120)))));
          while (body.children.length > 300) body.lastChild.remove();
        }
      }
      state.textContent = "Disconnected.";
    } catch (e) {
      if (e.name !== "AbortError") { state.textContent = "Disconnected: " + e.message; state.className = "bad"; }
    }
  };
  name.addEventListener("change", connect);
  leave = () => ctrl && ctrl.abort();
  connect();
  return [h("h1", {}, "Events"), h("form", { class: "inline", onsubmit: (ev) => { ev.preventDefault(); connect(); } }, field("Event type (empty: all)", name),
    h("button", { type: "submit" }, "Filter")), state, tbl];
}
