// Cases (joint operations) this agency knows — operators open one, answer an invitation, invite,
// leave, close; operators and officers read the timeline of a case across agencies and the
// thread of a notice, each notice linked to where their role opens it.
import { api, query } from '../api.js';
import { correlationList } from '../casework.js';
import { announce, clear, h, scrollRegion } from '../dom.js';
import { field, refusalText, showErrors, clearErrors, val } from '../forms.js';
import { handlingBadge, kindLabel, statusBadge, time } from '../format.js';
import { t } from '../i18n.js';
import { hasRole } from '../session.js';

const today = () => new Date().toISOString().slice(0, 10);

/**
 * Where this user opens a notice of a timeline or thread: a sent one among the operator's sent
 * notices, a received one in the officer's inbox; null when the user's role reads neither.
 */
function noticeHref(n) {
  if (n.direction === 'outbound') return hasRole('operator') ? `#/sent/${n.id}` : null;
  return hasRole('liaison_officer') ? `#/inbox/${n.id}` : null;
}

/** The notice's kind, linked to the notice where this user may open it. */
function kindLink(n) {
  const href = noticeHref(n);
  return href ? h('a', { href }, kindLabel(n.kind)) : kindLabel(n.kind);
}

function openForm(onOpened) {
  const form = h('form#case-open', { novalidate: true },
    h('h2', t('cases.openTitle')),
    field({ label: t('cases.caseTitle'), field: '/title', required: true, control: h('input', { name: 'title', maxlength: '200' }) }),
    field({ label: t('cases.purpose'), field: '/purpose', required: true, control: h('textarea', { name: 'purpose', rows: '2', maxlength: '2000' }) }),
    field({ label: t('cases.legalBasis'), field: '/legalBasis', required: true, control: h('input', { name: 'legalBasis', maxlength: '1000' }) }),
    field({ label: t('cases.handling'), field: '/handling', control: h('select', { name: 'handling' }, ['H0', 'H1', 'H2'].map((c) => h('option', { value: c }, c))) }),
    field({ label: t('cases.periodFrom'), field: '/period/from', required: true, control: h('input', { name: 'from', type: 'date', value: today() }) }),
    field({ label: t('cases.periodUntil'), field: '/period/until', required: true, control: h('input', { name: 'until', type: 'date' }) }),
    field({ label: t('cases.invite'), field: '/invite', hint: t('cases.inviteHint'), control: h('input', { name: 'invite', autocomplete: 'off' }) }),
    h('button.primary', { type: 'submit' }, t('cases.open')));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    const invite = (val(form, 'invite') ?? '').split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
    const body = {
      title: val(form, 'title'), purpose: val(form, 'purpose'), legalBasis: val(form, 'legalBasis'), handling: { code: val(form, 'handling') },
      period: { from: val(form, 'from'), until: val(form, 'until') }, ...(invite.length ? { invite } : {}),
    };
    try {
      const opened = await api('/cases', { method: 'POST', body });
      announce(t('cases.opened', { reference: opened.reference }));
      onOpened(opened);
    } catch (error) {
      showErrors(form, error?.body?.errors ?? [], refusalText(error));
    }
  });
  return form;
}

export async function renderList(main) {
  const region = h('div#case-list');
  // Operators open cases and answer invitations; officers read them.
  clear(main, h('div.page-head', h('h1', t('cases.title'))), h('p.lead', t('cases.lead')), region,
    hasRole('operator') ? openForm((opened) => { location.hash = `#/cases/${opened.id}`; }) : null);
  const refresh = async () => {
    const cases = await api('/cases?limit=100');
    if (cases.length === 0) return void clear(region, h('div.empty', h('p', t('cases.empty'))));
    clear(region, scrollRegion(t('cases.tableRegion'), h('table.data', h('caption.visually-hidden', t('cases.caption')),
      h('thead', h('tr', [t('cases.reference'), t('cases.caseTitle'), t('cases.owner'), t('cases.standing'), t('cases.members'), t('cases.status')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', cases.map((c) => h('tr', { dataset: { id: c.id, reference: c.reference } },
        h('td', h('a', { href: `#/cases/${c.id}` }, c.reference)),
        h('td', c.title ?? '—'),
        h('td', c.owner),
        h('td', t(`cases.standing.${c.standing}`)),
        h('td', c.members.join(', ')),
        h('td', t(`cases.status.${c.status}`))))))));
  };
  await refresh();
  return { refresh };
}

function actions(c, id, redraw) {
  const act = (step, label, body) => h('button', { type: 'button', dataset: { action: step }, on: { click: async (ev) => {
    try {
      await api(`/cases/${id}/${step}`, { method: 'POST', body: body?.() ?? {} });
      announce(t('cases.done'));
      await redraw();
    } catch (error) {
      ev.target.after(h('p.error', { role: 'alert' }, refusalText(error)));
    }
  } } }, label);
  if (c.status === 'closed') return null;
  if (c.standing === 'invited') return h('div.actions', act('accept', t('cases.accept')), act('decline', t('cases.decline')));
  if (c.standing === 'member') return h('div.actions', act('leave', t('cases.leave')));
  if (c.standing !== 'owner') return null;
  const agency = h('input#case-invite-agency', { name: 'agency', size: '8', autocomplete: 'off' });
  return h('div.actions',
    h('label', { for: 'case-invite-agency' }, t('cases.inviteOne')), agency,
    act('invite', t('cases.inviteButton'), () => ({ agency: agency.value.trim().toUpperCase() })),
    act('close', t('cases.close')));
}

export async function renderDetail(main, id) {
  const region = h('div#case-detail');
  clear(main, h('p.no-print', h('a', { href: '#/cases' }, t('cases.back'))), region);
  const refresh = async () => {
    const c = await api(`/cases/${id}`);
    clear(region,
      h('h1', t('cases.detailTitle', { reference: c.reference, title: c.title ?? '' })),
      h('dl.meta',
        h('dt', t('cases.owner')), h('dd', c.owner),
        h('dt', t('cases.status')), h('dd', t(`cases.status.${c.status}`)),
        h('dt', t('cases.standing')), h('dd', t(`cases.standing.${c.standing}`)),
        h('dt', t('cases.purpose')), h('dd', c.purpose ?? '—'),
        h('dt', t('cases.legalBasis')), h('dd', c.legalBasis ?? '—'),
        h('dt', t('cases.handling')), h('dd', handlingBadge(c.handling)),
        h('dt', t('cases.period')), h('dd', `${c.period.from} – ${c.period.until}`),
        h('dt', t('cases.members')), h('dd', { id: 'case-members' }, c.members.join(', ')),
        h('dt', t('cases.invited')), h('dd', { id: 'case-invited' }, c.invited.join(', ') || '—'),
        h('dt', t('cases.left')), h('dd', c.left.join(', ') || '—')),
      hasRole('operator') ? actions(c, id, refresh) : null,
      h('h2', t('cases.timeline')),
      c.timeline.length === 0 ? h('p.muted', t('cases.noNotices')) : scrollRegion(t('cases.timelineRegion'), h('table.data#case-timeline', h('caption.visually-hidden', t('cases.timeline')),
        h('thead', h('tr', [t('cases.sent'), t('cases.sender'), t('cases.to'), t('cases.kind'), t('cases.states'), t('cases.thread')].map((x) => h('th', { scope: 'col' }, x)))),
        h('tbody', c.timeline.map((n) => h('tr', { dataset: { id: n.id, overdue: String(n.overdue) } },
          h('td', time(n.issuedAt)),
          h('td', n.sender),
          h('td', n.recipients.join(', ')),
          h('td', kindLink(n), n.re ? h('span.muted', ` ${t('cases.followUp')}`) : null),
          h('td', n.states.length ? h('ul.inline', n.states.map((s) => h('li', h('span.agency', s.agency), ' ', statusBadge(s.status)))) : '—', n.overdue ? h('strong.bad', ` ${t('cases.overdue')}`) : null),
          h('td', h('a', { href: `#/thread/${n.id}` }, t('cases.thread')))))))),
      h('h2', t('cases.events')),
      h('ol#case-events', c.events.map((e) => h('li', time(e.at), ' ', t('cases.event', { type: e.type, agency: e.agency, signer: e.signer })))),
      h('h2', t('cases.correlations')),
      h('p.muted', t('cases.correlationsLead')),
      correlations);
    await drawCorrelations(c.reference);
  };
  // The case's notices that share a selector, document or name with date of birth with other notices this agency holds.
  const correlations = h('div#case-correlations');
  const drawCorrelations = async (reference) => {
    const rows = (await api(`/correlations${query({ case_reference: reference })}`)).filter((n) => n.correlations.length > 0);
    clear(correlations, rows.length === 0 ? h('p.muted', t('casework.none')) : h('ul.case-correlations', rows.map((n) => h('li', { dataset: { id: n.id } },
      h('p', t('cases.correlatedNotice', { kind: kindLabel(n.kind), sender: n.sender }), ' ', time(n.issuedAt)),
      correlationList(n.correlations)))));
  };
  await refresh();
  return { refresh };
}

/** The thread of a notice: what it follows up and every follow-up, oldest first. */
export async function renderThread(main, id) {
  const notices = await api(`/notices/${id}/thread`);
  clear(main, h('h1', t('cases.threadTitle')),
    h('ol#thread', notices.map((n) => h('li.card', { dataset: { id: n.id }, 'aria-current': n.id === id ? 'true' : null },
      h('p', time(n.issuedAt), ' — ', t('cases.threadLine', { sender: n.sender, recipients: n.recipients.join(', ') }), ' ', kindLink(n), ' ', handlingBadge(n.handling)),
      (n.body?.reason ?? n.body?.narrative ?? n.body?.details?.summary) ? h('p', n.body.reason ?? n.body.narrative ?? n.body.details.summary) : null,
      h('p', h('code', n.id))))));
  return {};
}
