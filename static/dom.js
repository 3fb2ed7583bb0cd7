// Tiny DOM helpers. User text only ever becomes a text node, never HTML.

/**
 * h("button", {class: "big", onclick: fn, "aria-pressed": "true"}, "Text", child)
 * - `on<event>` values are attached with addEventListener (no inline handlers, CSP-safe)
 * - `style` and `dataset` take objects, `hidden`/`disabled`/`checked`/`value` are set as properties
 * - strings and numbers become text nodes; null, undefined and false are skipped
 */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "style") {
      Object.assign(el.style, value); // CSSOM, not a style attribute: allowed under a strict CSP
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "text") {
      el.textContent = value;
    } else if (PROPS.has(key)) {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

const PROPS = new Set(["hidden", "disabled", "checked", "value", "selected", "maxLength"]);

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else if (child instanceof Node) el.appendChild(child);
    else el.appendChild(document.createTextNode(String(child)));
  }
}

/** Replace everything inside `el`. */
export function replace(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** Read a `<script type="application/json" id=...>` data block. */
export function readJSON(id, fallback = null) {
  const node = document.getElementById(id);
  if (!node) return fallback;
  try {
    return JSON.parse(node.textContent);
  } catch {
    return fallback;
  }
}

/** Fill `{name}` placeholders: fmt("Table {n}", {n: 3}). Strings come from the server's gettext. */
export function fmt(text, vars = {}) {
  return String(text).replace(/\{(\w+)\}/g, (all, name) => (name in vars ? String(vars[name]) : all));
}

/** Pick the singular or plural string pair: plural(S, "answered", 3) → S.answered_other. */
export function plural(strings, key, n, vars = {}) {
  const text = n === 1 ? strings[`${key}_one`] : strings[`${key}_other`];
  return fmt(text, { n, ...vars });
}

/** Letters for options: A, B, C … */
export function letter(index) {
  return String.fromCharCode(65 + index);
}

/** Rebuild `el` only when `signature` changed, so buttons under the pointer survive live updates. */
export function patch(el, signature, build) {
  if (el.dataset.sig === signature) return false;
  el.dataset.sig = signature;
  replace(el, build());
  return true;
}

/** Make `parent`'s children exactly `nodes`, in order, moving (not rebuilding) those already
 * there, so focus, open boxes and typed text inside them survive a live update. */
export function arrange(parent, nodes) {
  nodes.forEach((node, i) => {
    if (parent.children[i] !== node) parent.insertBefore(node, parent.children[i] || null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
}

/**
 * Redraw part of a live page without dropping the reader's place (issue 18, point 5). When
 * focus was inside `el` and `redraw` took its element away, it goes to the element that
 * took its place (the same id, or the same kind of element with the same text), else to
 * `fallback` (or `el`), never to the page's <body>. Focus outside `el` is never moved.
 */
export function keepFocus(el, redraw, fallback = null) {
  const active = document.activeElement;
  const inside = !!active && active !== document.body && el.contains(active);
  const key = inside ? { id: active.id, tag: active.tagName, cls: active.className, text: active.textContent.trim() } : null;
  const result = redraw();
  if (!inside || active.isConnected) return result;
  const again = findLike(el, key);
  const target = again || (typeof fallback === "function" ? fallback() : fallback) || el;
  if (target === el && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  target.focus({ preventScroll: true });
  return result;
}

function findLike(el, key) {
  if (key.id) {
    const same = document.getElementById(key.id);
    if (same && el.contains(same)) return same;
  }
  for (const node of el.querySelectorAll(key.tag)) {
    if (node.className === key.cls && node.textContent.trim() === key.text && !node.disabled) return node;
  }
  return null;
}

/** Say `text` through the page's polite live region (`#announce`), for screen readers. */
export function announce(text) {
  const region = document.getElementById("announce");
  if (!region || !text) return;
  // The same words twice in a row are read again only if the region changes in between.
  region.textContent = region.textContent === text ? `${text}\u00a0` : text;
}
