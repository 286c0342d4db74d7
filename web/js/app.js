// The page's entry: which section shows (`?view=`), the token dialog, errors never left blank.
import { token, setAuthHandler } from './api.js';
import { $, showError } from './ui.js';
import { showBank } from './bank.js';
import { showJobs } from './jobs.js';
import { showDatasets } from './datasets.js';

const VIEWS = { bank: showBank, jobs: showJobs, datasets: showDatasets };

function show(view) {
  if (!VIEWS[view]) view = 'bank';
  for (const v of Object.keys(VIEWS)) $(`#view-${v}`).hidden = v !== view;
  for (const a of document.querySelectorAll('.top nav a')) a.toggleAttribute('aria-current', a.dataset.view === view) && a.setAttribute('aria-current', 'page');
  document.title = `xpaste — ${view}`;
  Promise.resolve(VIEWS[view]()).catch(showError);
}

function navigate(e) {
  const a = e.target.closest('a[data-view]');
  if (!a || e.ctrlKey || e.metaKey || e.shiftKey) return;
  e.preventDefault();
  const p = new URLSearchParams(location.search);
  if (p.get('view') !== a.dataset.view) history.pushState(null, '', `?view=${a.dataset.view}`);
  show(a.dataset.view);
  $('#main').focus();
}

function tokenDialog() {
  const d = $('#token-dialog');
  $('#token-input').value = token.get();
  if (!d.open) d.showModal();
}

function wire() {
  document.querySelector('.top nav').addEventListener('click', navigate);
  addEventListener('popstate', () => show(new URLSearchParams(location.search).get('view') || 'bank'));
  $('#token-button').addEventListener('click', tokenDialog);
  $('#token-dialog').addEventListener('close', () => {
    const v = $('#token-dialog').returnValue;
    if (v === 'save') token.set($('#token-input').value.trim());
    if (v === 'clear') token.set('');
    $('#token-button').textContent = token.get() ? 'Token ✓' : 'Token';
  });
  $('#token-button').textContent = token.get() ? 'Token ✓' : 'Token';
  setAuthHandler(() => { if (!token.get()) tokenDialog(); });
  addEventListener('unhandledrejection', (e) => showError(e.reason));
  addEventListener('error', (e) => showError(e.error || e.message));
}

wire();
show(new URLSearchParams(location.search).get('view') || 'bank');
