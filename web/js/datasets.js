// Datasets: compose one (a composite job), follow it, then page through its images with the
// annotations drawn (pasted ones solid green, background ones dashed blue, told apart by the
// manifest's per-annotation provenance), and download its tar.
import { api, withToken } from './api.js';
import { $, el, showError } from './ui.js';
import { jobCard, showProblem } from './jobs.js';

const P = { id: null, images: [], anns: new Map(), origin: new Map(), cats: new Map(), files: new Map(), index: 0, seq: 0 };

function datasetRow(d) {
  const row = el('div', { class: 'ds-row', 'data-dataset-id': d.id });
  const card = jobCard(d.job, { onFinish: (job) => { if (job.state === 'succeeded') preview(d.id); } });
  row.append(card, el('div', { class: 'row' },
    el('button', { type: 'button', text: 'Preview', onclick: () => preview(d.id) }),
    el('a', { href: withToken(d.archive_url), download: `${d.id}.tar`, text: 'Download (.tar)' })));
  return row;
}

async function submit(e) {
  e.preventDefault();
  const box = $('#ds-error');
  box.replaceChildren();
  const body = { seed: Number($('#ds-seed').value || 0), max_instances: Number($('#ds-max').value || 19) };
  if ($('#ds-images').value) body.images = Number($('#ds-images').value);
  if ($('#ds-min-clip').value !== '') body.min_clip_score = Number($('#ds-min-clip').value);
  const cats = $('#ds-categories').value.split(',').map((s) => s.trim()).filter(Boolean);
  if (cats.length) body.categories = cats;
  if (body.min_instances > body.max_instances) body.min_instances = 0;
  $('#ds-submit').disabled = true;
  try {
    const d = await api('/v1/datasets', { method: 'POST', body, headers: { 'Idempotency-Key': crypto.randomUUID() } });
    $('#ds-list').prepend(datasetRow(d));
  } catch (err) { showProblem(box, err); } finally { $('#ds-submit').disabled = false; }
}

export async function preview(id, index = 0) {
  const seq = ++P.seq;
  const section = $('#ds-preview');
  section.hidden = false;
  section.dataset.ready = '';
  try {
    const d = await api(`/v1/datasets/${encodeURIComponent(id)}`);
    const files = new Map(d.files.map((f) => [f.path, f.url]));
    const annPath = [...files.keys()].find((p) => p.startsWith('annotations/') && p.endsWith('.json'));
    if (!annPath) throw new Error('This dataset has no annotation file yet.');
    const [lvis, manifest] = await Promise.all([api(files.get(annPath)), files.has('manifest.json') ? api(files.get('manifest.json')) : null]);
    if (seq !== P.seq) return;
    P.id = id; P.files = files;
    P.images = lvis.images.slice().sort((a, b) => a.id - b.id);
    P.cats = new Map(lvis.categories.map((c) => [c.id, c.name]));
    P.anns = new Map();
    for (const a of lvis.annotations) { if (!P.anns.has(a.image_id)) P.anns.set(a.image_id, []); P.anns.get(a.image_id).push(a); }
    P.origin = new Map((manifest?.annotations || []).map((r) => [r.id, r]));
    $('#ds-download').href = withToken(d.archive_url);
    $('#ds-download').setAttribute('download', `${id}.tar`);
    $('#ds-preview-title').textContent = `Preview of ${id}`;
    const p = new URLSearchParams(location.search);
    p.set('view', 'datasets'); p.set('ds', id);
    history.replaceState(null, '', '?' + p);
    await show(Math.min(index, Math.max(0, P.images.length - 1)));
  } catch (e) { showError(e); }
}

function fileURL(image) {
  const name = image.file_name || '';
  if (P.files.has(name)) return P.files.get(name);
  const base = name.split('/').pop();
  for (const [path, url] of P.files) if (path.split('/').pop() === base && !path.endsWith('.json')) return url;
  return null;
}

async function show(i) {
  P.index = i;
  const image = P.images[i];
  $('#ds-pos').textContent = image ? `image ${i + 1} of ${P.images.length}` : 'no images';
  $('#ds-prev').disabled = i <= 0;
  $('#ds-next').disabled = i >= P.images.length - 1;
  const list = $('#ds-anns');
  list.replaceChildren();
  if (!image) return;
  const url = fileURL(image);
  if (!url) throw new Error(`The dataset lists ${image.file_name} but has no such file.`);
  const img = new Image();
  await new Promise((ok, fail) => { img.onload = ok; img.onerror = () => fail(new Error(`The image ${image.file_name} could not be loaded.`)); img.src = withToken(url); });
  if (P.images[P.index] !== image) return;
  const c = $('#ds-canvas');
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const ctx = c.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const anns = P.anns.get(image.id) || [];
  let pasted = 0, background = 0;
  ctx.lineWidth = Math.max(2, c.width / 300);
  ctx.font = `${Math.max(12, c.width / 50)}px system-ui, sans-serif`;
  for (const a of anns) {
    const origin = P.origin.get(a.id)?.origin || 'pasted';
    origin === 'background' ? background++ : pasted++;
    const color = origin === 'background' ? '41,98,255' : '0,200,83';
    ctx.strokeStyle = `rgb(${color})`; ctx.fillStyle = `rgba(${color},0.3)`;
    ctx.setLineDash(origin === 'background' ? [8, 5] : []);
    ctx.beginPath();
    if (Array.isArray(a.segmentation) && a.segmentation.length) {
      for (const poly of a.segmentation) { ctx.moveTo(poly[0], poly[1]); for (let k = 2; k < poly.length; k += 2) ctx.lineTo(poly[k], poly[k + 1]); ctx.closePath(); }
    } else if (a.bbox) ctx.rect(...a.bbox);
    ctx.fill(); ctx.stroke();
    const name = P.cats.get(a.category_id) || a.category_id;
    ctx.setLineDash([]); ctx.fillStyle = `rgb(${color})`;
    ctx.fillText(String(name), a.bbox[0] + 2, Math.max(12, a.bbox[1] - 3));
    const prov = P.origin.get(a.id);
    list.append(el('li', { 'data-origin': origin, 'data-ann': a.id },
      `${name} — ${origin}`, prov?.instance_id ? el('a', { href: `?view=bank&open=${prov.instance_id}`, text: ` (instance #${prov.instance_id})` }) : ''));
  }
  c.setAttribute('aria-label', `${image.file_name}: ${pasted} pasted and ${background} background annotations`);
  const s = $('#ds-preview');
  s.dataset.ready = image.id; s.dataset.pasted = pasted; s.dataset.background = background;
}

let started = false;
export async function showDatasets() {
  if (started) return;
  started = true;
  $('#ds-form').addEventListener('submit', submit);
  $('#ds-prev').addEventListener('click', () => show(P.index - 1).catch(showError));
  $('#ds-next').addEventListener('click', () => show(P.index + 1).catch(showError));
  $('#ds-preview').addEventListener('keydown', (e) => {
    if (e.target.matches('input')) return;
    if (e.key === 'ArrowRight' && P.index < P.images.length - 1) show(P.index + 1).catch(showError);
    if (e.key === 'ArrowLeft' && P.index > 0) show(P.index - 1).catch(showError);
  });
  try {
    const r = await api('/v1/datasets?limit=20');
    $('#ds-list').replaceChildren(...r.datasets.map(datasetRow));
    if (!r.datasets.length) $('#ds-list').append(el('p', { class: 'hint', text: 'No dataset yet.' }));
  } catch (e) { showError(e); }
  const ds = new URLSearchParams(location.search).get('ds');
  if (ds) preview(ds);
}
