// Administrator: the node's health and queues, the witness status of its latest checkpoint, the
// federation directory it trusts (and how old it is), and the messages its inbox refused, with
// their reasons (metadata only).
import { api, ApiError } from '../api.js';
import { clear, copyButton, h, scrollRegion } from '../dom.js';
import { duration, time } from '../format.js';
import { formatNumber, t } from '../i18n.js';
import { directoryPayload } from '../notes.js';

async function health() {
  try {
    return await api('/health/ready');
  } catch (e) {
    if (e instanceof ApiError && e.status === 503) return e.body; // { status: 'not ready', checks }
    throw e;
  }
}

function healthCard(h0) {
  const ready = h0?.status === 'ready';
  return h('section.card#health', { 'aria-labelledby': 'health-title', dataset: { ready: String(ready) } },
    h('h2#health-title', t('admin.health')),
    h(`p.status-line.${ready ? 'ok' : 'bad'}`, ready ? `✔ ${t('admin.ready')}` : `✖ ${t('admin.notReady')}`),
    h('dl.meta', Object.entries(h0?.checks ?? {}).flatMap(([name, check]) => [h('dt', t(`admin.check.${name}`, { defaultValue: name })), h('dd', checkText(check))])));
}

/** A readiness check: `{ status, reason? }` (or the older plain string). */
function checkText(check) {
  const status = typeof check === 'string' ? check : check?.status;
  const reason = typeof check === 'string' ? null : check?.reason;
  const word = status === 'up' ? t('admin.up') : status;
  return reason ? `${word}: ${reason}` : word;
}

/** The latest checkpoint, or null before the first one. */
async function checkpoint() {
  try {
    return await api('/audit/checkpoint');
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return null;
    throw e;
  }
}

/** The node's own word on its latest checkpoint (the auditor's screen checks every signature itself). */
function witnessCard(cp) {
  const cosignatures = cp?.cosignatures ?? [];
  return h('section.card#witness', { 'aria-labelledby': 'witness-title', dataset: { witnessed: String(Boolean(cp?.witnessed)) } },
    h('h2#witness-title', t('admin.witness')),
    !cp ? h('p', t('cp.none')) : [
      h(`p.status-line.${cp.witnessed ? 'ok' : 'warn'}#quorum-status`, `${cp.witnessed ? '✔' : '⚠'} ${t(cp.witnessed ? 'admin.quorumMet' : 'admin.quorumNotMet')}`,
        h('span.muted', ` — ${t('cp.witnessed', { count: formatNumber(cosignatures.length) })} ${t('cp.quorum', { quorum: formatNumber(cp.quorum) })}`)),
      h('dl.meta',
        h('dt', t('cp.size')), h('dd#checkpoint-size', formatNumber(cp.size)),
        h('dt', t('cp.signed')), h('dd', time(cp.createdAt))),
      cosignatures.length === 0 ? null : scrollRegion(t('cp.cosignatures'), h('table.data.cosignatures', h('caption.visually-hidden', t('cp.cosignatures')),
        h('thead', h('tr', h('th', { scope: 'col' }, t('cp.witness')), h('th', { scope: 'col' }, t('cp.cosignedAt')))),
        h('tbody', cosignatures.map((c) => h('tr', h('td', c.witness), h('td', time(c.verifiedAt))))))),
    ]);
}

function directoryCard(dir, jws) {
  let issued = null;
  try {
    issued = jws ? directoryPayload(jws).issued_at : null;
  } catch {
    issued = null;
  }
  return h('section.card#directory', { 'aria-labelledby': 'directory-title' },
    h('h2#directory-title', t('admin.directory')),
    h('dl.meta',
      h('dt', t('admin.federation')), h('dd', dir.federation ?? '—'),
      h('dt', t('admin.serial')), h('dd', dir.serial === null ? '—' : formatNumber(dir.serial)),
      h('dt', t('admin.issued')), h('dd', issued ? [time(issued), ' — ', h('span#directory-age', t('admin.age', { age: duration(Date.now() - Date.parse(issued)) }))] : '—'),
      h('dt', t('admin.agencies')), h('dd', formatNumber(dir.agencies.length))),
    scrollRegion(t('admin.agencies'), h('table.data', h('caption.visually-hidden', t('admin.agencies')),
      h('thead', h('tr', [t('admin.code'), t('admin.name'), t('admin.country')].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', dir.agencies.map((a) => h('tr', h('td', a.code), h('td', a.name), h('td', a.country ?? '—')))))));
}

/** The samples of the node's Prometheus text (`/metrics`) whose name is one of `names`. */
export function samples(text, names) {
  const out = [];
  for (const line of text.split('\n')) {
    const m = /^([a-z_]+)(?:\{([^}]*)\})? ([0-9.eE+-]+)$/.exec(line);
    if (m && names.includes(m[1])) out.push({ name: m[1], labels: Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]])), value: Number(m[3]) });
  }
  return out;
}

const BACKLOG = 'liaison_outbox_backlog';
const LAG = 'liaison_inbox_consumer_lag';
const REFUSED = 'liaison_notices_rejected_total';

function queuesCard(metrics) {
  const found = samples(metrics, [BACKLOG, LAG, REFUSED]);
  const sum = (name) => found.filter((s) => s.name === name).reduce((n, s) => n + s.value, 0);
  const refused = found.filter((s) => s.name === REFUSED && s.value > 0);
  return h('section.card#queues', { 'aria-labelledby': 'queues-title' },
    h('h2#queues-title', t('admin.queues')),
    h('dl.meta',
      h('dt', t('admin.backlog')), h('dd#outbox-backlog', formatNumber(sum(BACKLOG))),
      h('dt', t('admin.lag')), h('dd#consumer-lag', formatNumber(sum(LAG))),
      h('dt', t('admin.refusedSinceStart')), h('dd#refused-by-code', refused.length ? refused.map((s) => `${s.labels.code}: ${formatNumber(s.value)}`).join(' · ') : formatNumber(0))));
}

function rejectedCard(rows) {
  return h('section.card#rejected', { 'aria-labelledby': 'rejected-title' },
    h('h2#rejected-title', t('admin.rejected')),
    h('p', { id: 'rejected-count' }, t('admin.rejectedCount', { count: formatNumber(rows.length) })),
    rows.length === 0 ? h('p.ok-box', t('admin.noRejected')) : scrollRegion(t('admin.rejected'), h('table.data.rejected', h('caption.visually-hidden', t('admin.rejected')),
      h('thead', h('tr', ['time', 'sender', 'code', 'detail', 'message', 'position'].map((c) => h('th', { scope: 'col' }, t(`admin.col.${c}`))))),
      h('tbody', rows.map((r) => h('tr', { dataset: { code: r.code } },
        h('td', time(r.rejectedAt)),
        h('td', r.claimedSender ?? '—'),
        h('td', h('code', r.code)),
        h('td', r.detail ?? ''),
        h('td', r.messageId ? [h('code', r.messageId), ' ', copyButton(r.messageId, t('audit.copyMessage', { id: r.messageId }))] : '—'),
        h('td', `${r.partition}/${r.offset}`)))))));
}

export async function render(main) {
  const region = h('div#admin');
  clear(main, h('h1', t('title.admin')), h('p.lead', t('admin.lead')), region);
  let last = '';
  const refresh = async () => {
    const [state, cp, dir, jws, rejected, metrics] = await Promise.all([
      health(),
      checkpoint(),
      api('/directory'),
      fetch('/directory.jws').then((r) => r.text()).catch(() => ''),
      api('/rejected?limit=200'),
      fetch('/metrics').then((r) => r.text()).catch(() => ''),
    ]);
    const queues = queuesCard(metrics);
    const key = JSON.stringify([state, cp, dir, jws, rejected, queues.textContent, Math.floor(Date.now() / 60000)]);
    if (key === last) return; // redraw only on change (and each minute: the directory's age)
    last = key;
    clear(region, healthCard(state), queues, witnessCard(cp), directoryCard(dir, jws), rejectedCard(rejected));
  };
  await refresh();
  return { refresh };
}
