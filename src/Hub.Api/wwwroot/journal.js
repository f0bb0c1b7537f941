// The journal search. The filter lives in the hash (#/journal?endpoint=crm&outcome=HttpError), so a link opens
// the same view; each page is one GET /api/journal, and "Next page" puts its nextCursor into the hash.
import { get, HubError, withQuery } from './api.js';
import { el, replaceChildren, uniqueId } from './dom.js';
import { badge, exactTime, formatDuration, formatLocalPrecise, fromLocalInput, toLocalInput } from './format.js';

const DIRECTIONS = ['Outbound', 'Inbound'];
const OUTCOMES = ['Success', 'HttpError', 'Timeout', 'NetworkError', 'InvalidRequest'];
const FILTERS = ['endpoint', 'direction', 'outcome', 'operation', 'from', 'to', 'correlationId', 'exchangeId', 'limit'];
const DEFAULT_LIMIT = '50';

/** Returns the hash of the journal view with `params` as its filter. */
export function journalHash(params) {
  return withQuery('#/journal', params);
}

export function renderJournal(main, params) {
  const filter = Object.fromEntries(FILTERS.map((name) => [name, params.get(name) ?? '']));
  const cursor = params.get('cursor') ?? '';
  const results = el('section', { class: 'results', 'aria-labelledby': 'results-title', 'aria-busy': 'true' },
    el('h2', { id: 'results-title', text: 'Entries' }),
    el('p', { class: 'muted', role: 'status', text: 'Loading journal entries…' }));

  replaceChildren(main,
    el('h1', { text: 'Journal' }),
    filterForm(filter),
    results);
  loadPage(results, filter, cursor);
  return { dispose() {} };
}

function filterForm(filter) {
  const inputs = {};
  const field = (name, label, control, hint) => {
    control.id = uniqueId(name);
    control.name = name;
    inputs[name] = control;
    return el('div', { class: 'field' }, el('label', { for: control.id, text: label }), control,
      hint ? el('span', { class: 'hint', text: hint }) : null);
  };
  const choice = (values, current) => el('select', {},
    el('option', { value: '', text: 'Any' }),
    values.map((value) => el('option', { value, text: value, selected: value === current })));
  const text = (value, extra = {}) => el('input', { type: 'text', value, spellcheck: 'false', ...extra });

  const form = el('form', { class: 'filters', role: 'search', 'aria-label': 'Journal filter' },
    field('endpoint', 'Endpoint', text(filter.endpoint, { placeholder: 'crm' })),
    field('direction', 'Direction', choice(DIRECTIONS, filter.direction)),
    field('outcome', 'Outcome', choice(OUTCOMES, filter.outcome)),
    field('operation', 'Operation', text(filter.operation, { placeholder: 'createOrder' })),
    field('from', 'From', el('input', { type: 'datetime-local', step: '1', value: toLocalInput(filter.from) }),
      'your time zone'),
    field('to', 'To', el('input', { type: 'datetime-local', step: '1', value: toLocalInput(filter.to) }),
      'your time zone'),
    field('correlationId', 'Correlation id', text(filter.correlationId)),
    field('exchangeId', 'Exchange id', text(filter.exchangeId, { placeholder: 'UUID' })),
    field('limit', 'Per page', el('input', {
      type: 'number', min: '1', max: '500', step: '1', value: filter.limit || DEFAULT_LIMIT,
    })),
    el('div', { class: 'form-actions' },
      el('button', { type: 'submit', class: 'primary', text: 'Search' }),
      el('a', { href: '#/journal', class: 'button-link', text: 'Clear filter' })));

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const next = {};
    for (const name of FILTERS) {
      const value = inputs[name].value.trim();
      next[name] = name === 'from' || name === 'to' ? fromLocalInput(value) : value;
    }

    if (next.limit === DEFAULT_LIMIT) {
      next.limit = '';
    }

    location.hash = journalHash(next);
  });
  return form;
}

async function loadPage(results, filter, cursor) {
  let page;
  try {
    page = await get(withQuery('/api/journal', { ...filter, cursor }));
  } catch (error) {
    if (!(error instanceof HubError && error.kind === 'key-rejected')) {
      const retry = el('button', { type: 'button', text: 'Try again', onclick: () => loadPage(results, filter, cursor) });
      replaceChildren(results, el('h2', { id: 'results-title', text: 'Entries' }),
        el('p', { class: 'form-message', role: 'alert', text: error.message }), retry);
    }

    results.removeAttribute('aria-busy');
    return;
  }

  results.removeAttribute('aria-busy');
  replaceChildren(results,
    el('h2', { id: 'results-title', text: 'Entries' }),
    el('p', { class: 'muted', role: 'status', text: describePage(page, cursor) }),
    page.items.length ? resultTable(page.items) : null,
    pager(filter, cursor, page.nextCursor));
}

function describePage(page, cursor) {
  const count = page.items.length;
  if (count === 0) {
    return cursor ? 'No more entries.' : 'No entries match this filter.';
  }

  const age = cursor ? 'older' : 'newest';
  return `${count} ${age} ${count === 1 ? 'entry' : 'entries'}, newest first${page.nextCursor ? '; more on the next page' : ''}.`;
}

function resultTable(items) {
  const header = ['Time (local)', 'Endpoint', 'Operation', 'Direction', 'Status', 'Outcome', 'Duration', 'Attempt'];
  return el('div', { class: 'table-scroll' },
    el('table', { class: 'journal-table' },
      el('caption', { class: 'visually-hidden', text: 'Journal entries; open an entry with the link in its Time column' }),
      el('thead', {}, el('tr', {}, header.map((name) => el('th', { scope: 'col', text: name })))),
      el('tbody', {}, items.map(resultRow))));
}

function resultRow(item) {
  return el('tr', { 'data-entry': item.id },
    el('td', {}, el('a', { href: `#/journal/${encodeURIComponent(item.id)}`, title: exactTime(item.startedAt) },
      el('time', { datetime: item.startedAt, text: formatLocalPrecise(item.startedAt) }))),
    el('td', { text: item.endpointId }),
    el('td', { text: item.operation }),
    el('td', { text: item.direction }),
    el('td', { class: 'number', text: item.statusCode ?? '–' }),
    el('td', {}, badge(item.outcome)),
    el('td', { class: 'number', text: formatDuration(item.durationMs) }),
    el('td', { class: 'number', text: item.attempt }));
}

function pager(filter, cursor, nextCursor) {
  if (!cursor && !nextCursor) {
    return null;
  }

  return el('nav', { class: 'pager', 'aria-label': 'Journal pages' },
    cursor ? el('a', { href: journalHash(filter), class: 'button-link', text: '« Newest entries' }) : null,
    nextCursor ? el('a', { href: journalHash({ ...filter, cursor: nextCursor }), class: 'button-link', rel: 'next',
      text: 'Next page (older) »' }) : null);
}
