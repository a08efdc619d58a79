// The dashboard page: renders the sampler's snapshots (Server-Sent Events) and sends the actions.
// Every value from the runtime is set with textContent, never as HTML: message bodies are data.
"use strict";

const token = document.querySelector('meta[name="dashboard-token"]').content;
const $ = (id) => document.getElementById(id);
const state = { snapshot: null, filter: null, selected: new Set(), jobs: {}, rendered: {} };
const STATUS_WORDS = { pass: "✓ pass", warn: "! warn", fail: "✗ fail" };

function el(name, text, className) {
  const element = document.createElement(name);
  if (text !== undefined && text !== null) element.textContent = String(text);
  if (className) element.className = className;
  return element;
}

function statusBadge(status) {
  const known = status in STATUS_WORDS;
  return el("span", known ? STATUS_WORDS[status] : `? ${status || "unknown"}`,
    `status status-${known ? status : "unknown"}`);
}

function row(cells) {
  const tr = document.createElement("tr");
  cells.forEach((cell) => {
    const td = document.createElement("td");
    if (cell instanceof Node) td.append(cell); else td.textContent = cell ?? "–";
    tr.append(td);
  });
  return tr;
}

// Re-render a table body only when its data changed, and give focus back to the same control.
function fill(id, data, build) {
  const key = JSON.stringify(data);
  if (state.rendered[id] === key) return;
  state.rendered[id] = key;
  const body = $(id);
  const focusKey = body.contains(document.activeElement) ? document.activeElement.dataset.focusKey : null;
  body.replaceChildren(...build());
  if (focusKey) body.querySelector(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function time(seconds) {
  return seconds ? new Date(seconds * 1000).toLocaleTimeString() : "–";
}

function correlationButton(id, where) {
  if (!id) return el("span", "–");
  const button = el("button", id, "link cid");
  button.type = "button";
  button.dataset.focusKey = `${where}:${id}`;
  button.title = "show only this correlation id";
  button.addEventListener("click", () => setFilter(id));
  return button;
}

function setFilter(value) {
  state.filter = value;
  $("filter").hidden = !value;
  $("filter-value").textContent = value || "";
  state.rendered = {};
  if (state.snapshot) render(state.snapshot);
  if (!value) $("failures-title").focus?.();
}

function matches(item) {
  return !state.filter || item.correlation_id === state.filter;
}

function renderHealth(health) {
  const overall = $("overall");
  overall.replaceChildren("health: ", statusBadge(health ? health.status : "unknown"));
  overall.className = "";
  fill("health", health, () => (health && health.checks.length ? health.checks : [{ name: health?.error || "no /health" }])
    .map((check) => row([check.name, check.status ? statusBadge(check.status) : "–",
      check.observedValue === undefined || check.observedValue === null
        ? (check.output || "–") : `${check.observedValue} ${check.observedUnit || ""}`.trim()])));
}

function renderQueues(queues) {
  fill("queues", queues, () => queues.map((q) => row([`${q.name} (${q.role})`,
    q.error ? `error: ${q.error}` : q.visible, q.in_flight, q.delayed])));
}

function renderMappings(mappings) {
  fill("mappings", mappings, () => mappings.map((m) => row([m.name, m.pollers, m.in_flight,
    m.last_outcome ? `${m.last_batch_size} record${m.last_batch_size === 1 ? "" : "s"}, ${m.last_outcome} ` +
      `(${time(m.last_time)})` : "none yet"])));
}

function renderJobTypes(types) {
  const fmt = (value) => (value === undefined || value === null ? "–" : Number(value).toFixed(1));
  fill("job-types", types, () => types.map((t) => row([t.job_type, t.counts.processed, t.counts.failed_transient,
    t.counts.dead_lettered, t.counts.skipped, fmt(t.duration_ms?.p50), fmt(t.duration_ms?.p90),
    fmt(t.duration_ms?.p99)])));
}

function renderFailures(failures) {
  const shown = failures.filter(matches);
  fill("failures", { shown, filter: state.filter }, () => shown.map((f) => row([time(f.time), f.kind, f.job_type,
    `${f.error_type || ""}${f.error_type ? ": " : ""}${f.message}`, correlationButton(f.correlation_id, "failure"),
    f.receive_count, f.retry_in_seconds === null ? "–" : `${f.retry_in_seconds} s`])));
}

function renderDeadLetters(letters, queue) {
  $("dlq-name").textContent = queue ? `(${queue.name})` : "(none)";
  const shown = letters.filter(matches);
  const ids = new Set(letters.map((l) => l.message_id));
  [...state.selected].forEach((id) => { if (!ids.has(id)) state.selected.delete(id); });
  fill("dead-letters", { shown, filter: state.filter }, () => shown.map((letter) => {
    const box = el("input");
    box.type = "checkbox";
    box.checked = state.selected.has(letter.message_id);
    box.dataset.focusKey = `select:${letter.message_id}`;
    box.setAttribute("aria-label", `select dead letter ${letter.message_id}`);
    box.addEventListener("change", () => {
      if (box.checked) state.selected.add(letter.message_id); else state.selected.delete(letter.message_id);
      $("redrive").disabled = state.selected.size === 0;
    });
    const open = el("button", "Open");
    open.type = "button";
    open.dataset.focusKey = `open:${letter.message_id}`;
    open.setAttribute("aria-label", `open dead letter ${letter.message_id}`);
    open.addEventListener("click", () => openLetter(letter.message_id));
    const sent = letter.sent_at ? new Date(letter.sent_at).toLocaleTimeString() : "–";
    const tr = row([box, sent, letter.job_type, letter.error,
      correlationButton(letter.correlation_id, "letter"), open]);
    tr.dataset.messageId = letter.message_id;
    return tr;
  }));
  $("redrive").disabled = state.selected.size === 0;
}

function render(snapshot) {
  state.snapshot = snapshot;
  renderHealth(snapshot.health);
  renderQueues(snapshot.queues);
  renderMappings(snapshot.mappings);
  ThroughputChart.draw($("chart"), $("legend"), $("chart-summary"), snapshot.throughput);
  renderJobTypes(snapshot.job_types);
  renderFailures(snapshot.failures);
  renderDeadLetters(snapshot.dead_letters, snapshot.dead_letter_queue);
  $("updated").textContent = `updated ${time(snapshot.time)}`;
  const rate = snapshot.cost.calls_per_second;
  $("cost").textContent = `this page costs the emulator ${rate === null ? "–" : rate.toFixed(1)} calls/s ` +
    `(one shared sampler, any number of tabs)`;
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-Dashboard-Token": token },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(answer.error || `HTTP ${response.status}`);
  return answer;
}

async function openLetter(id) {
  const response = await fetch(`/api/dead-letters/${encodeURIComponent(id)}`);
  const letter = await response.json();
  const meta = $("letter-meta");
  meta.replaceChildren();
  const fields = response.ok ? {
    "message id": letter.message_id, sent: letter.sent_at, "job type": letter.job_type, error: letter.error,
    receives: letter.receive_count, "correlation id": letter.correlation_id,
    DeadLetter: letter.dead_letter ? JSON.stringify(letter.dead_letter, null, 1) : "none (moved by SQS)",
  } : { error: letter.error };
  Object.entries(fields).forEach(([name, value]) => meta.append(el("dt", name), el("dd", value ?? "–")));
  let body = letter.body || "";
  try { body = JSON.stringify(JSON.parse(body), null, 2); } catch { /* not JSON: shown as it is */ }
  $("letter-body").textContent = body + (letter.body_truncated ? "\n… (truncated)" : "");
  $("letter-dialog").showModal();
}

function currentSchema() {
  return state.jobs[$("job-type").value];
}

function payloadProblems() {
  let payload;
  try {
    payload = JSON.parse($("payload").value);
  } catch (error) {
    return { problems: [`not valid JSON: ${error.message}`] };
  }
  const schema = currentSchema();
  return { payload, problems: schema ? JsonSchema.validate(schema, payload) : [] };
}

function showProblems() {
  const { problems } = payloadProblems();
  $("payload-errors").replaceChildren(...problems.map((p) => el("li", p)));
  $("payload").setAttribute("aria-invalid", problems.length ? "true" : "false");
  return problems;
}

async function loadJobs() {
  const catalog = await (await fetch("/api/jobs")).json();
  const select = $("job-type");
  catalog.job_types.forEach((job) => {
    state.jobs[job.type] = job.schema;
    select.append(new Option(job.type, job.type));
  });
  (catalog.problems || []).forEach((problem) => $("payload-errors").append(el("li", problem)));
  const fillPayload = () => {
    const schema = currentSchema();
    $("payload").value = JSON.stringify(schema ? JsonSchema.skeleton(schema) : null, null, 2);
    showProblems();
  };
  select.addEventListener("change", fillPayload);
  fillPayload();
}

async function sendJob(event) {
  event.preventDefault();
  const result = $("send-result");
  if (showProblems().length) {
    result.textContent = "not sent: fix the payload first";
    return;
  }
  try {
    const answer = await post("/api/send", { type: $("job-type").value, payload: payloadProblems().payload,
      correlation_id: $("correlation-id").value });
    result.textContent = `sent ${answer.message_id} with correlation id ${answer.correlation_id}`;
  } catch (error) {
    result.textContent = `not sent: ${error.message}`;
  }
}

async function redrive() {
  const result = $("dlq-result");
  try {
    const answer = await post("/api/dead-letters/redrive", { message_ids: [...state.selected] });
    result.textContent = `redrove ${answer.moved} of ${answer.asked} to ${answer.to}`;
    state.selected.clear();
  } catch (error) {
    result.textContent = `redrive failed: ${error.message}`;
  }
}

function askPurge() {
  $("purge-name").textContent = state.snapshot?.dead_letter_queue?.name || "?";
  $("purge-confirm").value = "";
  $("purge-dialog").showModal();
}

async function purge() {
  const result = $("dlq-result");
  const name = state.snapshot?.dead_letter_queue?.name;
  if ($("purge-confirm").value !== name) {  // the server checks it too
    result.textContent = `purge refused: type the queue name ${name} exactly`;
    $("purge-dialog").close();
    return;
  }
  try {
    const answer = await post("/api/dead-letters/purge", { confirm: $("purge-confirm").value });
    result.textContent = `purged ${answer.purged}`;
  } catch (error) {
    result.textContent = `purge refused: ${error.message}`;
  }
  $("purge-dialog").close();
}

function connect() {
  const connection = $("connection");
  const source = new EventSource("/api/events");
  source.addEventListener("snapshot", (event) => {
    connection.textContent = "● live";
    connection.className = "status status-pass";
    render(JSON.parse(event.data));
  });
  source.addEventListener("error", () => {
    connection.textContent = "○ disconnected, retrying";
    connection.className = "status status-fail";
  });
}

$("filter-clear").addEventListener("click", () => setFilter(null));
$("payload").addEventListener("input", showProblems);
$("job-type").addEventListener("change", showProblems);
$("send-form").addEventListener("submit", sendJob);
$("redrive").addEventListener("click", redrive);
$("purge").addEventListener("click", askPurge);
$("purge-go").addEventListener("click", purge);
$("purge-cancel").addEventListener("click", () => $("purge-dialog").close());
loadJobs();
connect();
