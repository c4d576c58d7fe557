// Browser notifications, when the officer allows them: a new urgent notice, and a deadline that
// is less than an hour away. Nothing of the notice's content is put in a notification.
import { api } from './api.js';
import { h } from './dom.js';
import { deadlineLabel, kindLabel } from './format.js';
import { t } from './i18n.js';
import { onLive } from './live.js';
import { hasRole } from './session.js';

const SOON_MS = 60 * 60_000;
const CHECK_MS = 60_000;
let known = null; // ids seen so far; null until the first read (no notification for old notices)
const warned = new Set();
let stop = null;

const allowed = () => typeof Notification !== 'undefined' && Notification.permission === 'granted';

function show(title, body, id) {
  const n = new Notification(title, { body, tag: id });
  n.onclick = () => { window.focus(); location.hash = `#/inbox/${id}`; };
}

async function check() {
  if (!allowed() || !hasRole('liaison_officer')) return;
  let rows;
  try {
    rows = await api('/inbox?limit=200');
  } catch {
    return;
  }
  const now = Date.now();
  for (const n of rows) {
    if (known && !known.has(n.id) && n.priority === 'urgent' && n.status === 'DELIVERED') {
      show(t('notify.urgentTitle', { kind: kindLabel(n.kind), sender: n.sender }), t('notify.urgentBody'), n.id);
    }
    const label = deadlineLabel(n.deadline, n.status, now);
    if (label && !label.overdue && Date.parse(n.deadline) - now < SOON_MS && !warned.has(n.id)) {
      warned.add(n.id);
      show(t('notify.deadlineTitle', { kind: kindLabel(n.kind), sender: n.sender }), label.text, n.id);
    }
  }
  known = new Set(rows.map((n) => n.id));
}

export function startNotifier() {
  stopNotifier();
  const off = onLive((type) => { if (type === 'inbox' || type === 'open') check(); });
  const timer = setInterval(check, CHECK_MS);
  stop = () => { off(); clearInterval(timer); };
}

export function stopNotifier() {
  stop?.();
  stop = null;
  known = null;
}

/** The inbox's switch: ask for permission, or say that notifications are on or blocked. */
export function notificationControl() {
  if (typeof Notification === 'undefined') return null;
  const status = h('span#notify-status.muted', { role: 'status' });
  const draw = () => {
    const p = Notification.permission;
    status.textContent = p === 'granted' ? t('notify.on') : p === 'denied' ? t('notify.blocked') : '';
    button.hidden = p !== 'default';
  };
  const button = h('button.secondary', { type: 'button', id: 'enable-notifications', on: { click: async () => {
    await Notification.requestPermission();
    draw();
    check();
  } } }, t('notify.enable'));
  draw();
  return h('div.notify', button, status);
}
