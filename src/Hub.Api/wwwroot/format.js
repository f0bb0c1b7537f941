import { el } from './dom.js';

const localDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const localPrecise = new Intl.DateTimeFormat(undefined, {
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit', fractionalSecondDigits: 3,
});
const localClock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const numbers = new Intl.NumberFormat();

/** Status words of the API with a symbol and a CSS class, so colour is never the only signal. */
export const STATUS = {
  Healthy: { symbol: '✓', tone: 'ok' },
  Degraded: { symbol: '▲', tone: 'warn' },
  Down: { symbol: '✕', tone: 'bad' },
  AuthFailed: { symbol: '⊘', tone: 'bad' },
  CircuitOpen: { symbol: '‖', tone: 'bad' },
  Silent: { symbol: '…', tone: 'warn' },
  Unknown: { symbol: '?', tone: 'none' },
};

/** Tones for outcomes and exchange statuses. */
export const TONES = {
  Success: 'ok', Succeeded: 'ok',
  HttpError: 'bad', Timeout: 'bad', NetworkError: 'bad', InvalidRequest: 'bad', Failed: 'bad', DeadLettered: 'bad',
  Rejected: 'bad', RetryScheduled: 'warn', Parked: 'warn', Pending: 'warn', Running: 'none',
  Critical: 'bad', Warning: 'warn', Info: 'none',
};

/** Creates a badge that shows a symbol and the word itself. */
export function badge(word, tone = TONES[word] ?? STATUS[word]?.tone ?? 'none') {
  const symbol = STATUS[word]?.symbol ?? { ok: '✓', warn: '▲', bad: '✕' }[tone] ?? '•';
  return el('span', { class: `badge tone-${tone}` }, el('span', { 'aria-hidden': 'true', text: symbol }), ` ${word}`);
}

export function formatNumber(value) {
  return value === null || value === undefined ? '–' : numbers.format(value);
}

export function formatDuration(ms) {
  if (ms === null || ms === undefined) {
    return '–';
  }

  return ms < 1000 ? `${numbers.format(Math.round(ms * 10) / 10)} ms` : `${numbers.format(Math.round(ms / 10) / 100)} s`;
}

export function formatBytes(size) {
  return `${numbers.format(size)} ${size === 1 ? 'byte' : 'bytes'}`;
}

/** Formats a local date and time with milliseconds, for journal rows. */
export function formatLocalPrecise(iso) {
  return localPrecise.format(new Date(iso));
}

export function formatClock(iso) {
  return localClock.format(new Date(iso));
}

/** Formats a time relative to now: "12 s ago", "3 min ago", "2 h ago", "4 d ago", or "in 3 min" for the future. */
export function timeAgo(iso, now = Date.now()) {
  const seconds = Math.round((now - new Date(iso).getTime()) / 1000);
  const span = Math.abs(seconds);
  let text;
  if (span < 5) {
    return 'just now';
  } else if (span < 60) {
    text = `${span} s`;
  } else if (span < 3600) {
    text = `${Math.floor(span / 60)} min`;
  } else if (span < 86400) {
    text = `${Math.floor(span / 3600)} h`;
  } else {
    text = `${Math.floor(span / 86400)} d`;
  }

  return seconds >= 0 ? `${text} ago` : `in ${text}`;
}

/** Formats the hover text of a time: the exact local time and UTC. */
export function exactTime(iso) {
  return `${localDateTime.format(new Date(iso))} (${new Date(iso).toISOString().replace('T', ' ').replace('Z', ' UTC')})`;
}

/** Creates a <time> element that shows `text`, with the exact local and UTC time on hover. */
export function timeElement(iso, text) {
  if (!iso) {
    return el('span', { class: 'muted', text: 'never' });
  }

  return el('time', { datetime: iso, title: exactTime(iso), text });
}

/** Converts an ISO time to the value of an <input type="datetime-local"> in the viewer's time zone. */
export function toLocalInput(iso) {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) {
    return '';
  }

  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:`
    + `${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** Converts the value of an <input type="datetime-local"> (viewer's time zone) to ISO 8601 UTC. */
export function fromLocalInput(value) {
  if (!value) {
    return '';
  }

  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? '' : date.toISOString();
}

/** Formats a count with its noun, such as "1 failure" or "3 failures". */
export function plural(count, noun) {
  return `${numbers.format(count)} ${count === 1 ? noun : `${noun}s`}`;
}
