// Small shared UI pieces: plain-words error banners, the undo toast, element helpers.
export const $ = (sel, root = document) => root.querySelector(sel);

export function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) if (c !== undefined && c !== null) e.append(c);
  return e;
}

/** Shows an error in plain words (the problem's `detail`), with a way to dismiss it. */
export function showError(err, where = $('#messages')) {
  const text = err?.message || String(err);
  const box = el('div', { class: 'problem', 'data-code': err?.problem?.code || '' },
    el('span', { text }),
    el('button', { type: 'button', text: 'Dismiss', onclick: () => box.remove() }));
  where.append(box);
  return box;
}
export function clearErrors() { $('#messages').replaceChildren(); }

let toastTimer = null;
/** A short message with optional action buttons: [{label, run}]. */
export function toast(text, actions = [], ms = 6000) {
  const t = $('#toast');
  clearTimeout(toastTimer);
  t.replaceChildren(el('span', { text }), ...actions.map((a) => el('button', { type: 'button', text: a.label, onclick: () => { hideToast(); a.run(); } })));
  t.hidden = false;
  if (ms) toastTimer = setTimeout(hideToast, ms);
}
export function hideToast() { clearTimeout(toastTimer); $('#toast').hidden = true; }

export const fmt = (x, d = 2) => (x === undefined || x === null ? '—' : Number(x).toFixed(d));
