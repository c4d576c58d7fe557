// The console's shell: sign-in, the header (who, agency, role, language), role-based
// navigation, the hash router, and keeping the open screen current: pushed events (SSE) for the
// inbox, the sent notices and the ledger screens, polling for the admin's health and queues.
import { api, ApiError, onUnauthorized } from './api.js';
import { announce, clear, h } from './dom.js';
import { authText, roleLabel } from './format.js';
import { LANGUAGES, language, setLanguage, t } from './i18n.js';
import { onLive, startLive, stopLive } from './live.js';
import { startNotifier, stopNotifier } from './notify.js';
import { clearSession, completeOidc, hasRole, rememberReturn, session, setToken, takeReturn } from './session.js';
import * as signin from './views/signin.js';
import * as compose from './views/compose.js';
import * as sent from './views/sent.js';
import * as inbox from './views/inbox.js';
import * as audit from './views/audit.js';
import * as admin from './views/admin.js';
import * as cases from './views/cases.js';
import * as privateMatch from './views/match.js';

/** Screens without pushed events (the admin's: health, queues) are read again this often. */
const POLL_MS = 5000;
/** Screens with pushed events are still redrawn this often: the time left changes by itself. */
const REDRAW_MS = 60_000;

const ROUTES = [
  { path: /^#\/compose$/, role: 'operator', title: 'title.compose', view: compose.render },
  { path: /^#\/match$/, role: 'operator', title: 'title.match', view: privateMatch.renderCheck },
  { path: /^#\/sent$/, role: 'operator', title: 'title.sent', view: sent.renderList },
  { path: /^#\/sent\/([0-9a-f-]{36})$/, role: 'operator', title: 'title.sentNotice', view: sent.renderDetail },
  { path: /^#\/inbox$/, role: 'liaison_officer', title: 'title.inbox', view: inbox.renderList },
  { path: /^#\/inbox\/([0-9a-f-]{36})$/, role: 'liaison_officer', title: 'title.received', view: inbox.renderDetail },
  { path: /^#\/audit$/, role: 'auditor', title: 'title.log', view: audit.renderLog },
  { path: /^#\/audit\/message\/([0-9a-f-]{36})$/, role: 'auditor', title: 'title.timeline', view: audit.renderMessage },
  { path: /^#\/audit\/checkpoint$/, role: 'auditor', title: 'title.checkpoint', view: audit.renderCheckpoint },
  { path: /^#\/audit\/match$/, role: 'auditor', title: 'title.matchAudit', view: privateMatch.renderAudit },
  { path: /^#\/admin$/, role: 'admin', title: 'title.admin', view: admin.render },
  { path: /^#\/admin\/match$/, role: 'admin', title: 'title.matchIndex', view: privateMatch.renderIndex },
  { path: /^#\/cases$/, role: ['operator', 'liaison_officer'], title: 'title.cases', view: cases.renderList },
  { path: /^#\/cases\/([0-9a-f-]{36})$/, role: ['operator', 'liaison_officer'], title: 'title.case', view: cases.renderDetail },
  { path: /^#\/thread\/([0-9a-f-]{36})$/, role: ['operator', 'liaison_officer'], title: 'title.thread', view: cases.renderThread },
];

const NAV = [
  { role: 'operator', href: '#/compose', label: 'nav.compose' },
  { role: 'operator', href: '#/match', label: 'nav.match' },
  { role: 'operator', href: '#/sent', label: 'nav.sent' },
  { role: 'liaison_officer', href: '#/inbox', label: 'nav.inbox' },
  // Officers read cases too; after the inbox, so an officer's home stays the inbox.
  { role: ['operator', 'liaison_officer'], href: '#/cases', label: 'nav.cases' },
  { role: 'auditor', href: '#/audit', label: 'nav.log' },
  { role: 'auditor', href: '#/audit/checkpoint', label: 'nav.checkpoint' },
  { role: 'auditor', href: '#/audit/match', label: 'nav.matchAudit' },
  { role: 'admin', href: '#/admin', label: 'nav.admin' },
  { role: 'admin', href: '#/admin/match', label: 'nav.matchIndex' },
];

const main = document.getElementById('main');
let current = null; // { refresh, live, dispose }
let timer = null;
let offLive = null;
let firstRoute = true;
// Each route() counts one up: a screen still loading when the person moved on is dropped, so that
// its refresh never replaces the newer screen's (a click while the start page loads).
let routing = 0;

/** Whether the signed-in principal has the role of a screen or nav item (one role, or any of several). */
const mayUse = (item) => [item.role].flat().some(hasRole);

function homeFor() {
  return NAV.find(mayUse)?.href ?? '#/signin';
}

/** The words of index.html itself, in the chosen language. */
// The skip link moves focus to the content; it must not change the hash (the router's).
document.querySelector('.skip-link').addEventListener('click', (ev) => {
  ev.preventDefault();
  main.focus();
});

function translateShell() {
  document.documentElement.lang = language();
  document.querySelector('.skip-link').textContent = t('shell.skip');
  document.getElementById('confirm-cancel').textContent = t('action.cancel');
  document.getElementById('nav').setAttribute('aria-label', t('shell.nav'));
}

function languagePicker() {
  return h('div.lang', h('label', { for: 'language' }, t('shell.language')),
    h('select', { id: 'language', on: { change: (ev) => {
      setLanguage(ev.target.value);
      translateShell();
      route();
      document.getElementById('language')?.focus();
    } } }, Object.entries(LANGUAGES).map(([code, name]) => h('option', { value: code, selected: code === language(), lang: code }, name))));
}

function renderHeader() {
  document.getElementById('node-agency').textContent = session.config.agency ? `· ${t('shell.node', { agency: session.config.agency })}` : '';
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!session.principal) {
    clear(nav);
    clear(who, languagePicker());
    return;
  }
  const items = NAV.filter(mayUse);
  const here = location.hash;
  const active = items.filter((n) => here === n.href || here.startsWith(`${n.href}/`)).sort((a, b) => b.href.length - a.href.length)[0];
  clear(nav, h('ul', items.map((n) => h('li', h('a', { href: n.href, 'aria-current': n === active ? 'page' : null }, t(n.label))))));
  const p = session.principal;
  clear(who,
    h('span.who-subject', { title: t('shell.signedInAs') }, p.subject),
    h('span.who-agency', { 'aria-label': t('shell.agency', { agency: p.agency }) }, p.agency),
    h('span.who-roles', p.roles.map(roleLabel).join(', ')),
    languagePicker(),
    h('button.link', { type: 'button', id: 'sign-out', on: { click: signOut } }, t('shell.signOut')));
}

function signOut() {
  stopLive();
  stopNotifier();
  clearSession();
  hideBanner();
  location.hash = '#/signin';
  announce(t('shell.signedOut'));
}

export function showBanner(message, action) {
  const banner = document.getElementById('banner');
  clear(banner, h('span', message), action ? h('button', { type: 'button', class: 'primary', on: { click: action.run } }, action.label) : null);
  banner.hidden = false;
}
function hideBanner() {
  const banner = document.getElementById('banner');
  banner.hidden = true;
  clear(banner);
}

/** A 401 while working: say why and offer to sign in again (keeping where the person was). */
onUnauthorized((error) => {
  if (!session.principal) return;
  stopUpdates();
  stopLive();
  stopNotifier();
  rememberReturn(location.hash);
  clearSession();
  renderHeader();
  showBanner(t('shell.signInAgainText', { why: authText(error) }), {
    label: t('shell.signInAgain'),
    run: () => {
      hideBanner();
      location.hash = '#/signin';
      route();
    },
  });
  document.getElementById('banner').querySelector('button')?.focus();
});

function stopUpdates() {
  if (timer) clearInterval(timer);
  timer = null;
  offLive?.();
  offLive = null;
}

function startSession() {
  startLive();
  if (hasRole('liaison_officer')) startNotifier();
}

async function signedIn(token, method) {
  setToken(token, method);
  try {
    session.principal = await api('/me');
  } catch (error) {
    clearSession();
    throw error;
  }
  hideBanner();
  renderHeader();
  startSession();
  location.hash = takeReturn() ?? homeFor();
  announce(t('shell.signedInAnnounce', { subject: session.principal.subject }));
}

const refreshQuietly = async () => {
  if (document.hidden) return;
  try {
    await current?.refresh();
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 401) console.warn('refresh failed', error);
  }
};

async function route() {
  // The first screen after the page loads leaves focus where the browser put it, so that the
  // first Tab reaches the skip link; later screens move focus to the new content.
  const initial = firstRoute;
  const generation = ++routing;
  firstRoute = false;
  stopUpdates();
  current?.dispose?.();
  current = null;
  let hash = location.hash || '#/';
  if (!session.principal && !hash.startsWith('#/signin')) {
    rememberReturn(hash);
    hash = '#/signin';
    history.replaceState(null, '', '#/signin');
  }
  if (hash === '#/' || hash === '#') {
    location.replace(homeFor());
    return;
  }
  renderHeader();
  clear(main);
  if (hash.startsWith('#/signin')) {
    document.title = `${t('title.signin')} · Liaison`;
    signin.render(main, { config: session.config, onToken: signedIn, focus: !initial });
    return;
  }
  const match = ROUTES.map((r) => ({ r, m: r.path.exec(hash) })).find((x) => x.m);
  if (!match) {
    clear(main, h('h1', t('shell.notFound')), h('p', t('shell.notFoundText'), ' ', h('a', { href: homeFor() }, t('shell.home'))));
    return;
  }
  const { r, m } = match;
  document.title = `${t(r.title)} · Liaison`;
  // A screen is for one role, or for any of several (cases and threads: officers read them too).
  if (!mayUse(r)) {
    const allowed = [r.role].flat();
    clear(main,
      h('h1', t('shell.notForRole')),
      h('p.notice-box', { role: 'alert', id: 'forbidden' }, t('shell.notForRoleText', { screen: t(r.title), role: allowed.map(roleLabel).join(' / '), roles: session.principal.roles.map(roleLabel).join(', ') })),
      h('p', h('a', { href: homeFor() }, t('shell.home'))));
    return;
  }
  let shown;
  try {
    shown = (await r.view(main, ...m.slice(1))) ?? null;
  } catch (error) {
    if (generation === routing) renderError(main, error);
    return;
  }
  if (generation !== routing) {
    shown?.dispose?.();
    return;
  }
  current = shown;
  if (!initial) main.focus({ preventScroll: true });
  if (current?.refresh) {
    const mine = current;
    if (mine.live) {
      offLive = onLive((type) => { if ((type === mine.live || type === 'open') && current === mine) refreshQuietly(); });
      timer = setInterval(refreshQuietly, REDRAW_MS);
    } else {
      timer = setInterval(refreshQuietly, POLL_MS);
    }
  }
}

export function renderError(container, error) {
  if (error instanceof ApiError && error.status === 401) return; // the banner says it
  const text = error instanceof ApiError
    ? error.status === 403 ? t('error.forbidden', { reason: error.body?.detail ?? error.message }) : error.status === 404 ? t('error.notFound') : error.body?.detail ?? error.message
    : t('error.generic', { reason: error.message });
  clear(container, h('h1', t('error.screen')), h('p.error-box', { role: 'alert' }, text), h('p', h('a', { href: homeFor() }, t('shell.home'))));
}

async function start() {
  translateShell();
  try {
    session.config = await (await fetch('/console/config.json')).json();
  } catch {
    session.config = { agency: null, oidc: null };
  }
  let oidcError = null;
  try {
    const token = await completeOidc();
    if (token) {
      setToken(token, 'oidc');
      if (!location.hash || location.hash === '#/signin') history.replaceState(null, '', takeReturn() ?? '#/');
    }
  } catch (error) {
    oidcError = error;
  }
  if (session.token) {
    try {
      session.principal = await api('/me');
      startSession();
    } catch (error) {
      clearSession();
      if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
        showBanner(t(error.status === 403 ? 'shell.signInAgainAgency' : 'shell.signInAgainText', { why: authText(error) }));
      } else {
        showBanner(t('shell.checkFailed', { reason: error.message }));
      }
    }
  }
  if (oidcError) showBanner(t('shell.signInFailed', { reason: oidcError.message }));
  window.addEventListener('hashchange', route);
  await route();
}

start();
