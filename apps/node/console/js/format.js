// Dates, durations and labels shown by every screen: one date format, with the time zone, in
// the chosen language's locale.
import { h } from './dom.js';
import { locale, t } from './i18n.js';

const formatters = new Map();
function dateFormat() {
  const key = locale();
  if (!formatters.has(key)) formatters.set(key, new Intl.DateTimeFormat(key, { dateStyle: 'medium', timeStyle: 'long' }));
  return formatters.get(key);
}

/** The one way the console writes a point in time: "2 Dec 2026, 09:15:00 UTC". */
export function formatDate(iso) {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : dateFormat().format(d);
}

/** A <time> element in local time, with the exact ISO time as its datetime. */
export function time(iso) {
  if (!iso) return h('span.muted', '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', String(iso));
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, formatDate(d));
}

/** How long ago, in the chosen language: "3 days ago", "hace 3 días". */
export function ago(iso, now = Date.now()) {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const rtf = new Intl.RelativeTimeFormat(locale(), { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(0, 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 48 * 3600) return rtf.format(Math.round(seconds / 3600), 'hour');
  return rtf.format(Math.round(seconds / 86400), 'day');
}

export function duration(ms) {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return t('duration.days', { days, hours });
  if (hours > 0) return t('duration.hours', { hours, mins });
  return t('duration.minutes', { mins });
}

const OPEN = new Set(['SENT', 'DELIVERED', 'ACKNOWLEDGED']);
export const isOpen = (status) => OPEN.has(status);

/** "5 h 12 min left" or "Overdue by 2 h"; null when the notice needs nothing more. */
export function deadlineLabel(deadline, status, now = Date.now()) {
  if (!deadline || (status && !OPEN.has(status))) return null;
  const left = new Date(deadline).getTime() - now;
  return left >= 0 ? { overdue: false, text: t('deadline.left', { time: duration(left) }) } : { overdue: true, text: t('deadline.overdue', { time: duration(left) }) };
}

export const kindLabel = (kind) => (kind ? t(`kind.${kind}`, { defaultValue: kind }) : '—');
export const roleLabel = (role) => t(`role.${role}`, { defaultValue: role });
export const statusLabel = (status) => t(`status.${status}`, { defaultValue: status });
export const eventLabel = (event) => t(`event.${event}`, { defaultValue: event });
export const handlingTitle = (code) => t(`handling.${code}.title`, { defaultValue: '' });
export const handlingText = (code) => t(`handling.${code}.text`, { defaultValue: '' });

export function handlingBadge(handling) {
  const code = handling?.code ?? '?';
  return h(`span.badge.handling.handling-${code.toLowerCase()}`, { title: handlingTitle(code) }, code);
}

export function statusBadge(status) {
  return h(`span.badge.status.status-${String(status).toLowerCase()}`, statusLabel(status));
}

export function priorityBadge(priority) {
  return h(`span.badge.priority-${priority}`, t(`priority.${priority === 'urgent' ? 'urgent' : 'normal'}`));
}

export function deadlineCell(deadline, status) {
  const label = deadlineLabel(deadline, status);
  if (!label) return h('span.muted', status && !OPEN.has(status) ? t('deadline.done') : '—');
  return h(label.overdue ? 'strong.overdue' : 'span.time-left', label.overdue ? ['⚠ ', label.text] : label.text);
}

/** Why the node refused a token (its `reason`), in words for the person at the screen. */
export const authText = (error) => t(`auth.${error.reason ?? 'other'}`, { defaultValue: error.body?.detail ?? error.message ?? t('auth.other') });

/** Printed on every page (position: fixed repeats in print): the handling code and who sent it. */
export function printMarking(n) {
  const code = n.handling?.code ?? '?';
  return h('div.print-marking',
    h('strong', code), ` — ${handlingTitle(code)} · ${kindLabel(n.kind)} · ${n.sender} → ${(n.recipients ?? []).map((r) => r.agency ?? r).join(', ')} · ${n.id}`);
}
