// Liaison officer: received queries, open work first, and what to do with each.
import { api, ApiError, query } from '../api.js';
import { announce, clear, confirmDialog, h, scrollRegion } from '../dom.js';
import { choiceGroup, field, fieldErrors, refusalText, showErrors } from '../forms.js';
import { deadlineCell, deadlineLabel, formatDate, handlingBadge, handlingText, handlingTitle, isOpen, kindLabel, printMarking, priorityBadge, statusBadge, statusLabel, time } from '../format.js';
import { t } from '../i18n.js';
import { session } from '../session.js';
import { notificationControl } from '../notify.js';
import { photoOf, receivedAttachments } from '../attachments.js';
import { caseLinks, caseworkPanel } from '../casework.js';

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
    sel('kind', t('inbox.kind'), [['', t('filter.any')], ['identity-query', kindLabel('identity-query')], ['location-query', kindLabel('location-query')], ['intelligence-report', kindLabel('intelligence-report')]]),
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

/** How many of a report's selectors are listed before "and N more". */
const SELECTORS_SHOWN = 50;

function describeBody(b) {
  const rows = [];
  const add = (label, value) => { if (value !== undefined && value !== null && value !== '') rows.push(h('dt', label), h('dd', value)); };
  if (b.narrative !== undefined) {
    add(t('fieldname.narrative'), h('p.narrative', b.narrative));
    add(t('fieldname.case_reference'), b.case_reference);
    for (const [i, subject] of (b.subjects ?? []).entries()) add(t('report.subjectN', { n: i + 1 }), describeBody(subject));
    const selectors = b.selectors ?? [];
    if (selectors.length) {
      add(t('report.selectorCount', { count: selectors.length }), h('ul#report-selectors', selectors.slice(0, SELECTORS_SHOWN).map((x) => h('li',
        h('span.badge', t(`selector.${x.kind}`, { defaultValue: x.kind })), ' ', h('code', x.value), x.platform ? ` (${x.platform})` : '', x.country ? ` (${x.country})` : '')),
        selectors.length > SELECTORS_SHOWN ? h('li.muted', t('report.more', { count: selectors.length - SELECTORS_SHOWN })) : null));
    }
    for (const a of b.attachments ?? []) add(t('report.attachment'), `${a.name ?? a.reference} (SHA-256 ${a.digest.slice(0, 16)}…)`);
    return h('dl.meta.content', rows);
  }
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

const CONFIDENCES = ['confirmed', 'probable', 'possible'];

/** The matched identity of a hit (optional): who was found, how sure, and the record that holds it. */
function identityFields() {
  const input = (name, attrs = {}) => h('input', { name, autocomplete: 'off', ...attrs });
  return h('fieldset.section#hit-identity', h('legend', t('hit.identity')),
    h('p.hint', t('hit.identityHint')),
    h('div.grid3',
      field({ label: t('fieldname.family'), field: '/details/identity/names/0/family', control: input('hit_family') }),
      field({ label: t('fieldname.given'), field: '/details/identity/names/0/given', control: input('hit_given') }),
      field({ label: t('fieldname.date_of_birth'), field: '/details/identity/date_of_birth', hint: t('compose.dobHint'), control: input('hit_dob', { inputmode: 'numeric' }) })),
    h('div.grid3',
      field({ label: t('fieldname.type'), field: '/details/identity/identity_documents/0/type', control: h('select', { name: 'hit_doc_type' },
        ['', 'passport', 'national_id', 'driving_licence', 'residence_permit', 'visa', 'other'].map((d) => h('option', { value: d }, d ? t(`doc.${d}`) : '—'))) }),
      field({ label: t('fieldname.number'), field: '/details/identity/identity_documents/0/number', control: input('hit_doc_number') }),
      field({ label: t('fieldname.issuing_country'), field: '/details/identity/identity_documents/0/issuing_country', hint: t('compose.isoHint', { example: 'NL' }), control: input('hit_doc_country', { maxlength: 2, size: 4 }) })),
    h('div.grid3',
      field({ label: t('hit.confidence'), field: '/details/identity/confidence', control: h('select', { name: 'hit_confidence' },
        ['', ...CONFIDENCES].map((c) => h('option', { value: c }, c ? t(`confidence.${c}`) : '—'))) }),
      field({ label: t('hit.record'), field: '/details/identity/record_reference', hint: t('hit.recordHint'), control: input('hit_record', { maxlength: 200 }) })),
    h('div.field', { dataset: { field: '/details/identity', label: t('hit.identity') } }, h('p.field-error', { hidden: true })));
}

/** The identity the form describes, if any field is filled; what is missing for it. */
function identityOf(form) {
  const v = (name) => form.querySelector(`[name=${name}]`).value.trim();
  const family = v('hit_family'), given = v('hit_given'), dob = v('hit_dob');
  const doc = { type: v('hit_doc_type'), number: v('hit_doc_number'), issuing_country: v('hit_doc_country').toUpperCase() };
  const confidence = v('hit_confidence'), record = v('hit_record');
  const hasDoc = Boolean(doc.type || doc.number || doc.issuing_country);
  if (!(family || given || dob || hasDoc || confidence || record)) return { identity: null, errors: [] };
  const errors = [];
  if (!confidence) errors.push({ field: '/details/identity/confidence', message: t('hit.confidenceRequired') });
  if (!(family || given) && !hasDoc) errors.push({ field: '/details/identity', message: t('hit.nameOrDocument') });
  const identity = JSON.parse(JSON.stringify({
    names: family || given ? [{ family: family || undefined, given: given || undefined }] : undefined,
    date_of_birth: dob || undefined,
    identity_documents: hasDoc ? [{ type: doc.type || undefined, number: doc.number || undefined, issuing_country: doc.issuing_country || undefined }] : undefined,
    confidence: confidence || undefined,
    record_reference: record || undefined,
  }));
  return { identity, errors };
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
      const summary = hitForm.querySelector('[name=summary]').value.trim();
      const read = identityOf(hitForm);
      const problems = [...(summary ? [] : [{ field: '/details/summary', message: t('inbox.hitRequired') }]), ...read.errors];
      if (problems.length) return showErrors(hitForm, problems);
      const details = { summary, ...(read.identity ? { identity: read.identity } : {}) };
      act({ title: t('inbox.hitTitle', { agency: to }), body: h('div', h('p', t('inbox.hitText')), h('blockquote', summary),
        read.identity ? h('p', t('hit.identityLine', { name: read.identity.names?.map((x) => [x.given, x.family].filter(Boolean).join(' ')).join('; ') ?? '—', confidence: t(`confidence.${read.identity.confidence}`) })) : null),
        label: t('inbox.hitSend'), path: 'answer', request: { outcome: 'hit', details }, form: hitForm, done: t('inbox.answerSent') });
    } } },
      field({ label: t('inbox.hitLabel'), field: '/details/summary', required: true, control: h('textarea', { name: 'summary', rows: 3 }) }),
      identityFields(),
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
    const acknowledge = st !== 'ACKNOWLEDGED' ? h('button.secondary', { type: 'button', id: 'acknowledge', on: { click: () => act({
      title: t('inbox.ackTitle'), body: h('p', t('inbox.ackText', { agency: to })),
      label: t('inbox.ackSend'), path: 'acknowledge', done: t('inbox.acknowledged') }) } }, t('inbox.ackButton'))
      : h('p#ack-status', { tabindex: '-1' }, statusBadge('ACKNOWLEDGED'), ' ', t('inbox.youAcknowledged'));
    // A report expects no answer: it is only acknowledged.
    if (n.kind === 'intelligence-report') return void clear(actions, h('h2#actions-title', t('inbox.respond')), h('p.muted', t('report.noAnswer')), h('div.action-row', acknowledge));
    clear(actions, h('h2#actions-title', t('inbox.respond')),
      h('p.muted', t('inbox.confirmed', { agency: to })),
      h('div.action-row',
        acknowledge,
        h('button.secondary', { type: 'button', id: 'answer-nohit', on: { click: () => act({
          title: t('inbox.noHitTitle', { agency: to }), body: h('p', t('inbox.noHitText')),
          label: t('inbox.noHitSend'), path: 'answer', request: { outcome: 'no-hit' }, done: t('inbox.answerSent') }) } }, t('inbox.noHitButton'))),
      h('div.grid2', h('div', h('h3', t('inbox.hit')), hitForm), h('div', h('h3', t('inbox.decline')), declineForm)));
  };

  // Assignment, internal notes and correlations (blind index); drawn once, redrawn by its own forms.
  const casework = h('div#casework-slot');
  const drawCasework = async (n) => {
    const { panel, draw } = caseworkPanel({ base: `/inbox/${id}`, sender: n.sender, assignable: true });
    clear(casework, panel);
    await draw().catch(() => clear(casework));
  };

  const caseLink = caseLinks();
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
        n.case ? [h('dt', t('report.inCase')), h('dd#notice-case', caseLink(n.case))] : null,
        h('dt', t('inbox.noticeId')), h('dd', h('code', n.id))),
      h('p', h('a#thread-link', { href: `#/thread/${n.id}` }, t('casework.thread'))),
      casework,
      h('h2', t('inbox.request')),
      describeBody(n.body ?? {}));
    if (first) void drawCasework(n);
    if (first) clear(attachmentsSlot, receivedAttachments(id, n.sender, photoOf(n.body)));
    if (statusChanged) drawActions(n);
    if (first) clear(passOn, h('h2#pass-on-title', t('passOn.title')), passOnResult, passOnForm(n, directory, act));
  };
  await refresh();
  return { live: 'inbox', refresh };
}
