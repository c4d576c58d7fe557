// Liaison officer: received queries, open work first, and what to do with each.
import { api, ApiError, query } from '../api.js';
import { announce, clear, confirmDialog, h, scrollRegion } from '../dom.js';
import { choiceGroup, field, fieldErrors, refusalText, showErrors } from '../forms.js';
import { deadlineCell, deadlineLabel, formatDate, handlingBadge, handlingText, handlingTitle, isOpen, kindLabel, printMarking, priorityBadge, statusBadge, statusLabel, time } from '../format.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { notificationControl } from '../notify.js';
import { receivedAttachments } from '../attachments.js';

/** Directive (EU) 2023/977 Art. 6(1) refusal grounds (the codes of @liaison/notices REFUSAL_GROUNDS). */
const REFUSAL_GROUNDS = ['not_available', 'request_not_compliant', 'judicial_authorisation_refused', 'personal_data_category', 'inaccurate_or_outdated',
  'national_security', 'investigation_or_safety', 'legal_person_interests', 'minor_offence', 'not_an_offence', 'no_consent_of_origin'];

const filters = { status: '', kind: '', priority: '', sender: '', overdue: false, search: '' };

function filterBar(onChange) {
  const sel = (name, label, options) => h('div.filter',
    h('label', { for: `filter-${name}` }, label),
    h('select', { id: `filter-${name}`, name, on: { change: (ev) => { filters[name] = ev.target.value; onChange(); } } },
      options.map(([v, l]) => h('option', { value: v, selected: filters[name] === v }, l))));
  return h('form.filters', { role: 'search', 'aria-label': t('inbox.filterLabel'), on: { submit: (ev) => ev.preventDefault() } },
    h('div.filter.grow', h('label', { for: 'filter-search' }, t('inbox.search')),
      h('input', { id: 'filter-search', type: 'search', value: filters.search, placeholder: t('inbox.searchPlaceholder'), on: { input: (ev) => { filters.search = ev.target.value; onChange(true); } } })),
    sel('status', t('inbox.status'), [['', t('filter.any')], ...['DELIVERED', 'ACKNOWLEDGED', 'ANSWERED', 'DECLINED', 'EXPIRED'].map((s) => [s, statusLabel(s)])]),
    sel('priority', t('inbox.priority'), [['', t('filter.any')], ['urgent', t('priority.urgent')], ['normal', t('priority.normal')]]),
    sel('kind', t('inbox.kind'), [['', t('filter.any')], ['identity-query', kindLabel('identity-query')], ['location-query', kindLabel('location-query')]]),
    h('div.filter', h('label', { for: 'filter-sender' }, t('inbox.sender')),
      h('input', { id: 'filter-sender', value: filters.sender, size: 5, maxlength: 8, placeholder: t('inbox.senderPlaceholder'), on: { change: (ev) => { filters.sender = ev.target.value.trim().toUpperCase(); onChange(); } } })),
    h('div.filter.check', h('input', { id: 'filter-overdue', type: 'checkbox', checked: filters.overdue, on: { change: (ev) => { filters.overdue = ev.target.checked; onChange(); } } }),
      h('label', { for: 'filter-overdue' }, t('inbox.overdueOnly'))));
}

/** Open work (to acknowledge or answer) before done work; otherwise the node's order (urgent, then deadline). */
export const openFirst = (rows) => [...rows.filter((n) => isOpen(n.status)), ...rows.filter((n) => !isOpen(n.status))];

/** Each row's link names its notice; rows that would still read the same also name the id. */
function linkLabels(rows) {
  const labels = rows.map((n) => t('inbox.openLink', {
    priority: t(`priority.${n.priority}`), kind: kindLabel(n.kind), sender: n.sender,
    subject: n.subject ? ` — ${n.subject}` : '', issued: formatDate(n.issuedAt),
  }));
  return labels.map((l, i) => (labels.indexOf(l) !== labels.lastIndexOf(l) ? `${l} (${rows[i].id})` : l));
}

export async function renderList(main) {
  const region = h('div#inbox-list', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const error = h('p.error-box', { role: 'alert', hidden: true });
  let rows = [];
  let lastIds = null;
  const draw = () => {
    const q = filters.search.trim().toLowerCase();
    const shown = q ? rows.filter((n) => [n.id, n.sender, n.kind, kindLabel(n.kind), n.status, statusLabel(n.status), n.priority, n.handling, n.subject].some((v) => String(v ?? '').toLowerCase().includes(q))) : rows;
    if (shown.length === 0) {
      const filtered = q || filters.status || filters.kind || filters.priority || filters.sender || filters.overdue;
      clear(region, h('div.empty', h('p', filtered ? t('inbox.noMatch') : t('inbox.empty')), h('p.muted', t('inbox.appear'))));
      return;
    }
    const labels = linkLabels(shown);
    clear(region, scrollRegion(t('inbox.tableRegion'), h('table.data.inbox', h('caption.visually-hidden', t('inbox.caption')),
      h('thead', h('tr', [t('inbox.priority'), t('inbox.timeLeft'), t('inbox.deadline'), t('inbox.from'), t('inbox.kind'), t('inbox.subject'), t('inbox.handling'), t('inbox.status'), t('inbox.issued'), h('span.visually-hidden', t('inbox.open'))].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', shown.map((n, i) => {
        const overdue = deadlineLabel(n.deadline, n.status)?.overdue;
        return h(`tr${overdue ? '.overdue-row' : ''}`, { dataset: { id: n.id, status: n.status } },
          h('td', priorityBadge(n.priority)),
          h('td.time-left-cell', deadlineCell(n.deadline, n.status)),
          h('td', time(n.deadline)),
          h('td', h('span.agency', n.sender)),
          h('td', kindLabel(n.kind)),
          h('td.subject', n.subject ?? ''),
          h('td', handlingBadge({ code: n.handling })),
          h('td', statusBadge(n.status)),
          h('td', time(n.issuedAt)),
          h('td', h('a', { href: `#/inbox/${n.id}`, 'aria-label': labels[i] }, t('inbox.open'))));
      })))));
  };
  const refresh = async (localOnly = false) => {
    if (localOnly === true) return draw();
    try {
      rows = openFirst(await api(`/inbox${query({ status: filters.status, kind: filters.kind, priority: filters.priority, sender: filters.sender, overdue: filters.overdue ? 'true' : '', limit: 200 })}`));
      error.hidden = true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        error.textContent = refusalText(e);
        error.hidden = false;
        rows = [];
      } else throw e;
    }
    const ids = rows.map((r) => r.id);
    if (lastIds && ids.some((id) => !lastIds.includes(id))) announce(t('inbox.newAnnounce'));
    lastIds = ids;
    draw();
  };
  clear(main, h('div.page-head', h('h1', t('inbox.title')), notificationControl()), h('p.lead', t('inbox.lead')),
    filterBar((local) => refresh(local).catch(() => {})), error, region);
  await refresh();
  return { live: 'inbox', refresh: () => refresh() };
}

function describeBody(b) {
  const rows = [];
  const add = (label, value) => { if (value !== undefined && value !== null && value !== '') rows.push(h('dt', label), h('dd', value)); };
  add(t('fieldname.family'), b.names?.family);
  add(t('fieldname.given'), b.names?.given);
  add(t('fieldname.aliases'), (b.aliases ?? []).map((a) => [a.family, a.given].filter(Boolean).join(', ')).join('; '));
  add(t('fieldname.date_of_birth'), b.date_of_birth);
  add(t('fieldname.nationality'), b.nationality);
  for (const d of b.identity_documents ?? []) add(t('fieldname.identity_documents'), `${t(`doc.${d.type}`, { defaultValue: d.type })} ${d.number} (${d.issuing_country})`);
  if (b.photo?.attachment) add(t('fieldname.photo'), t('photo.attachment', { id: b.photo.attachment }));
  else if (b.photo) add(t('fieldname.photo'), `${b.photo.reference} (SHA-256 ${b.photo.digest.slice(0, 16)}…)`);
  if (b.last_known_location) {
    const l = b.last_known_location;
    add(t('fieldname.last_known_location'), [l.address, l.area, l.country, l.coordinates ? `${l.coordinates.lat}, ${l.coordinates.lon}` : null].filter(Boolean).join(', '));
    add(t('fieldname.seen_at'), l.seen_at ? time(l.seen_at) : null);
  }
  add(t('fieldname.case_reference'), b.case_reference);
  add(t('fieldname.reason'), b.reason);
  add(t('fieldname.legal_basis'), b.legal_basis);
  return h('dl.meta.content', rows);
}

function handlingPanel(handling) {
  return h(`section.handling-panel.handling-${handling.code.toLowerCase()}`, { 'aria-labelledby': 'handling-title', id: 'handling-panel' },
    h('h2#handling-title', h('span.handling-code', handling.code), ' ', handlingTitle(handling.code) || t('handling.unknown')),
    h('p', handlingText(handling.code)),
    handling.restriction ? h('p', h('strong', t('handling.restrictionLabel')), ' ', handling.restriction) : null,
    handling.code === 'H2' ? h('p.h2-note', h('strong', t('handling.h2Strong')), ' ', t('handling.h2Note')) : null);
}

function passOnForm(n, directory, act) {
  if (n.handling?.code === 'H2') return h('p.h2-note#pass-on-h2', t('passOn.h2'));
  const candidates = directory.agencies.filter((a) => a.code !== session.principal.agency && a.code !== n.sender);
  if (candidates.length === 0) return h('p.muted', t('passOn.nobody'));
  const form = h('form#pass-on-form.stack', { novalidate: true, on: { submit: (ev) => {
    ev.preventDefault();
    const recipients = [...form.querySelectorAll('[name=pass-on]:checked')].map((c) => c.value);
    if (recipients.length === 0) return showErrors(form, [{ field: '/recipients', message: t('error.chooseOne') }]);
    act({ title: t('passOn.confirmTitle', { agencies: recipients.join(', ') }), body: h('p', t('passOn.confirmText', { code: n.handling?.code })),
      label: t('passOn.confirm'), path: 'pass-on', request: { recipients }, form, done: t('passOn.done', { agencies: recipients.join(', ') }) });
  } } },
    choiceGroup({ legend: t('passOn.recipients'), name: 'pass-on', type: 'checkbox', field: '/recipients', options: candidates.map((a) => ({ value: a.code, label: `${a.code} — ${a.name}` })) }),
    h('div.actions', h('button.secondary', { type: 'submit', id: 'pass-on' }, t('passOn.button'))));
  return form;
}

export async function renderDetail(main, id) {
  const head = h('div#inbox-detail');
  const actions = h('section#actions.card', { 'aria-labelledby': 'actions-title' });
  const passOn = h('section#pass-on-section.card', { 'aria-labelledby': 'pass-on-title' });
  const passOnResult = h('div#pass-on-result', { 'aria-live': 'polite' });
  const attachmentsSlot = h('div#attachments-slot');
  clear(main, h('p.no-print', h('a', { href: '#/inbox' }, t('inbox.back'))), head, attachmentsSlot, actions, passOn);
  const directory = await api('/directory');
  let last = '';
  let status = null;

  const act = async ({ title, body, label, path, request, danger, form, done }) => {
    const ok = await confirmDialog({ title, body, confirmLabel: label, danger });
    if (!ok) return;
    try {
      const answer = await api(`/inbox/${id}/${path}`, { method: 'POST', body: request });
      announce(done);
      if (path === 'pass-on') {
        clear(passOnResult, h('p.success-box', { role: 'status', tabindex: '-1' }, done, ' ', h('code', answer.id)));
        passOnResult.querySelector('p').focus();
        return;
      }
      last = '';
      await refresh();
      // The button that was pressed is gone: put focus on what replaced it, never on the page top.
      (actions.querySelector('.success-box') ?? actions.querySelector('#ack-status'))?.focus();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && form) showErrors(form, fieldErrors(e).length ? fieldErrors(e) : [{ field: '', message: refusalText(e) }], t('error.notSent'));
      else if (e instanceof ApiError && e.status !== 401) {
        const box = h('p.error-box', { role: 'alert', tabindex: '-1' }, e.status === 409 ? t('error.tooLate', { reason: refusalText(e) }) : e.status === 403 ? t('error.forbidden', { reason: refusalText(e) }) : refusalText(e));
        (path === 'pass-on' ? passOnResult : actions).prepend(box);
        box.focus();
      }
    }
  };

  const drawActions = (n) => {
    const mine = n.recipients?.[0] ?? {};
    const st = mine.status;
    const response = (n.responses ?? []).find(() => true);
    if (!isOpen(st)) {
      clear(actions, h('h2#actions-title', t('inbox.done')),
        h('div.success-box', { tabindex: '-1', role: 'status' },
          h('p', t('inbox.doneStatus', { status: statusLabel(st) }), mine.actedBy ? ` ${t('inbox.by', { actor: mine.actedBy })}` : '', mine.updatedAt ? [' · ', time(mine.updatedAt)] : null)),
        response?.body?.reason ? h('p', h('span.label', t('inbox.reasonGiven')), ' ', response.body.reason) : null,
        response?.body?.details?.summary ? h('p', h('span.label', t('inbox.answer')), ' ', response.body.details.summary) : null);
      return;
    }
    const to = n.sender;
    const hitForm = h('form#hit-form.stack', { novalidate: true, on: { submit: (ev) => {
      ev.preventDefault();
      const summary = hitForm.querySelector('textarea').value.trim();
      if (!summary) return showErrors(hitForm, [{ field: '/details/summary', message: t('inbox.hitRequired') }]);
      act({ title: t('inbox.hitTitle', { agency: to }), body: h('div', h('p', t('inbox.hitText')), h('blockquote', summary)),
        label: t('inbox.hitSend'), path: 'answer', request: { outcome: 'hit', details: { summary } }, form: hitForm, done: t('inbox.answerSent') });
    } } },
      field({ label: t('inbox.hitLabel'), field: '/details/summary', required: true, control: h('textarea', { name: 'summary', rows: 3 }) }),
      h('div.actions', h('button.primary', { type: 'submit', id: 'answer-hit' }, t('inbox.hitButton'))));
    const declineForm = h('form#decline-form.stack', { novalidate: true, on: { submit: (ev) => {
      ev.preventDefault();
      const reason = declineForm.querySelector('textarea').value.trim();
      const ground = declineForm.querySelector('select').value;
      if (!reason) return showErrors(declineForm, [{ field: '/reason', message: t('inbox.declineRequired') }]);
      act({ title: t('inbox.declineTitle', { agency: to }), body: h('div', h('p', t('inbox.declineText')), ground ? h('p', t(`ground.${ground}`)) : null, h('blockquote', reason)),
        label: t('inbox.declineSend'), danger: true, path: 'decline', request: ground ? { ground, reason } : { reason }, form: declineForm, done: t('inbox.declined') });
    } } },
      // A closed list (nothing to get wrong), so a plain labelled select, without an error slot.
      h('div.field', h('label', { for: 'decline-ground' }, t('inbox.declineGround')), h('select', { name: 'ground', id: 'decline-ground' },
        ['', ...REFUSAL_GROUNDS].map((g) => h('option', { value: g }, g ? t(`ground.${g}`) : t('ground.none'))))),
      field({ label: t('inbox.declineLabel'), field: '/reason', required: true, control: h('textarea', { name: 'reason', rows: 2 }) }),
      h('div.actions', h('button.danger', { type: 'submit', id: 'decline' }, t('inbox.declineButton'))));
    clear(actions, h('h2#actions-title', t('inbox.respond')),
      h('p.muted', t('inbox.confirmed', { agency: to })),
      h('div.action-row',
        st !== 'ACKNOWLEDGED' ? h('button.secondary', { type: 'button', id: 'acknowledge', on: { click: () => act({
          title: t('inbox.ackTitle'), body: h('p', t('inbox.ackText', { agency: to })),
          label: t('inbox.ackSend'), path: 'acknowledge', done: t('inbox.acknowledged') }) } }, t('inbox.ackButton'))
          : h('p#ack-status', { tabindex: '-1' }, statusBadge('ACKNOWLEDGED'), ' ', t('inbox.youAcknowledged')),
        h('button.secondary', { type: 'button', id: 'answer-nohit', on: { click: () => act({
          title: t('inbox.noHitTitle', { agency: to }), body: h('p', t('inbox.noHitText')),
          label: t('inbox.noHitSend'), path: 'answer', request: { outcome: 'no-hit' }, done: t('inbox.answerSent') }) } }, t('inbox.noHitButton'))),
      h('div.grid2', h('div', h('h3', t('inbox.hit')), hitForm), h('div', h('h3', t('inbox.decline')), declineForm)));
  };

  // Other notices of this agency sharing a selector, document or name with date of birth (blind index).
  const correlations = h('section.correlations', { 'aria-labelledby': 'correlations-title' });
  const drawCorrelations = async (n) => {
    try {
      const c = await api(`/inbox/${id}/casework${query({ sender: n.sender })}`);
      clear(correlations, h('h2#correlations-title', t('casework.correlations')),
        c.correlations.length === 0 ? h('p.muted', t('casework.none')) : h('ul', c.correlations.map((x) => h('li.correlation', h('span.badge', x.shared.join(', ')), ' ',
          t('casework.correlation', { shared: x.shared.join(', '), kind: kindLabel(x.kind), sender: x.sender, inCase: x.caseReference ? t('casework.inCase', { ref: x.caseReference }) : '', time: formatDate(x.issuedAt) })))));
    } catch {
      clear(correlations);
    }
  };

  const refresh = async () => {
    const n = await api(`/inbox/${id}`);
    const key = JSON.stringify([n, Math.floor(Date.now() / 60000)]); // redraw each minute: time left
    if (key === last) return;
    const first = !last;
    last = key;
    const mine = n.recipients?.[0] ?? {};
    const statusChanged = status !== mine.status;
    status = mine.status;
    const dl = deadlineLabel(n.deadline, mine.status);
    clear(head,
      printMarking(n),
      h('h1', t('inbox.detailTitle', { kind: kindLabel(n.kind), sender: n.sender })),
      handlingPanel(n.handling ?? { code: 'H0' }),
      h('dl.meta',
        h('dt', t('inbox.status')), h('dd', statusBadge(mine.status ?? '—')),
        h('dt', t('inbox.priority')), h('dd', priorityBadge(n.priority)),
        h('dt', t('inbox.replyDeadline')), h('dd', time(n.deadline), dl ? [' — ', h(dl.overdue ? 'strong.overdue' : 'strong.time-left', { id: 'deadline-left' }, dl.text)] : null),
        h('dt', t('inbox.issued')), h('dd', time(n.issuedAt)),
        h('dt', t('inbox.expires')), h('dd', time(n.expiresAt)),
        h('dt', t('inbox.grades')), h('dd', n.grades ? t('compose.gradesValue', { source: n.grades.source, information: n.grades.information }) : '—'),
        h('dt', t('inbox.noticeId')), h('dd', h('code', n.id))),
      correlations,
      h('h2', t('inbox.request')),
      describeBody(n.body ?? {}));
    if (first) void drawCorrelations(n);
    if (first) clear(attachmentsSlot, receivedAttachments(id, n.sender, n.body?.photo?.attachment));
    if (statusChanged) drawActions(n);
    if (first) clear(passOn, h('h2#pass-on-title', t('passOn.title')), passOnResult, passOnForm(n, directory, act));
  };
  await refresh();
  return { live: 'inbox', refresh };
}
