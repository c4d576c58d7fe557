// Liaison officer: received queries, most urgent first, and what to do with each.
import { api, ApiError, query } from '../api.js';
import { announce, clear, confirmDialog, h } from '../dom.js';
import { field, showErrors } from '../forms.js';
import { deadlineCell, deadlineLabel, HANDLING, handlingBadge, kindLabel, priorityBadge, statusBadge, time } from '../format.js';

const filters = { status: '', kind: '', priority: '', sender: '', overdue: false, search: '' };

function filterBar(onChange) {
  const sel = (name, label, options) => h('div.filter',
    h('label', { for: `filter-${name}` }, label),
    h('select', { id: `filter-${name}`, name, on: { change: (ev) => { filters[name] = ev.target.value; onChange(); } } },
      options.map(([v, l]) => h('option', { value: v, selected: filters[name] === v }, l))));
  return h('form.filters', { role: 'search', 'aria-label': 'Filter the inbox', on: { submit: (ev) => ev.preventDefault() } },
    h('div.filter.grow', h('label', { for: 'filter-search' }, 'Search'),
      h('input', { id: 'filter-search', type: 'search', value: filters.search, placeholder: 'Sender, kind, status or id', on: { input: (ev) => { filters.search = ev.target.value; onChange(true); } } })),
    sel('status', 'Status', [['', 'Any'], ['DELIVERED', 'New (delivered)'], ['ACKNOWLEDGED', 'Acknowledged'], ['ANSWERED', 'Answered'], ['DECLINED', 'Declined'], ['EXPIRED', 'Expired']]),
    sel('priority', 'Priority', [['', 'Any'], ['urgent', 'Urgent'], ['normal', 'Normal']]),
    sel('kind', 'Kind', [['', 'Any'], ['identity-query', 'Identity query'], ['location-query', 'Location query']]),
    h('div.filter', h('label', { for: 'filter-sender' }, 'Sender'),
      h('input', { id: 'filter-sender', value: filters.sender, size: 5, maxlength: 8, placeholder: 'e.g. NL', on: { change: (ev) => { filters.sender = ev.target.value.trim().toUpperCase(); onChange(); } } })),
    h('div.filter.check', h('input', { id: 'filter-overdue', type: 'checkbox', checked: filters.overdue, on: { change: (ev) => { filters.overdue = ev.target.checked; onChange(); } } }),
      h('label', { for: 'filter-overdue' }, 'Overdue only')));
}

export async function renderList(main) {
  const region = h('div#inbox-list', { 'aria-live': 'polite', 'aria-busy': 'false' });
  const error = h('p.error-box', { role: 'alert', hidden: true });
  let rows = [];
  let lastIds = null;
  const draw = () => {
    const q = filters.search.trim().toLowerCase();
    const shown = q ? rows.filter((n) => [n.id, n.sender, n.kind, kindLabel(n.kind), n.status, n.priority, n.handling].some((v) => String(v ?? '').toLowerCase().includes(q))) : rows;
    if (shown.length === 0) {
      const filtered = q || filters.status || filters.kind || filters.priority || filters.sender || filters.overdue;
      clear(region, h('div.empty', h('p', filtered ? 'No notice matches these filters.' : 'The inbox is empty: no query has been received yet.'),
        h('p.muted', 'New notices appear here on their own.')));
      return;
    }
    clear(region, h('table.data.inbox', h('caption.visually-hidden', 'Received notices, most urgent first'),
      h('thead', h('tr', ['Priority', 'Time left', 'Deadline', 'From', 'Kind', 'Handling', 'Status', 'Issued', ''].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', shown.map((n) => {
        const overdue = deadlineLabel(n.deadline, n.status)?.overdue;
        return h(`tr${overdue ? '.overdue-row' : ''}`, { dataset: { id: n.id, status: n.status } },
          h('td', priorityBadge(n.priority)),
          h('td.time-left-cell', deadlineCell(n.deadline, n.status)),
          h('td', time(n.deadline)),
          h('td', h('span.agency', n.sender)),
          h('td', kindLabel(n.kind)),
          h('td', handlingBadge({ code: n.handling })),
          h('td', statusBadge(n.status)),
          h('td', time(n.issuedAt)),
          h('td', h('a', { href: `#/inbox/${n.id}`, 'aria-label': `Open ${n.priority} ${kindLabel(n.kind)} from ${n.sender}` }, 'Open')));
      }))));
  };
  const refresh = async (localOnly = false) => {
    if (localOnly === true) return draw();
    try {
      rows = await api(`/inbox${query({ status: filters.status, kind: filters.kind, priority: filters.priority, sender: filters.sender, overdue: filters.overdue ? 'true' : '', limit: 200 })}`);
      error.hidden = true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 400) {
        error.textContent = (e.body.fields ?? []).map((f) => `${f.field} ${f.message}`).join('; ') || e.message;
        error.hidden = false;
        rows = [];
      } else throw e;
    }
    const ids = rows.map((r) => r.id);
    if (lastIds && ids.some((id) => !lastIds.includes(id))) announce('New notice in the inbox');
    lastIds = ids;
    draw();
  };
  clear(main, h('h1', 'Inbox'), h('p.lead', 'Urgent notices first, then by reply deadline. New notices and changes appear on their own.'),
    filterBar((local) => refresh(local).catch(() => {})), error, region);
  await refresh();
  return { refresh: () => refresh() };
}

function describeBody(b) {
  const rows = [];
  const add = (label, value) => { if (value !== undefined && value !== null && value !== '') rows.push(h('dt', label), h('dd', value)); };
  add('Family name', b.names?.family);
  add('Given name', b.names?.given);
  add('Aliases', (b.aliases ?? []).map((a) => [a.family, a.given].filter(Boolean).join(', ')).join('; '));
  add('Date of birth', b.date_of_birth);
  add('Nationality', b.nationality);
  for (const d of b.identity_documents ?? []) add('Identity document', `${d.type} ${d.number} (${d.issuing_country})`);
  if (b.photo) add('Photo', `${b.photo.reference} (SHA-256 ${b.photo.digest.slice(0, 16)}…)`);
  if (b.last_known_location) {
    const l = b.last_known_location;
    add('Last known location', [l.address, l.area, l.country, l.coordinates ? `${l.coordinates.lat}, ${l.coordinates.lon}` : null].filter(Boolean).join(', '));
    add('Seen at', l.seen_at ? time(l.seen_at) : null);
  }
  add('Case reference', b.case_reference);
  add('Reason', b.reason);
  add('Legal basis', b.legal_basis);
  return h('dl.meta.content', rows);
}

function handlingPanel(handling) {
  const info = HANDLING[handling.code] ?? { title: 'Unknown handling code', text: '' };
  return h(`section.handling-panel.handling-${handling.code.toLowerCase()}`, { 'aria-labelledby': 'handling-title', id: 'handling-panel' },
    h('h2#handling-title', h('span.handling-code', handling.code), ' ', info.title),
    h('p', info.text),
    handling.restriction ? h('p', h('strong', 'Restriction: '), handling.restriction) : null,
    handling.code === 'H2' ? h('p.h2-note', h('strong', 'You may not pass this notice on. '), 'Ask the sending agency for permission first; the node refuses to forward it without it.') : null);
}

export async function renderDetail(main, id) {
  const head = h('div#inbox-detail');
  const actions = h('section#actions.card', { 'aria-labelledby': 'actions-title' });
  clear(main, h('p', h('a', { href: '#/inbox' }, '← Inbox')), head, actions);
  let last = '';
  let status = null;

  const act = async ({ title, body, label, path, request, danger, form, done }) => {
    const ok = await confirmDialog({ title, body, confirmLabel: label, danger });
    if (!ok) return;
    try {
      await api(`/inbox/${id}/${path}`, { method: 'POST', body: request });
      announce(done);
      last = '';
      await refresh();
      actions.querySelector('.success-box')?.focus();
    } catch (e) {
      if (e instanceof ApiError && e.status === 400 && form) showErrors(form, e.body.fields ?? [{ field: '', message: e.message }], 'Not sent. Please correct the following:');
      else if (e instanceof ApiError && e.status !== 401) {
        actions.prepend(h('p.error-box', { role: 'alert', tabindex: '-1' }, e.status === 409 ? `Not possible any more: ${e.message}` : e.message));
        actions.querySelector('.error-box').focus();
      }
    }
  };

  const drawActions = (n) => {
    const mine = n.recipients?.[0] ?? {};
    const st = mine.status;
    const response = (n.responses ?? []).find(() => true);
    if (!['DELIVERED', 'ACKNOWLEDGED', 'SENT'].includes(st)) {
      clear(actions, h('h2#actions-title', 'Done'),
        h('div.success-box', { tabindex: '-1', role: 'status' },
          h('p', `This notice is ${st}${mine.actedBy ? ` (by ${mine.actedBy}` : ''}${mine.updatedAt ? `${mine.actedBy ? ', ' : ' ('}` : ''}`, mine.updatedAt ? time(mine.updatedAt) : null, mine.actedBy || mine.updatedAt ? ').' : '.')),
        response?.body?.reason ? h('p', h('span.label', 'Reason given: '), response.body.reason) : null,
        response?.body?.details?.summary ? h('p', h('span.label', 'Answer: '), response.body.details.summary) : null);
      return;
    }
    const to = n.sender;
    const hitForm = h('form#hit-form.stack', { novalidate: true, on: { submit: (ev) => {
      ev.preventDefault();
      const summary = hitForm.querySelector('textarea').value.trim();
      if (!summary) return showErrors(hitForm, [{ field: '/details/summary', message: 'is required: say what you found' }]);
      act({ title: `Answer "hit" to ${to}?`, body: h('div', h('p', 'The answer is signed, encrypted and sent to the requesting agency. It cannot be withdrawn.'), h('blockquote', summary)),
        label: 'Send hit', path: 'answer', request: { outcome: 'hit', details: { summary } }, form: hitForm, done: 'Answer sent' });
    } } },
      field({ label: 'What you found (hit details)', field: '/details/summary', required: true, control: h('textarea', { name: 'summary', rows: 3 }) }),
      h('div.actions', h('button.primary', { type: 'submit', id: 'answer-hit' }, 'Answer: hit…')));
    const declineForm = h('form#decline-form.stack', { novalidate: true, on: { submit: (ev) => {
      ev.preventDefault();
      const reason = declineForm.querySelector('textarea').value.trim();
      if (!reason) return showErrors(declineForm, [{ field: '/reason', message: 'is required: say why you decline' }]);
      act({ title: `Decline the request from ${to}?`, body: h('div', h('p', 'The requesting agency receives your reason. This cannot be undone.'), h('blockquote', reason)),
        label: 'Decline', danger: true, path: 'decline', request: { reason }, form: declineForm, done: 'Declined' });
    } } },
      field({ label: 'Reason for declining', field: '/reason', required: true, control: h('textarea', { name: 'reason', rows: 2 }) }),
      h('div.actions', h('button.danger', { type: 'submit', id: 'decline' }, 'Decline…')));
    clear(actions, h('h2#actions-title', 'Respond'),
      h('p.muted', `Each action is confirmed before it is sent to ${to}.`),
      h('div.action-row',
        st !== 'ACKNOWLEDGED' ? h('button.secondary', { type: 'button', id: 'acknowledge', on: { click: () => act({
          title: 'Acknowledge this notice?', body: h('p', `${to} is told that a liaison officer of your agency has taken up the request.`),
          label: 'Acknowledge', path: 'acknowledge', done: 'Acknowledged' }) } }, 'Acknowledge…') : h('p', statusBadge('ACKNOWLEDGED'), ' You acknowledged this notice.'),
        h('button.secondary', { type: 'button', id: 'answer-nohit', on: { click: () => act({
          title: `Answer "no hit" to ${to}?`, body: h('p', 'You found nothing on this person. The answer cannot be withdrawn.'),
          label: 'Send no hit', path: 'answer', request: { outcome: 'no-hit' }, done: 'Answer sent' }) } }, 'Answer: no hit…')),
      h('div.grid2', h('div', h('h3', 'Hit'), hitForm), h('div', h('h3', 'Decline'), declineForm)));
  };

  const refresh = async () => {
    const n = await api(`/inbox/${id}`);
    const key = JSON.stringify([n, Math.floor(Date.now() / 60000)]); // redraw each minute: time left
    if (key === last) return;
    last = key;
    const mine = n.recipients?.[0] ?? {};
    const statusChanged = status !== mine.status;
    status = mine.status;
    const dl = deadlineLabel(n.deadline, mine.status);
    clear(head,
      h('h1', `${kindLabel(n.kind)} from ${n.sender}`),
      handlingPanel(n.handling ?? { code: 'H0' }),
      h('dl.meta',
        h('dt', 'Status'), h('dd', statusBadge(mine.status ?? '—')),
        h('dt', 'Priority'), h('dd', priorityBadge(n.priority)),
        h('dt', 'Reply deadline'), h('dd', time(n.deadline), dl ? [' — ', h(dl.overdue ? 'strong.overdue' : 'strong.time-left', { id: 'deadline-left' }, dl.text)] : null),
        h('dt', 'Issued'), h('dd', time(n.issuedAt)),
        h('dt', 'Expires'), h('dd', time(n.expiresAt)),
        h('dt', 'Grades'), h('dd', n.grades ? `Source ${n.grades.source}, information ${n.grades.information}` : '—'),
        h('dt', 'Notice id'), h('dd', h('code', n.id))),
      h('h2', 'Request'),
      describeBody(n.body ?? {}));
    if (statusChanged) drawActions(n);
  };
  await refresh();
  return { refresh };
}
