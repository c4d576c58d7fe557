// Auditor: the exchange log (metadata and digests only), one message's timeline, the current
// checkpoint with its witnesses, alerts, and the audit bundle download. Each screen is read again
// when the node pushes a `ledger` event (the ledger grew, or the checkpoint or its cosignatures changed).
import { api, ApiError, query } from '../api.js';
import { announce, clear, copyButton, h, scrollRegion } from '../dom.js';
import { eventLabel, kindLabel, time } from '../format.js';
import { formatBytes } from '../attachments.js';
import { csvHeader, csvLine } from '../csv.js';
import { refusalText } from '../forms.js';
import { formatNumber, t } from '../i18n.js';
import { checkNote, directoryKeys } from '../notes.js';
import { session } from '../session.js';

const EVENTS = ['sent', 'received', 'delivered', 'acknowledged', 'answered', 'declined', 'expired', 'rejected', 'directory-updated', 'key-changed',
  'attachment-sent', 'attachment-received', 'attachment-refused', 'attachment-delivered', 'attachment-deleted'];
const PAGE = 50;
/** The node's largest page (audit.query.ts MAX_PAGE): counting and CSV export read this many at a time. */
const BULK_PAGE = 1000;
/** Counting stops after this many entries ("more than …"); the CSV export reads everything. */
const COUNT_LIMIT = 20_000;
const state = { since: '', until: '', counterpart: '', kind: '', event: '', messageId: '' };

const toIso = (local) => (local ? new Date(local).toISOString() : '');
const short = (digest) => (digest ? h('code', { title: digest }, `${digest.slice(0, 12)}…`) : h('span.muted', '—'));
// An attachment's entry holds its facts only: media type (kind), SHA-256 (digest) and size
// (reason, "N bytes"); its content is never in the ledger, nor shown here.
const isAttachment = (e) => String(e.event).startsWith('attachment-');
const kindCell = (e) => (isAttachment(e) && e.kind ? h('code.media-type', e.kind) : e.kind ? kindLabel(e.kind) : h('span.muted', '—'));
const reasonText = (e) => {
  const size = isAttachment(e) ? /^(\d+) bytes$/.exec(e.reason ?? '') : null;
  return size ? t('audit.attachmentSize', { size: formatBytes(Number(size[1])), bytes: formatNumber(Number(size[1])) }) : e.reason ?? '';
};

/** GET /audit/entries answers { entries, next } (next: the keyset cursor, or null on the last page). */
function page(result) {
  return { entries: result.entries ?? [], next: result.next ?? null };
}

function filterParams() {
  return { from: toIso(state.since), to: toIso(state.until), counterpart: state.counterpart, kind: state.kind, event: state.event, messageId: state.messageId };
}

const apiMessage = (e) => (e instanceof ApiError ? refusalText(e) : e.message);

/** Every entry matching the filters, page by page (keyset), stopping after `max`. */
async function* allEntries(max = Infinity) {
  let after = '';
  let seen = 0;
  for (;;) {
    const result = page(await api(`/audit/entries${query({ ...filterParams(), after, limit: BULK_PAGE })}`));
    for (const e of result.entries) {
      if (seen++ >= max) return;
      yield e;
    }
    if (!result.next) return;
    after = result.next;
  }
}

async function exportCsv(button, status) {
  button.disabled = true;
  status.textContent = t('audit.csvPreparing');
  try {
    const lines = [csvHeader()];
    for await (const e of allEntries()) lines.push(csvLine(e));
    const name = `ledger-${session.principal.agency}-${new Date().toISOString().replace(/[:.]/g, '-')}.csv`;
    const url = URL.createObjectURL(new Blob([`${lines.join('\r\n')}\r\n`], { type: 'text/csv;charset=utf-8' }));
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    status.textContent = t('audit.csvDone', { name, count: formatNumber(lines.length - 1) });
    announce(t('audit.csvAnnounce'));
  } catch (e) {
    status.textContent = t('audit.csvFailed', { reason: apiMessage(e) });
  } finally {
    button.disabled = false;
  }
}

async function countMatching() {
  let n = 0;
  for await (const _ of allEntries(COUNT_LIMIT + 1)) n++; // eslint-disable-line no-unused-vars
  return n > COUNT_LIMIT ? t('audit.countMore', { count: formatNumber(COUNT_LIMIT) }) : t('audit.count', { count: formatNumber(n) });
}

/** A message id in full (UUIDv7 ids of one second share their first characters), with a copy button. */
const idCell = (id, label) => (id ? h('span.id-cell', h('a', { href: `#/audit/message/${id}` }, h('code', id)), ' ', copyButton(id, t(label, { id }))) : h('span.muted', '—'));

/** First seq at or after a time (null when the log has none yet). */
async function firstSeqAt(iso) {
  const r = await api(`/audit/entries${query({ from: iso, limit: 1 })}`);
  return r.entries?.[0]?.seq ?? null;
}

/**
 * A bundle is a contiguous, provable range of the log (from ≤ seq < to): the span of one
 * message's entries, or the span of the chosen time range. Counterpart, kind and event filters
 * cannot narrow a provable range; the bundle then holds every entry of that span.
 */
async function bundleRange() {
  if (state.messageId) {
    const t = await api(`/audit/messages/${encodeURIComponent(state.messageId)}/timeline`);
    const seqs = t.entries.map((e) => e.seq);
    return { from: Math.min(...seqs), to: Math.max(...seqs) + 1 };
  }
  const range = {};
  if (state.since) {
    const from = await firstSeqAt(toIso(state.since));
    if (from === null) throw new Error(t('audit.noEntryAfter'));
    range.from = from;
  }
  if (state.until) {
    const to = await firstSeqAt(toIso(state.until));
    if (to !== null) range.to = to;
  }
  return range;
}

const activeFilter = () => Object.values(state).some(Boolean);

function entryTable(entries, caption) {
  const columns = ['seq', 'time', 'event', 'kind', 'counterpart', 'message', 're', 'digest', 'actor', 'reason'];
  return scrollRegion(caption, h('table.data.ledger', h('caption.visually-hidden', caption),
    h('thead', h('tr', columns.map((c) => h('th', { scope: 'col' }, t(`audit.col.${c}`))))),
    h('tbody', entries.map((e) => h('tr', { dataset: { seq: e.seq, event: e.event } },
      h('td.num', formatNumber(e.seq)),
      h('td', time(e.time)),
      h('td', h(`span.badge.event.event-${e.event}`, eventLabel(e.event))),
      h('td', kindCell(e)),
      h('td', e.counterpart ?? h('span.muted', '—')),
      h('td', idCell(e.messageId, 'audit.copyMessage')),
      h('td', idCell(e.re, 'audit.copyRe')),
      h('td', short(e.digest)),
      h('td.actor', e.actor ?? h('span.muted', '—')),
      h('td', reasonText(e)))))));
}

const WAIT_FOR_CHECKPOINT_MS = 5 * 60_000;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The bundle response. A range whose end no signed checkpoint covers yet (the newest events of a
 * message) is answered 409 not_checkpointed: wait for the next checkpoint round instead of failing.
 */
async function fetchBundle(params, status) {
  const giveUpAt = Date.now() + WAIT_FOR_CHECKPOINT_MS;
  for (;;) {
    try {
      return await api(`/audit/bundle${query(params)}`, { raw: true });
    } catch (e) {
      if (!(e instanceof ApiError && (e.reason === 'not_checkpointed' || e.body.code === 'not_checkpointed')) || Date.now() > giveUpAt) throw e;
      const seconds = Math.min(e.body.retryAfterSeconds ?? 5, 30);
      status.textContent = t('audit.waitCheckpoint', { reason: e.body.detail ?? e.message, seconds });
      await sleep(seconds * 1000);
    }
  }
}

async function download(button, status) {
  button.disabled = true;
  status.textContent = t('audit.bundlePreparing');
  try {
    const params = await bundleRange();
    const response = await fetchBundle(params, status);
    const blob = await response.blob();
    const disposition = response.headers.get('content-disposition') ?? '';
    const name = /filename="?([^";]+)"?/.exec(disposition)?.[1] ?? `audit-bundle-${session.principal.agency}-${new Date().toISOString().replace(/[:.]/g, '-')}.ndjson`;
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: true });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60000);
    status.textContent = t('audit.bundleDone', { name, size: formatNumber(Math.ceil(blob.size / 1024)) });
    announce(t('audit.bundleAnnounce'));
  } catch (e) {
    status.textContent = t('audit.bundleFailed', { reason: apiMessage(e) });
  } finally {
    button.disabled = false;
  }
}

export async function renderLog(main) {
  const region = h('div#log-region', { 'aria-live': 'polite' });
  const pager = h('nav.pager', { 'aria-label': t('audit.pages') });
  const bundleStatus = h('p#bundle-status.muted', { role: 'status' });
  const csvStatus = h('p#csv-status.muted', { role: 'status' });
  const total = h('p#log-total', { role: 'status' });
  const checkpointRegion = h('div#checkpoint-summary');
  const cursors = [null]; // keyset cursors of the pages visited; the last is the current page's
  let shown = [];
  let counted = null; // the filters the total was counted for

  const input = (name, label, attrs = {}) => h('div.filter',
    h('label', { for: `audit-${name}` }, label),
    h('input', { id: `audit-${name}`, name, value: state[name], ...attrs }));
  const sel = (name, label, options) => h('div.filter',
    h('label', { for: `audit-${name}` }, label),
    h('select', { id: `audit-${name}`, name }, options.map(([v, l]) => h('option', { value: v, selected: state[name] === v }, l))));
  const form = h('form#audit-filters.filters', { 'aria-label': t('audit.filterLabel'), role: 'search' },
    input('since', t('audit.since'), { type: 'datetime-local', step: 1 }),
    input('until', t('audit.until'), { type: 'datetime-local', step: 1 }),
    input('counterpart', t('audit.counterpart'), { size: 6, maxlength: 8, placeholder: t('inbox.senderPlaceholder') }),
    sel('kind', t('audit.kind'), [['', t('filter.any')], ...['identity-query', 'location-query', 'response', 'receipt', 'acknowledgement'].map((k) => [k, kindLabel(k)])]),
    sel('event', t('audit.event'), [['', t('filter.any')], ...EVENTS.map((e) => [e, eventLabel(e)])]),
    input('messageId', t('audit.messageId'), { size: 38, placeholder: 'UUID', spellcheck: 'false' }),
    h('div.filter.buttons', h('button.primary', { type: 'submit' }, t('audit.apply')), h('button.secondary', { type: 'button', id: 'audit-reset', on: { click: () => {
      for (const k of Object.keys(state)) state[k] = '';
      for (const el of form.querySelectorAll('input, select')) el.value = '';
      cursors.splice(0, cursors.length, null);
      load().catch(showError);
    } } }, t('audit.clear'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    for (const el of form.querySelectorAll('input, select')) state[el.name] = el.value.trim();
    state.counterpart = state.counterpart.toUpperCase();
    cursors.splice(0, cursors.length, null);
    load().catch(showError);
  });
  const error = h('p.error-box', { role: 'alert', hidden: true });
  const showError = (e) => {
    if (e instanceof ApiError && e.status === 401) return;
    error.textContent = apiMessage(e);
    error.hidden = false;
  };

  const recount = async () => {
    const key = JSON.stringify(filterParams());
    if (counted === key) return;
    counted = key;
    total.textContent = t('audit.counting');
    const text = await countMatching();
    if (counted === key) total.textContent = text;
  };

  const load = async () => {
    const after = cursors[cursors.length - 1];
    const result = page(await api(`/audit/entries${query({ ...filterParams(), after: after ?? '', limit: PAGE })}`));
    error.hidden = true;
    shown = result.entries;
    if (shown.length === 0) {
      clear(region, h('div.empty', h('p', activeFilter() ? t('audit.noMatch') : t('audit.empty'))));
    } else {
      clear(region,
        state.messageId ? h('p.notice-box', t('audit.aboutMessage'), ' ', h('code', state.messageId), '. ', t('audit.seeTimeline'), ' ',
          h('a', { href: `#/audit/message/${state.messageId}`, id: 'open-timeline' }, t('audit.fullTimeline'))) : null,
        h('p.muted', t(activeFilter() ? 'audit.rangeFiltered' : 'audit.range', { from: formatNumber(shown[0].seq), to: formatNumber(shown[shown.length - 1].seq) })), entryTable(shown, t('audit.tableRegion')));
    }
    clear(pager,
      h('button.secondary', { type: 'button', disabled: cursors.length <= 1, on: { click: () => { cursors.pop(); load().catch(showError); } } }, t('audit.previous')),
      h('span', ` ${t('audit.page', { page: formatNumber(cursors.length) })} `),
      h('button.secondary', { type: 'button', id: 'next-page', disabled: result.next === null || result.next === undefined, on: { click: () => { cursors.push(result.next); load().catch(showError); } } }, t('audit.next')));
    await recount();
  };

  const bundleButton = h('button.primary', { type: 'button', id: 'download-bundle', 'aria-describedby': 'bundle-help', on: { click: () => download(bundleButton, bundleStatus) } }, t('audit.bundle'));
  const csvButton = h('button.secondary', { type: 'button', id: 'export-csv', on: { click: () => exportCsv(csvButton, csvStatus) } }, t('audit.csv'));

  clear(main,
    h('div.page-head', h('h1', t('audit.title')), h('div.actions', csvButton, bundleButton)),
    h('p.lead', t('audit.lead', { agency: session.principal.agency })),
    h('p.hint#bundle-help', t('audit.bundleHelp'), ' ', h('code', 'liaison verify'), '.'),
    bundleStatus,
    csvStatus,
    checkpointRegion,
    form, error, total, region, pager);
  const refreshCheckpoint = async () => {
    try {
      const [cp, alerts] = await Promise.all([checkpointStatus(), api('/audit/alerts?limit=100')]);
      const count = alerts.alerts?.length ?? 0;
      clear(checkpointRegion,
        count ? h('p.error-box', { role: 'alert', id: 'alerts-summary' }, h('strong', `⚠ ${t('audit.alertCount', { count: `${formatNumber(count)}${alerts.next ? '+' : ''}` })} `),
          t('audit.alertText'), ' ', h('a', { href: '#/audit/checkpoint' }, t('audit.seeAlerts'))) : null,
        checkpointSummary(cp, true));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) clear(checkpointRegion, h('p.error-box', t('audit.checkpointError', { reason: apiMessage(e) })));
    }
  };
  await Promise.all([load().catch(showError), refreshCheckpoint()]);
  return { live: 'ledger', refresh: async () => {
    await refreshCheckpoint();
    if (cursors.length === 1 && !document.activeElement?.closest('#audit-filters')) {
      const before = shown.map((e) => e.seq).join();
      await load();
      if (shown.map((e) => e.seq).join() !== before) {
        counted = null; // new entries: count again
        await recount();
      }
    }
  } };
}

let keysCache = null;
async function checkpointStatus() {
  let cp;
  try {
    cp = await api('/audit/checkpoint');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return { cp: null };
    throw e;
  }
  let check = null;
  try {
    if (!keysCache) keysCache = directoryKeys(await (await fetch('/directory.jws')).text());
    check = await checkNote(cp.cosignedNote ?? cp.note, session.principal.agency, keysCache);
  } catch (e) {
    check = { error: e.message };
  }
  return { cp, check };
}

function checkpointSummary({ cp, check }, compact) {
  if (!cp) return h('section.card.checkpoint', h('h2', t('cp.checkpoint')), h('p', t('cp.none')));
  const validWitnesses = check?.cosignatures?.filter((c) => c.valid) ?? [];
  const witnessCount = check?.cosignatures ? validWitnesses.length : (cp.cosignatures ?? []).length;
  const quorum = cp.quorum ?? 1;
  const serverVerified = cp.verified ?? cp.verification?.ok ?? null;
  const verified = check && !check.error ? check.logSignature && (serverVerified !== false) : false;
  const witnessed = witnessCount >= quorum && (cp.witnessed ?? true);
  return h('section.card.checkpoint', { 'aria-labelledby': 'cp-title', dataset: { verified: String(verified), witnessed: String(witnessed) } },
    h('h2#cp-title', t('cp.current')),
    h('div.cp-status',
      h(`p.status-line.${verified ? 'ok' : 'bad'}`, { id: 'cp-verified' }, verified ? `✔ ${t('cp.verified')}` : `✖ ${t('cp.notVerified')}`,
        h('span.muted', ` — ${verified ? t('cp.verifiedText', { agency: session.principal.agency }) : check?.error ?? t('cp.notVerifiedText')}`)),
      h(`p.status-line.${witnessed ? 'ok' : 'warn'}`, { id: 'cp-witnessed' }, `${witnessed ? '✔' : '⚠'} ${t('cp.witnessed', { count: formatNumber(witnessCount) })}`,
        h('span.muted', ` ${t('cp.quorum', { quorum: formatNumber(quorum) })}${validWitnesses.length ? ` (${validWitnesses.map((c) => c.witness).join(', ')})` : ''}`))),
    h('dl.meta',
      h('dt', t('cp.size')), h('dd', formatNumber(cp.size)),
      h('dt', t('cp.signed')), h('dd', time(cp.createdAt)),
      compact ? null : [h('dt', t('cp.root')), h('dd', h('code', cp.rootHash ?? check?.note?.root ?? '—'))]),
    compact ? h('p', h('a', { href: '#/audit/checkpoint' }, t('cp.details'))) : null,
    !compact && check?.cosignatures ? scrollRegion(t('cp.cosignatures'), h('table.data', h('caption', t('cp.cosignatures')),
      h('thead', h('tr', h('th', { scope: 'col' }, t('cp.witness')), h('th', { scope: 'col' }, t('cp.cosignedAt')), h('th', { scope: 'col' }, t('cp.signature')))),
      h('tbody', check.cosignatures.map((c) => h('tr', h('td', c.witness), h('td', time(c.time)), h('td', c.valid ? h('span.ok', `✔ ${t('cp.valid')}`) : h('span.bad', `✖ ${t('cp.invalid')}`))))))) : null,
    !compact ? h('details', h('summary', t('cp.note')), h('pre', cp.cosignedNote ?? cp.note)) : null);
}

export async function renderCheckpoint(main) {
  const cpRegion = h('div#checkpoint-region');
  const alertRegion = h('div#alerts-region');
  clear(main, h('h1', t('title.checkpoint')), cpRegion, h('h2', t('cp.alerts')), alertRegion);
  const refresh = async () => {
    clear(cpRegion, checkpointSummary(await checkpointStatus(), false));
    let alerts = await api('/audit/alerts');
    alerts = Array.isArray(alerts) ? alerts : alerts.alerts ?? [];
    if (alerts.length === 0) {
      clear(alertRegion, h('div.empty.ok-box', h('p', t('cp.noAlerts'))));
      return;
    }
    clear(alertRegion, h('ul.alerts', alerts.map((a) => h('li.alert-item', { role: 'alert' },
      h('strong', a.reason ?? a.type ?? t('cp.alert')), ' — ',
      a.witness ? t('cp.byWitness', { witness: a.witness }) : '', a.origin ? ` · ${a.origin}` : '', ' ', time(a.createdAt ?? a.created_at ?? a.time),
      a.evidenceDigest || a.evidence_digest ? h('p', t('cp.evidence'), ' ', short(a.evidenceDigest ?? a.evidence_digest)) : null,
      a.detail ? h('p', a.detail) : null))));
  };
  await refresh();
  return { refresh, live: 'ledger' };
}

export async function renderMessage(main, id) {
  const region = h('div#message-timeline');
  clear(main, h('p', h('a', { href: '#/audit' }, t('audit.back'))), h('h1', t('title.timeline')), h('p', t('audit.message'), ' ', h('code', id), ' ', copyButton(id, t('audit.copyMessage', { id }))), region);
  const refresh = async () => {
    let entries = [];
    try {
      entries = (await api(`/audit/messages/${id}/timeline`)).entries;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    if (entries.length === 0) {
      clear(region, h('div.empty', h('p', t('audit.noEntry'))));
      return;
    }
    clear(region,
      h('ol.event-timeline', entries.map((e) => h('li', { dataset: { event: e.event } },
        h('span.badge.event', eventLabel(e.event)), ' ', e.kind ? kindCell(e) : '', e.counterpart ? ` · ${e.agency && e.agency !== session.principal.agency ? `${e.agency} ↔ ` : ''}${e.counterpart}` : '', ' · ', time(e.time),
        e.actor ? h('span.actor', ` · ${t('sent.by', { actor: e.actor })}`) : null, e.reason ? h('span', ` · ${reasonText(e)}`) : null))),
      entryTable(entries, t('audit.tableMessage')));
  };
  await refresh();
  return { refresh, live: 'ledger' };
}
