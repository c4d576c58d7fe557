// Auditor: the exchange log (metadata and digests only), one message's timeline, the current
// checkpoint with its witnesses, alerts, and the audit bundle download.
import { api, ApiError, query } from '../api.js';
import { announce, clear, h } from '../dom.js';
import { kindLabel, time } from '../format.js';
import { checkNote, directoryKeys } from '../notes.js';
import { session } from '../session.js';

const EVENTS = ['sent', 'received', 'delivered', 'acknowledged', 'answered', 'declined', 'expired', 'rejected', 'directory-updated', 'key-changed'];
const PAGE = 50;
const state = { since: '', until: '', counterpart: '', kind: '', event: '', messageId: '' };

const toIso = (local) => (local ? new Date(local).toISOString() : '');
const short = (digest) => (digest ? h('code', { title: digest }, `${digest.slice(0, 12)}…`) : h('span.muted', '—'));

/** GET /audit/entries answers { entries, next } (next: the keyset cursor, or null on the last page). */
function page(result) {
  return { entries: result.entries ?? [], next: result.next ?? null };
}

function filterParams() {
  return { from: toIso(state.since), to: toIso(state.until), counterpart: state.counterpart, kind: state.kind, event: state.event, messageId: state.messageId };
}

const apiMessage = (e) => (e instanceof ApiError ? (e.body.fields?.map((f) => `${f.field} ${f.message}`).join('; ') || (e.body.field ? `${e.body.field}: ${e.message}` : e.message)) : e.message);

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
    if (from === null) throw new Error('the log has no entry after the chosen start time');
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
  return h('table.data.ledger', h('caption.visually-hidden', caption),
    h('thead', h('tr', ['Seq', 'Time', 'Event', 'Kind', 'Counterpart', 'Message', 'Refers to', 'Digest (SHA-256)', 'Actor', 'Reason'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', entries.map((e) => h('tr', { dataset: { seq: e.seq, event: e.event } },
      h('td.num', String(e.seq)),
      h('td', time(e.time)),
      h('td', h(`span.badge.event.event-${e.event}`, e.event)),
      h('td', e.kind ? kindLabel(e.kind) : h('span.muted', '—')),
      h('td', e.counterpart ?? h('span.muted', '—')),
      h('td', e.messageId ? h('a', { href: `#/audit/message/${e.messageId}`, title: e.messageId }, h('code', `${e.messageId.slice(0, 8)}…`)) : h('span.muted', '—')),
      h('td', e.re ? h('a', { href: `#/audit/message/${e.re}`, title: e.re }, h('code', `${e.re.slice(0, 8)}…`)) : h('span.muted', '—')),
      h('td', short(e.digest)),
      h('td', e.actor ?? h('span.muted', '—')),
      h('td', e.reason ?? '')))));
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
      if (!(e instanceof ApiError && e.reason === 'not_checkpointed') || Date.now() > giveUpAt) throw e;
      const seconds = Math.min(e.body.retryAfterSeconds ?? 5, 30);
      status.textContent = `Waiting for the next signed checkpoint (${e.message}); asking again in ${seconds} s…`;
      await sleep(seconds * 1000);
    }
  }
}

async function download(button, status) {
  button.disabled = true;
  status.textContent = 'Preparing the bundle…';
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
    status.textContent = `Downloaded ${name} (${Math.ceil(blob.size / 1024)} KiB). Verify it offline with: liaison verify ${name}`;
    announce('Audit bundle downloaded');
  } catch (e) {
    status.textContent = `The bundle could not be made: ${apiMessage(e)}`;
  } finally {
    button.disabled = false;
  }
}

export async function renderLog(main) {
  const region = h('div#log-region', { 'aria-live': 'polite' });
  const pager = h('nav.pager', { 'aria-label': 'Pages of the exchange log' });
  const bundleStatus = h('p#bundle-status.muted', { role: 'status' });
  const checkpointRegion = h('div#checkpoint-summary');
  const cursors = [null]; // keyset cursors of the pages visited; the last is the current page's
  let shown = [];

  const input = (name, label, attrs = {}) => h('div.filter',
    h('label', { for: `audit-${name}` }, label),
    h('input', { id: `audit-${name}`, name, value: state[name], ...attrs }));
  const sel = (name, label, options) => h('div.filter',
    h('label', { for: `audit-${name}` }, label),
    h('select', { id: `audit-${name}`, name }, options.map(([v, l]) => h('option', { value: v, selected: state[name] === v }, l))));
  const form = h('form#audit-filters.filters', { 'aria-label': 'Filter the exchange log', role: 'search' },
    input('since', 'From (time)', { type: 'datetime-local', step: 1 }),
    input('until', 'To (time)', { type: 'datetime-local', step: 1 }),
    input('counterpart', 'Counterpart agency', { size: 6, maxlength: 8, placeholder: 'e.g. ES' }),
    sel('kind', 'Kind', [['', 'Any'], ['identity-query', 'Identity query'], ['location-query', 'Location query'], ['response', 'Response'], ['receipt', 'Receipt'], ['acknowledgement', 'Acknowledgement']]),
    sel('event', 'Event', [['', 'Any'], ...EVENTS.map((e) => [e, e])]),
    input('messageId', 'Message id', { size: 38, placeholder: 'UUID', spellcheck: 'false' }),
    h('div.filter.buttons', h('button.primary', { type: 'submit' }, 'Apply filters'), h('button.secondary', { type: 'button', id: 'audit-reset', on: { click: () => {
      for (const k of Object.keys(state)) state[k] = '';
      for (const el of form.querySelectorAll('input, select')) el.value = '';
      cursors.splice(0, cursors.length, null);
      load().catch(showError);
    } } }, 'Clear')));
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

  const load = async () => {
    const after = cursors[cursors.length - 1];
    const result = page(await api(`/audit/entries${query({ ...filterParams(), after: after ?? '', limit: PAGE })}`));
    error.hidden = true;
    shown = result.entries;
    if (shown.length === 0) {
      clear(region, h('div.empty', h('p', activeFilter() ? 'No ledger entry matches these filters.' : 'The ledger has no entries yet.')));
    } else {
      clear(region,
        state.messageId ? h('p.notice-box', 'Entries about message ', h('code', state.messageId), '. Receipts, acknowledgements and answers that refer to it are on ',
          h('a', { href: `#/audit/message/${state.messageId}`, id: 'open-timeline' }, 'its full timeline'), '.') : null,
        h('p.muted', `Entries ${shown[0].seq} to ${shown[shown.length - 1].seq}${activeFilter() ? ' matching the filters' : ''}.`), entryTable(shown, 'Ledger entries'));
    }
    clear(pager,
      h('button.secondary', { type: 'button', disabled: cursors.length <= 1, on: { click: () => { cursors.pop(); load().catch(showError); } } }, '← Previous page'),
      h('span', ` Page ${cursors.length} `),
      h('button.secondary', { type: 'button', id: 'next-page', disabled: result.next === null || result.next === undefined, on: { click: () => { cursors.push(result.next); load().catch(showError); } } }, 'Next page →'));
  };

  const bundleButton = h('button.primary', { type: 'button', id: 'download-bundle', 'aria-describedby': 'bundle-help', on: { click: () => download(bundleButton, bundleStatus) } }, 'Download audit bundle');

  clear(main,
    h('div.page-head', h('h1', 'Exchange log'), h('div', bundleButton)),
    h('p.lead', `The ${session.principal.agency} ledger: who sent which kind of notice to whom and when, with digests. It holds no notice content.`),
    h('p.hint#bundle-help', 'The bundle covers the filtered message or time range (the whole log without one) and can be verified offline with ', h('code', 'liaison verify'), '.'),
    bundleStatus,
    checkpointRegion,
    form, error, region, pager);
  const refreshCheckpoint = async () => {
    try {
      const [cp, alerts] = await Promise.all([checkpointStatus(), api('/audit/alerts?limit=100')]);
      const count = alerts.alerts?.length ?? 0;
      clear(checkpointRegion,
        count ? h('p.error-box', { role: 'alert', id: 'alerts-summary' }, h('strong', `⚠ ${count}${alerts.next ? '+' : ''} alert${count === 1 ? '' : 's'}: `),
          'a witness refused a checkpoint (a possible fork or rewrite of a ledger). ', h('a', { href: '#/audit/checkpoint' }, 'See the alerts')) : null,
        checkpointSummary(cp, true));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 401)) clear(checkpointRegion, h('p.error-box', `Checkpoint: ${e.message}`));
    }
  };
  await Promise.all([load().catch(showError), refreshCheckpoint()]);
  return { refresh: async () => {
    await refreshCheckpoint();
    if (cursors.length === 1 && !document.activeElement?.closest('#audit-filters')) await load();
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
  if (!cp) return h('section.card.checkpoint', h('h2', 'Checkpoint'), h('p', 'No checkpoint has been signed yet.'));
  const validWitnesses = check?.cosignatures?.filter((c) => c.valid) ?? [];
  const witnessCount = check?.cosignatures ? validWitnesses.length : (cp.cosignatures ?? []).length;
  const quorum = cp.quorum ?? 1;
  const serverVerified = cp.verified ?? cp.verification?.ok ?? null;
  const verified = check && !check.error ? check.logSignature && (serverVerified !== false) : false;
  const witnessed = witnessCount >= quorum && (cp.witnessed ?? true);
  return h('section.card.checkpoint', { 'aria-labelledby': 'cp-title', dataset: { verified: String(verified), witnessed: String(witnessed) } },
    h('h2#cp-title', 'Current checkpoint'),
    h('div.cp-status',
      h(`p.status-line.${verified ? 'ok' : 'bad'}`, { id: 'cp-verified' }, verified ? '✔ Verified' : '✖ Not verified',
        h('span.muted', verified ? ` — the log signature checks against ${session.principal.agency}'s key in the federation directory` : ` — ${check?.error ?? 'the log signature does not check'}`)),
      h(`p.status-line.${witnessed ? 'ok' : 'warn'}`, { id: 'cp-witnessed' }, witnessed ? `✔ Witnessed by ${witnessCount}` : `⚠ Witnessed by ${witnessCount}`,
        h('span.muted', ` of at least ${quorum} required${validWitnesses.length ? ` (${validWitnesses.map((c) => c.witness).join(', ')})` : ''}`))),
    h('dl.meta',
      h('dt', 'Tree size'), h('dd', String(cp.size)),
      h('dt', 'Signed'), h('dd', time(cp.createdAt)),
      compact ? null : [h('dt', 'Root hash'), h('dd', h('code', cp.rootHash ?? check?.note?.root ?? '—'))]),
    compact ? h('p', h('a', { href: '#/audit/checkpoint' }, 'Checkpoint details and alerts')) : null,
    !compact && check?.cosignatures ? h('table.data', h('caption', 'Cosignatures'),
      h('thead', h('tr', h('th', { scope: 'col' }, 'Witness'), h('th', { scope: 'col' }, 'Cosigned at'), h('th', { scope: 'col' }, 'Signature'))),
      h('tbody', check.cosignatures.map((c) => h('tr', h('td', c.witness), h('td', time(c.time)), h('td', c.valid ? h('span.ok', '✔ valid') : h('span.bad', '✖ invalid')))))) : null,
    !compact ? h('details', h('summary', 'Signed note (C2SP tlog-checkpoint)'), h('pre', cp.cosignedNote ?? cp.note)) : null);
}

export async function renderCheckpoint(main) {
  const cpRegion = h('div#checkpoint-region');
  const alertRegion = h('div#alerts-region');
  clear(main, h('h1', 'Checkpoint and alerts'), cpRegion, h('h2', 'Alerts'), alertRegion);
  const refresh = async () => {
    clear(cpRegion, checkpointSummary(await checkpointStatus(), false));
    let alerts = await api('/audit/alerts');
    alerts = Array.isArray(alerts) ? alerts : alerts.alerts ?? [];
    if (alerts.length === 0) {
      clear(alertRegion, h('div.empty.ok-box', h('p', 'No alerts: no witness has refused a checkpoint and no fork has been seen.')));
      return;
    }
    clear(alertRegion, h('ul.alerts', alerts.map((a) => h('li.alert-item', { role: 'alert' },
      h('strong', a.reason ?? a.type ?? 'alert'), ' — ',
      a.witness ? `witness ${a.witness}` : '', a.origin ? ` on ${a.origin}` : '', ' ', time(a.createdAt ?? a.created_at ?? a.time),
      a.evidenceDigest || a.evidence_digest ? h('p', 'Evidence digest ', short(a.evidenceDigest ?? a.evidence_digest)) : null,
      a.detail ? h('p', a.detail) : null))));
  };
  await refresh();
  return { refresh };
}

export async function renderMessage(main, id) {
  const region = h('div#message-timeline');
  clear(main, h('p', h('a', { href: '#/audit' }, '← Exchange log')), h('h1', 'Message timeline'), h('p', 'Message ', h('code', id)), region);
  const refresh = async () => {
    let entries = [];
    try {
      entries = (await api(`/audit/messages/${id}/timeline`)).entries;
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
    if (entries.length === 0) {
      clear(region, h('div.empty', h('p', 'This ledger has no entry about this message.')));
      return;
    }
    clear(region,
      h('ol.event-timeline', entries.map((e) => h('li', { dataset: { event: e.event } },
        h('span.badge.event', e.event), ' ', e.kind ? kindLabel(e.kind) : '', e.counterpart ? ` · ${e.agency && e.agency !== session.principal.agency ? `${e.agency} ↔ ` : ''}${e.counterpart}` : '', ' · ', time(e.time),
        e.actor ? h('span.muted', ` · ${e.actor}`) : null, e.reason ? h('span', ` · ${e.reason}`) : null))),
      entryTable(entries, 'Ledger entries of this message'));
  };
  await refresh();
  return { refresh };
}
