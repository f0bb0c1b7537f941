// Shows a stored body (BodyView of the API): JSON and XML indented, other text as stored, binary as size and
// SHA-256. Everything is inserted as text.
import { el } from './dom.js';
import { formatBytes } from './format.js';

/** Renders a BodyView, or a note when there is none. */
export function renderBody(body) {
  if (!body || (body.size === 0 && !body.text && !body.base64)) {
    return el('p', { class: 'muted', text: 'Empty body.' });
  }

  const facts = [body.contentType ?? 'no content type', formatBytes(body.size)];
  if (body.truncated) {
    facts.push('truncated in the journal');
  }

  const meta = el('p', { class: 'body-meta', text: facts.join(' · ') });
  if (body.binary) {
    return el('div', { class: 'body' }, meta, binarySummary(body));
  }

  const { text, kind } = prettyPrint(body.text ?? '', body.contentType);
  const note = body.truncated
    ? el('p', { class: 'muted small' }, 'Only the start of the body is stored', body.sha256 ? '; SHA-256 of the whole body: ' : '.',
      body.sha256 ? el('code', { text: body.sha256 }) : null)
    : null;
  return el('div', { class: 'body' }, meta, note,
    el('pre', { class: `code lang-${kind}`, tabindex: '0' }, el('code', { text })));
}

/**
 * Returns the text indented when it is JSON or XML (by content type, or by its first character when the type is
 * missing or generic), else unchanged. `kind` is 'json', 'xml' or 'text'.
 */
export function prettyPrint(text, contentType) {
  const type = (contentType ?? '').toLowerCase();
  const start = text.trimStart()[0];
  if (type.includes('json') || ((start === '{' || start === '[') && !type.includes('xml'))) {
    try {
      return { text: JSON.stringify(JSON.parse(text), null, 2), kind: 'json' };
    } catch {
      // Not valid JSON (for example cut short in the journal): shown as stored.
    }
  }

  if (type.includes('xml') || (start === '<' && !type.includes('html'))) {
    const indented = indentXml(text);
    if (indented !== null) {
      return { text: indented, kind: 'xml' };
    }
  }

  return { text, kind: 'text' };
}

function binarySummary(body) {
  const hash = el('code', { text: body.sha256 ?? 'computing…' });
  if (!body.sha256) {
    sha256OfBase64(body.base64).then((value) => { hash.textContent = value; });
  }

  return el('p', {}, `Binary content, ${formatBytes(body.size)}. SHA-256: `, hash);
}

async function sha256OfBase64(base64) {
  if (!base64 || !globalThis.crypto?.subtle) {
    return 'not available (the page needs a secure context, such as 127.0.0.1 or HTTPS, to compute it)';
  }

  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return [...digest].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Indents an XML document two spaces per level, or returns null when it does not parse. */
function indentXml(text) {
  const doc = new DOMParser().parseFromString(text, 'application/xml');
  if (doc.getElementsByTagName('parsererror').length > 0) {
    return null;
  }

  const declaration = text.trimStart().match(/^<\?xml[^>]*\?>/);
  const lines = declaration ? [declaration[0]] : [];
  for (const node of doc.childNodes) {
    writeXmlNode(node, 0, lines);
  }

  return lines.join('\n');
}

function writeXmlNode(node, depth, lines) {
  const pad = '  '.repeat(depth);
  const serializer = new XMLSerializer();
  if (node.nodeType === Node.TEXT_NODE) {
    const value = node.nodeValue.trim();
    if (value) {
      lines.push(pad + serializer.serializeToString(document.createTextNode(value)));
    }

    return;
  }

  if (node.nodeType !== Node.ELEMENT_NODE) {
    lines.push(pad + serializer.serializeToString(node));
    return;
  }

  const children = [...node.childNodes].filter((c) => c.nodeType !== Node.TEXT_NODE || c.nodeValue.trim());
  const open = openTag(node);
  if (children.length === 0) {
    lines.push(`${pad}${open.slice(0, -1)}/>`);
  } else if (children.length === 1 && children[0].nodeType === Node.TEXT_NODE) {
    const value = serializer.serializeToString(document.createTextNode(children[0].nodeValue.trim()));
    lines.push(`${pad}${open}${value}</${node.nodeName}>`);
  } else {
    lines.push(pad + open);
    for (const child of children) {
      writeXmlNode(child, depth + 1, lines);
    }

    lines.push(`${pad}</${node.nodeName}>`);
  }
}

function openTag(element) {
  const attributes = [...element.attributes]
    .map((a) => ` ${a.name}="${a.value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')}"`);
  return `<${element.nodeName}${attributes.join('')}>`;
}
