// followfix review page: hash-routed views over the service's own API (no libraries, no CDN).
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const view = () => $("#view");
let timer = null; // the polling timer of the current view (jobs), cleared on every route change

function esc(text) {
  return String(text ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

function settings() {
  return { key: localStorage.getItem("followfix.key") || "", reviewer: localStorage.getItem("followfix.reviewer") || "" };
}

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  const key = settings().key;
  if (key) headers.Authorization = `Bearer ${key}`;
  if (options.body !== undefined) headers["Content-Type"] = "application/json";
  const response = await fetch(path, { ...options, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const err = new Error((data.error && data.error.message) || `HTTP ${response.status}`);
    err.status = response.status;
    err.data = data;
    throw err;
  }
  return data;
}

function showError(err) {
  const hint = err.status === 401 || err.status === 403 ? " Enter a valid API key above." : "";
  view().innerHTML = `<p class="error" id="view-error">${esc(err.message)}${hint}</p>`;
}

function fmtTime(iso) {
  return iso ? new Date(iso).toISOString().replace("T", " ").slice(0, 19) : "";
}

function fmtCost(value) {
  return value == null ? "-" : `$${Number(value).toFixed(4)}`;
}

// ---- diff rendering: the "before" side shows deletions, the "after" side insertions ----
function diffSide(diff, side) {
  const skip = side === "before" ? "insert" : "delete";
  const tag = side === "before" ? "del" : "ins";
  return diff
    .filter((seg) => seg.op !== skip)
    .map((seg) => (seg.op === "equal" ? esc(seg.text) : `<${tag}>${esc(seg.text)}</${tag}>`))
    .join("");
}

// ---- corrections list ----
const FILTERS = ["status", "constraint", "source", "since", "until", "q"];

async function listView(params) {
  const form = `<form class="filters" id="filters">
    <label>Status<select name="status"><option value="">any</option>${["corrected", "partial", "failed", "unchanged", "infeasible"]
      .map((s) => `<option ${params.get("status") === s ? "selected" : ""}>${s}</option>`).join("")}</select></label>
    <label>Constraint<input name="constraint" placeholder="id or family:" value="${esc(params.get("constraint"))}"></label>
    <label>Source<input name="source" list="sources" placeholder="api, job, collect, proxy" value="${esc(params.get("source"))}"></label>
    <datalist id="sources"><option>api</option><option>job</option><option>collect</option><option>proxy</option></datalist>
    <label>Since<input name="since" type="datetime-local" step="1" value="${esc(params.get("since"))}"></label>
    <label>Until<input name="until" type="datetime-local" step="1" value="${esc(params.get("until"))}"></label>
    <label>Search<input name="q" placeholder="text" value="${esc(params.get("q"))}"></label>
    <button class="primary" type="submit">Filter</button></form>
    <table id="corrections"><thead><tr><th>Recorded (UTC)</th><th>Status</th><th>Source</th><th>Constraints</th>
    <th>Words changed</th><th>Cost</th><th>Instruction</th></tr></thead><tbody></tbody></table>
    <div class="pager"><button id="newest" type="button">Newest</button><button id="older" type="button" disabled>Older</button>
    <span class="muted" id="page-info"></span></div>`;
  view().innerHTML = form;
  $("#filters").addEventListener("submit", (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(event.target)) if (value) query.set(name, value);
    location.hash = `#/corrections?${query}`;
  });
  const pages = [];
  const load = async (cursor) => {
    const query = new URLSearchParams();
    for (const name of FILTERS) {
      const value = params.get(name);
      if (value) query.set(name, name === "since" || name === "until" ? `${value}Z`.replace("ZZ", "Z") : value);
    }
    if (cursor) query.set("cursor", cursor);
    const page = await api(`/v1/corrections?${query}`);
    const body = $("#corrections tbody");
    body.innerHTML = page.items.map((item) => `<tr class="row" data-id="${esc(item.id)}">
      <td>${fmtTime(item.created_at)}</td><td><span class="badge ${esc(item.status)}">${esc(item.status)}</span></td>
      <td>${esc(item.source)}</td><td>${item.constraint_ids.map(esc).join("<br>")}</td>
      <td>${item.edit_words ?? "-"}</td><td>${fmtCost(item.cost_usd)}</td><td>${esc(item.instruction)}</td></tr>`).join("")
      || `<tr><td colspan="7" class="muted">no corrections match</td></tr>`;
    for (const row of body.querySelectorAll("tr.row")) {
      row.addEventListener("click", () => { location.hash = `#/c/${encodeURIComponent(row.dataset.id)}`; });
    }
    pages.push(page.next_cursor);
    const older = $("#older");
    older.disabled = !page.next_cursor;
    older.onclick = () => load(page.next_cursor).catch(showError);
    $("#page-info").textContent = `page ${pages.length}, ${page.items.length} rows`;
  };
  $("#newest").onclick = () => { pages.length = 0; load(null).catch(showError); };
  await load(null);
}

// ---- one correction ----
function verdictRows(before, after) {
  const byId = new Map(after.map((v) => [v.id, v]));
  return before.map((v) => {
    const a = byId.get(v.id) || {};
    return `<tr><td>${esc(v.id)}</td><td class="${v.passed ? "pass" : "fail"}">${esc(v.detail)}</td>
      <td class="${a.passed ? "pass" : "fail"}">${esc(a.detail)}</td></tr>`;
  }).join("");
}

function stepRows(steps) {
  return steps.map((s) => `<tr><td>${s.index}</td><td>${s.round}</td><td>${esc(s.method)}</td><td>${s.constraint_ids.map(esc).join(", ")}</td>
    <td>${Number(s.edit_distance).toFixed(3)}</td><td>${s.usage.prompt_tokens + s.usage.completion_tokens}</td>
    <td>${(1000 * s.latency_s).toFixed(1)} ms</td><td class="${s.accepted ? "pass" : "fail"}">${s.accepted ? "accepted" : "rejected"}</td></tr>`).join("")
    || `<tr><td colspan="8" class="muted">no steps: nothing needed fixing, or nothing could be fixed</td></tr>`;
}

function pairCard(pair) {
  const decided = pair.decision ? `<span class="badge ${pair.decision}" data-testid="decision">${pair.decision}</span>
    <span class="muted">by ${esc(pair.decided_by)} at ${fmtTime(pair.decided_at)}</span>` : `<span class="badge" data-testid="decision">undecided</span>`;
  return `<div class="card pair" data-hash="${esc(pair.hash)}">
    <h3>Pair (${esc(pair.kind)}${pair.step_index == null ? "" : ` step ${pair.step_index}`}) ${decided} ${pair.edited ? '<span class="badge">edited</span>' : ""}</h3>
    <div class="text">${diffSide(pair.diff, "after")}</div>
    <p><button class="accept" type="button">Accept</button> <button class="reject" type="button">Reject</button>
       <button class="clear" type="button">Clear</button> <button class="edit" type="button">Edit chosen</button></p>
    <div class="editor" hidden><textarea class="chosen">${esc(pair.chosen)}</textarea>
      <div class="live muted"></div><button class="save primary" type="button">Save chosen</button>
      <div class="save-error error"></div></div></div>`;
}

async function detailView(id, constraints) {
  const c = await api(`/v1/corrections/${encodeURIComponent(id)}`);
  const usage = c.usage || {};
  view().innerHTML = `<p><a href="#/corrections">&larr; corrections</a></p>
    <div class="card"><h3>${esc(c.id)} <span class="badge ${esc(c.status)}" id="status">${esc(c.status)}</span></h3>
      <div class="muted">${fmtTime(c.created_at)} &middot; ${esc(c.source)} &middot; ${c.rounds} round(s) &middot; ${esc(c.stop_reason)}</div>
      <div class="text" id="instruction">${esc(c.instruction)}</div></div>
    <div class="cols"><div class="card"><h3>Before</h3><div class="text" id="before">${diffSide(c.diff, "before")}</div></div>
      <div class="card"><h3>After</h3><div class="text" id="after">${diffSide(c.diff, "after")}</div></div></div>
    <div class="card"><h3>Verdicts</h3><table id="verdicts"><thead><tr><th>Constraint</th><th>Before</th><th>After</th></tr></thead>
      <tbody>${verdictRows(c.verdicts_before, c.verdicts_after)}</tbody></table></div>
    <div class="card"><h3>Trajectory</h3><table id="trajectory"><thead><tr><th>#</th><th>Round</th><th>Method</th><th>Constraint</th>
      <th>Edit distance</th><th>Tokens</th><th>Latency</th><th>Result</th></tr></thead><tbody>${stepRows(c.trajectory)}</tbody></table></div>
    <div class="card" id="usage"><h3>Usage</h3>teacher ${esc(c.teacher_model || "none")} &middot; ${usage.calls || 0} call(s), ${usage.attempts || 0} attempt(s)
      &middot; ${usage.prompt_tokens || 0} prompt + ${usage.completion_tokens || 0} completion tokens &middot; cost ${fmtCost(usage.cost_usd)}
      &middot; ${(1000 * c.elapsed_s).toFixed(1)} ms total, ${(1000 * c.teacher_s).toFixed(1)} ms teacher</div>
    <h3>Pairs</h3><div id="pairs">${c.pairs.map(pairCard).join("") || '<p class="muted">no pair: the final text does not pass every constraint, or nothing changed</p>'}</div>`;
  for (const card of document.querySelectorAll(".pair")) wirePair(card, c.constraints, id);
}

function wirePair(card, constraints, id) {
  const hash = card.dataset.hash;
  const reviewer = () => settings().reviewer || undefined;
  const decide = (decision) => api(`/v1/pairs/${hash}/decision`, { method: "POST", body: { decision, reviewer: reviewer() } })
    .then(() => detailView(id)).catch(showError);
  $(".accept", card).onclick = () => decide("accepted");
  $(".reject", card).onclick = () => decide("rejected");
  $(".clear", card).onclick = () => decide(null);
  $(".edit", card).onclick = () => { $(".editor", card).hidden = false; };
  const area = $(".chosen", card);
  const live = $(".live", card);
  let pending = null;
  area.addEventListener("input", () => {
    clearTimeout(pending);
    pending = setTimeout(async () => {
      try {
        const result = await api("/v1/verify", { method: "POST", body: { response: area.value, constraints } });
        live.innerHTML = result.verdicts.map((v) => `<div class="${v.passed ? "pass" : "fail"}">${esc(v.id)}: ${esc(v.detail)}</div>`).join("");
      } catch (err) { live.textContent = err.message; }
    }, 250);
  });
  $(".save", card).onclick = async () => {
    try {
      await api(`/v1/pairs/${hash}/chosen`, { method: "PUT", body: { chosen: area.value, reviewer: reviewer() } });
      await detailView(id);
    } catch (err) {
      const failed = (err.data && err.data.error && err.data.error.failed) || [];
      $(".save-error", card).textContent = failed.length
        ? `Not saved: the text fails ${failed.map((f) => `${f.id} (${f.detail})`).join(", ")}`
        : `Not saved: ${err.message}`;
    }
  };
}

// ---- overview charts (inline SVG) ----
function barChart(id, labels, series, { width = 620, height = 270, percent = false } = {}) {
  const left = 44, bottom = 96, top = 10, plotH = height - bottom - top, plotW = width - left - 10;
  const max = percent ? 1 : Math.max(1e-9, ...series.flatMap((s) => s.values));
  const group = plotW / Math.max(1, labels.length), barW = Math.max(2, (group * 0.8) / series.length);
  let bars = "";
  labels.forEach((label, i) => {
    series.forEach((s, j) => {
      const v = s.values[i] || 0, h = (v / max) * plotH;
      const x = left + i * group + group * 0.1 + j * barW;
      bars += `<rect x="${x.toFixed(1)}" y="${(top + plotH - h).toFixed(1)}" width="${barW.toFixed(1)}" height="${h.toFixed(1)}" fill="${s.color}"><title>${esc(label)}: ${percent ? (100 * v).toFixed(1) + "%" : v}</title></rect>`;
    });
    const tx = left + i * group + group / 2;
    bars += `<text transform="translate(${tx.toFixed(1)},${top + plotH + 8}) rotate(35)"><title>${esc(label)}</title>${esc(label.length > 26 ? label.slice(0, 25) + "…" : label)}</text>`;
  });
  const ticks = [0, 0.5, 1].map((f) => `<text x="2" y="${(top + plotH - f * plotH + 4).toFixed(1)}">${percent ? f * 100 + "%" : +(f * max).toPrecision(3)}</text>
    <line x1="${left}" x2="${width - 10}" y1="${(top + plotH - f * plotH).toFixed(1)}" y2="${(top + plotH - f * plotH).toFixed(1)}" stroke="#d9dee4"/>`).join("");
  // Colours as SVG attributes, not style attributes: the page's CSP allows no inline styles.
  const legend = series.map((s) => `<span><svg class="sw" viewBox="0 0 10 10"><rect width="10" height="10" fill="${s.color}"/></svg>${esc(s.name)}</span>`).join("");
  return `<div class="legend">${legend}</div><svg id="${id}" viewBox="0 0 ${width} ${height}" width="100%" role="img">${ticks}${bars}</svg>`;
}

const WINDOWS = { all: null, "30d": 30 * 24, "7d": 7 * 24, "24h": 24 };

async function overviewView(params) {
  const range = WINDOWS[params.get("window")] === undefined ? "all" : params.get("window");
  const query = new URLSearchParams();
  if (WINDOWS[range]) {
    query.set("since", new Date(Date.now() - WINDOWS[range] * 3600 * 1000).toISOString());
    if (WINDOWS[range] <= 7 * 24) query.set("bucket", "hour");
  }
  const data = await api(`/v1/overview?${query}`);
  const picker = Object.keys(WINDOWS).map((w) => `<a href="#/overview?window=${w}" class="${w === range ? "badge corrected" : "badge"}">${w === "all" ? "all time" : `last ${w}`}</a>`).join(" ");
  const rates = data.pass_rate.slice(0, 20);
  const line = data.timeline;
  const statuses = Object.entries(data.statuses).map(([s, n]) => `<span class="badge ${esc(s)}">${esc(s)} ${n}</span>`).join(" ");
  view().innerHTML = `<div class="card" id="window">${picker}</div><div class="card"><h3>Corrections by status</h3>${statuses || '<span class="muted">none yet</span>'}</div>
    <div class="charts">
    <div class="card"><h3>Pass rate per constraint, before and after</h3>${barChart("chart-pass", rates.map((r) => r.id),
      [{ name: "before", color: "#d98b84", values: rates.map((r) => r.before || 0) }, { name: "after", color: "#4f9a67", values: rates.map((r) => r.after || 0) }], { percent: true })}</div>
    <div class="card"><h3>Edit size (words changed per correction)</h3>${barChart("chart-edits", data.edit_words.map((b) => b.label),
      [{ name: "corrections", color: "#2957c4", values: data.edit_words.map((b) => b.count) }])}</div>
    <div class="card"><h3>Teacher calls over time</h3>${barChart("chart-calls", line.map((p) => p.bucket),
      [{ name: "teacher calls", color: "#2957c4", values: line.map((p) => p.teacher_calls) }, { name: "corrections", color: "#9aa7b8", values: line.map((p) => p.corrections) }])}</div>
    <div class="card"><h3>Teacher cost over time (USD)</h3>${line.some((p) => p.cost_usd > 0) ? barChart("chart-cost", line.map((p) => p.bucket),
      [{ name: "cost", color: "#8a5a00", values: line.map((p) => p.cost_usd) }]) : '<p class="muted" id="chart-cost">no cost recorded in this window (the teacher reported no price, or there were no teacher calls)</p>'}</div></div>`;
}

// ---- jobs ----
async function jobsView() {
  view().innerHTML = `<table id="jobs"><thead><tr><th>Job</th><th>Status</th><th>Progress</th><th>Done / total</th><th>Counts</th>
    <th>Teacher</th><th>Updated</th><th></th></tr></thead><tbody></tbody></table>`;
  const refresh = async () => {
    const data = await api("/v1/jobs");
    const body = $("#jobs tbody");
    if (!body) return;
    body.innerHTML = data.items.map((job) => {
      const s = job.stats || {}, pct = job.fraction == null ? 0 : Math.round(100 * job.fraction);
      const counts = [...Object.entries(s.statuses || {}), ...["errors", "skipped", "bad_rows", "duplicates"].map((k) => [k, s[k]])]
        .filter(([, n]) => n).map(([k, n]) => `${k} ${n}`).join(", ");
      const usage = s.usage || {};
      return `<tr data-job="${esc(job.id)}"><td>${esc(job.id.slice(0, 12))}<div class="muted">${esc(job.input_path)}</div></td>
        <td><span class="badge ${esc(job.status)}">${esc(job.status)}</span></td>
        <td><div class="bar"><span data-pct="${pct}"></span></div>${pct}%</td>
        <td class="done">${job.done} / ${job.total ?? "?"}</td><td>${esc(counts)}</td>
        <td>${usage.calls || 0} calls, ${fmtCost(usage.cost_usd)}</td><td>${fmtTime(job.updated_at)}</td>
        <td><a href="#/corrections?source=job:${encodeURIComponent(job.id)}">corrections</a></td></tr>`;
    }).join("") || `<tr><td colspan="8" class="muted">no jobs yet (POST /v1/jobs)</td></tr>`;
    for (const bar of body.querySelectorAll("[data-pct]")) bar.style.width = `${bar.dataset.pct}%`;
    if (data.items.some((job) => job.status === "running" || job.status === "queued")) timer = setTimeout(() => refresh().catch(showError), 1000);
  };
  await refresh();
}

// ---- routing ----
async function route() {
  clearTimeout(timer);
  const [path, query] = (location.hash.slice(1) || "/corrections").split("?");
  const params = new URLSearchParams(query || "");
  const section = path.split("/")[1];
  for (const link of document.querySelectorAll("[data-nav]")) link.classList.toggle("active", link.dataset.nav === (section === "c" ? "corrections" : section));
  view().innerHTML = '<p class="muted">loading…</p>';
  const started = performance.now();
  try {
    if (section === "c") await detailView(decodeURIComponent(path.slice(3)));
    else if (section === "overview") await overviewView(params);
    else if (section === "jobs") await jobsView();
    else await listView(params);
    // Route to rendered view, data fetch included (read by bench/ui_latency.py).
    performance.measure(`view:${section || "corrections"}`, { start: started, end: performance.now() });
  } catch (err) { showError(err); }
}

function initAuth() {
  const s = settings();
  $("#apikey").value = s.key;
  $("#reviewer").value = s.reviewer;
  $("#auth-state").textContent = s.key ? "key saved" : "no key";
  $("#auth").addEventListener("submit", (event) => {
    event.preventDefault();
    localStorage.setItem("followfix.key", $("#apikey").value.trim());
    localStorage.setItem("followfix.reviewer", $("#reviewer").value.trim());
    $("#auth-state").textContent = $("#apikey").value.trim() ? "key saved" : "no key";
    route();
  });
}

window.addEventListener("hashchange", route);
initAuth();
route();
