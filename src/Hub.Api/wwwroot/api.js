// The hub's HTTP API as the dashboard uses it: the key from sessionStorage, and errors sorted into the cases the
// page explains differently (no key, key rejected, hub unreachable, a ProblemDetails response).

const KEY_STORAGE = 'crmai-hub.api-key';

export class HubError extends Error {
  /**
   * @param {'key-missing'|'key-rejected'|'unreachable'|'http'} kind
   * @param {string} message
   * @param {number} [status] HTTP status code, for 'key-rejected' and 'http'
   * @param {object} [problem] the ProblemDetails body, when the hub sent one
   */
  constructor(kind, message, status, problem) {
    super(message);
    this.kind = kind;
    this.status = status;
    this.problem = problem;
  }
}

export function getKey() {
  return sessionStorage.getItem(KEY_STORAGE);
}

export function setKey(key) {
  sessionStorage.setItem(KEY_STORAGE, key);
}

export function clearKey() {
  sessionStorage.removeItem(KEY_STORAGE);
}

/** Sends a request to the hub and returns the parsed JSON body, or null for an empty one. */
export async function request(method, path, body) {
  const key = getKey();
  if (!key) {
    throw new HubError('key-missing', 'Enter the API key to use the dashboard.');
  }

  const headers = { 'X-Api-Key': key, Accept: 'application/json' };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
  }

  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (error) {
    const message = `Cannot reach the hub at ${location.origin} (${error.message}). `
      + 'Check that it is running; the page keeps trying.';
    announce('hub:unreachable', message);
    throw new HubError('unreachable', message);
  }

  announce('hub:reachable');
  const payload = await readBody(response);
  if (response.status === 401) {
    clearKey();
    const reason = payload?.title ? ` (${payload.title})` : '';
    const message = `The hub rejected the API key${reason}. Enter the key from HUB_API_KEY or the file `
      + '$HUB_DATA_DIR/api-key on the hub machine.';
    announce('hub:key-rejected', message);
    throw new HubError('key-rejected', message, 401, payload);
  }

  if (!response.ok) {
    throw new HubError('http', describeProblem(response, payload), response.status, payload);
  }

  return payload;
}

export const get = (path) => request('GET', path);
export const post = (path, body) => request('POST', path, body);

/** Builds "path?a=1&b=2" from the non-empty values of `params`. */
export function withQuery(path, params) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value !== null && value !== undefined && value !== '') {
      query.set(name, value);
    }
  }

  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

async function readBody(response) {
  const text = await response.text();
  if (!text) {
    return null;
  }

  try {
    return JSON.parse(text);
  } catch {
    return { title: `Not JSON: ${text.slice(0, 200)}` };
  }
}

function describeProblem(response, problem) {
  const parts = [`${problem?.title ?? response.statusText ?? 'Request failed'} (HTTP ${response.status})`];
  if (problem?.detail) {
    parts.push(problem.detail);
  }

  for (const [field, messages] of Object.entries(problem?.errors ?? {})) {
    parts.push(`${field}: ${[].concat(messages).join(' ')}`);
  }

  return parts.join('. ');
}

function announce(type, message) {
  window.dispatchEvent(new CustomEvent(type, { detail: message }));
}
