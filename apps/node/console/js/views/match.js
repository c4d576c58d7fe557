// Private hit/no-hit (issue 18). Operator: check pasted values against chosen holders, see hit /
// no-hit per value per holder, and send the follow-up identity query from a hit in one step.
// Administrator: the match index (size, last import, key, partners, last filter sent) and its
// import. Auditor: the counts per partner, never a value. The values an operator checks stay in
// this page's memory (neither node keeps them; the console does not either).
import { api, ApiError, answer } from '../api.js';
import { clear, h, scrollRegion } from '../dom.js';
import { choiceGroup, clearErrors, field, fieldErrors, errorText, humanise, showErrors, val } from '../forms.js';
import { time } from '../format.js';
import { formatNumber, t } from '../i18n.js';
import { MATCH_KINDS, MAX_CONSOLE_IMPORT, IndexTextError, checkErrors, followUpSubject, importBatches, importErrors, readIndexText, readMatchValues } from '../match.js';
import { session } from '../session.js';

const DOC_TYPES = ['passport', 'national_id', 'driving_licence', 'residence_permit', 'visa', 'other'];
/** How often a check still waiting for a holder is read again; it slows to the second figure. */
const POLL_FIRST_MS = 1000;
const POLL_MAX_MS = 5000;
const FOLLOW_UP_EXPIRY_DAYS = 14;

const input = (name, attrs = {}) => h('input', { name, type: 'text', autocomplete: 'off', ...attrs });
/** A select with `chosen` selected (set once its options exist). */
const select = (name, options, chosen, attrs = {}) => {
  const el = h('select', { name, ...attrs }, options.map(([v, l]) => h('option', { value: v }, l)));
  if (chosen !== undefined) el.value = chosen;
  return el;
};
const codeLabel = (code) => t(`match.code.${code}`, { defaultValue: code });
const refusedText = (refused) => Object.entries(refused ?? {}).map(([code, n]) => `${codeLabel(code)}: ${formatNumber(n)}`).join(' · ') || formatNumber(0);

/** The value as the operator typed it, for the results table (it never leaves the page). */
function valueText(v) {
  const extra = v.kind === 'document' || v.kind === 'phone' ? v.country : v.kind === 'username' ? v.platform : v.kind === 'person' ? v.dob : null;
  return extra ? `${v.value} (${extra})` : v.value;
}

/** POST /match/checks: the check, and where to read it again while a holder has not answered (202 Location). */
async function postCheck(request) {
  const response = await api('/match/checks', { method: 'POST', body: request, raw: true });
  const body = answer(response.status, await response.text());
  return { body, location: response.status === 202 ? response.headers.get('location') ?? `/match/checks/${body.id}` : null };
}

// --- operator: check ---

export async function renderCheck(main) {
  const holders = await api('/match/holders');
  const state = { read: null, request: null, view: null, poll: null, disposed: false, followed: new Map(), grounds: {} };
  const result = h('div#match-result');
  const status = h('p#match-status', { role: 'status' });
  const followRegion = h('div#follow-up-region');

  const countryField = field({ label: t('match.country'), field: '/defaults/country', hint: t('match.countryHint'), control: input('country', { maxlength: 3, size: 4 }) });
  const platformField = field({ label: t('match.platform'), field: '/defaults/platform', hint: t('match.platformHint'), control: input('platform', { maxlength: 64 }) });
  const valuesHint = h('span');
  const valuesField = field({ label: t('match.values'), field: '/values', required: true, hint: valuesHint, control: h('textarea', { name: 'values', rows: 8, spellcheck: 'false' }) });
  const onKind = () => {
    const kind = val(form, 'kind');
    countryField.hidden = kind !== 'document' && kind !== 'phone';
    countryField.querySelector('label').textContent = t(kind === 'phone' ? 'match.phoneCountry' : 'match.country');
    platformField.hidden = kind !== 'username';
    valuesHint.textContent = t(`match.valuesHint.${kind}`);
  };
  const withFilter = holders.filter((x) => x.filter);
  const form = h('form#match-form.stack', { novalidate: true },
    h('fieldset.section', h('legend', t('match.what')),
      field({ label: t('match.kind'), field: '/kind', required: true, control: select('kind', MATCH_KINDS.map((k) => [k, t(`match.kind.${k}`)]), 'document', { on: { change: onKind } }) }),
      h('div.grid3', countryField, platformField),
      valuesField),
    holders.length
      ? choiceGroup({ legend: t('match.holders'), name: 'partners', type: 'checkbox', field: '/partners', required: true, hint: t('match.holdersHint'),
          options: holders.map((x) => ({ value: x.holder, checked: withFilter.length === 1 && x.filter !== null, disabled: !x.filter,
            label: x.filter ? t('match.holderWith', { agency: x.holder, entries: formatNumber(x.filter.entries) }) : t('match.holderWithout', { agency: x.holder }) })) })
      : h('p.notice-box#no-holders', t('match.noHolders')),
    h('div.actions', h('button.primary', { type: 'submit', id: 'run-check', disabled: withFilter.length === 0 }, t('match.run'))));
  onKind();

  const stopPolling = () => {
    if (state.poll) clearTimeout(state.poll);
    state.poll = null;
  };

  const draw = () => {
    const { view, read, request } = state;
    if (!view) return clear(result);
    const partners = view.partners;
    const summary = h('ul#match-summary', partners.map((p) => h('li', { dataset: { partner: p.partner, status: p.status } },
      h('strong', p.partner), ': ',
      p.status === 'answered' ? t('match.summaryAnswered', { hits: formatNumber(p.hits.length), values: formatNumber(view.values) })
        : p.status === 'pending' ? t('match.summaryPending')
          : t(p.status === 'refused' ? 'match.summaryRefused' : 'match.summaryFailed', { reason: `${codeLabel(p.code)}${p.detail ? ` (${p.detail})` : ''}` }))));
    const cell = (p, i) => {
      if (p.status === 'pending') return h('td', { dataset: { outcome: 'pending' } }, h('span.muted', t('match.waiting')));
      if (p.status !== 'answered') return h('td', { dataset: { outcome: p.status } }, h('span.muted', '—'));
      if (!p.hits.includes(i)) return h('td', { dataset: { outcome: 'no-hit' } }, h('span.outcome-nohit', t('outcome.no-hit')));
      const sent = state.followed.get(`${p.partner}/${i}`);
      return h('td', { dataset: { outcome: 'hit' } }, h('strong.outcome-hit', t('outcome.hit')), ' ',
        sent ? h('a', { href: `#/sent/${sent}` }, t('match.followUpSent'))
          : h('button.small.secondary', { type: 'button', 'aria-label': t('match.followUpFor', { agency: p.partner, line: read.lines[i] }), on: { click: () => openFollowUp(p, i) } }, t('match.followUp')));
    };
    clear(result,
      h('h2', t('match.results')),
      summary,
      scrollRegion(t('match.results'), h('table.data#match-table', h('caption.visually-hidden', t('match.resultsCaption')),
        h('thead', h('tr', h('th', { scope: 'col' }, t('match.lineCol')), h('th', { scope: 'col' }, t('match.valueCol')), partners.map((p) => h('th', { scope: 'col' }, p.partner)))),
        h('tbody', request.values.map((v, i) => h('tr', { dataset: { line: String(read.lines[i]) } },
          h('td.num', String(read.lines[i])), h('th', { scope: 'row' }, valueText(v)), partners.map((p) => cell(p, i))))))));
  };

  const poll = async (location, delay) => {
    state.poll = setTimeout(async () => {
      try {
        const view = await api(location);
        if (state.disposed) return;
        state.view = view;
        draw();
        if (view.complete) status.textContent = t('match.complete');
        else poll(location, Math.min(delay * 2, POLL_MAX_MS));
      } catch (error) {
        if (state.disposed || (error instanceof ApiError && error.status === 401)) return;
        status.textContent = t('match.pollFailed', { reason: errorText(error) });
        poll(location, POLL_MAX_MS);
      }
    }, delay);
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    stopPolling();
    const kind = val(form, 'kind');
    const read = readMatchValues(val(form, 'values'), kind, { country: countryField.hidden ? '' : val(form, 'country'), platform: platformField.hidden ? '' : val(form, 'platform') });
    const partners = [...form.querySelectorAll('[name=partners]:checked')].map((c) => c.value);
    const problems = [...read.errors, ...(partners.length ? [] : [{ field: '/partners', message: t('error.chooseOne') }])];
    if (problems.length) return void showErrors(form, problems, t('match.notReady'));
    const request = { values: read.values, partners };
    const button = form.querySelector('#run-check');
    button.disabled = true;
    status.textContent = t('match.asking', { agencies: partners.join(', ') });
    clear(followRegion);
    try {
      const { body, location } = await postCheck(request);
      Object.assign(state, { read, request, view: body, followed: new Map() });
      draw();
      if (location) {
        status.textContent = t('match.waitingFor', { agencies: body.partners.filter((p) => p.status === 'pending').map((p) => p.partner).join(', ') });
        poll(location, POLL_FIRST_MS);
      } else {
        status.textContent = t('match.complete');
      }
    } catch (error) {
      status.textContent = '';
      if (error instanceof ApiError && error.status === 401) return;
      if (error instanceof ApiError && fieldErrors(error).length) showErrors(form, checkErrors(fieldErrors(error), read, partners, humanise), t('match.notChecked'));
      else showErrors(form, [{ field: '', message: errorText(error) }], t('match.notChecked'));
    } finally {
      button.disabled = false;
    }
  });

  /** The follow-up of one hit: an identity query to the holder whose `re` is its match answer. */
  function openFollowUp(partner, index) {
    const value = state.request.values[index];
    const line = state.read.lines[index];
    const g = state.grounds;
    const identifier = value.kind === 'document'
      ? h('div.grid3',
          field({ label: t('fieldname.type'), field: '/body/identity_documents/0/type', required: true, control: select('doc_type', DOC_TYPES.map((d) => [d, t(`doc.${d}`)]), 'other') }),
          field({ label: t('fieldname.number'), field: '/body/identity_documents/0/number', required: true, control: input('doc_number', { value: value.value }) }),
          field({ label: t('fieldname.issuing_country'), field: '/body/identity_documents/0/issuing_country', required: true, hint: t('compose.isoHint', { example: 'ES' }), control: input('doc_country', { value: value.country ?? '', maxlength: 2, size: 4 }) }))
      : value.kind === 'person'
        ? h('div.grid3',
            field({ label: t('fieldname.family'), field: '/body/names/family', control: input('family', { value: value.value }) }),
            field({ label: t('fieldname.given'), field: '/body/names/given', control: input('given') }),
            field({ label: t('fieldname.date_of_birth'), field: '/body/date_of_birth', control: input('dob', { value: value.dob ?? '' }) }))
        : [h('div.field', { dataset: { field: '/body/selectors', label: t('match.identifier') } },
            h('p', h('span.label', t(`match.kind.${value.kind}`)), ' ', h('code', valueText(value))), h('p.field-error', { hidden: true })),
          h('p.hint', t('match.nameHint')),
          h('div.grid3',
            field({ label: t('fieldname.family'), field: '/body/names/family', control: input('family') }),
            field({ label: t('fieldname.given'), field: '/body/names/given', control: input('given') }))];
    const followForm = h('form#follow-up-form.stack', { novalidate: true },
      h('fieldset.section', h('legend', t('match.identifier')), identifier,
        h('div.field', { dataset: { field: '/body', label: t('match.identifier') } }, h('p.field-error', { hidden: true }))),
      h('fieldset.section', h('legend', t('compose.case')),
        field({ label: t('fieldname.case_reference'), field: '/body/case_reference', required: true, control: input('case_reference', { value: g.case_reference ?? '' }) }),
        field({ label: t('fieldname.legal_basis'), field: '/body/legal_basis', required: true, control: input('legal_basis', { value: g.legal_basis ?? '' }) }),
        field({ label: t('fieldname.reason'), field: '/body/reason', required: true, hint: t('match.reasonHint'), control: h('textarea', { name: 'reason', rows: 3 }) }),
        h('div.grid3',
          field({ label: t('compose.handling'), field: '/handling/code', required: true, hint: t('match.handlingHint'), control: select('handling', ['H0', 'H1', 'H2'].map((c) => [c, `${c} — ${t(`handling.${c}.title`)}`]), g.handling ?? 'H0') }),
          field({ label: t('compose.priority'), field: '/priority', required: true, control: select('priority', [['normal', t('priority.normal')], ['urgent', t('priority.urgent')]], g.priority ?? 'normal') }))),
      h('div.actions',
        h('button.primary', { type: 'submit', id: 'send-follow-up' }, t('match.sendFollowUp', { agency: partner.partner })),
        h('button.secondary', { type: 'button', on: { click: () => clear(followRegion) } }, t('action.cancel'))));
    followForm.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      clearErrors(followForm);
      const edited = { type: val(followForm, 'doc_type'), number: val(followForm, 'doc_number'), country: val(followForm, 'doc_country'), family: val(followForm, 'family'), given: val(followForm, 'given'), dob: val(followForm, 'dob') };
      const grounds = { case_reference: val(followForm, 'case_reference'), legal_basis: val(followForm, 'legal_basis'), reason: val(followForm, 'reason') };
      const missing = Object.entries(grounds).filter(([, v]) => !v).map(([k]) => ({ field: `/body/${k}`, message: t('error.required') }));
      if (missing.length) return void showErrors(followForm, missing, t('compose.notReady'));
      const request = {
        kind: 'identity-query',
        recipients: [partner.partner],
        re: partner.answerId,
        handling: { code: val(followForm, 'handling') },
        grades: { source: 'B', information: 2 },
        priority: val(followForm, 'priority'),
        expiresAt: new Date(Date.now() + FOLLOW_UP_EXPIRY_DAYS * 86_400_000).toISOString(),
        body: JSON.parse(JSON.stringify({ ...followUpSubject(value, edited), ...grounds })),
      };
      const button = followForm.querySelector('#send-follow-up');
      button.disabled = true;
      try {
        const sent = await api('/notices', { method: 'POST', body: request });
        // The case reference, legal basis, handling and priority are offered again for the next hit.
        Object.assign(state.grounds, { case_reference: grounds.case_reference, legal_basis: grounds.legal_basis, handling: request.handling.code, priority: request.priority });
        state.followed.set(`${partner.partner}/${index}`, sent.id);
        draw();
        clear(followRegion, h('div.success-box', { role: 'status' },
          h('p', h('strong', t('match.followUpDone', { agency: partner.partner, line })), ' ', h('a', { href: `#/sent/${sent.id}`, id: 'follow-sent' }, t('compose.follow')))));
        followRegion.querySelector('a').focus();
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return;
        showErrors(followForm, fieldErrors(error).length ? fieldErrors(error) : [{ field: '', message: errorText(error) }], t('compose.notSent'));
      } finally {
        button.disabled = false;
      }
    });
    clear(followRegion, h('section.card#follow-up', { 'aria-labelledby': 'follow-up-title' },
      h('h2#follow-up-title', { tabindex: '-1' }, t('match.followUpTitle', { agency: partner.partner, line })),
      h('p', t('match.followUpLead', { agency: partner.partner })),
      followForm));
    followRegion.querySelector('#follow-up-title').focus();
  }

  clear(main, h('h1', t('match.title')), h('p.lead', t('match.lead', { agency: session.principal.agency })), form, status, result, followRegion);
  return { dispose: () => { state.disposed = true; stopPolling(); } };
}

// --- administrator: the index ---

function indexCards(s) {
  const p = s.publication;
  return [
    h('section.card#match-index-status', { 'aria-labelledby': 'match-index-title' },
      h('h2#match-index-title', t('matchIndex.index')),
      h('dl.meta',
        h('dt', t('matchIndex.size')), h('dd#match-size', formatNumber(s.size)),
        h('dt', t('matchIndex.byKind')), h('dd#match-by-kind', Object.keys(s.byKind ?? {}).length ? Object.entries(s.byKind).map(([k, n]) => `${t(`match.kind.${k}`, { defaultValue: k })}: ${formatNumber(n)}`).join(' · ') : '—'),
        h('dt', t('matchIndex.lastImport')), h('dd#match-last-import', s.lastImport ? [time(s.lastImport), ' ', h('span.muted', t('matchIndex.imports', { imports: formatNumber(s.imports) }))] : t('matchIndex.never')))),
    h('section.card#match-key', { 'aria-labelledby': 'match-key-title' },
      h('h2#match-key-title', t('matchIndex.key')),
      h('dl.meta',
        h('dt', t('matchIndex.keyId')), h('dd', h('code', s.key.id)),
        h('dt', t('matchIndex.keyCreated')), h('dd', time(s.key.createdAt)),
        h('dt', t('matchIndex.keyAge')), h('dd#match-key-age', t('matchIndex.days', { days: formatNumber(s.key.ageDays) })),
        h('dt', t('matchIndex.rotatesAt')), h('dd', time(s.key.rotatesAt)))),
    h('section.card#match-partners', { 'aria-labelledby': 'match-partners-title' },
      h('h2#match-partners-title', t('matchIndex.partners')),
      h('dl.meta',
        h('dt', t('matchIndex.partnersMay')), h('dd#match-partner-list', s.partners.length ? s.partners.join(', ') : t('matchIndex.noPartners')),
        h('dt', t('matchIndex.holders')), h('dd', s.holders.length ? s.holders.join(', ') : '—'),
        h('dt', t('matchIndex.rate')), h('dd', t('matchIndex.rateValue', { perHour: formatNumber(s.rate.perHour), burst: formatNumber(s.rate.burst) })),
        h('dt', t('matchIndex.fpr')), h('dd', String(s.falsePositiveRate)),
        h('dt', t('matchIndex.lastFilter')), h('dd#match-last-filter', p
          ? [t('matchIndex.filterValue', { entries: formatNumber(p.entries), bytes: formatNumber(p.bytes), parts: formatNumber(p.parts), partners: p.partners.join(', ') }), ' — ', time(p.publishedAt)]
          : t('matchIndex.noFilter')))),
  ];
}

export async function renderIndex(main) {
  const region = h('div#match-index');
  const outcome = h('div#import-result', { 'aria-live': 'polite' });
  const file = h('input', { type: 'file', name: 'file', accept: '.csv,.jsonl,.ndjson,.json,text/csv,application/json' });
  const form = h('form#import-form.stack', { novalidate: true },
    h('fieldset.section', h('legend', t('matchIndex.import')),
      h('p.hint', t('matchIndex.importHint', { max: formatNumber(MAX_CONSOLE_IMPORT) })),
      field({ label: t('matchIndex.file'), field: '/file', control: file }),
      field({ label: t('matchIndex.paste'), field: '/entries', hint: t('matchIndex.pasteHint'), control: h('textarea', { name: 'entries', rows: 8, spellcheck: 'false' }) })),
    h('div.actions', h('button.primary', { type: 'submit', id: 'run-import' }, t('matchIndex.run'))));

  let last = '';
  const refresh = async () => {
    const s = await api('/match/index');
    const key = JSON.stringify(s);
    if (key === last) return;
    last = key;
    clear(region, indexCards(s));
  };

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    clearErrors(form);
    clear(outcome);
    const chosen = file.files?.[0];
    const at = chosen ? '/file' : '/entries';
    let read;
    try {
      read = readIndexText(chosen ? await chosen.text() : form.querySelector('[name=entries]').value);
    } catch (error) {
      if (!(error instanceof IndexTextError)) throw error;
      return void showErrors(form, [{ field: at, message: error.message }], t('matchIndex.notImported'));
    }
    if (read.entries.length === 0) return void showErrors(form, [{ field: at, message: t('matchIndex.empty') }], t('matchIndex.notImported'));
    const button = form.querySelector('#run-import');
    button.disabled = true;
    const totals = { added: 0, removed: 0, unchanged: 0, size: 0 };
    const batches = importBatches(read.entries);
    try {
      for (const [n, batch] of batches.entries()) {
        outcome.textContent = t('matchIndex.sending', { n: n + 1, of: batches.length });
        try {
          const r = await api('/match/index/entries', { method: 'POST', body: { entries: batch.entries } });
          for (const k of ['added', 'removed', 'unchanged']) totals[k] += r[k];
          totals.size = r.size;
        } catch (error) {
          if (error instanceof ApiError && error.status === 401) return;
          // Requests before this one were applied; importing the same text again changes nothing for them.
          const done = n > 0 ? t('matchIndex.partial', { line: read.lines[batch.from], added: formatNumber(totals.added), removed: formatNumber(totals.removed) }) : '';
          const messages = error instanceof ApiError && fieldErrors(error).length ? importErrors(fieldErrors(error), read.lines, batch.from, humanise) : [errorText(error)];
          showErrors(form, messages.map((message) => ({ field: at, message })), `${t('matchIndex.notImported')} ${done}`.trim());
          clear(outcome);
          return;
        }
      }
      clear(outcome, h('div.success-box', { role: 'status', id: 'import-done' }, t('matchIndex.done', {
        records: formatNumber(read.entries.length), added: formatNumber(totals.added), removed: formatNumber(totals.removed), unchanged: formatNumber(totals.unchanged), size: formatNumber(totals.size),
      })));
      form.reset();
      await refresh();
    } finally {
      button.disabled = false;
    }
  });

  clear(main, h('h1', t('title.matchIndex')), h('p.lead', t('matchIndex.lead')), region, outcome, form);
  await refresh();
  return { refresh };
}

// --- auditor: the counts ---

export async function renderAudit(main) {
  const region = h('div#match-audit');
  clear(main, h('h1', t('title.matchAudit')), h('p.lead', t('matchAudit.lead')), region);
  const num = (n) => h('td.num', formatNumber(n));
  const refresh = async () => {
    const { served, asked } = await api('/match/audit');
    const rateLimited = (r) => r.refused?.match_rate_limited ?? 0;
    const others = (r) => Object.fromEntries(Object.entries(r.refused ?? {}).filter(([code]) => code !== 'match_rate_limited'));
    const table = (id, caption, columns, rows, cells) => rows.length === 0
      ? h('p.empty', { id: `${id}-empty` }, t('matchAudit.none'))
      : scrollRegion(caption, h(`table.data#${id}`, h('caption.visually-hidden', caption),
          h('thead', h('tr', columns.map((c) => h('th', { scope: 'col' }, c)))),
          h('tbody', rows.map((r) => h('tr', { dataset: { partner: r.partner } }, h('th', { scope: 'row' }, r.partner), cells(r))))));
    clear(region,
      h('section.card', { 'aria-labelledby': 'served-title' },
        h('h2#served-title', t('matchAudit.served')),
        h('p.hint', t('matchAudit.servedHint')),
        table('match-served', t('matchAudit.served'), [t('matchAudit.partner'), t('matchAudit.requests'), t('matchAudit.evaluated'), t('matchAudit.followUpsReceived'), t('matchAudit.rateLimited'), t('matchAudit.otherRefusals')], served,
          (r) => [num(r.requests), num(r.evaluated), num(r.followUps), num(rateLimited(r)), h('td', refusedText(others(r)))])),
      h('section.card', { 'aria-labelledby': 'asked-title' },
        h('h2#asked-title', t('matchAudit.asked')),
        h('p.hint', t('matchAudit.askedHint')),
        table('match-asked', t('matchAudit.asked'), [t('matchAudit.holder'), t('matchAudit.checks'), t('matchAudit.values'), t('matchAudit.hits'), t('matchAudit.followUpsSent'), t('matchAudit.rateLimited'), t('matchAudit.otherRefusals')], asked,
          (r) => [num(r.requests), num(r.elements), num(r.hits), num(r.followUps), num(rateLimited(r)), h('td', refusedText(others(r)))])));
  };
  await refresh();
  return { refresh, live: 'ledger' };
}

