// Casework on one stored notice, kept at this agency and never sent: who it is assigned to,
// internal notes (who and when), and its correlations — other notices this agency holds that
// share a selector, document or name with date of birth (the node's blind index).
import { api, query } from './api.js';
import { announce, clear, h } from './dom.js';
import { field, fieldErrors, refusalText, showErrors } from './forms.js';
import { ago, kindLabel, time } from './format.js';
import { t } from './i18n.js';
import { hasRole } from './session.js';

const sharedLabel = (shared) => shared.map((k) => t(`term.${k}`, { defaultValue: k })).join(', ');

/** One correlation as a line: what is shared, where else it is, in which case, how long ago; linked when this role may open it. */
export function correlationItem(x) {
  const inCase = x.caseReference ? t('casework.inCase', { ref: x.caseReference }) : '';
  const line = x.direction === 'outbound'
    ? t('casework.correlationOwn', { shared: sharedLabel(x.shared), kind: kindLabel(x.kind), inCase, time: ago(x.issuedAt) })
    : t('casework.correlation', { shared: sharedLabel(x.shared), kind: kindLabel(x.kind), sender: x.sender, inCase, time: ago(x.issuedAt) });
  const href = x.direction === 'outbound' ? (hasRole('operator') ? `#/sent/${x.id}` : null) : hasRole('liaison_officer') ? `#/inbox/${x.id}` : null;
  return h('li.correlation', { dataset: { id: x.id, case: x.case ?? '' } },
    h('span.badge.correlation-badge', t('casework.badge')), ' ',
    href ? h('a', { href }, line) : line, ' ', h('span.muted', time(x.issuedAt)));
}

/**
 * Links to the case a notice belongs to, named by the case's reference once it is read; each made
 * once, so that a screen's redraws keep the name.
 */
export function caseLinks() {
  const made = new Map();
  return (caseId) => {
    if (!made.has(caseId)) {
      const link = h('a.case-link', { href: `#/cases/${caseId}` }, caseId);
      api(`/cases/${caseId}`).then((c) => { link.textContent = `${c.reference}${c.title ? ` — ${c.title}` : ''}`; }, () => undefined);
      made.set(caseId, link);
    }
    return made.get(caseId);
  };
}

export function correlationList(correlations) {
  return correlations.length === 0 ? h('p.muted', t('casework.none')) : h('ul.correlations-list', correlations.map(correlationItem));
}

/**
 * The casework panel of a notice: `base` is `/inbox/{id}` (officers: assignment and notes) or
 * `/notices/{id}` (operators: notes); `sender` names the sender when two agencies used the id.
 */
export function caseworkPanel({ base, sender, assignable }) {
  const panel = h('section#casework.card', { 'aria-labelledby': 'casework-title' });
  const q = query({ sender });
  const post = (path, body, form, done) => async (ev) => {
    ev.preventDefault();
    try {
      await api(`${base}/${path}${q}`, { method: 'POST', body: body() });
      announce(done);
      await draw();
      panel.querySelector(`#${form}`)?.querySelector('input, textarea')?.focus();
    } catch (e) {
      const target = panel.querySelector(`#${form}`);
      showErrors(target, fieldErrors(e).length ? fieldErrors(e) : [{ field: '', message: refusalText(e) }], t('error.notSent'));
    }
  };
  const draw = async () => {
    const c = await api(`${base}/casework${q}`);
    const last = c.assignments.at(-1);
    const assignForm = assignable ? h('form#assign-form.stack', { novalidate: true },
      field({ label: t('casework.officer'), field: '/officer', required: true, hint: t('casework.officerHint'), control: h('input', { name: 'officer', autocomplete: 'off', maxlength: 200 }) }),
      h('div.actions', h('button.secondary', { type: 'submit', id: 'assign' }, t('casework.assign')))) : null;
    assignForm?.addEventListener('submit', post('assign', () => ({ officer: assignForm.querySelector('input').value.trim() }), 'assign-form', t('casework.assigned')));
    const noteForm = h('form#note-form.stack', { novalidate: true },
      field({ label: t('casework.note'), field: '/text', required: true, hint: t('casework.noteHint'), control: h('textarea', { name: 'text', rows: 2, maxlength: 4000 }) }),
      h('div.actions', h('button.secondary', { type: 'submit', id: 'add-note' }, t('casework.addNote'))));
    noteForm.addEventListener('submit', post('notes', () => ({ text: noteForm.querySelector('textarea').value.trim() }), 'note-form', t('casework.noteAdded')));
    clear(panel,
      h('h2#casework-title', t('casework.title')),
      h('p.muted', t('casework.local')),
      h('h3', t('casework.correlations')),
      h('div#correlations', correlationList(c.correlations)),
      assignable ? [
        h('h3', t('casework.assignment')),
        h('p#assigned-to', last ? t('casework.assignedTo', { officer: last.officer, by: last.assignedBy }) : t('casework.unassigned'), last ? [' · ', time(last.assignedAt)] : null),
        assignForm,
      ] : null,
      h('h3', t('casework.notes')),
      c.notes.length === 0 ? h('p.muted#notes-empty', t('casework.noNotes')) : h('ol#notes', c.notes.map((n) => h('li.note', { dataset: { id: n.id } },
        h('p.note-meta', h('strong', n.author), ' · ', time(n.createdAt)), h('p.note-text', n.text)))),
      noteForm);
  };
  return { panel, draw };
}
