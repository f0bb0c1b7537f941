// Entry point: requests the API key, routes the hash (#/, #/journal?…, #/journal/{entryId}) to a view and shows
// connection problems in a banner above the view.
import { clearKey, get, getKey, HubError, setKey } from './api.js';
import { el, replaceChildren, uniqueId } from './dom.js';
import { renderBoard } from './board.js';
import { renderJournal } from './journal.js';
import { renderEntry } from './entry.js';

const main = document.getElementById('main');
const connection = document.getElementById('connection');
const forgetKey = document.getElementById('forget-key');
let currentView = null;

window.addEventListener('hashchange', () => route(true));
window.addEventListener('hub:unreachable', (event) => showConnection(event.detail));
window.addEventListener('hub:reachable', () => showConnection(null));
window.addEventListener('hub:key-rejected', (event) => showKeyForm(event.detail));
forgetKey.addEventListener('click', () => {
  clearKey();
  showKeyForm('The key is forgotten for this tab. Enter a key to continue.');
});

route(false);

function route(moveFocus) {
  disposeView();
  if (!getKey()) {
    showKeyForm(null);
    return;
  }

  forgetKey.hidden = false;
  const { view, params, id } = parseHash();
  markNavigation(view === 'entry' ? 'journal' : view);
  main.replaceChildren();
  if (view === 'journal') {
    currentView = renderJournal(main, params);
  } else if (view === 'entry') {
    currentView = renderEntry(main, id);
  } else {
    currentView = renderBoard(main);
  }

  if (moveFocus) {
    main.focus({ preventScroll: false });
  }
}

function parseHash() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?', 2);
  const segments = path.split('/').filter(Boolean).map(decodeURIComponent);
  const params = new URLSearchParams(query);
  if (segments[0] === 'journal' && segments[1]) {
    return { view: 'entry', id: segments[1], params };
  }

  return { view: segments[0] === 'journal' ? 'journal' : 'board', params };
}

function markNavigation(view) {
  for (const link of document.querySelectorAll('nav a[data-view]')) {
    if (link.dataset.view === view) {
      link.setAttribute('aria-current', 'page');
    } else {
      link.removeAttribute('aria-current');
    }
  }
}

function disposeView() {
  currentView?.dispose?.();
  currentView = null;
}

function showConnection(message) {
  connection.hidden = !message;
  connection.textContent = message ?? '';
}

function showKeyForm(message) {
  disposeView();
  forgetKey.hidden = true;
  showConnection(null);
  const inputId = uniqueId('api-key');
  const status = el('p', { class: 'form-message', role: 'alert', text: message ?? '' });
  status.hidden = !message;
  const input = el('input', {
    id: inputId, name: 'apiKey', type: 'password', autocomplete: 'off', required: true, spellcheck: 'false',
  });
  const submit = el('button', { type: 'submit', class: 'primary', text: 'Use key' });
  const form = el('form', { class: 'key-form', onsubmit: (event) => submitKey(event, input, submit, status) },
    el('h1', { text: 'Sign in to the hub' }),
    el('p', { text: 'The dashboard sends this key as the X-Api-Key header. It stays in this browser tab only '
      + '(sessionStorage) and is gone when the tab closes.' }),
    el('label', { for: inputId, text: 'API key' }),
    input,
    status,
    submit);
  replaceChildren(main, form);
  input.focus();
}

async function submitKey(event, input, submit, status) {
  event.preventDefault();
  const key = input.value.trim();
  if (!key) {
    return;
  }

  submit.disabled = true;
  status.hidden = false;
  status.textContent = 'Checking the key…';
  setKey(key);
  try {
    await get('/api/status');
    route(true);
  } catch (error) {
    // A rejected key has already replaced this form with a new one that carries the message. An unreachable hub
    // cannot check the key, so the board opens with the connection banner and checks it once the hub is back.
    if (error instanceof HubError && error.kind === 'unreachable') {
      route(true);
    } else if (!(error instanceof HubError && error.kind === 'key-rejected')) {
      submit.disabled = false;
      status.textContent = error.message;
    }
  }
}
