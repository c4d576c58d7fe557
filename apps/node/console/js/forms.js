// Form fields with labels, hints and the server's field errors shown next to each field.
import { clear, h, nextId } from './dom.js';
import { t } from './i18n.js';

// Names the API uses inside its messages, said in words for the person at the screen. Only
// identifiers no sentence contains: plain words such as "names" or "photo" also occur in the
// console's own translated messages, which pass through here too.
const INTERNAL_NAMES = /\b(identity_documents|case_reference|legal_basis|last_known_location|date_of_birth|issuing_country|expiresAt)\b/g;
// The node's own field messages (libs/notices validation), said in the chosen language.
const NODE_MESSAGES = {
  'is required': 'error.required',
  'is not an allowed field': 'error.notAllowed',
  'contains characters or a layout that is not allowed': 'error.layout',
  'must not be empty': 'error.empty',
  'is invalid': 'error.invalid',
  'must be a date written YYYY, YYYY-MM or YYYY-MM-DD': 'error.partialDate',
  'must be an ISO 3166-1 alpha-2 country code (e.g. "NL")': 'error.country',
  // Selectors (libs/selectors, docs/selectors.md).
  'is not a valid phone number for its country': 'error.phoneInvalid',
  'needs its country code (+…) or a country to read it in': 'error.phoneCountry',
  'must not contain credentials (user:password@)': 'error.urlCredentials',
  'must be an http or https URL': 'error.urlScheme',
  'must be local-part@domain': 'error.email',
  'needs its platform (lowercase letters, digits, "." or "-", e.g. "telegram")': 'error.platform',
  // Private match values (libs/match match-value.ts).
  'document: the issuing country is 2 or 3 letters (ISO 3166-1)': 'error.matchCountry',
  'document: the number has letters and digits only once separators are removed': 'error.matchDocument',
  'phone: not a possible phone number (give +<country code> or a country)': 'error.matchPhone',
  'email: local@domain without spaces': 'error.matchEmail',
  'username: the platform is 1 to 64 letters, digits, dots or dashes': 'error.matchPlatform',
  'username: a name without spaces': 'error.matchUsername',
  'person: a name is required': 'error.matchName',
  'person: date of birth as YYYY-MM-DD': 'error.matchDob',
  'value is a string of 1 to 256 characters': 'error.matchLength',
};
export const humanise = (message) => {
  const text = String(message ?? '');
  if (NODE_MESSAGES[text]) return t(NODE_MESSAGES[text]);
  const oneOf = /^at least one of (.+) is required$/.exec(text);
  if (oneOf) return t('error.atLeastOne', { names: oneOf[1].split(', ').map((w) => fieldLabel(w)).join(', ') });
  return text.replace(INTERNAL_NAMES, (w) => fieldLabel(w));
};
/** The words for the last part of a field pointer such as /body/identity_documents/0/number. */
export const fieldLabel = (pointer) => {
  const word = String(pointer ?? '').split('/').filter((p) => p && !/^\d+$/.test(p)).pop() ?? '';
  return word ? t(`fieldname.${word}`, { defaultValue: word }) : t('error.request');
};

/** The field errors of a refusal: RFC 9457 `errors`, or the older `fields`. */
export const fieldErrors = (error) => error?.body?.errors ?? error?.body?.fields ?? [];
/** The refusal's explanation: RFC 9457 `detail`, or the older `message`. */
export const errorText = (error) => humanise(error?.body?.detail ?? error?.message ?? '');
/** Everything a refusal says, in one line. */
export const refusalText = (error) => fieldErrors(error).map((f) => `${fieldLabel(f.field)}: ${humanise(f.message)}`).join('; ') || errorText(error);

/** A labelled control. `field` is the JSON pointer the server uses for it (e.g. /body/reason). */
export function field({ label, field: pointer, control, hint, required = false, className = '' }) {
  const id = control.id || nextId('f');
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  if (pointer) control.dataset.field = pointer;
  if (required) control.setAttribute('aria-required', 'true');
  return h(`div.field${className ? `.${className}` : ''}`, { dataset: { field: pointer ?? '' } },
    h('label', { for: id }, label, required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p.hint', { id: hintId }, hint) : null,
    control,
    h('p.field-error', { id: errorId, hidden: true }));
}

/** A group of radios or checkboxes as a fieldset with a legend. */
export function choiceGroup({ legend, name, type = 'radio', options, field: pointer, hint, required = false }) {
  const errorId = nextId('err');
  const hintId = hint ? nextId('hint') : null;
  return h('fieldset.field.choices', { dataset: { field: pointer ?? '' }, 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') },
    h('legend', legend, required ? h('span.req', { 'aria-hidden': 'true' }, ' *') : null),
    hint ? h('p.hint', { id: hintId }, hint) : null,
    h('div.choice-row', options.map((o) => {
      const id = nextId(name);
      return h('label.choice', { for: id },
        h('input', { type, name, id, value: o.value, checked: o.checked, disabled: o.disabled, dataset: pointer ? { field: pointer } : undefined, on: o.on }),
        ' ', o.label);
    })),
    h('p.field-error', { id: errorId, hidden: true }));
}

export function clearErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) {
    el.hidden = true;
    el.textContent = '';
  }
  for (const el of form.querySelectorAll('[aria-invalid]')) el.removeAttribute('aria-invalid');
  const summary = form.querySelector('.error-summary');
  if (summary) summary.hidden = true;
}

/**
 * Puts each server error next to its field: the field whose pointer is the error's pointer or
 * its nearest parent. Errors with no field go to the summary at the top, which also links to
 * every error. Returns the number of errors shown.
 */
export function showErrors(form, errors, fallbackMessage) {
  clearErrors(form);
  const containers = [...form.querySelectorAll('.field[data-field]')].filter((c) => c.dataset.field);
  const summaryItems = [];
  for (const e of errors) {
    let pointer = e.field ?? '';
    let container = null;
    while (pointer !== '' && !container) {
      container = containers.find((c) => c.dataset.field === pointer && !c.closest('[hidden]')) ?? null;
      if (!container) pointer = pointer.slice(0, pointer.lastIndexOf('/'));
    }
    const label = container ? (container.dataset.label ?? (container.querySelector('legend, label')?.textContent ?? '').replace(/\s*\*$/, '')) : '';
    const raw = humanise(e.message.replace(/^must NOT have fewer than 1 items$/, t('error.chooseOne')));
    const message = container && pointer !== e.field ? `${fieldLabel(e.field)} ${raw}` : raw;
    if (container) {
      const err = container.querySelector(':scope > .field-error');
      err.textContent = err.textContent ? `${err.textContent}; ${message}` : message;
      err.hidden = false;
      const control = container.querySelector('input, select, textarea');
      for (const c of container.querySelectorAll('input, select, textarea')) c.setAttribute('aria-invalid', 'true');
      summaryItems.push(h('li', h('a', { href: `#${control?.id ?? ''}`, on: { click: (ev) => { ev.preventDefault(); control?.focus(); } } }, `${label}: ${message}`)));
    } else {
      summaryItems.push(h('li', `${fieldLabel(e.field)}: ${humanise(e.message)}`));
    }
  }
  let summary = form.querySelector('.error-summary');
  if (!summary) {
    summary = h('div.error-summary', { role: 'alert', tabindex: '-1' });
    form.prepend(summary);
  }
  clear(summary, h('h2', fallbackMessage ?? t('error.correct')), h('ul', summaryItems));
  summary.hidden = false;
  summary.focus();
  return errors.length;
}

export const val = (form, name) => {
  const el = form.querySelector(`[name="${name}"]`);
  if (!el) return undefined;
  if (el.type === 'radio') return form.querySelector(`[name="${name}"]:checked`)?.value;
  return el.value.trim();
};
