// The HTTP API, as the page uses it: the bearer token from localStorage, problem+json errors
// turned into an Error whose message is the problem's `detail` (plain words) and whose `problem`
// keeps the whole document (missing_models, field, …).
const KEY = 'xpaste.token';

export const token = {
  get: () => localStorage.getItem(KEY) || '',
  set: (t) => (t ? localStorage.setItem(KEY, t) : localStorage.removeItem(KEY)),
};

export class APIError extends Error {
  constructor(status, problem) {
    super(problem?.detail || `The server answered ${status}.`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** Called when the server says a token is needed (401/403); set by app.js. */
export let onAuthNeeded = () => {};
export function setAuthHandler(fn) { onAuthNeeded = fn; }

export async function api(path, { method = 'GET', body, headers = {}, keepalive = false, priority = 'high' } = {}) {
  const h = { Accept: 'application/json', ...headers };
  const t = token.get();
  if (t) h.Authorization = `Bearer ${t}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  let r;
  try {
    r = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), keepalive, priority });
  } catch (e) {
    throw new APIError(0, { detail: 'The server cannot be reached. Is `xpaste serve` running?', code: 'network' });
  }
  const type = r.headers.get('Content-Type') || '';
  const payload = type.includes('json') ? await r.json().catch(() => null) : await r.text();
  if (!r.ok) {
    if (r.status === 401 || r.status === 403) onAuthNeeded();
    throw new APIError(r.status, typeof payload === 'object' ? payload : { detail: `The server answered ${r.status} ${r.statusText}.` });
  }
  return payload;
}

/** A GET URL that carries the token as `access_token` (for EventSource, links and <img>). */
export function withToken(path) {
  const t = token.get();
  if (!t) return path;
  return path + (path.includes('?') ? '&' : '?') + 'access_token=' + encodeURIComponent(t);
}

/** The browse filter → query string pairs (arrays comma-joined, as the API's form style wants). */
export function filterQuery(f) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) {
    if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) continue;
    q.set(k, Array.isArray(v) ? v.join(',') : String(v));
  }
  return q;
}

/** The browse filter → the body's `filter` of POST /v1/instances/bulk. */
export function bulkFilter(f) {
  const out = {};
  if (f.category?.length) out.category = f.category.map(Number);
  for (const k of ['kind', 'status', 'segmenter']) if (f[k]?.length) out[k] = f[k];
  for (const k of ['min_score', 'max_score', 'min_area', 'max_area']) if (f[k] !== undefined && f[k] !== '') out[k] = Number(f[k]);
  if (f.job) out.job = f.job;
  return out;
}
