// Dates, durations and labels shown by every screen.
import { h } from './dom.js';

const dateFmt = new Intl.DateTimeFormat('en-GB', { day: '2-digit', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** A <time> element in local time, with the exact ISO time as its datetime. */
export function time(iso) {
  if (!iso) return h('span.muted', '—');
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return h('span', String(iso));
  return h('time', { datetime: d.toISOString(), title: d.toISOString() }, dateFmt.format(d));
}

export function duration(ms) {
  const minutes = Math.max(0, Math.round(Math.abs(ms) / 60000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const mins = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${mins} min`;
  return `${mins} min`;
}

const OPEN = new Set(['SENT', 'DELIVERED', 'ACKNOWLEDGED']);

/** "5 h 12 min left" or "Overdue by 2 h"; null when the notice needs nothing more. */
export function deadlineLabel(deadline, status, now = Date.now()) {
  if (!deadline || (status && !OPEN.has(status))) return null;
  const left = new Date(deadline).getTime() - now;
  return left >= 0 ? { overdue: false, text: `${duration(left)} left` } : { overdue: true, text: `Overdue by ${duration(left)}` };
}

export const KIND_LABELS = {
  'identity-query': 'Identity query',
  'location-query': 'Location query',
  response: 'Response',
};
export const kindLabel = (kind) => KIND_LABELS[kind] ?? kind ?? '—';

export const ROLE_LABELS = { operator: 'Operator', liaison_officer: 'Liaison officer', auditor: 'Auditor', admin: 'Administrator' };

export const HANDLING = {
  H0: { title: 'Crime prevention and combat only', text: 'This information may be used only to prevent or combat crime.' },
  H1: { title: 'Not for judicial proceedings', text: 'This information may be used only to prevent or combat crime, and must not be used in judicial proceedings without the permission of the agency that provided it.' },
  H2: { title: 'Do not pass on', text: 'This information may be used only to prevent or combat crime, and must not be passed on to anyone else (another agency, country or authority) without the permission of the agency that provided it.' },
  H3: { title: 'Other restrictions', text: 'The agency that provided this information has set restrictions on its use, stated below. Read them before using or passing on the information.' },
};

export function handlingBadge(handling) {
  const code = handling?.code ?? '?';
  return h(`span.badge.handling.handling-${code.toLowerCase()}`, { title: HANDLING[code]?.title ?? '' }, code);
}

export function statusBadge(status) {
  return h(`span.badge.status.status-${String(status).toLowerCase()}`, status);
}

export function priorityBadge(priority) {
  return h(`span.badge.priority-${priority}`, priority === 'urgent' ? 'Urgent' : 'Normal');
}

export function deadlineCell(deadline, status) {
  const label = deadlineLabel(deadline, status);
  if (!label) return h('span.muted', status && !OPEN.has(status) ? 'Done' : '—');
  return h(label.overdue ? 'strong.overdue' : 'span.time-left', label.overdue ? ['⚠ ', label.text] : label.text);
}
