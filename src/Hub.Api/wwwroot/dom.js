// Builds DOM nodes. Text always goes in as text nodes or textContent, so data from the API never becomes markup.

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Creates an HTML element. `props` keys: `text` sets textContent, `on<event>` adds a listener, `class`,
 * `hidden` and `disabled` behave as usual, and any other key becomes an attribute (skipped when null or false).
 */
export function el(tag, props = {}, ...children) {
  return fill(document.createElement(tag), props, children);
}

/** Creates an SVG element with the same `props` rules as {@link el}. */
export function svg(tag, props = {}, ...children) {
  return fill(document.createElementNS(SVG_NS, tag), props, children);
}

/** Replaces all children of `node` with `children`. */
export function replaceChildren(node, ...children) {
  node.replaceChildren(...flatten(children));
}

/** Sets textContent only when it changed, so screen readers and selection are not disturbed by refreshes. */
export function setText(node, text) {
  const value = String(text ?? '');
  if (node.textContent !== value) {
    node.textContent = value;
  }
}

let idCounter = 0;

/** Returns a document-unique id for aria and label references. */
export function uniqueId(prefix) {
  idCounter += 1;
  return `${prefix}-${idCounter}`;
}

function fill(node, props, children) {
  for (const [key, value] of Object.entries(props ?? {})) {
    if (key === 'text') {
      node.textContent = String(value ?? '');
    } else if (key.startsWith('on') && typeof value === 'function') {
      node.addEventListener(key.slice(2), value);
    } else if (key === 'hidden' || key === 'disabled') {
      node[key] = Boolean(value);
    } else if (value !== null && value !== undefined && value !== false) {
      node.setAttribute(key, value === true ? '' : String(value));
    }
  }

  node.append(...flatten(children));
  return node;
}

function flatten(children) {
  return children.flat(Infinity).filter((child) => child !== null && child !== undefined && child !== false)
    .map((child) => (child instanceof Node ? child : document.createTextNode(String(child))));
}
