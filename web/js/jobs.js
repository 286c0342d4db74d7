// Jobs: submit a category list with a pipeline and parameters, live per-stage progress over
// server-sent events, cancel and retry; a refused job shows each missing model and its remedy.
import { api, withToken, APIError } from './api.js';
import { $, el, showError, fmt } from './ui.js';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);
const streams = new Map();   // job id → EventSource
let pipelines = [];

/** A job card that follows the job live until it finishes; `onFinish(job)` runs once at the end. */
export function jobCard(job, { onFinish } = {}) {
  const card = el('article', { class: 'job', 'data-job-id': job.id, 'data-events': 0, 'aria-label': `Job ${job.id}` });
  card._job = job;
  card._onFinish = onFinish;
  paint(card);
  if (!FINISHED.has(job.state)) follow(card);
  return card;
}

function paint(card) {
  const job = card._job;
  card.dataset.state = job.state;
  const cats = (job.categories || []).map((c) => c.name).join(', ');
  const buttons = [];
  if (!FINISHED.has(job.state) && job.state !== 'cancelling') buttons.push(el('button', { type: 'button', class: 'cancel', text: 'Cancel', onclick: () => act(card, 'cancel') }));
  if (FINISHED.has(job.state)) buttons.push(el('button', { type: 'button', class: 'retry', text: 'Retry failed items', onclick: () => act(card, 'retry') }));
  if (job.pipeline !== 'composite') buttons.push(el('a', { href: `?view=bank&job=${encodeURIComponent(job.id)}`, text: 'Browse its instances' }));
  card.replaceChildren(
    el('div', { class: 'job-head' }, el('strong', { text: job.pipeline }), el('code', { text: job.id }),
      el('span', { class: 'badge state', text: job.state }), el('span', { class: 'hint', text: cats }), ...buttons),
    ...(job.error ? [el('p', { class: 'problem', text: job.error.message || job.error.code || JSON.stringify(job.error) })] : []),
    ...job.stages.map((s) => {
      const eta = s.eta_seconds !== undefined && s.state === 'running' ? `, ${Math.ceil(s.eta_seconds)} s left` : '';
      const rate = s.items_per_second ? `, ${fmt(s.items_per_second, 1)}/s` : '';
      const errs = (s.errors || []).map((e) => `${e.code} ×${e.count}`).join(', ');
      return el('div', { class: 'stage', 'data-stage': s.id, 'data-state': s.state, 'data-done': s.done, 'data-total': s.total },
        el('span', { text: `${s.id} (${s.state})` }),
        el('progress', { max: Math.max(1, s.total), value: s.done, 'aria-label': `${s.id}: ${s.done} of ${s.total}` }),
        el('span', { class: 'count', text: `${s.done}/${s.total}${s.failed ? `, ${s.failed} failed` : ''}${rate}${eta}${errs ? ' · ' + errs : ''}` }));
    }));
}

function follow(card) {
  const id = card._job.id;
  streams.get(id)?.close();
  const es = new EventSource(withToken(`/v1/jobs/${encodeURIComponent(id)}/events`));
  streams.set(id, es);
  const onStage = (e) => {
    const s = JSON.parse(e.data);
    const job = card._job;
    const i = job.stages.findIndex((x) => x.id === s.id);
    if (i >= 0) job.stages[i] = s; else job.stages.push(s);
    bump(card, e.type); paint(card);
  };
  es.addEventListener('stage', onStage);
  es.addEventListener('progress', onStage);
  es.addEventListener('state', (e) => {
    const s = JSON.parse(e.data);
    card._job.state = s.state;
    card._job.attempt = s.attempt;
    if (s.error) card._job.error = s.error;
    bump(card, 'state'); paint(card);
    if (FINISHED.has(s.state)) finish(card);
  });
  // The server ends the stream once the job has finished; don't let EventSource reconnect forever.
  es.onerror = () => { if (es.readyState === EventSource.CLOSED || FINISHED.has(card._job.state)) finish(card); };
}

function bump(card, type) {
  card.dataset.events = Number(card.dataset.events) + 1;
  if (type === 'progress') card.dataset.progressEvents = Number(card.dataset.progressEvents || 0) + 1;
  if (card._job.state === 'running') card.dataset.sawRunning = 'true';
}

async function finish(card) {
  const id = card._job.id;
  streams.get(id)?.close();
  streams.delete(id);
  try { card._job = await api(`/v1/jobs/${encodeURIComponent(id)}`); paint(card); } catch (e) { showError(e); }
  if (!FINISHED.has(card._job.state)) { follow(card); return; }
  card.dataset.finished = 'true';
  const f = card._onFinish; card._onFinish = null;
  f?.(card._job);
}

async function act(card, verb) {
  try {
    card._job = await api(`/v1/jobs/${encodeURIComponent(card._job.id)}/${verb}`, { method: 'POST' });
    paint(card);
    if (!FINISHED.has(card._job.state)) { delete card.dataset.finished; follow(card); }
  } catch (e) { showError(e); }
}

/** A refused request in plain words; missing models listed with the way to get each. */
export function showProblem(box, e) {
  box.replaceChildren(el('p', { text: e.message }));
  const missing = e instanceof APIError ? e.problem.missing_models : null;
  if (missing?.length) {
    box.append(el('ul', { class: 'missing' }, ...missing.map((m) => el('li', { 'data-model': m.name }, el('strong', { text: m.name }), ` (stage ${m.stage}): `, el('code', { text: m.remedy })))),
      el('p', { class: 'hint', text: 'Or tick "download missing models first" and submit again.' }));
  }
  if (e.problem?.field) box.append(el('p', { class: 'hint', text: `Field: ${e.problem.field}` }));
}

function parseValue(text) { try { return JSON.parse(text); } catch { return text; } }

function renderStages() {
  const p = pipelines.find((x) => x.name === $('#j-pipeline').value);
  $('#j-pipeline-desc').textContent = p?.description || '';
  const box = $('#j-stages');
  box.replaceChildren(...(p?.stages || []).map((s) => el('fieldset', { 'data-stage': s.id },
    el('legend', { text: `${s.id} (${s.stage})` }),
    el('label', {}, el('input', { type: 'checkbox', 'data-enabled': s.id, checked: s.enabled }), ' enabled'),
    ...Object.entries(s.with || {}).map(([k, v]) => {
      const id = `j-p-${s.id}-${k}`;
      return el('label', { for: id }, `${k} `, el('input', { id, 'data-param': k, 'data-stage': s.id, 'data-initial': JSON.stringify(v), value: typeof v === 'string' ? v : JSON.stringify(v), size: 14 }));
    }))));
}

function overrides() {
  const p = pipelines.find((x) => x.name === $('#j-pipeline').value);
  const out = {};
  for (const s of p?.stages || []) {
    const en = $(`[data-enabled="${s.id}"]`).checked;
    if (en !== s.enabled) (out[s.id] ||= {}).enabled = en;
  }
  for (const input of document.querySelectorAll('#j-stages input[data-param]')) {
    const v = parseValue(input.value);
    if (JSON.stringify(v) !== input.dataset.initial) (out[input.dataset.stage] ||= {})[input.dataset.param] = v;
  }
  const extra = $('#j-overrides').value.trim();
  if (extra) {
    const o = JSON.parse(extra);
    for (const [stage, params] of Object.entries(o)) out[stage] = { ...(out[stage] || {}), ...params };
  }
  return out;
}

async function submit(e) {
  e.preventDefault();
  const box = $('#j-error');
  box.replaceChildren();
  const categories = $('#j-categories').value.split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
  let o;
  try { o = overrides(); } catch (err) { box.textContent = `The parameters are not valid JSON: ${err.message}`; return; }
  const body = { categories, pipeline: $('#j-pipeline').value, overrides: o, pull_missing: $('#j-pull').checked };
  $('#j-submit').disabled = true;
  try {
    const job = await api('/v1/jobs', { method: 'POST', body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
    $('#job-list').prepend(jobCard(job));
  } catch (err) { showProblem(box, err); } finally { $('#j-submit').disabled = false; }
}

async function loadJobs() {
  try {
    const r = await api('/v1/jobs?limit=20');
    const list = $('#job-list');
    const have = new Set([...list.children].map((c) => c.dataset.jobId));
    for (const j of r.jobs) if (!have.has(j.id)) list.append(jobCard(j));
    if (!r.jobs.length && !list.children.length) list.append(el('p', { class: 'hint', text: 'No job yet.' }));
  } catch (e) { showError(e); }
}

let started = false;
export async function showJobs() {
  if (started) return;
  started = true;
  $('#job-form').addEventListener('submit', submit);
  $('#j-pipeline').addEventListener('change', renderStages);
  try {
    pipelines = (await api('/v1/pipelines')).pipelines;
    $('#j-pipeline').replaceChildren(...pipelines.filter((p) => p.name !== 'composite').map((p) => el('option', { value: p.name, text: p.name })));
    $('#j-pipeline').value = pipelines.some((p) => p.name === 'upload') ? 'upload' : pipelines[0]?.name;
    renderStages();
  } catch (e) { showError(e); }
  loadJobs();
}
