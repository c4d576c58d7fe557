// Operator: the notices this agency sent, and each one's progress per recipient agency.
import { api } from '../api.js';
import { announce, clear, h } from '../dom.js';
import { deadlineCell, handlingBadge, kindLabel, priorityBadge, statusBadge, time } from '../format.js';

export async function renderList(main) {
  const region = h('div#sent-list');
  clear(main, h('div.page-head', h('h1', 'Sent notices'), h('a.button.primary', { href: '#/compose' }, 'Compose a notice')),
    h('p.lead', 'Updates arrive on their own every few seconds.'), region);
  let last = '';
  const refresh = async () => {
    const notices = await api('/notices?limit=100');
    const key = JSON.stringify(notices);
    if (key === last) return;
    last = key;
    if (notices.length === 0) {
      clear(region, h('div.empty', h('p', 'You have not sent any notice yet.'), h('p', h('a', { href: '#/compose' }, 'Compose your first notice'))));
      return;
    }
    clear(region, h('table.data', h('caption.visually-hidden', 'Sent notices, newest first'),
      h('thead', h('tr', ['Sent', 'Kind', 'Priority', 'Handling', 'Deadline', 'Recipients', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', notices.map((n) => h('tr', { dataset: { id: n.id } },
        h('td', time(n.issuedAt)),
        h('td', kindLabel(n.kind)),
        h('td', priorityBadge(n.priority)),
        h('td', handlingBadge(n.handling)),
        h('td', time(n.deadline)),
        h('td', h('ul.inline', n.recipients.map((r) => h('li', h('span.agency', r.agency), ' ', statusBadge(r.status))))),
        h('td', h('a', { href: `#/sent/${n.id}`, 'aria-label': `Open ${kindLabel(n.kind)} sent ${new Date(n.issuedAt).toLocaleString('en-GB')}` }, 'Open')))))));
  };
  await refresh();
  return { refresh };
}

const STEPS = ['SENT', 'DELIVERED', 'ACKNOWLEDGED', 'ANSWERED'];
const ORDER = { SENT: 0, DELIVERED: 1, ACKNOWLEDGED: 2, ANSWERED: 3, DECLINED: 3, EXPIRED: 3 };

/**
 * The SENT → DELIVERED → ACKNOWLEDGED → ANSWERED/DECLINED steps of one recipient, with the time
 * and actor of each step from this node's ledger (`history`); a step the recipient went past
 * without taking (answering without acknowledging) is shown as skipped.
 */
function timeline(notice, r, response, history) {
  const reached = ORDER[r.status] ?? 0;
  const last = r.status === 'DECLINED' || r.status === 'EXPIRED' ? r.status : 'ANSWERED';
  const steps = [...STEPS.slice(0, 3), last];
  const at = (step) => {
    const hist = history?.find((x) => x.status === step);
    if (hist) return { at: hist.at, by: hist.actedBy };
    if (history) return null;
    // No ledger history available: what the notice itself says.
    if (step === 'SENT') return { at: notice.issuedAt, by: null };
    if (step === r.status) return { at: r.updatedAt, by: r.actedBy };
    if ((step === 'ANSWERED' || step === 'DECLINED') && response) return { at: response.issuedAt, by: r.actedBy };
    return null;
  };
  return h('ol.timeline', { 'aria-label': `Progress at ${r.agency}` }, steps.map((step, i) => {
    const info = i <= reached ? at(step) : null;
    const skipped = i <= reached && !info && history && step === 'ACKNOWLEDGED';
    const done = i <= reached && !skipped;
    return h(`li.step${done ? '.done' : ''}${skipped ? '.skipped' : ''}${step === r.status ? '.current' : ''}${step === 'DECLINED' || step === 'EXPIRED' ? '.bad' : ''}`,
      { 'aria-current': step === r.status ? 'step' : null, dataset: { step } },
      h('span.step-name', step), h('span.visually-hidden', done ? ' (done)' : skipped ? ' (skipped)' : ' (not yet)'),
      info ? h('span.step-time', time(info.at)) : skipped ? h('span.step-time.muted', 'skipped') : done ? h('span.step-time.muted', 'time not recorded') : null,
      info?.by ? h('span.step-by', `by ${info.by}`) : null);
  }));
}

function outcome(response) {
  if (!response) return null;
  const b = response.body ?? {};
  const head = b.outcome === 'hit' ? h('strong.outcome-hit', 'Hit') : b.outcome === 'no-hit' ? h('strong.outcome-nohit', 'No hit') : b.outcome === 'declined' ? h('strong.outcome-declined', 'Declined') : h('strong', String(b.outcome));
  return h('div.answer', { dataset: { outcome: b.outcome } },
    h('p', head, ' — ', time(response.issuedAt), ' ', handlingBadge(response.handling)),
    b.reason ? h('p', h('span.label', 'Reason: '), b.reason) : null,
    b.details?.summary ? h('p', h('span.label', 'Summary: '), b.details.summary) : null,
    b.details?.records?.length ? h('dl', b.details.records.flatMap((rec) => [h('dt', rec.label), h('dd', rec.value)])) : null);
}

export async function renderDetail(main, id) {
  const region = h('div#sent-detail');
  clear(main, h('p', h('a', { href: '#/sent' }, '← Sent notices')), region);
  let last = '';
  const refresh = async () => {
    const [n, progress] = await Promise.all([
      api(`/notices/${id}`),
      api(`/console/api/notices/${id}/progress`).catch(() => null),
    ]);
    const histories = new Map((progress?.recipients ?? []).map((p) => [p.agency, p.history]));
    const key = JSON.stringify([n, progress, Math.floor(Date.now() / 60000)]); // redraw each minute: time left
    if (key === last) return;
    if (last && JSON.parse(last)[0].recipients?.map((r) => r.status).join() !== n.recipients.map((r) => r.status).join()) announce('Progress updated');
    last = key;
    const responses = new Map();
    for (const r of n.responses ?? []) responses.set(r.sender, r);
    const b = n.body ?? {};
    clear(region,
      h('h1', `${kindLabel(n.kind)} to ${n.recipients.map((r) => r.agency).join(', ')}`),
      h('dl.meta',
        h('dt', 'Sent'), h('dd', time(n.issuedAt)),
        h('dt', 'Priority'), h('dd', priorityBadge(n.priority)),
        h('dt', 'Reply deadline'), h('dd', time(n.deadline)),
        h('dt', 'Handling'), h('dd', handlingBadge(n.handling), n.handling?.restriction ? ` ${n.handling.restriction}` : ''),
        h('dt', 'Grades'), h('dd', n.grades ? `${n.grades.source}${n.grades.information}` : '—'),
        h('dt', 'Case'), h('dd', b.case_reference ?? '—'),
        h('dt', 'Person'), h('dd', [b.names?.family, b.names?.given].filter(Boolean).join(', ') || '—'),
        h('dt', 'Notice id'), h('dd', h('code', n.id))),
      h('h2', 'Progress per recipient'),
      h('div.recipients', n.recipients.map((r) => h('section.card.recipient', { 'aria-labelledby': `rcpt-${r.agency}`, dataset: { agency: r.agency, status: r.status } },
        h('h3', { id: `rcpt-${r.agency}` }, r.agency, ' ', statusBadge(r.status), ' ', ['SENT', 'DELIVERED', 'ACKNOWLEDGED'].includes(r.status) ? deadlineCell(n.deadline, r.status) : null),
        timeline(n, r, responses.get(r.agency), r.history ?? histories.get(r.agency) ?? null),
        outcome(responses.get(r.agency)) ?? h('p.muted', 'No answer yet.')))));
  };
  await refresh();
  return { refresh };
}
