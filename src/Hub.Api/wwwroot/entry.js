// One journal entry: its request and response with headers and bodies, and every attempt of its exchange with a
// Replay button while the exchange is Failed or DeadLettered.
import { get, HubError, post } from './api.js';
import { el, replaceChildren, setText } from './dom.js';
import { badge, exactTime, formatDuration, formatLocalPrecise, timeAgo, timeElement } from './format.js';
import { renderBody } from './bodies.js';
import { journalHash } from './journal.js';

const REPLAYABLE = new Set(['Failed', 'DeadLettered']);

export function renderEntry(main, entryId) {
  replaceChildren(main,
    backLink(),
    el('h1', { text: 'Journal entry' }),
    el('p', { class: 'muted', role: 'status', text: 'Loading the entry…' }));
  loadEntry(main, entryId);
  return { dispose() {} };
}

async function loadEntry(main, entryId) {
  let entry;
  try {
    entry = await get(`/api/journal/${encodeURIComponent(entryId)}`);
  } catch (error) {
    if (!(error instanceof HubError && error.kind === 'key-rejected')) {
      replaceChildren(main, backLink(), el('h1', { text: 'Journal entry' }),
        el('p', { class: 'form-message', role: 'alert', text: error.message }),
        el('button', { type: 'button', text: 'Try again', onclick: () => loadEntry(main, entryId) }));
    }

    return;
  }

  const exchange = el('section', { class: 'exchange', 'aria-labelledby': 'exchange-title' });
  replaceChildren(main,
    backLink(),
    el('h1', {}, 'Journal entry: ', el('span', { class: 'mono', text: entry.operation })),
    summary(entry),
    el('div', { class: 'message-pair' },
      messageSection('Request', `${entry.method} ${entry.url}`, entry.requestHeaders, entry.requestBody),
      entry.responseHeaders || entry.responseBody
        ? messageSection('Response', entry.statusCode ? `HTTP ${entry.statusCode}` : '', entry.responseHeaders, entry.responseBody)
        : el('section', { class: 'message' }, el('h2', { text: 'Response' }),
          el('p', { class: 'muted', text: `No response: ${entry.outcome}${entry.error ? `, ${entry.error}` : ''}.` }))),
    exchange);
  loadExchange(exchange, entry.exchangeId, entry.id);
}

function backLink() {
  return el('p', { class: 'breadcrumb' }, el('a', { href: '#/journal', text: '« Journal' }));
}

function summary(entry) {
  const row = (term, ...value) => el('div', { class: 'fact' }, el('dt', { text: term }), el('dd', {}, ...value));
  const filterLink = (name, value) => el('a', { href: journalHash({ [name]: value }), class: 'mono', text: value });

  return el('dl', { class: 'entry-facts' },
    row('Time', el('time', { datetime: entry.startedAt, title: exactTime(entry.startedAt), text: formatLocalPrecise(entry.startedAt) })),
    row('Endpoint', filterLink('endpoint', entry.endpointId)),
    row('Direction', entry.direction),
    row('Outcome', badge(entry.outcome), entry.statusCode ? ` HTTP ${entry.statusCode}` : ''),
    row('Duration', formatDuration(entry.durationMs)),
    row('Attempt', `${entry.attempt} (${entry.trigger})`),
    row('Exchange', filterLink('exchangeId', entry.exchangeId)),
    row('Correlation id', entry.correlationId ? filterLink('correlationId', entry.correlationId) : el('span', { class: 'muted', text: 'none' })),
    entry.error ? row('Error', el('span', { class: 'error-text', text: entry.error })) : null,
    entry.redirects?.length ? row('Redirects', redirectList(entry.redirects)) : null,
    row('Silo', el('span', { class: 'mono', text: entry.silo })));
}

// Every hop the attempt followed, in order; the request and response below are the first request and the last response.
function redirectList(hops) {
  return el('ol', { class: 'redirects' }, hops.map((hop) =>
    el('li', { class: 'mono', text: `HTTP ${hop.statusCode} ${hop.from} → ${hop.to}` })));
}

function messageSection(title, line, headers, body) {
  const names = Object.keys(headers ?? {}).sort((a, b) => a.localeCompare(b));
  return el('section', { class: 'message' },
    el('h2', { text: title }),
    line ? el('p', { class: 'mono request-line', text: line }) : null,
    el('h3', { text: 'Headers' }),
    names.length === 0
      ? el('p', { class: 'muted', text: 'None.' })
      : el('table', { class: 'headers' },
        el('caption', { class: 'visually-hidden', text: `${title} headers` }),
        el('tbody', {}, names.map((name) => el('tr', {},
          el('th', { scope: 'row', text: name }), el('td', { text: headers[name] }))))),
    el('h3', { text: 'Body' }),
    renderBody(body));
}

async function loadExchange(section, exchangeId, currentEntryId) {
  let exchange;
  try {
    exchange = await get(`/api/exchanges/${encodeURIComponent(exchangeId)}`);
  } catch (error) {
    replaceChildren(section, el('h2', { id: 'exchange-title', text: 'Exchange' }),
      el('p', { class: 'form-message', role: 'alert', text: error.message }));
    return;
  }

  const note = el('p', { class: 'tile-note', role: 'status' });
  const replay = REPLAYABLE.has(exchange.status)
    ? el('button', { type: 'button', class: 'primary', text: 'Replay',
      onclick: (event) => replayExchange(event.currentTarget, note, section, exchangeId, currentEntryId) })
    : null;
  const when = (iso) => (iso ? timeElement(iso, `${formatLocalPrecise(iso)} (${timeAgo(iso)})`) : el('span', { class: 'muted', text: '–' }));
  const row = (term, ...value) => el('div', { class: 'fact' }, el('dt', { text: term }), el('dd', {}, ...value));

  replaceChildren(section,
    el('div', { class: 'exchange-head' },
      el('h2', { id: 'exchange-title', text: 'Exchange' }),
      el('span', { class: 'exchange-status', 'data-status': exchange.status }, badge(exchange.status)),
      replay),
    note,
    el('dl', { class: 'entry-facts' },
      row('Exchange id', el('span', { class: 'mono', text: exchange.exchangeId })),
      row('Attempts', String(exchange.attempts)),
      row('Submitted', when(exchange.submittedAt)),
      row('Finished', when(exchange.finishedAt)),
      exchange.nextAttemptAt ? row('Next attempt', when(exchange.nextAttemptAt)) : null,
      exchange.error ? row('Last error', el('span', { class: 'error-text', text: exchange.error })) : null),
    attemptsTable(exchange.entries, currentEntryId));
}

function attemptsTable(entries, currentEntryId) {
  const header = ['Attempt', 'Trigger', 'Time', 'Status', 'Outcome', 'Duration'];
  return el('div', { class: 'table-scroll' },
    el('table', { class: 'journal-table attempts' },
      el('caption', { text: 'Attempts, in order' }),
      el('thead', {}, el('tr', {}, header.map((name) => el('th', { scope: 'col', text: name })))),
      el('tbody', {}, entries.map((item) => {
        const current = item.id === currentEntryId;
        const link = el('a', { href: `#/journal/${encodeURIComponent(item.id)}`, 'aria-current': current ? 'page' : null,
          text: `#${item.attempt}${current ? ' (this entry)' : ''}` });
        return el('tr', { 'data-entry': item.id, class: current ? 'current' : null },
          el('td', {}, link),
          el('td', { text: item.trigger }),
          el('td', {}, el('time', { datetime: item.startedAt, title: exactTime(item.startedAt), text: formatLocalPrecise(item.startedAt) })),
          el('td', { class: 'number', text: item.statusCode ?? '–' }),
          el('td', {}, badge(item.outcome)),
          el('td', { class: 'number', text: formatDuration(item.durationMs) }));
      }))));
}

async function replayExchange(button, note, section, exchangeId, currentEntryId) {
  button.disabled = true;
  note.classList.remove('error');
  setText(note, 'Replaying…');
  try {
    const result = await post(`/api/exchanges/${encodeURIComponent(exchangeId)}/replay`);
    await loadExchange(section, exchangeId, currentEntryId);
    const status = section.querySelector('.tile-note');
    setText(status, `Replay ended with ${result.status}${result.outcome ? ` (${result.outcome})` : ''}.`);
  } catch (error) {
    button.disabled = false;
    note.classList.add('error');
    setText(note, error.message);
  }
}
