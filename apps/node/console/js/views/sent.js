// Operator: the notices this agency sent, and each one's progress per recipient agency.
import { api } from '../api.js';
import { announce, clear, h, scrollRegion } from '../dom.js';
import { deadlineCell, formatDate, handlingBadge, isOpen, kindLabel, printMarking, priorityBadge, statusBadge, statusLabel, time } from '../format.js';
import { t } from '../i18n.js';
import { photoOf, sentAttachments } from '../attachments.js';
import { caseLinks, caseworkPanel } from '../casework.js';

export async function renderList(main) {
  const region = h('div#sent-list');
  clear(main, h('div.page-head', h('h1', t('sent.title')), h('a.button.primary', { href: '#/compose' }, t('sent.compose'))),
    h('p.lead', t('sent.lead')), region);
  let last = '';
  const refresh = async () => {
    const notices = await api('/notices?limit=100');
    const key = JSON.stringify(notices);
    if (key === last) return;
    last = key;
    if (notices.length === 0) {
      clear(region, h('div.empty', h('p', t('sent.empty')), h('p', h('a', { href: '#/compose' }, t('sent.first')))));
      return;
    }
    clear(region, scrollRegion(t('sent.tableRegion'), h('table.data', h('caption.visually-hidden', t('sent.caption')),
      h('thead', h('tr', [t('sent.sent'), t('sent.kind'), t('sent.priority'), t('sent.handling'), t('sent.deadline'), t('sent.recipients'), h('span.visually-hidden', t('sent.open'))].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', notices.map((n) => h('tr', { dataset: { id: n.id } },
        h('td', time(n.issuedAt)),
        h('td', kindLabel(n.kind)),
        h('td', priorityBadge(n.priority)),
        h('td', handlingBadge(n.handling)),
        h('td', time(n.deadline)),
        h('td', h('ul.inline', n.recipients.map((r) => h('li', h('span.agency', r.agency), ' ', statusBadge(r.status))))),
        h('td', h('a', { href: `#/sent/${n.id}`, 'aria-label': t('sent.openLink', { kind: kindLabel(n.kind), sent: formatDate(n.issuedAt), id: n.id }) }, t('sent.open')))))))));
  };
  await refresh();
  return { live: 'sent', refresh };
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
  return h('ol.timeline', { 'aria-label': t('sent.progressAt', { agency: r.agency }) }, steps.map((step, i) => {
    const info = i <= reached ? at(step) : null;
    const skipped = i <= reached && !info && history && step === 'ACKNOWLEDGED';
    const done = i <= reached && !skipped;
    return h(`li.step${done ? '.done' : ''}${skipped ? '.skipped' : ''}${step === r.status ? '.current' : ''}${step === 'DECLINED' || step === 'EXPIRED' ? '.bad' : ''}`,
      { 'aria-current': step === r.status ? 'step' : null, dataset: { step } },
      h('span.step-name', statusLabel(step)), h('span.visually-hidden', ` (${done ? t('sent.stepDone') : skipped ? t('sent.skipped') : t('sent.notYet')})`),
      info ? h('span.step-time', time(info.at)) : skipped ? h('span.step-time.muted', t('sent.skipped')) : done ? h('span.step-time.muted', t('sent.noTime')) : null,
      info?.by ? h('span.step-by', t('sent.by', { actor: info.by })) : null);
  }));
}

function outcome(response) {
  if (!response) return null;
  const b = response.body ?? {};
  const head = ['hit', 'no-hit', 'declined'].includes(b.outcome) ? h(`strong.outcome-${b.outcome.replace('-', '')}`, t(`outcome.${b.outcome}`)) : h('strong', String(b.outcome));
  return h('div.answer', { dataset: { outcome: b.outcome } },
    h('p', head, ' — ', time(response.issuedAt), ' ', handlingBadge(response.handling)),
    b.ground ? h('p.ground', h('span.label', t('inbox.declineGround')), ' ', t(`ground.${b.ground}`, { defaultValue: b.ground })) : null,
    b.reason ? h('p', h('span.label', t('sent.reason')), ' ', b.reason) : null,
    b.details?.identity ? h('p.identity', h('span.label', t('hit.identity')), ' ', t('hit.identityLine', {
      name: (b.details.identity.names ?? []).map((x) => [x.given, x.family].filter(Boolean).join(' ')).join('; ') || '—',
      confidence: t(`confidence.${b.details.identity.confidence}`, { defaultValue: b.details.identity.confidence }) }),
    b.details.identity.date_of_birth ? ` · ${b.details.identity.date_of_birth}` : '', b.details.identity.record_reference ? ` · ${b.details.identity.record_reference}` : '') : null,
    b.details?.summary ? h('p', h('span.label', t('sent.summary')), ' ', b.details.summary) : null,
    b.details?.records?.length ? h('dl', b.details.records.flatMap((rec) => [h('dt', rec.label), h('dd', rec.value)])) : null);
}

export async function renderDetail(main, id) {
  const region = h('div#sent-detail');
  const attachmentsSlot = h('div#attachments-slot');
  // Notes and correlations: drawn once below the progress, redrawn by their own form.
  const { panel: casework, draw: drawCasework } = caseworkPanel({ base: `/notices/${id}`, assignable: false });
  clear(main, h('p.no-print', h('a', { href: '#/sent' }, t('sent.back'))), region, attachmentsSlot, casework);
  const caseLink = caseLinks();
  let last = '';
  const refresh = async () => {
    const [n, progress] = await Promise.all([
      api(`/notices/${id}`),
      api(`/console/api/notices/${id}/progress`).catch(() => null),
    ]);
    const histories = new Map((progress?.recipients ?? []).map((p) => [p.agency, p.history]));
    const key = JSON.stringify([n, progress, Math.floor(Date.now() / 60000)]); // redraw each minute: time left
    if (key === last) return;
    if (last && JSON.parse(last)[0].recipients?.map((r) => r.status).join() !== n.recipients.map((r) => r.status).join()) announce(t('sent.updated'));
    if (!last) clear(attachmentsSlot, sentAttachments(id, photoOf(n.body)));
    last = key;
    const responses = new Map();
    for (const r of n.responses ?? []) responses.set(r.sender, r);
    const b = n.body ?? {};
    clear(region,
      printMarking(n),
      h('h1', t('sent.detailTitle', { kind: kindLabel(n.kind), agencies: n.recipients.map((r) => r.agency).join(', ') })),
      h('dl.meta',
        h('dt', t('sent.sent')), h('dd', time(n.issuedAt)),
        h('dt', t('sent.priority')), h('dd', priorityBadge(n.priority)),
        h('dt', t('sent.replyDeadline')), h('dd', time(n.deadline)),
        h('dt', t('sent.handling')), h('dd', handlingBadge(n.handling), n.handling?.restriction ? ` ${n.handling.restriction}` : ''),
        h('dt', t('sent.grades')), h('dd', n.grades ? `${n.grades.source}${n.grades.information}` : '—'),
        h('dt', t('fieldname.case_reference')), h('dd', b.case_reference ?? '—'),
        h('dt', t('sent.person')), h('dd', [(b.subjects?.[0] ?? b).names?.family, (b.subjects?.[0] ?? b).names?.given].filter(Boolean).join(', ') || '—'),
        b.selectors ? [h('dt', t('fieldname.selectors')), h('dd', t('report.selectorCount', { count: b.selectors.length }))] : null,
        n.case ? [h('dt', t('report.inCase')), h('dd#notice-case', caseLink(n.case))] : null,
        h('dt', t('sent.noticeId')), h('dd', h('code', n.id))),
      h('p', h('a#thread-link', { href: `#/thread/${n.id}` }, t('casework.thread'))),
      h('h2', t('sent.progress')),
      h('div.recipients', n.recipients.map((r) => h('section.card.recipient', { 'aria-labelledby': `rcpt-${r.agency}`, dataset: { agency: r.agency, status: r.status } },
        h('h3', { id: `rcpt-${r.agency}` }, r.agency, ' ', statusBadge(r.status), ' ', isOpen(r.status) ? deadlineCell(n.deadline, r.status) : null),
        timeline(n, r, responses.get(r.agency), r.history ?? histories.get(r.agency) ?? null),
        outcome(responses.get(r.agency)) ?? h('p.muted', t('sent.noAnswer'))))));
  };
  await refresh();
  await drawCasework().catch(() => clear(casework));
  return { live: 'sent', refresh };
}
