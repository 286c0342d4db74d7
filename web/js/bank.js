// The bank: filters kept in the URL, a virtualised grid over cursor pages, counts, the score
// histogram, the detail dialog with keyboard curation, multi-select with bulk actions and undo.
import { api, withToken, filterQuery, bulkFilter } from './api.js';
import { $, el, showError, toast, hideToast, fmt } from './ui.js';

// Instances per API page: 100, or the URL's `limit` (1…1000).
const PAGE = Math.min(1000, Math.max(1, Number(new URLSearchParams(location.search).get('limit')) || 100));
const BUFFER_ROWS = 3;     // rows rendered above and below the viewport
const FILTER_KEYS = ['category', 'kind', 'status', 'min_score', 'max_score', 'min_area', 'max_area', 'segmenter', 'job', 'sort', 'order'];
const LIST_KEYS = new Set(['category', 'kind', 'status', 'segmenter']);
const DELETE_DELAY_MS = 5000;

const S = {
  filter: {}, items: [], byId: new Map(), cursor: null, done: false, loading: null, generation: 0,
  nodes: new Map(), selected: new Set(), allMatching: false, matchingCount: null, lastPick: -1,
  undo: null, pendingDelete: null, detailIndex: -1, detailItem: null, catNames: new Map(),
  metrics: { firstPaint: null, pages: [] },
};
window.__xp = S.metrics;

// ---------------------------------------------------------------- the filter and the URL

function readFilter() {
  const p = new URLSearchParams(location.search);
  const f = {};
  for (const k of FILTER_KEYS) {
    const v = p.get(k);
    if (v === null || v === '') continue;
    f[k] = LIST_KEYS.has(k) ? v.split(',').filter(Boolean) : v;
  }
  return f;
}

function writeURL(extra = {}) {
  const p = new URLSearchParams();
  p.set('view', 'bank');
  for (const [k, v] of filterQuery(S.filter)) p.set(k, v);
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== null) p.set(k, v);
  if (PAGE !== 100) p.set('limit', PAGE);
  const open = new URLSearchParams(location.search).get('open');
  if (open && !('open' in extra) && $('#detail').open) p.set('open', open);
  history.replaceState(null, '', '?' + p.toString());
}

function formToFilter() {
  const f = { category: S.filter.category || [] };
  const form = $('#filter-form');
  for (const k of ['kind', 'status']) f[k] = [...form.querySelectorAll(`input[name=${k}]:checked`)].map((i) => i.value);
  for (const k of ['min_score', 'max_score', 'min_area', 'max_area', 'job', 'sort', 'order']) {
    const v = form.elements[k].value.trim();
    if (v !== '') f[k] = v;
  }
  const seg = form.elements.segmenter.value.trim();
  if (seg) f.segmenter = seg.split(',').map((s) => s.trim()).filter(Boolean);
  if (f.sort === 'date') delete f.sort;
  if (f.order === 'desc') delete f.order;
  return f;
}

function filterToForm() {
  const form = $('#filter-form');
  for (const k of ['kind', 'status']) for (const i of form.querySelectorAll(`input[name=${k}]`)) i.checked = (S.filter[k] || []).includes(i.value);
  for (const k of ['min_score', 'max_score', 'min_area', 'max_area', 'job']) form.elements[k].value = S.filter[k] ?? '';
  form.elements.segmenter.value = (S.filter.segmenter || []).join(',');
  form.elements.sort.value = S.filter.sort || 'date';
  form.elements.order.value = S.filter.order || 'desc';
  renderChosen();
}

function browseQuery(extra = {}) {
  const q = filterQuery(S.filter);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}

// ---------------------------------------------------------------- the grid

function cellSize() { return parseFloat(getComputedStyle(document.documentElement).getPropertyValue('--cell')) || 156; }
function columns() { return Math.max(1, Math.floor($('#grid').clientWidth / cellSize())); }

export async function reload() {
  S.generation++;
  S.items = []; S.byId.clear(); S.cursor = null; S.done = false; S.loading = null;
  for (const n of S.nodes.values()) n.remove();
  S.nodes.clear();
  clearSelection();
  $('#grid-status').textContent = 'Loading…';
  $('#grid-end').textContent = '';
  await loadMore(true);
}

function loadMore(first = false) {
  if (S.done || S.loading) return S.loading;
  const gen = S.generation;
  const started = performance.now();
  const q = browseQuery({ limit: PAGE, ...(S.cursor ? { cursor: S.cursor } : {}) });
  S.loading = api('/v1/instances?' + q).then((page) => {
    if (gen !== S.generation) return;
    for (const i of page.instances) { S.byId.set(i.id, i); S.items.push(i); }
    S.cursor = page.next_cursor || null;
    S.done = !S.cursor;
    S.loading = null;
    render();
    $('#grid-status').textContent = S.items.length ? `${S.items.length} shown${S.done ? '' : ', more below'}` : 'No instance matches this filter.';
    $('#grid-end').textContent = S.done && S.items.length ? 'End of the list.' : '';
    // Measured for docs/BENCHMARKS.md: after the cells are laid out and painted.
    requestAnimationFrame(() => setTimeout(() => {
      const t = performance.now();
      if (first && S.metrics.firstPaint === null) { S.metrics.firstPaint = t; performance.mark('xp:grid-first-paint'); }
      else S.metrics.pages.push({ ms: t - started, items: S.items.length });
    }, 0));
    if (!first) fillViewport();
  }).catch((e) => {
    S.loading = null;
    if (gen !== S.generation) return;
    $('#grid-status').textContent = '';
    showError(e);
  });
  return S.loading;
}

function fillViewport() {
  const g = $('#grid');
  if (!S.done && g.getBoundingClientRect().bottom < innerHeight + cellSize() * 2) loadMore();
}

function render() {
  const g = $('#grid');
  if ($('#view-bank').hidden) return;
  const size = cellSize(), cols = columns();
  g.style.height = Math.ceil(S.items.length / cols) * size + 'px';
  const top = g.getBoundingClientRect().top;
  const first = Math.max(0, Math.floor(-top / size) - BUFFER_ROWS);
  const last = Math.ceil((innerHeight - top) / size) + BUFFER_ROWS;
  const from = first * cols, to = Math.min(S.items.length, last * cols);
  const keep = new Set();
  for (let i = from; i < to; i++) {
    const item = S.items[i];
    keep.add(item.id);
    let n = S.nodes.get(item.id);
    if (!n) { n = makeCell(item); S.nodes.set(item.id, n); g.append(n); }
    n.dataset.index = i;
    n.style.left = (i % cols) * size + 'px';
    n.style.top = Math.floor(i / cols) * size + 'px';
  }
  for (const [id, n] of S.nodes) if (!keep.has(id) && !n.contains(document.activeElement)) { n.remove(); S.nodes.delete(id); }
  if (!S.done && to >= S.items.length - cols * BUFFER_ROWS) loadMore();
}

function makeCell(item) {
  const name = item.category_name || `category ${item.category_id}`;
  const label = `${name}, score ${fmt(item.clip_score, 1)}, ${item.status}`;
  const pick = el('input', { type: 'checkbox', class: 'pick', 'aria-label': `Select #${item.id} (${name})` });
  pick.checked = isSelected(item.id);
  pick.addEventListener('click', (e) => onPick(item, e.shiftKey, pick.checked));
  const open = el('button', { type: 'button', class: 'open', 'aria-label': `Open #${item.id}: ${label}`, onclick: () => openDetail(S.items.indexOf(item)) },
    el('img', { src: withToken(item.thumbnail_url), alt: '', loading: 'lazy', decoding: 'async', fetchpriority: 'low', width: 140, height: 140 }));
  const tag = el('div', { class: 'tag' }, el('span', { text: name }), el('span', { class: 'st-' + item.status, 'data-role': 'status', text: `${fmt(item.clip_score, 1)} · ${item.status}` }));
  return el('div', { class: 'cell' + (pick.checked ? ' selected' : ''), role: 'listitem', 'data-id': item.id, 'data-status': item.status }, open, pick, tag);
}

function refreshCell(item) {
  const n = S.nodes.get(item.id);
  if (!n) return;
  n.dataset.status = item.status;
  const s = n.querySelector('[data-role=status]');
  s.className = 'st-' + item.status;
  s.textContent = `${fmt(item.clip_score, 1)} · ${item.status}`;
  const sel = isSelected(item.id);
  n.classList.toggle('selected', sel);
  n.querySelector('.pick').checked = sel;
}

// ---------------------------------------------------------------- selection and bulk actions

const isSelected = (id) => S.allMatching || S.selected.has(id);

function onPick(item, shift, checked) {
  if (S.allMatching) { S.allMatching = false; S.selected = new Set(S.items.map((i) => i.id)); }
  const index = S.items.indexOf(item);
  if (shift && S.lastPick >= 0) {
    const [a, b] = index < S.lastPick ? [index, S.lastPick] : [S.lastPick, index];
    for (let i = a; i <= b; i++) checked ? S.selected.add(S.items[i].id) : S.selected.delete(S.items[i].id);
  } else if (checked) S.selected.add(item.id); else S.selected.delete(item.id);
  S.lastPick = index;
  selectionChanged();
}

function clearSelection() { S.selected.clear(); S.allMatching = false; S.matchingCount = null; S.lastPick = -1; selectionChanged(); }

function selectionChanged() {
  const n = S.allMatching ? (S.matchingCount ?? '?') : S.selected.size;
  $('#sel-count').textContent = S.allMatching ? `all ${n} matching selected` : `${n} selected`;
  for (const id of ['bulk-accept', 'bulk-reject', 'bulk-delete', 'sel-none']) $('#' + id).disabled = !S.allMatching && !S.selected.size;
  for (const item of S.items) if (S.nodes.has(item.id)) refreshCell(item);
}

/** How many instances match the filter: one histogram bin wide enough for every score. */
async function countMatching() {
  const q = filterQuery(S.filter);
  q.delete('sort'); q.delete('order');
  q.set('bins', '1'); q.set('lower', '-1e9'); q.set('upper', '1e9');
  const r = await api('/v1/histograms?' + q);
  return r.histograms.reduce((s, h) => s + h.counts.reduce((a, b) => a + b, 0) + h.unscored, 0);
}

async function selectAllMatching() {
  try {
    S.matchingCount = await countMatching();
    S.allMatching = true;
    selectionChanged();
  } catch (e) { showError(e); }
}

/** Ids and statuses of everything matching the filter (for undo), up to `cap`. */
async function collectMatching(cap = 20000) {
  const out = [];
  let cursor = null;
  do {
    const page = await api('/v1/instances?' + browseQuery({ limit: 1000, ...(cursor ? { cursor } : {}) }));
    for (const i of page.instances) out.push({ id: i.id, status: i.status });
    cursor = page.next_cursor;
  } while (cursor && out.length < cap);
  return { list: out, complete: !cursor };
}

const ACTION_STATUS = { accept: 'accepted', reject: 'rejected', pending: 'pending' };
const STATUS_ACTION = { accepted: 'accept', rejected: 'reject', pending: 'pending' };

function setUndo(label, run) {
  S.undo = run ? { label, run } : null;
  const b = $('#undo');
  b.disabled = !run;
  b.textContent = run ? `Undo ${label}` : 'Undo';
}

/** Puts instances back to the statuses they had: one bulk request per status. */
async function restoreStatuses(prev) {
  const groups = {};
  for (const { id, status } of prev) (groups[status] ||= []).push(id);
  for (const [status, ids] of Object.entries(groups)) {
    for (let i = 0; i < ids.length; i += 50000) await api('/v1/instances/bulk', { method: 'POST', body: { action: STATUS_ACTION[status], ids: ids.slice(i, i + 50000) } });
  }
}

async function bulk(action) {
  await flushDelete();
  try {
    let prev, selection;
    if (S.allMatching) {
      const got = await collectMatching();
      prev = got.complete ? got.list : null;
      selection = prev ? { ids: prev.map((p) => p.id) } : { filter: bulkFilter(S.filter) };
    } else {
      prev = [...S.selected].map((id) => ({ id, status: S.byId.get(id)?.status || 'pending' }));
      selection = { ids: prev.map((p) => p.id) };
    }
    const count = prev ? prev.length : S.matchingCount;
    if (action === 'delete') return deferDelete(selection, count);
    const r = await api('/v1/instances/bulk', { method: 'POST', body: { action, ...selection } });
    const status = ACTION_STATUS[action];
    for (const p of prev || []) { const i = S.byId.get(p.id); if (i) i.status = status; }
    if (!prev) for (const i of S.items) i.status = status;
    clearSelection();
    setUndo(prev ? `${action} of ${prev.length}` : null, prev ? async () => { await restoreStatuses(prev); for (const p of prev) { const i = S.byId.get(p.id); if (i) { i.status = p.status; refreshCell(i); } } refreshSide(); } : null);
    toast(`${r.changed} ${status}.` + (prev ? '' : ' (Too many to undo.)'), prev ? [{ label: 'Undo', run: runUndo }] : []);
    refreshSide();
  } catch (e) { showError(e); }
}

/** Deletes wait a few seconds (the grid hides them at once), so that undo can still stop them. */
function deferDelete(selection, count) {
  const ids = new Set(selection.ids || []);
  const hidden = selection.ids ? S.items.filter((i) => ids.has(i.id)) : S.items.slice();
  S.items = S.items.filter((i) => !hidden.includes(i));
  for (const i of hidden) { S.nodes.get(i.id)?.remove(); S.nodes.delete(i.id); }
  clearSelection();
  render();
  const pending = { selection, count, timer: null };
  pending.commit = async () => {
    clearTimeout(pending.timer);
    if (S.pendingDelete !== pending) return;
    S.pendingDelete = null;
    try {
      const r = await api('/v1/instances/bulk', { method: 'POST', body: { action: 'delete', ...selection }, keepalive: true });
      for (const i of hidden) S.byId.delete(i.id);
      setUndo(null);
      toast(`${r.changed} deleted for good.`);
      refreshSide();
    } catch (e) { showError(e); reload(); }
  };
  pending.cancel = () => { clearTimeout(pending.timer); S.pendingDelete = null; setUndo(null); reload(); toast('Delete undone.'); };
  pending.timer = setTimeout(pending.commit, DELETE_DELAY_MS);
  S.pendingDelete = pending;
  setUndo(`delete of ${count}`, async () => pending.cancel());
  toast(`Deleting ${count}…`, [{ label: 'Undo', run: runUndo }], DELETE_DELAY_MS);
}

async function flushDelete() { if (S.pendingDelete) await S.pendingDelete.commit(); }

async function runUndo() {
  const u = S.undo;
  if (!u) return;
  setUndo(null);
  hideToast();
  try { await u.run(); } catch (e) { showError(e); }
}

// ---------------------------------------------------------------- the detail dialog

async function openDetail(index, item = S.items[index]) {
  if (!item) return;
  S.detailIndex = index;
  S.detailItem = item;
  const d = $('#detail');
  if (!d.open) { d.showModal(); $('#d-close').focus(); }
  writeURL({ open: item.id });
  $('#d-title').textContent = `#${item.id} · ${item.category_name || item.category_id}`;
  setDetailStatus(item.status);
  $('#d-prev').disabled = index <= 0;
  $('#d-next').disabled = index < 0 || (index >= S.items.length - 1 && S.done);
  $('#d-cutout').src = withToken(item.cutout_url);
  $('#d-cutout').alt = `cutout of ${item.category_name || 'the object'}`;
  const src = $('#d-source');
  src.src = withToken(item.source_url);
  drawMask(item);
  const meta = $('#d-meta');
  meta.replaceChildren();
  const row = (k, v) => { if (v !== undefined && v !== null && v !== '') meta.append(el('dt', { text: k }), el('dd', { text: String(v) })); };
  row('CLIP score', fmt(item.clip_score, 2));
  row('segmenter', item.segmenter);
  row('area', item.area_ratio === undefined ? null : `${(item.area_ratio * 100).toFixed(1)} % of the image`);
  row('size', `${item.width} × ${item.height}`);
  row('source', `#${item.source_id} (${item.source_kind})`);
  row('job', item.job_id);
  row('decided by', item.decided_by && `${item.decided_by}${item.reason ? ': ' + item.reason : ''}`);
  row('created', item.created_at);
  try {
    const full = await api(`/v1/instances/${item.id}`);
    if (S.detailItem !== item) return;
    const p = full.provenance || {};
    row('prompt', p.prompt); row('negative prompt', p.negative_prompt); row('seed', p.seed); row('model', p.model_id);
    row('scheduler', p.scheduler); row('steps', p.steps); row('guidance', p.guidance);
    row('URL', p.url); row('licence', p.licence); row('author', p.author);
    meta.dataset.loaded = item.id;
  } catch (e) { showError(e); }
}

function setDetailStatus(status) {
  const b = $('#d-status');
  b.textContent = status;
  b.className = 'badge st-' + status;
}

function drawMask(item) {
  const canvas = $('#d-mask');
  const m = new Image();
  m.onload = () => {
    if (S.detailItem !== item) return;
    canvas.width = m.naturalWidth; canvas.height = m.naturalHeight;
    const ctx = canvas.getContext('2d');
    ctx.drawImage(m, 0, 0);
    const img = ctx.getImageData(0, 0, canvas.width, canvas.height);
    const px = img.data;
    for (let i = 0; i < px.length; i += 4) { const a = px[i]; px[i] = 255; px[i + 1] = 40; px[i + 2] = 160; px[i + 3] = a; }
    ctx.putImageData(img, 0, 0);
    canvas.dataset.ready = item.id;
  };
  m.src = withToken(item.mask_url);
  canvas.style.opacity = $('#d-opacity').value;
}

async function moveDetail(step) {
  let i = S.detailIndex + step;
  if (i < 0) return;
  if (i >= S.items.length && !S.done) await loadMore();
  if (i >= S.items.length) return;
  await openDetail(i);
  const n = S.nodes.get(S.items[i].id);
  if (n) n.scrollIntoView({ block: 'nearest' });
}

async function decide(status) {
  const item = S.detailItem;
  if (!item) return;
  const before = item.status;
  try {
    const r = await api(`/v1/instances/${item.id}`, { method: 'PATCH', body: { status } });
    item.status = r.status;
    refreshCell(item);
    if (S.detailItem === item) setDetailStatus(r.status);
    setUndo(`${status === 'accepted' ? 'accept' : 'reject'} of #${item.id}`, async () => {
      await api(`/v1/instances/${item.id}`, { method: 'PATCH', body: { status: before } });
      item.status = before; refreshCell(item);
      if (S.detailItem === item) setDetailStatus(before);
      refreshSide();
    });
    refreshSide();
    if (S.detailIndex >= 0) await moveDetail(1);
  } catch (e) { showError(e); }
}

function closeDetail() {
  S.detailItem = null;
  writeURL({});
  const n = S.detailIndex >= 0 && S.nodes.get(S.items[S.detailIndex]?.id);
  if (n) n.querySelector('.open').focus();
}

// ---------------------------------------------------------------- categories, counts, histogram

let searchTimer = null, searchSeq = 0;
async function searchCategories(text) {
  const seq = ++searchSeq;
  const list = $('#f-cat-list');
  if (!text.trim()) { list.replaceChildren(); return; }
  try {
    const r = await api('/v1/categories?' + new URLSearchParams({ q: text.trim() }));
    if (seq !== searchSeq) return;
    const cats = r.categories.sort((a, b) => b.total - a.total).slice(0, 20);
    list.replaceChildren(...cats.map((c) => {
      S.catNames.set(String(c.id), c.name);
      const syn = c.synonyms.filter((s) => s !== c.name).slice(0, 3).join(', ');
      return el('li', { role: 'option', tabindex: '-1', 'data-id': c.id, onclick: () => chooseCategory(c), onkeydown: (e) => listKey(e, c) },
        `${c.name.replaceAll('_', ' ')} (${c.total})`, syn ? el('small', { class: 'hint', text: ` ${syn}` }) : null);
    }));
    if (!cats.length) list.append(el('li', { 'aria-disabled': 'true', text: 'No category matches.' }));
  } catch (e) { showError(e); }
}

function listKey(e, c) {
  const li = e.currentTarget;
  if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); chooseCategory(c); }
  else if (e.key === 'ArrowDown') { e.preventDefault(); li.nextElementSibling?.focus(); }
  else if (e.key === 'ArrowUp') { e.preventDefault(); (li.previousElementSibling || $('#f-cat-search')).focus(); }
  else if (e.key === 'Escape') { $('#f-cat-list').replaceChildren(); $('#f-cat-search').focus(); }
}

function chooseCategory(c) {
  S.catNames.set(String(c.id), c.name);
  const set = new Set(S.filter.category || []);
  set.add(String(c.id));
  S.filter.category = [...set];
  $('#f-cat-search').value = '';
  $('#f-cat-list').replaceChildren();
  $('#f-cat-search').focus();
  filterChanged();
}

function renderChosen() {
  const box = $('#f-cat-chosen');
  box.replaceChildren(...(S.filter.category || []).map((id) => {
    const name = S.catNames.get(id) || `#${id}`;
    return el('span', { class: 'chip', 'data-id': id }, name.replaceAll('_', ' '),
      el('button', { type: 'button', 'aria-label': `Remove category ${name}`, text: '×', onclick: () => { S.filter.category = S.filter.category.filter((x) => x !== id); filterChanged(); } }));
  }));
}

async function loadCounts() {
  try {
    const r = await api('/v1/categories?with_instances=true');
    const cats = r.categories.sort((a, b) => b.total - a.total);
    for (const c of cats) S.catNames.set(String(c.id), c.name);
    renderChosen();
    const body = $('#counts tbody');
    body.replaceChildren(...cats.slice(0, 200).map((c) => el('tr', { 'data-id': c.id },
      el('td', {}, el('button', { type: 'button', text: c.name.replaceAll('_', ' '), 'aria-label': `Filter by ${c.name}`, onclick: () => chooseCategory(c) })),
      el('td', { class: 'st-accepted', text: c.accepted }), el('td', { class: 'st-pending', text: c.pending }), el('td', { class: 'st-rejected', text: c.rejected }))));
    if (cats.length > 200) body.append(el('tr', {}, el('td', { colspan: 4, class: 'hint', text: `and ${cats.length - 200} more (search above)` })));
  } catch (e) { showError(e); }
}

let histSeq = 0;
async function loadHistogram() {
  const seq = ++histSeq;
  const box = $('#histogram');
  try {
    const base = filterQuery(S.filter); base.delete('sort'); base.delete('order');
    const one = (order) => api('/v1/instances?' + new URLSearchParams([...base, ['sort', 'score'], ['order', order], ['limit', '1']]));
    const [lo, hi] = await Promise.all([one('asc'), one('desc')]);
    const min = lo.instances[0]?.clip_score, max = hi.instances[0]?.clip_score;
    if (seq !== histSeq) return;
    if (min === undefined || max === undefined) { box.replaceChildren(el('p', { class: 'hint', text: 'No scored instance matches.' })); box.dataset.total = 0; return; }
    const lower = Math.floor(Math.min(min, keepBar()) - 1), upper = Math.ceil(Math.max(max, keepBar()) + 1);
    const q = new URLSearchParams([...base, ['bins', '40'], ['lower', lower], ['upper', upper]]);
    const r = await api('/v1/histograms?' + q);
    if (seq !== histSeq) return;
    const counts = new Array(40).fill(0);
    for (const h of r.histograms) h.counts.forEach((c, i) => { counts[i] += c; });
    // X-Paste's bar per category: min(min_clip, best score − tolerance) (tolerance 1).
    const oneCat = (S.filter.category || []).length === 1;
    const bar = oneCat ? Math.min(keepBar(), max - 1) : keepBar();
    drawHistogram(box, counts, lower, upper, bar);
    $('#keep-note').textContent = oneCat ? `bar for this category: ${bar.toFixed(2)} (best ${max.toFixed(2)} − 1, at most min_clip)` : `bar at min_clip ${bar}; pick one category for its own bar. Click the chart to keep scores from there up.`;
  } catch (e) { if (seq === histSeq) showError(e); }
}

const keepBar = () => Number($('#keep-bar').value) || 0;

function drawHistogram(box, counts, lower, upper, bar) {
  const W = 260, H = 110, peak = Math.max(1, ...counts), bw = W / counts.length;
  const x = (v) => ((v - lower) / (upper - lower)) * W;
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H + 14}`);
  svg.setAttribute('role', 'img');
  const total = counts.reduce((a, b) => a + b, 0);
  svg.setAttribute('aria-label', `CLIP scores from ${lower} to ${upper}: ${total} instances, keep bar at ${bar.toFixed(2)}`);
  counts.forEach((c, i) => {
    const h = (c / peak) * H;
    const r = document.createElementNS(NS, 'rect');
    const binLow = lower + (i * (upper - lower)) / counts.length;
    r.setAttribute('class', 'bar' + (binLow >= bar ? ' kept' : ''));
    r.setAttribute('x', i * bw + 0.5); r.setAttribute('width', Math.max(1, bw - 1));
    r.setAttribute('y', H - h); r.setAttribute('height', h);
    const t = document.createElementNS(NS, 'title'); t.textContent = `${binLow.toFixed(1)}: ${c}`; r.append(t);
    svg.append(r);
  });
  const line = document.createElementNS(NS, 'line');
  line.setAttribute('class', 'keep'); line.setAttribute('x1', x(bar)); line.setAttribute('x2', x(bar)); line.setAttribute('y1', 0); line.setAttribute('y2', H);
  svg.append(line);
  for (const [v, anchor] of [[lower, 'start'], [upper, 'end']]) {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', x(v)); t.setAttribute('y', H + 12); t.setAttribute('font-size', 10); t.setAttribute('text-anchor', anchor); t.textContent = v;
    svg.append(t);
  }
  svg.addEventListener('click', (e) => {
    const rect = svg.getBoundingClientRect();
    const v = lower + ((e.clientX - rect.left) / rect.width) * (upper - lower);
    $('#f-min-score').value = v.toFixed(1);
    onFormChange();
  });
  box.dataset.total = total;
  box.dataset.bar = bar;
  box.replaceChildren(svg);
}

function refreshSide() { loadCounts(); loadHistogram(); }

// ---------------------------------------------------------------- wiring

function filterChanged() {
  writeURL({});
  renderChosen();
  reload();
  loadHistogram();
}

let formTimer = null;
function onFormChange() {
  clearTimeout(formTimer);
  formTimer = setTimeout(() => {
    const f = formToFilter();
    if (JSON.stringify(f) === JSON.stringify({ ...S.filter, category: S.filter.category || [] })) return;
    S.filter = f;
    filterChanged();
  }, 250);
}

let started = false;
export function showBank() {
  if (!started) {
    started = true;
    S.filter = readFilter();
    filterToForm();
    wire();
    reload();
    loadCounts();
    loadHistogram();
    const open = new URLSearchParams(location.search).get('open');
    if (open) api(`/v1/instances/${encodeURIComponent(open)}`).then((i) => openDetail(S.items.findIndex((x) => x.id === i.id), S.byId.get(i.id) || i)).catch(showError);
  } else render();
}

function wire() {
  const form = $('#filter-form');
  form.addEventListener('input', (e) => { if (e.target.id !== 'f-cat-search') onFormChange(); });
  form.addEventListener('change', (e) => { if (e.target.id !== 'f-cat-search') onFormChange(); });
  form.addEventListener('submit', (e) => e.preventDefault());
  const search = $('#f-cat-search');
  search.addEventListener('input', () => { clearTimeout(searchTimer); searchTimer = setTimeout(() => searchCategories(search.value), 120); });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); $('#f-cat-list li[role=option]')?.focus(); }
    if (e.key === 'Enter') { e.preventDefault(); $('#f-cat-list li[role=option]')?.click(); }
  });
  $('#f-clear').addEventListener('click', () => { S.filter = {}; filterToForm(); filterChanged(); });
  $('#keep-bar').addEventListener('input', () => loadHistogram());
  $('#sel-all').addEventListener('click', selectAllMatching);
  $('#sel-none').addEventListener('click', clearSelection);
  for (const b of document.querySelectorAll('.toolbar [data-action]')) b.addEventListener('click', () => bulk(b.dataset.action));
  $('#undo').addEventListener('click', runUndo);
  addEventListener('scroll', () => requestAnimationFrame(render), { passive: true });
  addEventListener('resize', () => requestAnimationFrame(render));
  addEventListener('pagehide', () => { if (S.pendingDelete) S.pendingDelete.commit(); });
  const d = $('#detail');
  d.addEventListener('close', closeDetail);
  document.addEventListener('keydown', (e) => {
    if (!d.open) return;
    if (e.target.matches?.('input[type=range]') && e.key.startsWith('Arrow')) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === 'ArrowRight') { e.preventDefault(); moveDetail(1); }
    else if (e.key === 'ArrowLeft') { e.preventDefault(); moveDetail(-1); }
    else if (e.key === 'a' || e.key === 'A') { e.preventDefault(); decide('accepted'); }
    else if (e.key === 'r' || e.key === 'R') { e.preventDefault(); decide('rejected'); }
  });
  $('#d-prev').addEventListener('click', () => moveDetail(-1));
  $('#d-next').addEventListener('click', () => moveDetail(1));
  $('#d-accept').addEventListener('click', () => decide('accepted'));
  $('#d-reject').addEventListener('click', () => decide('rejected'));
  $('#d-close').addEventListener('click', () => d.close());
  $('#d-opacity').addEventListener('input', (e) => { $('#d-mask').style.opacity = e.target.value; });
  document.addEventListener('keydown', (e) => {
    if ((e.ctrlKey || e.metaKey) && e.key === 'z' && !e.target.matches('input, textarea') && !$('#view-bank').hidden) { e.preventDefault(); runUndo(); }
  });
  selectionChanged();
}
