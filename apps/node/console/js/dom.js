// Tiny DOM helpers. Text is always set as text (never innerHTML): notice content comes from
// other agencies and is untrusted.
import { t } from './i18n.js';

/** h('tag.class#id', {attrs, on: {event: fn}}, ...children) */
export function h(spec, attrs = {}, ...children) {
  const m = /^([a-z0-9]+)((?:[.#][\w-]+)*)$/i.exec(spec);
  const el = document.createElement(m ? m[1] : spec);
  if (m && m[2]) {
    for (const part of m[2].match(/[.#][\w-]+/g)) {
      if (part[0] === '.') el.classList.add(part.slice(1));
      else el.id = part.slice(1);
    }
  }
  if (attrs === null || typeof attrs !== 'object' || attrs instanceof Node || Array.isArray(attrs)) {
    children.unshift(attrs);
    attrs = {};
  }
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else if (key === 'text') el.textContent = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let uid = 0;
export const nextId = (prefix = 'f') => `${prefix}-${++uid}`;

/** Announces a short message to screen readers (and shows nothing). */
export function announce(text) {
  const live = document.getElementById('live');
  live.textContent = '';
  setTimeout(() => { live.textContent = text; }, 50);
}

/** Shows a modal confirmation; resolves true when the person confirms. */
export function confirmDialog({ title, body, confirmLabel = t('action.send'), danger = false }) {
  const dialog = document.getElementById('confirm');
  document.getElementById('confirm-title').textContent = title;
  clear(document.getElementById('confirm-text'), body);
  const ok = document.getElementById('confirm-ok');
  ok.textContent = confirmLabel;
  ok.className = danger ? 'danger' : 'primary';
  document.getElementById('confirm-cancel').textContent = t('action.cancel');
  dialog.returnValue = '';
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.showModal();
    document.getElementById('confirm-cancel').focus();
  });
}

/**
 * A wide table in its own horizontally scrolling region, so that at 200 % zoom only the table
 * scrolls, not the page. The region is focusable so keyboard users can scroll it too.
 */
export function scrollRegion(label, table) {
  return h('div.table-scroll', { role: 'region', 'aria-label': label, tabindex: '0' }, table);
}

/** A button that copies `text` (a full id) to the clipboard and says so. */
export function copyButton(text, label) {
  return h('button.copy', { type: 'button', 'aria-label': label, title: label, on: { click: async () => {
    try {
      await navigator.clipboard.writeText(text);
      announce(t('copy.done'));
    } catch {
      announce(t('copy.failed'));
    }
  } } }, t('copy.button'));
}
