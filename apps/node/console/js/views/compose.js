// Operator: compose an identity or location query, or an intelligence report with a pasted list
// of selectors, optionally in a case (to all its participants); check it, review it, send it.
import { api, ApiError } from '../api.js';
import { attachmentPicker, formatBytes } from '../attachments.js';
import { announce, clear, confirmDialog, h } from '../dom.js';
import { choiceGroup, clearErrors, field, fieldErrors, errorText, humanise, showErrors, val } from '../forms.js';
import { readSelectors, selectorErrors, SELECTOR_KINDS } from '../selectors.js';
import { formatDate, handlingText, kindLabel } from '../format.js';
import { t } from '../i18n.js';
import { session } from '../session.js';

const DOC_TYPES = ['passport', 'national_id', 'driving_licence', 'residence_permit', 'visa', 'other'];
const EXPIRY_DAYS = 14;

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const input = (name, attrs = {}) => h('input', { name, type: 'text', autocomplete: 'off', ...attrs });
const select = (name, options, attrs = {}) => h('select', { name, ...attrs }, options.map(([v, l]) => h('option', { value: v }, l)));

/**
 * What the console can tell before sending: required fields and the person's identifiers.
 * The node checks everything again; its refusals are shown next to the fields the same way.
 */
function check(request, pasted, pendingUploads) {
  const errors = [];
  const required = (pointer, value) => { if (!value) errors.push({ field: pointer, message: t('error.required') }); };
  // In a case, no recipient chosen means all its participants.
  if (request.recipients.length === 0 && !request.case) errors.push({ field: '/recipients', message: t('error.chooseOne') });
  if (!request.kind) errors.push({ field: '/kind', message: t('error.required') });
  if (!request.priority) errors.push({ field: '/priority', message: t('error.required') });
  const expires = Date.parse(request.expiresAt ?? '');
  if (Number.isNaN(expires)) errors.push({ field: '/expiresAt', message: t('error.required') });
  else if (expires <= Date.now()) errors.push({ field: '/expiresAt', message: t('error.future') });
  if (request.handling.code === 'H3') required('/handling/restriction', request.handling.restriction);
  const b = request.body;
  if (pendingUploads > 0) errors.push({ field: '/attachments', message: t('attach.stillUploading', { count: pendingUploads }) });
  if (request.kind === 'intelligence-report') {
    required('/body/narrative', b.narrative);
    return [...errors, ...pasted.errors];
  }
  if (!b.names && !b.identity_documents && !b.photo) errors.push({ field: '/body', message: t('error.person') });
  for (const [i, d] of (b.identity_documents ?? []).entries()) {
    required(`/body/identity_documents/${i}/type`, d.type);
    required(`/body/identity_documents/${i}/number`, d.number);
    required(`/body/identity_documents/${i}/issuing_country`, d.issuing_country);
  }
  if (request.kind === 'location-query' && Object.keys(b.last_known_location ?? {}).length === 0) errors.push({ field: '/body/last_known_location', message: t('error.location') });
  required('/body/case_reference', b.case_reference);
  required('/body/legal_basis', b.legal_basis);
  required('/body/reason', b.reason);
  return errors;
}

/** The whole notice as the recipients will receive it, for the final confirmation. */
function preview(request, agencies, cases, uploaded) {
  const b = request.body.subjects?.[0] ? { ...request.body, ...request.body.subjects[0] } : request.body;
  const rows = [];
  const add = (label, value) => { if (value) rows.push(h('dt', label), h('dd', value)); };
  add(t('compose.kind'), kindLabel(request.kind));
  const theCase = cases.find((c) => c.id === request.case);
  add(t('report.inCase'), theCase ? `${theCase.reference} ${theCase.title ?? ''}` : '');
  add(t('compose.recipients'), request.recipients.length ? request.recipients.map((r) => `${r} — ${agencies.get(r) ?? ''}`).join('; ') : t('report.allParticipants'));
  add(t('compose.priority'), t(`priority.${request.priority}`));
  add(t('compose.expiresAt'), formatDate(request.expiresAt));
  add(t('compose.handling'), `${request.handling.code} — ${handlingText(request.handling.code)}`);
  add(t('compose.restriction'), request.handling.restriction);
  add(t('compose.grades'), t('compose.gradesValue', { source: request.grades.source, information: request.grades.information }));
  add(t('fieldname.family'), b.names?.family);
  add(t('fieldname.given'), b.names?.given);
  add(t('fieldname.date_of_birth'), b.date_of_birth);
  add(t('fieldname.nationality'), b.nationality);
  for (const d of b.identity_documents ?? []) add(t('fieldname.identity_documents'), `${t(`doc.${d.type}`)} ${d.number} (${d.issuing_country})`);
  if (b.last_known_location) add(t('fieldname.last_known_location'), [b.last_known_location.address, b.last_known_location.area, b.last_known_location.country].filter(Boolean).join(', '));
  add(t('fieldname.case_reference'), b.case_reference);
  add(t('fieldname.legal_basis'), b.legal_basis);
  add(t('fieldname.reason'), b.reason);
  add(t('attach.legend'), uploaded.map((a) => `${a.name} (${formatBytes(a.size)})`).join('; '));
  add(t('fieldname.photo'), uploaded.find((a) => a.id === b.photo?.attachment)?.name);
  add(t('fieldname.narrative'), b.narrative);
  add(t('fieldname.selectors'), b.selectors ? t('report.selectorCount', { count: b.selectors.length }) : '');
  return h('div', h('dl.meta.preview', rows), h('p', h('strong', t('compose.cannotRecall'))));
}

export async function render(main) {
  const [directory, known] = await Promise.all([api('/directory'), api('/cases?limit=100')]);
  const others = directory.agencies.filter((a) => a.code !== session.principal.agency);
  const agencies = new Map(others.map((a) => [a.code, a.name]));
  // A notice may belong to an open case this agency owns or is a member of.
  const cases = known.filter((c) => c.status === 'open' && (c.standing === 'owner' || c.standing === 'member'));
  let lines = [];

  const h3Restriction = field({ label: t('compose.restrictionH3'), field: '/handling/restriction', required: true, hint: t('compose.restrictionHint'), control: h('textarea', { name: 'restriction', rows: 2 }) });
  const handlingHelp = h('p.hint.handling-help', { id: 'handling-help' });
  const locationSection = h('fieldset.section', { hidden: true, id: 'location-section' },
    h('legend', t('fieldname.last_known_location')),
    h('div.grid3',
      field({ label: t('fieldname.country'), field: '/body/last_known_location/country', hint: t('compose.isoHint', { example: 'ES' }), control: input('loc_country', { maxlength: 2, size: 4 }) }),
      field({ label: t('fieldname.area'), field: '/body/last_known_location/area', control: input('loc_area') }),
      field({ label: t('fieldname.address'), field: '/body/last_known_location/address', control: input('loc_address') })),
    h('div.field', { dataset: { field: '/body/last_known_location', label: t('fieldname.last_known_location') } }, h('p.field-error', { hidden: true })));

  const attachments = attachmentPicker();
  const reportSection = h('fieldset.section', { hidden: true, id: 'report-section' },
    h('legend', t('report.section')),
    field({ label: t('fieldname.narrative'), field: '/body/narrative', required: true, hint: t('report.narrativeHint'), control: h('textarea', { name: 'narrative', rows: 5 }) }),
    field({ label: t('fieldname.selectors'), field: '/body/selectors', hint: t('report.selectorsHint'), control: h('textarea', { name: 'selectors', rows: 8, spellcheck: 'false' }) }),
    h('div.grid3',
      field({ label: t('report.selectorKind'), field: '', control: select('selector_kind', [['', t('report.detect')], ...SELECTOR_KINDS.map((k) => [k, t(`selector.${k}`)])]) }),
      field({ label: t('report.platform'), field: '', hint: t('report.platformHint'), control: input('selector_platform', { maxlength: 40 }) }),
      field({ label: t('report.phoneCountry'), field: '', hint: t('report.phoneCountryHint'), control: input('selector_country', { maxlength: 2, size: 4 }) })));
  const queryGrounds = h('div#query-grounds',
    field({ label: t('fieldname.legal_basis'), field: '/body/legal_basis', required: true, control: input('legal_basis') }),
    field({ label: t('fieldname.reason'), field: '/body/reason', required: true, control: h('textarea', { name: 'reason', rows: 3 }) }));

  const onKind = () => {
    const kind = val(form, 'kind');
    locationSection.hidden = kind !== 'location-query';
    reportSection.hidden = kind !== 'intelligence-report';
    queryGrounds.hidden = kind === 'intelligence-report';
    personHint.textContent = kind === 'intelligence-report' ? t('report.subjectHint') : t('compose.personHint');
  };
  const personHint = h('p.hint', t('compose.personHint'));
  // A case brings its default handling code; the operator may still change it.
  const onCase = () => {
    const chosen = cases.find((c) => c.id === val(form, 'case'));
    if (chosen?.handling?.code) form.querySelector('[name=handling]').value = chosen.handling.code;
    onHandling();
  };
  const onHandling = () => {
    const code = val(form, 'handling');
    h3Restriction.hidden = code !== 'H3';
    handlingHelp.textContent = `${code}: ${handlingText(code)}`;
  };

  const form = h('form#compose-form.stack', { novalidate: true },
    h('fieldset.section', h('legend', t('compose.what')),
      choiceGroup({ legend: t('compose.kind'), name: 'kind', field: '/kind', required: true, options: [
        { value: 'identity-query', label: kindLabel('identity-query'), checked: true, on: { change: onKind } },
        { value: 'location-query', label: kindLabel('location-query'), on: { change: onKind } },
        { value: 'intelligence-report', label: kindLabel('intelligence-report'), on: { change: onKind } },
      ] }),
      field({ label: t('report.inCase'), field: '/case', hint: t('report.inCaseHint'),
        control: select('case', [['', t('report.noCase')], ...cases.map((c) => [c.id, `${c.reference} — ${c.title ?? ''}`])], { on: { change: onCase } }) }),
      others.length
        ? choiceGroup({ legend: t('compose.recipients'), name: 'recipients', type: 'checkbox', field: '/recipients', required: true, hint: t('compose.recipientsHint'),
            options: others.map((a) => ({ value: a.code, label: `${a.code} — ${a.name}` })) })
        : h('p.notice-box', t('compose.noAgency')),
      choiceGroup({ legend: t('compose.priority'), name: 'priority', field: '/priority', required: true, hint: t('compose.priorityHint'), options: [
        { value: 'urgent', label: t('priority.urgent') }, { value: 'normal', label: t('priority.normal'), checked: true },
      ] }),
      field({ label: t('compose.expiresAt'), field: '/expiresAt', required: true, hint: t('compose.expiresHint'), control: h('input', { name: 'expiresAt', type: 'datetime-local' }) })),
    h('fieldset.section', h('legend', t('compose.handlingSection')),
      h('div.grid3',
        field({ label: t('compose.handling'), field: '/handling/code', required: true, control: select('handling', ['H0', 'H1', 'H2', 'H3'].map((c) => [c, `${c} — ${t(`handling.${c}.title`)}`]), { on: { change: () => onHandling() }, 'aria-controls': 'handling-help' }) }),
        field({ label: t('compose.source'), field: '/grades/source', required: true, control: select('source', ['A', 'B', 'C', 'X'].map((g) => [g, `${g} — ${t(`grade.source.${g}`)}`])) }),
        field({ label: t('compose.information'), field: '/grades/information', required: true, control: select('information', ['1', '2', '3', '4'].map((g) => [g, `${g} — ${t(`grade.information.${g}`)}`])) })),
      handlingHelp,
      h3Restriction),
    h('fieldset.section', h('legend', t('compose.person')),
      personHint,
      h('div.field', { dataset: { field: '/body', label: t('compose.person') } }, h('p.field-error', { hidden: true })),
      h('div.grid3',
        field({ label: t('fieldname.family'), field: '/body/names/family', control: input('family') }),
        field({ label: t('fieldname.given'), field: '/body/names/given', control: input('given') }),
        field({ label: t('fieldname.date_of_birth'), field: '/body/date_of_birth', hint: t('compose.dobHint'), control: input('dob', { inputmode: 'numeric' }) }),
        field({ label: t('fieldname.nationality'), field: '/body/nationality', hint: t('compose.isoHint', { example: 'NL' }), control: input('nationality', { maxlength: 2, size: 4 }) })),
      h('div.field', { dataset: { field: '/body/names', label: t('fieldname.names') } }, h('p.field-error', { hidden: true })),
      h('div.grid3',
        field({ label: t('fieldname.type'), field: '/body/identity_documents/0/type', control: select('doc_type', [['', '—'], ...DOC_TYPES.map((d) => [d, t(`doc.${d}`)])]) }),
        field({ label: t('fieldname.number'), field: '/body/identity_documents/0/number', control: input('doc_number') }),
        field({ label: t('fieldname.issuing_country'), field: '/body/identity_documents/0/issuing_country', hint: t('compose.isoHint', { example: 'NL' }), control: input('doc_country', { maxlength: 2, size: 4 }) })),
      h('div.field', { dataset: { field: '/body/identity_documents', label: t('fieldname.identity_documents') } }, h('p.field-error', { hidden: true }))),
    locationSection,
    attachments.element,
    reportSection,
    h('fieldset.section', h('legend', t('compose.case')),
      field({ label: t('fieldname.case_reference'), field: '/body/case_reference', hint: t('report.referenceHint'), control: input('case_reference') }),
      queryGrounds),
    h('div.actions', h('button.primary', { type: 'submit', id: 'send-notice' }, t('compose.review'))));

  /** Defaults of a new form, also after a send: identity query, normal priority, grades B2, expiry in 14 days. */
  const defaults = () => {
    form.querySelector('[name=kind][value="identity-query"]').checked = true;
    form.querySelector('[name=priority][value="normal"]').checked = true;
    form.querySelector('[name=source]').value = 'B';
    form.querySelector('[name=information]').value = '2';
    form.querySelector('[name=expiresAt]').value = localInput(new Date(Date.now() + EXPIRY_DAYS * 86400000));
    onKind();
    onHandling();
  };
  defaults();

  const result = h('div#compose-result', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    clear(result);
    const pasted = readSelectors(val(form, 'selectors'), { kind: val(form, 'selector_kind'), platform: val(form, 'selector_platform'), country: val(form, 'selector_country') });
    const request = buildRequest(form, pasted.selectors, attachments);
    lines = pasted.lines;
    const problems = check(request, pasted, attachments.pending());
    if (problems.length) {
      showErrors(form, problems, t('compose.notReady'));
      return;
    }
    const ok = await confirmDialog({ title: t('compose.confirmTitle'), body: preview(request, agencies, cases, attachments.uploaded()), confirmLabel: t('compose.confirmSend') });
    if (!ok) return;
    const button = form.querySelector('#send-notice');
    button.disabled = true;
    try {
      // A notice of a case goes through the case: without recipients, to all its participants.
      const { case: caseId, recipients, ...rest } = request;
      const sent = caseId
        ? await api(`/cases/${caseId}/notices`, { method: 'POST', body: recipients.length ? { ...rest, recipients } : rest })
        : await api('/notices', { method: 'POST', body: { ...rest, recipients } });
      const deadline = sent.deadline ? t('compose.sentDeadline', { deadline: formatDate(sent.deadline) }) : t('report.noAnswerExpected');
      clear(result, h('div.success-box', { role: 'status' },
        h('p', h('strong', t('compose.sent')), ' ', sent.recipients ? t('report.sentTo', { agencies: sent.recipients.join(', ') }) : '', ' ', deadline, ' ',
          h('a', { href: `#/sent/${sent.id}`, id: 'follow-sent' }, t('compose.follow')))));
      announce(t('compose.sentAnnounce'));
      form.reset();
      attachments.reset();
      defaults();
      result.querySelector('a').focus();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        showErrors(form, fieldErrors(error).length ? nodeErrors(fieldErrors(error), lines) : [{ field: '', message: errorText(error) }], t('compose.notSent'));
      } else if (error instanceof ApiError && error.status === 401) {
        /* the banner says it */
      } else {
        clear(result, h('p.error-box', { role: 'alert' }, t('compose.notSentBecause', { reason: errorText(error) })));
      }
    } finally {
      button.disabled = false;
    }
  });

  clear(main, h('h1', t('compose.title')), h('p.lead', t('compose.lead', { agency: session.principal.agency })), result, form);
}

/** The node's field errors placed on this form: a report's subject on the person's fields, selectors on their lines. */
function nodeErrors(errors, lines) {
  return selectorErrors(errors, lines, humanise).map((e) => ({ ...e, field: (e.field ?? '').replace(/^\/body\/subjects\/0(?=\/|$)/, '/body') }));
}

function buildRequest(form, selectors, attachments) {
  const body = {};
  const family = val(form, 'family');
  const given = val(form, 'given');
  if (family || given) body.names = { ...(family ? { family } : {}), ...(given ? { given } : {}) };
  if (val(form, 'dob')) body.date_of_birth = val(form, 'dob');
  if (val(form, 'nationality')) body.nationality = val(form, 'nationality').toUpperCase();
  if (val(form, 'doc_type') || val(form, 'doc_number') || val(form, 'doc_country')) {
    body.identity_documents = [{ type: val(form, 'doc_type') || undefined, number: val(form, 'doc_number') || undefined, issuing_country: (val(form, 'doc_country') || '').toUpperCase() || undefined }];
  }
  const photo = attachments.photo();
  if (photo) body.photo = { attachment: photo };
  body.case_reference = val(form, 'case_reference') || undefined;
  const kind = val(form, 'kind');
  if (kind === 'intelligence-report') return envelope(form, kind, {
    narrative: val(form, 'narrative') || undefined,
    case_reference: body.case_reference,
    // The person, if any, is the report's subject.
    subjects: Object.keys(body).some((k) => k !== 'case_reference' && body[k] !== undefined) ? [JSON.parse(JSON.stringify({ ...body, case_reference: undefined }))] : undefined,
    selectors: selectors.length ? selectors : undefined,
  }, attachments.uploaded().map((a) => a.id));
  body.reason = val(form, 'reason') || undefined;
  body.legal_basis = val(form, 'legal_basis') || undefined;
  if (kind === 'location-query') {
    const loc = {};
    if (val(form, 'loc_country')) loc.country = val(form, 'loc_country').toUpperCase();
    if (val(form, 'loc_area')) loc.area = val(form, 'loc_area');
    if (val(form, 'loc_address')) loc.address = val(form, 'loc_address');
    body.last_known_location = loc;
  }
  return envelope(form, kind, body, attachments.uploaded().map((a) => a.id));
}

/** What every notice carries around its body: kind, recipients, handling, grades, priority, expiry, case, attachments. */
function envelope(form, kind, body, ids) {
  const code = val(form, 'handling');
  const expires = val(form, 'expiresAt');
  const expiresDate = expires ? new Date(expires) : null;
  return {
    kind,
    recipients: [...form.querySelectorAll('[name=recipients]:checked')].map((c) => c.value),
    handling: code === 'H3' ? { code, restriction: val(form, 'restriction') || undefined } : { code },
    grades: { source: val(form, 'source'), information: Number(val(form, 'information')) },
    priority: val(form, 'priority'),
    expiresAt: expiresDate && !Number.isNaN(expiresDate.getTime()) ? expiresDate.toISOString() : expires || undefined,
    case: val(form, 'case') || undefined,
    body: JSON.parse(JSON.stringify(body)),
    ...(ids.length ? { attachments: ids } : {}),
  };
}
