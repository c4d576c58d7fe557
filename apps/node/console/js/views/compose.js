// Operator: compose an identity or location query and send it.
import { api, ApiError } from '../api.js';
import { announce, clear, confirmDialog, h } from '../dom.js';
import { choiceGroup, clearErrors, field, showErrors, val } from '../forms.js';
import { HANDLING, kindLabel } from '../format.js';
import { session } from '../session.js';

const DOC_TYPES = [['', '—'], ['passport', 'Passport'], ['national_id', 'National ID card'], ['driving_licence', 'Driving licence'], ['residence_permit', 'Residence permit'], ['visa', 'Visa'], ['other', 'Other']];

function localInput(date) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

const input = (name, attrs = {}) => h('input', { name, type: 'text', autocomplete: 'off', ...attrs });
const select = (name, options, attrs = {}) => h('select', { name, ...attrs }, options.map(([v, l]) => h('option', { value: v }, l)));

export async function render(main) {
  const directory = await api('/directory');
  const others = directory.agencies.filter((a) => a.code !== session.principal.agency);

  const h3Restriction = field({ label: 'Restriction (H3)', field: '/handling/restriction', required: true, hint: 'State the restriction in words; recipients see it next to the notice.', control: h('textarea', { name: 'restriction', rows: 2 }) });
  const handlingHelp = h('p.hint.handling-help', { id: 'handling-help' }, HANDLING.H0.text);
  const locationSection = h('fieldset.section', { hidden: true, id: 'location-section' },
    h('legend', 'Last known location'),
    h('div.grid3',
      field({ label: 'Country', field: '/body/last_known_location/country', hint: 'ISO code, e.g. ES', control: input('loc_country', { maxlength: 2, size: 4 }) }),
      field({ label: 'Area or city', field: '/body/last_known_location/area', control: input('loc_area') }),
      field({ label: 'Address', field: '/body/last_known_location/address', control: input('loc_address') })),
    h('div.field', { dataset: { field: '/body/last_known_location', label: 'Last known location' } }, h('p.field-error', { hidden: true })));

  const onKind = () => { locationSection.hidden = val(form, 'kind') !== 'location-query'; };
  const onHandling = () => {
    const code = val(form, 'handling');
    h3Restriction.hidden = code !== 'H3';
    handlingHelp.textContent = `${code}: ${HANDLING[code].text}`;
  };

  const form = h('form#compose-form.stack', { novalidate: true },
    h('fieldset.section', h('legend', 'What and to whom'),
      choiceGroup({ legend: 'Kind of notice', name: 'kind', field: '/kind', required: true, options: [
        { value: 'identity-query', label: kindLabel('identity-query'), checked: true, on: { change: onKind } },
        { value: 'location-query', label: kindLabel('location-query'), on: { change: onKind } },
      ] }),
      others.length
        ? choiceGroup({ legend: 'Recipients', name: 'recipients', type: 'checkbox', field: '/recipients', required: true, hint: 'Agencies of the federation directory; only these receive the notice.',
            options: others.map((a) => ({ value: a.code, label: `${a.code} — ${a.name}` })) })
        : h('p.notice-box', 'The federation directory lists no other agency yet, so there is no one to send to.'),
      choiceGroup({ legend: 'Priority', name: 'priority', field: '/priority', required: true, hint: 'Urgent requests must be answered within hours, others within days (EU Directive 2023/977, Art. 5).', options: [
        { value: 'urgent', label: 'Urgent' }, { value: 'normal', label: 'Normal', checked: true },
      ] }),
      field({ label: 'Expires at', field: '/expiresAt', required: true, hint: 'Local time. After this the notice may no longer be used.', control: h('input', { name: 'expiresAt', type: 'datetime-local', value: localInput(new Date(Date.now() + 14 * 86400000)) }) })),
    h('fieldset.section', h('legend', 'Handling and grading'),
      h('div.grid3',
        field({ label: 'Handling code', field: '/handling/code', required: true, control: select('handling', [['H0', 'H0 — crime prevention and combat only'], ['H1', 'H1 — not for judicial proceedings'], ['H2', 'H2 — do not pass on'], ['H3', 'H3 — other restrictions']], { on: { change: () => onHandling() }, 'aria-controls': 'handling-help' }) }),
        field({ label: 'Source reliability', field: '/grades/source', required: true, control: select('source', [['A', 'A — reliable'], ['B', 'B — mostly reliable'], ['C', 'C — not reliable'], ['X', 'X — cannot be assessed']], { value: 'B' }) }),
        field({ label: 'Information grade', field: '/grades/information', required: true, control: select('information', [['1', '1 — known to be true'], ['2', '2 — known personally to the source'], ['3', '3 — not known personally, corroborated'], ['4', '4 — cannot be assessed']], { value: '2' }) })),
      handlingHelp,
      h3Restriction),
    h('fieldset.section', h('legend', 'Person of interest'),
      h('p.hint', 'Give at least a name or an identity document.'),
      h('div.field', { dataset: { field: '/body', label: 'Person of interest' } }, h('p.field-error', { hidden: true })),
      h('div.grid3',
        field({ label: 'Family name', field: '/body/names/family', control: input('family') }),
        field({ label: 'Given name', field: '/body/names/given', control: input('given') }),
        field({ label: 'Date of birth', field: '/body/date_of_birth', hint: 'YYYY, YYYY-MM or YYYY-MM-DD', control: input('dob', { inputmode: 'numeric' }) }),
        field({ label: 'Nationality', field: '/body/nationality', hint: 'ISO code, e.g. NL', control: input('nationality', { maxlength: 2, size: 4 }) })),
      h('div.field', { dataset: { field: '/body/names', label: 'Name' } }, h('p.field-error', { hidden: true })),
      h('div.grid3',
        field({ label: 'Document type', field: '/body/identity_documents/0/type', control: select('doc_type', DOC_TYPES) }),
        field({ label: 'Document number', field: '/body/identity_documents/0/number', control: input('doc_number') }),
        field({ label: 'Issuing country', field: '/body/identity_documents/0/issuing_country', hint: 'ISO code', control: input('doc_country', { maxlength: 2, size: 4 }) })),
      h('div.field', { dataset: { field: '/body/identity_documents', label: 'Identity document' } }, h('p.field-error', { hidden: true }))),
    locationSection,
    h('fieldset.section', h('legend', 'Case'),
      h('div.grid3',
        field({ label: 'Case reference', field: '/body/case_reference', required: true, control: input('case_reference') }),
        field({ label: 'Legal basis', field: '/body/legal_basis', required: true, control: input('legal_basis') })),
      field({ label: 'Reason for the request', field: '/body/reason', required: true, control: h('textarea', { name: 'reason', rows: 3 }) })),
    h('div.actions', h('button.primary', { type: 'submit', id: 'send-notice' }, 'Review and send…')));
  // select's value attribute is not applied by setAttribute; set it now.
  form.querySelector('[name=source]').value = 'B';
  form.querySelector('[name=information]').value = '2';
  onHandling();

  const result = h('div#compose-result', { 'aria-live': 'polite' });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    clear(result);
    const request = buildRequest(form);
    const ok = await confirmDialog({
      title: 'Send this notice?',
      body: h('div',
        h('p', `${kindLabel(request.kind)}, ${request.priority}, handling ${request.handling.code}, to ${request.recipients.join(' and ') || '(no recipient chosen)'}.`),
        h('p', 'Once sent it is signed, encrypted and recorded in the ledger; it cannot be recalled.')),
      confirmLabel: 'Send notice',
    });
    if (!ok) return;
    const button = form.querySelector('#send-notice');
    button.disabled = true;
    try {
      const sent = await api('/notices', { method: 'POST', body: request });
      clear(result, h('div.success-box', { role: 'status' },
        h('p', h('strong', 'Sent. '), `Reply deadline ${new Date(sent.deadline).toLocaleString('en-GB')}. `, h('a', { href: `#/sent/${sent.id}`, id: 'follow-sent' }, 'Follow this notice'))));
      announce('Notice sent');
      form.reset();
      onKind();
      onHandling();
      form.querySelector('[name=source]').value = 'B';
      form.querySelector('[name=information]').value = '2';
      form.querySelector('[name=expiresAt]').value = localInput(new Date(Date.now() + 14 * 86400000));
      result.querySelector('a').focus();
    } catch (error) {
      if (error instanceof ApiError && error.status === 400) {
        showErrors(form, error.body.fields?.length ? error.body.fields : [{ field: '', message: error.message }], 'The notice was not sent. Please correct the following:');
      } else if (error instanceof ApiError && error.status === 401) {
        /* the banner says it */
      } else {
        clear(result, h('p.error-box', { role: 'alert' }, `The notice was not sent: ${error.message}`));
      }
    } finally {
      button.disabled = false;
    }
  });

  clear(main, h('h1', 'Compose a notice'), h('p.lead', `From ${session.principal.agency}. Fields marked * are required.`), result, form);
}

function buildRequest(form) {
  const body = {};
  const family = val(form, 'family');
  const given = val(form, 'given');
  if (family || given) body.names = { ...(family ? { family } : {}), ...(given ? { given } : {}) };
  if (val(form, 'dob')) body.date_of_birth = val(form, 'dob');
  if (val(form, 'nationality')) body.nationality = val(form, 'nationality').toUpperCase();
  if (val(form, 'doc_type') || val(form, 'doc_number') || val(form, 'doc_country')) {
    body.identity_documents = [{ type: val(form, 'doc_type') || undefined, number: val(form, 'doc_number') || undefined, issuing_country: (val(form, 'doc_country') || '').toUpperCase() || undefined }];
  }
  body.case_reference = val(form, 'case_reference') || undefined;
  body.reason = val(form, 'reason') || undefined;
  body.legal_basis = val(form, 'legal_basis') || undefined;
  const kind = val(form, 'kind');
  if (kind === 'location-query') {
    const loc = {};
    if (val(form, 'loc_country')) loc.country = val(form, 'loc_country').toUpperCase();
    if (val(form, 'loc_area')) loc.area = val(form, 'loc_area');
    if (val(form, 'loc_address')) loc.address = val(form, 'loc_address');
    body.last_known_location = loc;
  }
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
    body: JSON.parse(JSON.stringify(body)),
  };
}
